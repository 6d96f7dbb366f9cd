import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../model/protocol/stream.ts';
import { StreamClient } from '../../twin/src/stream/client.ts';
import { freshDatabaseUrl, waitFor } from './harness.ts';

/**
 * Two real server processes on one PostgreSQL database, joined through the Redis on 127.0.0.1:6379:
 * a change committed through either reaches clients of both; one process runs the relay, and the
 * other takes over when it dies.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

function startServer(env: Record<string, string>): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, ...env, WETMS_DEMO: 'false', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      if (out.includes('WETMS ready')) {
        clearTimeout(timer);
        resolve({ proc, url: `http://127.0.0.1:${env.PORT}`, output: () => out });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}


describe.runIf(process.env.DATABASE_URL)('several server processes (PostgreSQL + Redis)', () => {
  const procs: ChildProcess[] = [];
  const clients: StreamClient[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const p of procs) p.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await drop?.();
  });

  it('shares rooms through Redis and hands the relay over when its process dies', async () => {
    const db = await freshDatabaseUrl(process.env.DATABASE_URL!);
    drop = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL, WETMS_ADMIN_PASSWORD: 'cluster-admin-pw', JWT_SECRET: 'cluster-secret-0123456789abcdef' };
    const a = await startServer({ ...env, PORT: String(await freePort()) });
    procs.push(a.proc);
    const b = await startServer({ ...env, PORT: String(await freePort()) });
    procs.push(b.proc);

    const call = async (base: string, method: string, path: string, body?: object, token?: string) => {
      const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const json = await res.json();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const { token } = await call(a.url, 'POST', '/api/auth/login', { username: 'admin', password: 'cluster-admin-pw' });
    const wh = await call(a.url, 'POST', '/api/warehouses', { code: 'C1', name: 'Cluster', zones: [{ code: 'S', name: 'S',
      kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 0 }, aisles: 1, racksPerAisle: 2, levels: 1, binsPerLevel: 2,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 100 } }] }, token);
    await call(a.url, 'POST', '/api/owners', { code: 'O1', name: 'Owner' }, token);
    await call(a.url, 'POST', '/api/skus', { code: 'K1', name: 'Thing', lengthM: 0.1, widthM: 0.1, heightM: 0.1, weightKg: 1 }, token);

    const listen = (url: string) => {
      const got: StreamRecord[] = [];
      const c = new StreamClient({ url, token, warehouse: wh.id, socket: { reconnectionDelay: 50 } });
      c.onRecords((r) => got.push(...r));
      clients.push(c);
      return { c, got };
    };
    const onA = listen(a.url);
    const onB = listen(b.url);
    await waitFor('both clients live', () => onA.c.status === 'live' && onB.c.status === 'live');

    // Committed through process B; the relay runs in process A (started first).
    const gain = (base: string, qty: number) => call(base, 'POST', '/api/inventory/adjustments',
      { bin: 'C1-A01-R01-L1-B01', sku: 'K1', owner: 'O1', qty, reason: 'cluster' }, token);
    const first = await gain(b.url, 3);
    await waitFor('the change on both processes', () => [onA, onB].every((x) => x.got.some((r) => r.seq === first.seq)));

    // The relay's process dies: the other takes the lease and the stream goes on.
    a.proc.kill('SIGKILL');
    const second = await gain(b.url, 4);
    await waitFor('the change after the takeover', () => onB.got.some((r) => r.seq === second.seq), 30_000);
    expect(onB.got.filter((r) => r.kind === 'stock').map((r) => (r as { qty: number }).qty)).toEqual([3, 7]);
  }, 120_000);
});
