import type { FastifyInstance } from 'fastify';
import { serverVersion } from '../../db/database.ts';
import { currentMigration, latestMigration } from '../../db/migrate.ts';
import { APP_VERSION } from '../../version.ts';
import type { RouteDeps } from '../app.ts';
import { HealthAnswer } from '../responses.ts';

export async function healthRoutes(app: FastifyInstance, { database }: RouteDeps) {
  app.get('/health', {
    config: { permission: 'public' },
    schema: {
      tags: ['system'], summary: 'Health: database backend, migration version, app version', security: [],
      response: { 200: HealthAnswer },
    },
  }, async () => ({
    status: 'ok',
    version: APP_VERSION,
    database: { backend: database.backend, server: await serverVersion(database.db),
      migration: await currentMigration(database.db), latestMigration, location: database.location },
  }));
}
