// Running pgbench (on PATH) against a database given by URL, and reading its summary.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgbenchResult {
  tps: number;
  latencyMs: number;
  transactions: number;
  failed: number;
  raw: string;
}

const running = new Set<ChildProcess>();

/** Stop the pgbench processes this module started (Ctrl-C). */
export function killPgbench() {
  for (const child of running) child.kill('SIGTERM');
}

/** -h -p -U options, the database name (given last on the command line) and PGPASSWORD. */
function connectionArgs(url: string): { args: string[]; db: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ['-h', u.hostname || '127.0.0.1', '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  return { args, db: decodeURIComponent(u.pathname.slice(1)), env };
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => {
      running.delete(child);
      reject(new Error(`cannot run pgbench: ${e.message}`));
    });
    child.on('close', (code) => {
      running.delete(child);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`pgbench ${args.join(' ')} exited with ${code}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

export async function pgbenchInit(url: string, scale: number): Promise<void> {
  const { args, db, env } = connectionArgs(url);
  await run(['-i', '-s', String(scale), '-q', ...args, db], env);
}

export interface PgbenchRun {
  clients: number;
  threads: number;
  seconds: number;
  /** Custom script text (-f); absent = the built-in TPC-B-like script. */
  script?: string;
  /** -D variables for the script. */
  vars?: Record<string, string | number>;
}

export async function pgbenchRun(url: string, o: PgbenchRun): Promise<PgbenchResult> {
  const { args, db, env } = connectionArgs(url);
  let dir: string | undefined;
  const extra: string[] = [];
  if (o.script) {
    dir = mkdtempSync(join(tmpdir(), 'wetms-pgbench-'));
    const file = join(dir, 'script.sql');
    writeFileSync(file, o.script);
    extra.push('-f', file);
  }
  for (const [k, v] of Object.entries(o.vars ?? {})) extra.push('-D', `${k}=${v}`);
  try {
    const { stdout } = await run(['-c', String(o.clients), '-j', String(o.threads), '-T', String(o.seconds),
      '-M', 'prepared', ...extra, ...args, db], env);
    return parsePgbench(stdout);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** pgbench 15 summary: "latency average = 2.345 ms", "tps = 1234.5 (without initial connection time)". */
export function parsePgbench(out: string): PgbenchResult {
  const tps = out.match(/^tps = ([\d.]+) \(without initial connection time\)/m)
    ?? out.match(/^tps = ([\d.]+) \(excluding connections establishing\)/m);
  const latency = out.match(/^latency average = ([\d.]+) ms/m);
  const tx = out.match(/^number of transactions actually processed: (\d+)/m);
  const failed = out.match(/^number of failed transactions: (\d+)/m);
  if (!tps || !latency) throw new Error(`cannot read pgbench output:\n${out}`);
  return { tps: Number(tps[1]), latencyMs: Number(latency[1]), transactions: Number(tx?.[1] ?? 0),
    failed: Number(failed?.[1] ?? 0), raw: out };
}

/** The database side of a move alone: wms_post_movement driven by pgbench (C client, prepared, 1 round trip). */
export const MOVE_FUNCTION_SCRIPT = `\\set r random(:stock_lo, :stock_hi)
\\set dst random(:bin_lo, :bin_hi)
select wms_post_movement(jsonb_build_object('type', 'move', 'warehouseId', cast(:wh as bigint),
  'userId', cast(:uid as bigint), 'device', 'pgbench', 'reason', 'bench move', 'legs', jsonb_build_array(
    jsonb_build_object('binId', sb.bin_id, 'skuId', sb.sku_id, 'lotId', null, 'ownerId', sb.owner_id,
      'status', sb.status, 'delta', -1, 'counterBinId', cast(:dst as bigint)),
    jsonb_build_object('binId', cast(:dst as bigint), 'skuId', sb.sku_id, 'lotId', null, 'ownerId', sb.owner_id,
      'status', sb.status, 'delta', 1, 'counterBinId', sb.bin_id))))
  from stock_balances sb where sb.id = cast(:r as bigint);
`;

/** -D variables for MOVE_FUNCTION_SCRIPT: stocked balance ids (1 unit is moved from one), bin ids, warehouse, user. */
export function moveScriptVars(fx: { stockIds: { lo: number; hi: number }; binIds: { lo: number; hi: number };
  warehouseId: number; actor: { userId: number } }) {
  return { stock_lo: fx.stockIds.lo, stock_hi: fx.stockIds.hi, bin_lo: fx.binIds.lo, bin_hi: fx.binIds.hi,
    wh: fx.warehouseId, uid: fx.actor.userId };
}
