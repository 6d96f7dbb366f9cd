import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { authenticate, getUser } from '../../domain/auth/users.ts';
import type { RouteDeps } from '../app.ts';
import { actorOf, claimsFor } from '../auth.ts';
import { errors } from '../schemas.ts';

export async function authRoutes(app: FastifyInstance, { db, loginRateLimit }: RouteDeps) {
  app.post('/auth/login', {
    config: { permission: 'public', rateLimit: { max: loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'], summary: 'Log in: returns a bearer token for HTTP and the live stream', security: [],
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 100 }),
        password: Type.String({ minLength: 1, maxLength: 200 }),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ token: Type.String(), user: Type.Object({ id: Type.Integer(), username: Type.String(),
          role: Type.String() }) }),
        ...errors(400, 401),
      },
    },
  }, async (request) => {
    const { username, password } = request.body as { username: string; password: string };
    const actor = await authenticate(db, username, password);
    const token = await (request.server as any).jwt.sign(claimsFor(actor));
    return { token, user: { id: actor.userId, username: actor.username, role: actor.role } };
  });

  app.get('/auth/me', {
    config: { permission: 'authenticated' },
    schema: { tags: ['auth'], summary: 'The logged-in user with role and scopes' },
  }, async (request) => getUser(db, actorOf(request).userId));
}
