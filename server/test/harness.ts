import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { bootstrap } from '../bootstrap.ts';
import type { Database } from '../db/database.ts';
import { buildApp, type App } from '../http/app.ts';

/** Every storage test runs on the embedded PGlite, and on the PostgreSQL server when DATABASE_URL is set. */
export const backends: { name: 'pglite' | 'postgres'; url?: string }[] = [
  { name: 'pglite' },
  ...(process.env.DATABASE_URL ? [{ name: 'postgres' as const, url: process.env.DATABASE_URL }] : []),
];

export const ADMIN_PASSWORD = 'admin-pass-123';

/** A database of its own for one test file: in-memory PGlite, or a fresh database on the server. */
export async function freshDatabaseUrl(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `wetms_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: App;
  database: Database;
  db: Database['db'];
  adminToken: string;
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApp(backend: { url?: string },
  options: { loginRateLimit?: number; database?: string; twinDist?: string } = {}):
  Promise<TestApp> {
  const fresh = backend.url && !options.database ? await freshDatabaseUrl(backend.url) : undefined;
  const { database, jwtSecret } = await bootstrap({ databaseUrl: options.database ?? fresh?.url, dataDir: undefined,
    adminPassword: ADMIN_PASSWORD, jwtSecret: undefined });
  const app = await buildApp({ database, jwtSecret, loginRateLimit: options.loginRateLimit ?? 1000,
    twinDist: options.twinDist });
  await app.ready();
  const login = async (username: string, password: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`);
    return res.json().token as string;
  };
  const adminToken = await login('admin', ADMIN_PASSWORD);
  return {
    app, database, db: database.db, adminToken, login,
    close: async () => {
      await app.close();
      await database.close();
      await fresh?.drop();
    },
  };
}

/** Authorization header for inject(). */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Poll until `ok` holds (for what arrives asynchronously: streams, fleets, relays), or fail naming `what`. */
export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000, everyMs = 20) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
