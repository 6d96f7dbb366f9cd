import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { createUser, getUser, listUsers, setScopes, updateUser, type UserInput } from '../../domain/auth/users.ts';
import type { RouteDeps } from '../app.ts';
import { examples, withParamExamples } from '../examples.ts';
import { Page, User, UserRow } from '../responses.ts';
import { pageOfAll } from '../pagination.ts';
import { errors, IdParam, Pagination } from '../schemas.ts';

const Role = Type.Enum(['admin', 'manager', 'planner', 'operator', 'viewer']);
const Scope = Type.Object({
  warehouse: Type.String({ minLength: 1, description: 'warehouse code' }),
  zone: Type.Optional(Type.String({ minLength: 1, description: 'zone code; absent = the whole warehouse' })),
}, { additionalProperties: false });

export async function userRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const config = { permission: 'users:manage' as const };
  app.get('/users', { config, schema: { tags: ['users'], summary: 'List users',
    querystring: Type.Object({ ...Pagination }, { additionalProperties: false }), response: { 200: Page(UserRow) } } },
  async (request) => pageOfAll(request, await listUsers(db)));
  app.get('/users/:id', { config, schema: { tags: ['users'], params: withParamExamples(IdParam, { id: 2 }),
    response: { 200: User, ...errors(404) } } },
    async (request) => getUser(db, (request.params as { id: number }).id));
  app.post('/users', {
    config,
    schema: {
      tags: ['users'], summary: 'Create a user (operators need scopes: warehouses or zones they work in)',
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._@-]+$' }),
        displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        password: Type.String({ minLength: 8, maxLength: 200 }),
        role: Role,
        scopes: Type.Optional(Type.Array(Scope, { maxItems: 200 })),
      }, { additionalProperties: false, examples: [examples.createUser] }),
      response: { 201: User, ...errors(400, 404, 409) },
    },
  }, async (request, reply) => reply.code(201).send(await createUser(db, request.body as UserInput)));
  app.patch('/users/:id', {
    config,
    schema: {
      tags: ['users'], summary: 'Change role, name, password or deactivate', params: withParamExamples(IdParam, { id: 7 }),
      body: Type.Object({
        displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        role: Type.Optional(Role),
        active: Type.Optional(Type.Boolean()),
        password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
      }, { additionalProperties: false, examples: [examples.updateUser] }),
      response: { 200: User, ...errors(400, 404) },
    },
  }, async (request) => updateUser(db, (request.params as { id: number }).id, request.body as object));
  app.put('/users/:id/scopes', {
    config,
    schema: {
      tags: ['users'], summary: 'Replace the warehouses and zones a user may act in',
      params: withParamExamples(IdParam, { id: 7 }),
      body: Type.Object({ scopes: Type.Array(Scope, { maxItems: 200 }) }, { additionalProperties: false,
        examples: [examples.setScopes] }),
      response: { 200: User, ...errors(400, 404) },
    },
  }, async (request) => setScopes(db, (request.params as { id: number }).id,
    (request.body as { scopes: { warehouse: string; zone?: string }[] }).scopes));
}
