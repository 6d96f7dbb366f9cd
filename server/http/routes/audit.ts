import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { RouteDeps } from '../app.ts';
import { withParamExamples } from '../examples.ts';
import { AuditRow, Page } from '../responses.ts';
import { pageRows } from '../../domain/paging.ts';
import { pageFrom } from '../pagination.ts';
import { Pagination } from '../schemas.ts';

export async function auditRoutes(app: FastifyInstance, { db }: RouteDeps) {
  app.get('/audit', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['audit'], summary: 'Audit log: who did what (stock changes are in the ledger)',
      querystring: withParamExamples(Type.Object({ user: Type.Optional(Type.String()),
        since: Type.Optional(Type.String({ format: 'date-time' })), ...Pagination }, { additionalProperties: false }),
      { limit: 5 }),
      response: { 200: Page(AuditRow) },
    },
  }, async (request) => {
    const q = request.query as { user?: string; since?: string };
    let query = db.selectFrom('audit_log as a').leftJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.id', 'a.at', 'u.username as user', 'a.action', 'a.target', 'a.status_code as status', 'a.details',
        'a.ip']);
    if (q.user) query = query.where('u.username', '=', q.user);
    if (q.since) query = query.where('a.at', '>=', new Date(q.since));
    return pageFrom(request, (window) => pageRows(db, query.orderBy('a.id', 'desc'), window));
  });
}
