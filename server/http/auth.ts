import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Actor } from '../domain/auth/actor.ts';
import { PERMISSIONS, roleHas, type Permission } from '../domain/auth/permissions.ts';
import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import { tokenState } from '../domain/auth/users.ts';
import { forbidden, unauthorized } from '../domain/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route must name the permission it needs; the server refuses to start otherwise. */
    permission?: Permission;
    /** 'inline': the handler does idempotency itself (stock movements, in the same transaction). */
    idempotency?: 'inline';
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** Claims of the bearer token; the Socket.IO handshake verifies the same token. */
interface TokenClaims {
  sub: string;
  usr: string;
  role: Role;
  /** scope: null = everywhere, else warehouse ids and zone ids */
  sw: number[] | null;
  sz: number[] | null;
  /** users.token_version at login: a change of role, scopes, password or active flag revokes the token */
  ver: number;
}

export function claimsFor(actor: Actor): TokenClaims {
  return { sub: String(actor.userId), usr: actor.username, role: actor.role,
    sw: actor.scope ? [...actor.scope.warehouses] : null, sz: actor.scope ? [...actor.scope.zones] : null,
    ver: actor.tokenVersion ?? 0 };
}

function actorFromClaims(claims: TokenClaims, device?: string): Actor {
  return { userId: Number(claims.sub), username: claims.usr, role: claims.role, device,
    scope: claims.sw ? { warehouses: new Set(claims.sw), zones: new Set(claims.sz ?? []) } : null };
}

export interface RegisteredRoute { method: string; url: string; permission?: Permission }

async function authPlugin(app: FastifyInstance, opts: { secret: string; tokenTtl: string;
  routes: RegisteredRoute[]; db: Kysely<DB> }) {
  await app.register(fastifyJwt, { secret: opts.secret, sign: { expiresIn: opts.tokenTtl } });
  app.decorateRequest('actor', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, permission: 'public' };
    const permission = route.config?.permission;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) opts.routes.push({ method, url: route.url, permission });
    if (!permission || !PERMISSIONS.includes(permission)) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no permission`);
    }
  });

  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const permission = request.routeOptions.config?.permission;
    if (permission === 'public') return;
    // Default deny: the onRoute check makes this unreachable, but a route that slipped past it stays closed.
    if (!permission) throw forbidden('this route declares no permission');
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw unauthorized('log in first: send Authorization: Bearer <token>');
    let claims: TokenClaims;
    try {
      claims = await request.jwtVerify<TokenClaims>();
    } catch {
      throw unauthorized('the bearer token is invalid or expired; log in again');
    }
    const state = await tokenState(opts.db, Number(claims.sub));
    if (!state || !state.active || state.version !== (claims.ver ?? 0)) {
      throw unauthorized('your account changed (role, zones, password or deactivated); log in again');
    }
    const device = typeof request.headers['x-device-id'] === 'string' ? request.headers['x-device-id'] : undefined;
    request.actor = actorFromClaims(claims, device?.slice(0, 64));
    if (!roleHas(claims.role, permission)) {
      throw forbidden(`your role (${claims.role}) does not allow ${permission}`);
    }
  });
}

export const auth = fp(authPlugin, { name: 'wetms-auth' });

/**
 * The same checks as an HTTP request's, for a token that arrives another way (the Socket.IO handshake):
 * signature and expiry, then the account's current state. Throws DomainError 401.
 */
export async function verifyToken(app: FastifyInstance, db: Kysely<DB>, token: unknown): Promise<Actor> {
  if (typeof token !== 'string' || !token) throw unauthorized('log in first: send the bearer token in auth.token');
  let claims: TokenClaims;
  try {
    claims = app.jwt.verify<TokenClaims>(token);
  } catch {
    throw unauthorized('the bearer token is invalid or expired; log in again');
  }
  const state = await tokenState(db, Number(claims.sub));
  if (!state || !state.active || state.version !== (claims.ver ?? 0)) {
    throw unauthorized('your account changed (role, zones, password or deactivated); log in again');
  }
  return actorFromClaims(claims);
}

/** The acting user of an authenticated route (the onRequest hook guarantees it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized('log in first');
  return request.actor;
}
