import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { APP_VERSION } from '../version.ts';
import { audit } from './audit.ts';
import { fastifyLogOptions, logRequestsAtDebug, type LogSettings } from './logging.ts';
import { auth, type RegisteredRoute } from './auth.ts';
import { idempotency } from './idempotency.ts';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from './login-limiter.ts';
import { camelCaseResponses } from './camel-case.ts';
import { PROBLEM_KINDS, problem, sendProblem, toProblem } from './problem.ts';
import { validatorCompiler } from './validation.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { partyRoutes } from './routes/parties.ts';
import { skuRoutes } from './routes/skus.ts';
import { userRoutes } from './routes/users.ts';
import { warehouseRoutes } from './routes/warehouses.ts';
import { auditRoutes } from './routes/audit.ts';
import { twinRoutes } from './routes/twin.ts';
import { inboundRoutes } from './routes/inbound.ts';
import { outboundRoutes } from './routes/outbound.ts';
import { taskRoutes } from './routes/tasks.ts';
import { fleetRoutes } from './routes/fleet.ts';
import { countRoutes } from './routes/counts.ts';
import { replenishmentRoutes } from './routes/replenishment.ts';
import { snapshotRoutes } from './routes/snapshot.ts';
import { controlRoomRoutes } from './routes/control-room.ts';
import { eventRoutes } from './routes/events.ts';

export interface AppOptions {
  database: Database;
  jwtSecret: string;
  tokenTtl?: string;
  /** Off when left out (tests); `npm start` passes LOG_LEVEL and LOG_FORMAT. */
  logging?: LogSettings;
  /**
   * Failed logins per username before it is refused for a while (default 10 in 15 minutes); a client address
   * gets five times as many (one address is often a whole floor).
   */
  loginRateLimit?: number;
  /** Where the built control room app is (default twin/dist); tests serve a build of their own. */
  twinDist?: string;
}

export type App = FastifyInstance & { registeredRoutes: RegisteredRoute[] };

/** The conventions every route follows, for the top of the OpenAPI document. */
const API_DESCRIPTION = [
  'Warehouse electronic tracking and management. Log in with POST /api/auth/login and send the token as '
  + '`Authorization: Bearer <token>` (it expires at the `expiresAt` the login returns). Every mutating route '
  + 'accepts an `Idempotency-Key` header.',
  '**Names.** JSON keys are camelCase in requests and responses. A warehouse is named by its code everywhere '
  + '(`/api/warehouses/WH1`, `?warehouse=WH1`, `{ "warehouse": "WH1" }`); SKUs, bins, lots, owners by code too; '
  + 'documents and tasks by their numeric id.',
  '**Lists.** Every list answers one page: `{ items, total, limit, offset, next }` with `limit` (default 100, at '
  + 'most 1000) and `offset`; `next` is the URL of the following page, null on the last. The movement query '
  + 'and the change feed (`/api/movements`, `/api/events`) are read forward by cursor: `{ items, next }`.',
  '**Errors** are application/problem+json (RFC 9457): `type` is `https://wetms.dev/problems/<kind>`, `field` '
  + 'names the input at fault prefixed with where it came from (`body.qty`, `body.lines[2].sku`, `query.limit`, '
  + '`params.warehouse`, `headers.idempotency-key`). Kinds: '
  + Object.entries(PROBLEM_KINDS).map(([kind, { status, description }]) => `\`${kind}\` (${status}): ${description}`)
    .join('; ') + '.',
].join('\n\n');

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    ...(options.logging ? fastifyLogOptions(options.logging) : { logger: false }),
    bodyLimit: 2 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  if (options.logging?.format === 'pretty') logRequestsAtDebug(app);
  const routes: RegisteredRoute[] = [];
  const db = options.database.db;

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply,
    problem('not-found', `no route ${request.method} ${request.url.split('?')[0]}`, { instance: request.url })));
  camelCaseResponses(app);

  await app.register(helmet, {
    // Swagger UI needs inline styles; everything else keeps helmet's defaults except
    // upgrade-insecure-requests: a warehouse server is often reached over plain HTTP on the site's LAN
    // (http://10.x.x.x:3000), where that directive would send every script and API call to an https:// that
    // is not there. Behind a TLS proxy pages are https anyway.
    contentSecurityPolicy: { directives: { 'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null } },
  });
  app.decorate('fleet', { manager: null });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'WETMS API', version: APP_VERSION, description: API_DESCRIPTION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  // Auth before Swagger UI, so its onRoute check sees (and marks public) the docs routes too.
  await app.register(auth, { secret: options.jwtSecret, tokenTtl: options.tokenTtl ?? '12h', routes, db });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(idempotency, { db });
  await app.register(audit, { db });

  const perUser = options.loginRateLimit ?? DEFAULT_LOGIN_LIMITS.perUser;
  const loginLimiter = new LoginLimiter({ ...DEFAULT_LOGIN_LIMITS, perUser, perAddress: perUser * 5 });
  const deps = { db, database: options.database, loginLimiter };
  await app.register(async (api) => {
    await api.register(healthRoutes, deps);
    await api.register(authRoutes, deps);
    await api.register(userRoutes, deps);
    await api.register(warehouseRoutes, deps);
    await api.register(skuRoutes, deps);
    await api.register(partyRoutes, deps);
    await api.register(inventoryRoutes, deps);
    await api.register(auditRoutes, deps);
    await api.register(inboundRoutes, deps);
    await api.register(outboundRoutes, deps);
    await api.register(taskRoutes, deps);
    await api.register(fleetRoutes, deps);
    await api.register(countRoutes, deps);
    await api.register(replenishmentRoutes, deps);
    await api.register(snapshotRoutes, deps);
    await api.register(controlRoomRoutes, deps);
    await api.register(eventRoutes, deps);
    api.get('/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
  }, { prefix: '/api' });
  await app.register(twinRoutes, { dist: options.twinDist });

  return Object.assign(app, { registeredRoutes: routes }) as unknown as App;
}

export interface RouteDeps {
  db: Database['db'];
  database: Database;
  loginLimiter: LoginLimiter;
}
