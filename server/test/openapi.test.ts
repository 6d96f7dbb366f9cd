import { writeFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../bootstrap.ts';
import type { Database } from '../db/database.ts';
import { seedDemoIfEmpty } from '../demo/seed.ts';
import { FleetManager } from '../fleet/manager.ts';
import { LiveFleet } from '../fleet/live-fleet.ts';
import { buildApp, type App } from '../http/app.ts';
import { DEMO } from '../http/examples.ts';
import type { StreamGateway } from '../stream/gateway.ts';
import { ADMIN_PASSWORD, backends, bearer, freshDatabaseUrl } from './harness.ts';
import { EXAMPLE_RUN, type Ctx, type Step } from './openapi-steps.ts';

/**
 * The demo's default seed (what `npm start` seeds) at a small scale: same codes, fewer SKUs and orders.
 * OPENAPI_DEMO_SCALE=1 runs the examples on the full demo `npm start` seeds (slower).
 */
const SCALE = Number(process.env.OPENAPI_DEMO_SCALE ?? 0.02);
const PROBE = process.env.OPENAPI_PROBE; // a file to dump every answer into, while writing schemas

type Json = Record<string, any>;
interface OpenApiOperation { parameters?: Json[]; requestBody?: Json; responses: Record<string, Json> }

/** Every `METHOD /path` of the document with its operation. */
function operations(doc: Json): Map<string, OpenApiOperation> {
  const ops = new Map<string, OpenApiOperation>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) ops.set(`${method.toUpperCase()} ${path}`, op as OpenApiOperation);
  }
  return ops;
}

/** The documented success answer of an operation: its 2xx status codes and the JSON schema of each (null: no body). */
function successSchemas(op: OpenApiOperation): [string, Json | null][] {
  return Object.entries(op.responses).filter(([code]) => /^2\d\d$/.test(code)).map(([code, r]) => {
    const content = r.content as Json | undefined;
    const json = content && Object.entries<Json>(content).find(([type]) => type.includes('json'))?.[1];
    return [code, json?.schema ?? null];
  });
}

const exampleOf = (x: Json | undefined): unknown => x?.example ?? (x?.examples ? Object.values<Json>(x.examples)[0]?.value : undefined);

/**
 * A copy of a response schema where every object lists all its properties (additionalProperties: false unless the
 * schema allows more on purpose): Fastify's serializer silently drops what a schema does not list, so a property the
 * handler returns but the schema forgets must fail here, not vanish in production.
 */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === 'properties' || k === 'patternProperties'
      ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, strict(s)]))
      : k === 'example' || k === 'examples' || k === 'enum' || k === 'const' || k === 'default' ? v : strict(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** JSON with object keys sorted: the serializer writes properties in schema order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

function gateway(): StreamGateway {
  return { isClustered: false, emitAgv: () => {}, io: { on: () => {} } } as unknown as StreamGateway;
}

describe.each(backends)('OpenAPI document on $name', (backend) => {
  let database: Database;
  let app: App;
  let drop: (() => Promise<void>) | undefined;
  let doc: Json;
  let fleet: FleetManager;
  const tokens = new Map<string, string>();
  /** What the last handler returned, before its response schema serialized it (the examples run one at a time). */
  let raw: unknown;

  beforeAll(async () => {
    const fresh = backend.url ? await freshDatabaseUrl(backend.url) : undefined;
    drop = fresh?.drop;
    const boot = await bootstrap({ databaseUrl: fresh?.url, dataDir: undefined, adminPassword: ADMIN_PASSWORD,
      jwtSecret: undefined });
    database = boot.database;
    await seedDemoIfEmpty(database.db, { scale: SCALE });
    app = await buildApp({ database: boot.database, jwtSecret: boot.jwtSecret, loginRateLimit: 1000 });
    app.addHook('preSerialization', async (request, _reply, payload) => {
      raw = JSON.parse(JSON.stringify(payload));
      return payload;
    });
    await app.ready();
    // The live fleet, built but not started: its AGVs stand still and claim nothing while the examples run.
    fleet = new FleetManager(database.db, gateway());
    const wh = await database.db.selectFrom('warehouses').select('id').where('code', '=', DEMO.warehouse)
      .executeTakeFirstOrThrow();
    fleet.fleets.set(wh.id, await LiveFleet.create(database.db, wh.id, () => {}, { agvs: 3, seed: 1 }));
    app.fleet.manager = fleet;
    doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const [user, password] of [['admin', ADMIN_PASSWORD], ['manager', 'demo1234'], ['operator1', 'demo1234']]) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password } });
      expect(res.statusCode, res.body).toBe(200);
      tokens.set(user!, res.json().token);
    }
  }, 300_000);

  afterAll(async () => {
    fleet?.stop();
    await app?.close();
    await database?.close();
    await drop?.();
  });

  it('documents a success response schema for every operation', () => {
    const missing = [...operations(doc)].filter(([, op]) => {
      const ok = successSchemas(op);
      return !ok.length || ok.some(([code, schema]) => code !== '204' && !schema);
    }).map(([key]) => key);
    expect(missing).toEqual([]);
  });

  it('catches a schema that forgets a property the handler returns', async () => {
    const health = successSchemas(operations(doc).get('GET /api/health')!)[0]![1]!;
    const forgetful = structuredClone(health);
    delete forgetful.properties.version;
    forgetful.required = forgetful.required.filter((p: string) => p !== 'version');
    const answer = (await app.inject({ method: 'GET', url: '/api/health' })).json();
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    expect(ajv.validate(strict(health) as object, answer)).toBe(true);
    expect(ajv.validate(strict(forgetful) as object, answer)).toBe(false);
    expect(ajv.errors).toEqual([expect.objectContaining({ keyword: 'additionalProperties',
      params: { additionalProperty: 'version' } })]);
  });

  it('documents response examples that match their schemas', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const wrong: string[] = [];
    let examples = 0;
    for (const [key, op] of operations(doc)) {
      for (const [code, r] of Object.entries(op.responses).filter(([c]) => /^2/.test(c))) {
        const media = (r.content as Json | undefined)?.['application/json'];
        const example = exampleOf(media);
        if (example === undefined) continue;
        examples++;
        if (!ajv.validate(strict(media!.schema) as object, example)) wrong.push(`${key} ${code}: ${ajv.errorsText()}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(examples).toBeGreaterThan(0);
  });

  it('has the demo values the examples use', async () => {
    const db = database.db;
    for (const code of [DEMO.storageBin, DEMO.pickBin, DEMO.shelf]) {
      expect(await db.selectFrom('bins').select('id').where('code', '=', code).executeTakeFirst(), code).toBeDefined();
    }
    for (const code of [DEMO.sku, DEMO.lotSku]) {
      expect(await db.selectFrom('skus').select('id').where('code', '=', code).executeTakeFirst(), code).toBeDefined();
    }
    expect(await db.selectFrom('owners').select('id').where('code', '=', DEMO.owner).executeTakeFirst()).toBeDefined();
    expect(await db.selectFrom('customers').select('id').where('code', '=', DEMO.customer).executeTakeFirst()).toBeDefined();
    const supplier = await db.selectFrom('suppliers').select('requires_qc').where('code', '=', DEMO.qcSupplier)
      .executeTakeFirstOrThrow();
    expect(supplier.requires_qc).toBe(true);
  });

  it('runs every example against the demo; each answers 2xx with the documented response', async () => {
    const ops = operations(doc);
    const ran = new Set(EXAMPLE_RUN.map((s) => s.op));
    const failures: string[] = [];
    const unrun = [...ops.keys()].filter((k) => !ran.has(k));
    const unknown = [...ran].filter((k) => !ops.has(k));
    if (unrun.length) failures.push(`operations without a step: ${unrun.join(', ')}`);
    if (unknown.length) failures.push(`steps of no operation: ${unknown.join(', ')}`);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validators = new Map<string, ValidateFunction>();
    const ctx: Ctx = { db: database.db, ids: {}, sql, api: async (method, url, body) => {
      const res = await app.inject({ method: method as 'GET', url, headers: bearer(tokens.get('admin')!),
        ...(body ? { payload: body } : {}) });
      return { status: res.statusCode, body: res.json() };
    } };
    const dump: Json = {};
    for (const step of EXAMPLE_RUN) {
      const op = ops.get(step.op);
      if (!op) continue;
      const [method, path] = step.op.split(' ') as [string, string];
      const { url, body, problems } = await request(step, op, path, ctx);
      failures.push(...problems.map((p) => `${step.op}: ${p}`));
      raw = undefined;
      const res = await app.inject({ method: method as 'GET', url, headers: bearer(tokens.get(step.as ?? 'admin')!),
        ...(body !== undefined ? { payload: body as object } : {}) });
      const parsed = res.body && res.headers['content-type']?.toString().includes('json') ? res.json() : undefined;
      if (res.statusCode < 200 || res.statusCode > 299) {
        failures.push(`${step.op} (${url}) answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        continue;
      }
      const got = raw ?? parsed;
      if (PROBE) dump[step.op] = got;
      const schema = successSchemas(op).find(([code]) => code === String(res.statusCode))?.[1];
      if (res.statusCode === 204) {
        if (res.body !== '') failures.push(`${step.op}: 204 with a body`);
      } else if (!schema) {
        failures.push(`${step.op}: answered ${res.statusCode}, which the document does not describe`);
      } else {
        let validate = validators.get(`${step.op} ${res.statusCode}`);
        if (!validate) {
          validate = ajv.compile(strict(schema) as object);
          validators.set(`${step.op} ${res.statusCode}`, validate);
        }
        if (!validate(got)) {
          const errs = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${
            e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
          failures.push(`${step.op}: the answer does not match its schema: ${[...new Set(errs)].slice(0, 8).join('; ')}`);
        }
        // Nothing the handler returned may be dropped or changed on the way out.
        if (parsed !== undefined && canonical(parsed) !== canonical(got)) {
          failures.push(`${step.op}: the serialized answer differs from what the handler returned`);
        }
      }
      await step.after?.(parsed ?? got, ctx);
    }
    if (PROBE) writeFileSync(PROBE, JSON.stringify(dump, null, 1));
    expect(failures).toEqual([]);
  }, 300_000);

  /** The request an operation's documented examples make; ids only known at run time come from `step.bind`. */
  async function request(step: Step, op: OpenApiOperation, path: string, ctx: Ctx) {
    const problems: string[] = [];
    const bound = (await step.bind?.(ctx)) ?? {};
    const query = new URLSearchParams();
    let url = path;
    for (const p of op.parameters ?? []) {
      if (p.in !== 'path' && p.in !== 'query') continue;
      const documented = exampleOf(p);
      const declared = p.in === 'path' ? step.params?.[p.name] : step.query?.[p.name];
      if (!PROBE && documented === undefined && (p.in === 'path' || p.required || declared !== undefined)) {
        problems.push(`${p.in} parameter ${p.name} has no example`);
      }
      if (!PROBE && declared !== undefined && documented !== undefined && String(documented) !== String(declared)) {
        problems.push(`${p.in} parameter ${p.name}: the step runs ${declared}, the document shows ${documented}`);
      }
      const value = bound[p.name] ?? declared ?? documented;
      if (value === undefined) continue;
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(value)));
      else query.set(p.name, String(value));
    }
    const media = op.requestBody?.content?.['application/json'];
    const documentedBody = exampleOf(media) as Json | undefined;
    const boundBody = (await step.bindBody?.(ctx)) ?? {};
    const unbound = (b: unknown) => JSON.stringify(b && typeof b === 'object'
      ? Object.fromEntries(Object.entries(b).filter(([k]) => !(k in boundBody))) : b);
    if (!PROBE && media && documentedBody === undefined && step.body !== undefined) problems.push('no body example');
    if (!PROBE && step.body !== undefined && documentedBody !== undefined && unbound(documentedBody) !== unbound(step.body)) {
      problems.push(`body: the step runs ${JSON.stringify(step.body)}, the document shows ${JSON.stringify(documentedBody)}`);
    }
    const given = step.body ?? documentedBody;
    const body = step.bindBody ? { ...(given as object), ...boundBody } : given;
    return { url: query.size ? `${url}?${query}` : url, body, problems };
  }
});
