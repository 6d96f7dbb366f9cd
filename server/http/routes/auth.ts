import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { authenticate, getUser } from '../../domain/auth/users.ts';
import { DomainError } from '../../domain/errors.ts';
import type { RouteDeps } from '../app.ts';
import { actorOf, claimsFor } from '../auth.ts';
import { examples } from '../examples.ts';
import { LoginAnswer, User } from '../responses.ts';
import { errors } from '../schemas.ts';

export async function authRoutes(app: FastifyInstance, { db, loginLimiter }: RouteDeps) {
  app.post('/auth/login', {
    config: { permission: 'public' },
    schema: {
      tags: ['auth'], summary: 'Log in: returns a bearer token for HTTP and the live stream', security: [],
      description: 'The token expires at expiresAt (expiresIn seconds from now): log in again then. Failed '
        + `attempts are limited per username (${loginLimiter.limits.perUser}) and per client address `
        + `(${loginLimiter.limits.perAddress}) within ${loginLimiter.limits.windowMs / 60_000} minutes; past that, `
        + 'attempts get 429 with Retry-After. Successful logins are never counted.',
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 100 }),
        password: Type.String({ minLength: 1, maxLength: 200 }),
      }, { additionalProperties: false, examples: [examples.login] }),
      response: {
        200: LoginAnswer,
        ...errors(400, 401, 429),
      },
    },
  }, async (request, reply) => {
    const { username, password } = request.body as { username: string; password: string };
    const wait = loginLimiter.retryAfter(username, request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new DomainError(429, 'Too many requests', `too many failed logins: try again in ${wait} s`, undefined,
        { retryAfter: wait }, 'rate-limited');
    }
    const actor = await authenticate(db, username, password).catch((error: unknown) => {
      if (error instanceof DomainError && error.status === 401) loginLimiter.failed(username, request.ip);
      throw error;
    });
    loginLimiter.succeeded(username);
    const token: string = await (request.server as any).jwt.sign(claimsFor(actor));
    const { exp } = (request.server as any).jwt.decode(token) as { exp: number };
    return { token, expiresAt: new Date(exp * 1000).toISOString(), expiresIn: Math.max(0, exp - Math.floor(Date.now() / 1000)),
      user: { id: actor.userId, username: actor.username, role: actor.role } };
  });

  app.get('/auth/me', {
    config: { permission: 'authenticated' },
    schema: { tags: ['auth'], summary: 'The logged-in user with role and scopes', response: { 200: User } },
  }, async (request) => getUser(db, actorOf(request).userId));
}
