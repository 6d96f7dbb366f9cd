// Small helpers for the benchmarks: arguments, machine facts, CPU accounting, percentiles,
// progress on stderr and throwaway databases on a PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';

// ------------------------------------------------------------------ arguments

export function numberArg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number, got ${raw}`);
  return value;
}

export const flagArg = (argv: string[], name: string) => argv.includes(`--${name}`);

// ------------------------------------------------------------------ machine

export interface Machine { cpus: number; model: string; memGb: number; node: string; kernel: string }

export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism?.() ?? cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    memGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: os.release(),
  };
}

// ------------------------------------------------------------------ CPU accounting (Linux /proc)

const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface CpuSnapshot {
  at: number;
  /** All CPUs, milliseconds. */
  machineBusyMs: number;
  machineTotalMs: number;
  /** This Node process (user + system), milliseconds. */
  nodeMs: number;
  /** Every process named postgres (server processes of all databases, ended backends included), milliseconds. */
  postgresMs: number;
}

function readMachine(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return { busy: 0, total: 0 };
  }
}

function readPostgresMs(): number {
  let ticks = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      if (comm !== 'postgres') continue;
      const rest = stat.slice(close + 2).split(' ');
      // utime, stime, cutime, cstime (fields 14..17): the postmaster's cutime/cstime hold the CPU time of
      // backends that have ended (pgbench's sessions end before the closing snapshot).
      ticks += Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * TICK_MS;
}

export function cpuSnapshot(): CpuSnapshot {
  const m = readMachine();
  const u = process.cpuUsage();
  return { at: performance.now(), machineBusyMs: m.busy, machineTotalMs: m.total, nodeMs: (u.user + u.system) / 1000,
    postgresMs: readPostgresMs() };
}

export interface CpuUse {
  /** Share of all CPUs that was busy, 0..1. */
  machineBusy: number;
  /** CPU time used, in cores (1.0 = one core fully busy), over the window. */
  nodeCores: number;
  postgresCores: number;
  /** Busy time not accounted to this Node process or to postgres (pgbench, other work on the machine). */
  otherCores: number;
}

export function cpuUse(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const wall = Math.max(1, b.at - a.at);
  const total = Math.max(1, b.machineTotalMs - a.machineTotalMs);
  const busy = b.machineBusyMs - a.machineBusyMs;
  const cores = (ms: number) => round(ms / wall, 2);
  const node = b.nodeMs - a.nodeMs;
  const postgres = b.postgresMs - a.postgresMs;
  return {
    machineBusy: round(busy / total, 3),
    nodeCores: cores(node),
    postgresCores: cores(postgres),
    otherCores: cores(Math.max(0, busy - node - postgres)),
  };
}

// ------------------------------------------------------------------ statistics

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(latencies: number[]) {
  const sorted = Float64Array.from(latencies).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    meanMs: round(mean, 2),
    p50Ms: round(percentile(sorted, 50), 2),
    p95Ms: round(percentile(sorted, 95), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    maxMs: round(sorted.length ? sorted[sorted.length - 1]! : NaN, 2),
  };
}

export { rng } from './rng.ts';

// ------------------------------------------------------------------ progress (stderr only)

export const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Calls render() every second while running; a live line on a terminal, a line every 5 s otherwise. */
export function ticker(render: () => string): () => void {
  const tty = process.stderr.isTTY;
  let n = 0;
  const timer = setInterval(() => {
    n++;
    if (tty) process.stderr.write(`\r\x1b[2K[bench]   ${render()}`);
    else if (n % 5 === 0) say(`  ${render()}`);
  }, 1000);
  return () => {
    clearInterval(timer);
    if (tty) process.stderr.write('\r\x1b[2K');
  };
}

export function bar(done: number, total: number, width = 24): string {
  const f = Math.max(0, Math.min(1, done / total));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

// ------------------------------------------------------------------ throwaway databases

export interface Throwaway { name: string; url: string; drop(): Promise<void> }

/** A fresh database on the server of `url`; drop() removes it (with force: open sessions are ended). */
export async function createThrowaway(url: string, prefix: string): Promise<Throwaway> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(url, `create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: target.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // Let closing pools finish their goodbyes first: a session ended by force while its client is
      // still ending makes node-postgres emit an 'error' on the pool.
      for (let i = 0; i < 20; i++) {
        const { rows } = await adminQuery(url, `select count(*)::int as n from pg_stat_activity where datname = '${name}'`);
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await adminQuery(url, `drop database if exists ${name} with (force)`);
    },
  };
}

export async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------ server-side function statistics

export interface FunctionStats { calls: number; totalMs: number; selfMs: number }

/** A stock function's call count and time (needs track_functions = 'all' on the database). */
export async function functionStats(url: string, fn = 'wms_post_movement'): Promise<FunctionStats> {
  const { rows } = await adminQuery(url, `select coalesce(sum(calls), 0)::float8 as calls,
    coalesce(sum(total_time), 0)::float8 as total, coalesce(sum(self_time), 0)::float8 as self
    from pg_stat_user_functions where funcname = '${fn}'`);
  return { calls: rows[0].calls, totalMs: rows[0].total, selfMs: rows[0].self };
}

export function perCall(a: FunctionStats, b: FunctionStats) {
  const calls = b.calls - a.calls;
  return { calls, meanMs: calls > 0 ? round((b.totalMs - a.totalMs) / calls, 3) : null };
}

// ------------------------------------------------------------------ WAL volume and wait events

export interface WalStats { records: number; fpi: number; bytes: number }

/** Cluster-wide WAL counters (pg_stat_wal, PostgreSQL 14+): other databases on the server add to them. */
export async function walStats(url: string): Promise<WalStats> {
  const { rows } = await adminQuery(url, `select wal_records::float8 as records, wal_fpi::float8 as fpi,
    wal_bytes::float8 as bytes from pg_stat_wal`);
  return { records: rows[0].records, fpi: rows[0].fpi, bytes: rows[0].bytes };
}

export function walPerOp(a: WalStats, b: WalStats, ops: number) {
  if (ops <= 0) return null;
  return { records: round((b.records - a.records) / ops, 1), fullPageImages: round((b.fpi - a.fpi) / ops, 2),
    bytes: Math.round((b.bytes - a.bytes) / ops) };
}

/**
 * Samples pg_stat_activity of one database every 100 ms: what its active sessions are doing. An active
 * session without a wait event is running (or waiting for a CPU); the others name what they wait for.
 */
export class WaitSampler {
  private readonly client: pg.Client;
  private timer?: NodeJS.Timeout;
  private busy = false;
  private samples = 0;
  private active = 0;
  private readonly counts = new Map<string, number>();

  constructor(url: string, private readonly datname: string) {
    this.client = new pg.Client({ connectionString: url });
  }

  async start() {
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), 100);
  }

  private async sample() {
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query(`select coalesce(wait_event_type || ':' || wait_event, 'CPU') as w,
        count(*)::int as n from pg_stat_activity
        where datname = $1 and state = 'active' and pid <> pg_backend_pid() group by 1`, [this.datname]);
      this.samples++;
      for (const r of rows) {
        this.active += r.n;
        this.counts.set(r.w, (this.counts.get(r.w) ?? 0) + r.n);
      }
    } catch {
      // the database is going away
    } finally {
      this.busy = false;
    }
  }

  async stop() {
    clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    await this.client.end().catch(() => {});
    const total = Math.max(1, this.active);
    return {
      samples: this.samples,
      meanActiveSessions: round(this.active / Math.max(1, this.samples), 2),
      share: Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]).slice(0, 8)
        .map(([w, n]) => [w, round(n / total, 3)])),
    };
  }
}
