/**
 * npm run bench:live [-- --seconds N] [--rate N] [--clients N] [--agvs N] [--agv-clients N] [--json]
 *
 * On PostgreSQL (DATABASE_URL, a throwaway database), one server process with the relay and the Socket.IO
 * gateway, a client process and a writer process (both bench/live-clients.ts):
 * (a) commit -> client latency: `--rate` stock changes/s (default 1,000) posted through the service layer by
 *     the writer process while `--clients` (100) stream clients are subscribed; latency = a client's receipt time - the writer's
 *     commit time (its call returned), sampled every 5th change at every client; p50/p99 (target p99 < 50 ms);
 *     also timed from the movement's start, and on the server alone (movement start -> frame sent).
 * (b) AGV frames: `--agvs` (500) AGVs at 10 Hz as one binary frame per tick to `--agv-clients` (200)
 *     Socket.IO clients (volatile), then the same frames to the same number of raw `ws` clients: frames/s
 *     delivered, bytes/s, server CPU, and the ratio (target >= 0.8x raw ws).
 * --json prints every figure as one JSON object on the last line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ambientDemoLayout } from '../model/demo-layouts.ts';
import { encodeAgvFrame } from '../model/protocol/agv-frame.ts';
import { bootstrap } from '../server/bootstrap.ts';
import { postMovement, type Leg } from '../server/domain/inventory/post-movement.ts';
import { SYSTEM_ACTOR } from '../server/domain/auth/actor.ts';
import { createParty } from '../server/domain/masterdata/parties.ts';
import { createSku } from '../server/domain/masterdata/skus.ts';
import { createWarehouseFromLayout } from '../server/domain/masterdata/warehouses.ts';
import { buildApp } from '../server/http/app.ts';
import { startLive } from '../server/stream/live.ts';
import { createThrowaway, flagArg, machineInfo, numberArg, round, say, summarize } from './sys.ts';

const argv = process.argv.slice(2);
const opt = {
  json: flagArg(argv, 'json'),
  seconds: numberArg(argv, 'seconds', 10),
  rate: numberArg(argv, 'rate', 1000),
  clients: Math.round(numberArg(argv, 'clients', 100)),
  agvs: Math.round(numberArg(argv, 'agvs', 500)),
  agvClients: Math.round(numberArg(argv, 'agv-clients', 200)),
  writers: Math.round(numberArg(argv, 'writers', 24)),
};
const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request/answer over the child's IPC channel. */
function ask(child: ChildProcess, msg: object): Promise<any> {
  return new Promise((resolve, reject) => {
    const on = (m: any) => {
      child.off('message', on);
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    };
    child.on('message', on);
    child.send(msg);
  });
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main() {
  const tw = await createThrowaway(baseUrl, 'wetms_bench');
  const { database, jwtSecret } = await bootstrap({ databaseUrl: tw.url, dataDir: undefined, adminPassword: 'bench-admin-pw',
    jwtSecret: undefined });
  const db = database.db;
  let child: ChildProcess | null = null;
  let writer: ChildProcess | null = null;
  let live: Awaited<ReturnType<typeof startLive>> | null = null;
  const app = await buildApp({ database, jwtSecret });
  try {
    say(`setup on ${tw.name}: WH1, 50 SKUs with stock`);
    const wh = await createWarehouseFromLayout(db, ambientDemoLayout);
    await createParty(db, 'owners', { code: 'B', name: 'Bench' });
    const owner = await db.selectFrom('owners').select('id').executeTakeFirstOrThrow();
    const bins = await db.selectFrom('bins').select('id').where('warehouse_id', '=', wh.id).orderBy('id').limit(2000).execute();
    const keys: Omit<Leg, 'delta'>[] = [];
    for (let i = 1; i <= 50; i++) {
      const sku = await createSku(db, { code: `L-${i}`, name: `Live ${i}`, lengthM: 0.1, widthM: 0.1, heightM: 0.1, weightKg: 1 });
      for (let k = 0; k < 20; k++) {
        keys.push({ binId: bins[(i * 37 + k * 101) % bins.length]!.id, skuId: sku.id, lotId: null, ownerId: owner.id,
          status: 'available' });
      }
    }
    const unique = [...new Map(keys.map((k) => [`${k.binId}/${k.skuId}`, k])).values()];
    for (let i = 0; i < unique.length; i += 200) {
      await postMovement(db, SYSTEM_ACTOR, { type: 'receipt', warehouseId: wh.id, legs: unique.slice(i, i + 200)
        .map((k) => ({ ...k, delta: 1_000_000 })) });
    }
    live = await startLive(app, database, { databaseUrl: tw.url, fleet: false,
      gateway: { tickMs: numberArg(argv, 'tick-ms', 20) }, relay: { pollMs: numberArg(argv, 'poll-ms', 25) } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const token = (await app.inject({ method: 'POST', url: '/api/auth/login',
      payload: { username: 'admin', password: 'bench-admin-pw' } })).json().token as string;
    while (!live.isLeader()) await sleep(50);
    await live.relay.round();
    const script = new URL('./live-clients.ts', import.meta.url).pathname;
    child = fork(script, [], { execArgv: ['--import', 'tsx'] });
    writer = fork(script, [], { execArgv: ['--import', 'tsx'] });
    await Promise.all([child, writer].map((p) => new Promise((r) => p!.once('message', r))));

    // ---------------------------------------------------------------- (a) latency
    say(`(a) ${opt.clients} stream clients, ${opt.rate} changes/s for ${opt.seconds} s`);
    await ask(child, { cmd: 'stock', url, token, warehouse: wh.id, clients: opt.clients });
    await ask(child, { cmd: 'reset' });
    // Where the time goes: movement time -> the gateway's frame (server side) is timed here.
    const toFrame: number[] = [];
    const gateway = live.gateway as unknown as { flush: () => Promise<void>; pending: { at: string }[] };
    const flush = gateway.flush.bind(gateway);
    gateway.flush = async () => {
      const now = Date.now();
      for (const e of gateway.pending) toFrame.push(now - Date.parse(e.at));
      return flush();
    };
    const cpu0 = cpuMs();
    const { done, errors, seconds: loadSeconds, committed } = await ask(writer, { cmd: 'load', dbUrl: tw.url, rate: opt.rate,
      seconds: opt.seconds, warehouseId: wh.id, keys: unique, writers: opt.writers });
    const serverCpuA = (cpuMs() - cpu0) / 1000 / loadSeconds;
    await sleep(1000);
    const a = await ask(child, { cmd: 'report' });
    await ask(child, { cmd: 'close' });
    // Commit -> receipt: the writer's commit time (its call returned) against each client's receipt time.
    const commitOf = new Map<number, number>(committed as [number, number][]);
    const latency = summarize((a.samples as [number, number][]).filter(([s]) => commitOf.has(s))
      .map(([s, t]) => t - commitOf.get(s)!));
    const fromStart = summarize(a.latencies);
    const serverSide = summarize(toFrame);
    gateway.flush = flush;
    const expected = done * opt.clients;

    // ---------------------------------------------------------------- (b) AGV frames
    const frame = (tick: number) => encodeAgvFrame({ warehouseId: wh.id, tick, time: Date.now(),
      agvs: Array.from({ length: opt.agvs }, (_, k) => ({ index: k, x: (k % 50) * 2 + tick * 0.01, y: Math.floor(k / 50) * 3,
        heading: (tick % 63) / 10, speed: 1.2, state: 'moving' as const, battery: 0.8, taskId: k + 1 })) });
    const sample = frame(0);
    const broadcast = async (send: (buf: Uint8Array) => void) => {
      await ask(child!, { cmd: 'reset' });
      const start = performance.now();
      const c0 = cpuMs();
      let tick = 0;
      while (performance.now() - start < opt.seconds * 1000) {
        send(frame(tick++));
        const next = start + tick * 100;
        await sleep(Math.max(0, next - performance.now()));
      }
      const secs = (performance.now() - start) / 1000;
      const cpu = (cpuMs() - c0) / 1000 / secs;
      await sleep(500);
      const r = await ask(child!, { cmd: 'report' });
      return { ticks: tick, framesPerSec: round(r.frames / secs), bytesPerSec: Math.round(r.bytes / secs),
        expectedFramesPerSec: round((tick * opt.agvClients) / secs), serverCpuCores: round(cpu, 2) };
    };
    say(`(b) ${opt.agvs} AGVs at 10 Hz to ${opt.agvClients} Socket.IO clients, ${sample.byteLength} bytes/frame`);
    await ask(child, { cmd: 'agv-io', url, token, warehouse: wh.id, clients: opt.agvClients });
    const viaIo = await broadcast((buf) => live!.gateway.emitAgv(wh.id, buf));
    await ask(child, { cmd: 'close' });
    say(`(b) the same frames to ${opt.agvClients} raw ws clients`);
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    await ask(child, { cmd: 'agv-ws', url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, clients: opt.agvClients });
    const viaWs = await broadcast((buf) => { for (const c of wss.clients) c.send(buf); });
    await ask(child, { cmd: 'close' });
    await new Promise((r) => wss.close(r));

    const result = {
      machine: machineInfo(),
      latency: { clients: opt.clients, targetRate: opt.rate, achievedRate: round(done / loadSeconds), errors, ...latency,
        serverSide, fromMovementStart: fromStart, changesExpected: expected, changesReceived: a.records, serverCpuCores: round(serverCpuA, 2) },
      agv: { agvs: opt.agvs, clients: opt.agvClients, bytesPerFrame: sample.byteLength, socketIo: viaIo, ws: viaWs,
        ratio: round(viaIo.framesPerSec / Math.max(1, viaWs.framesPerSec), 2) },
    };
    console.log([
      `bench:live  ${new Date().toISOString()}  (${result.machine.cpus} CPUs ${result.machine.model}, Node ${result.machine.node})`,
      '',
      `(a) ${opt.clients} clients, ${result.latency.achievedRate} stock changes/s (target ${opt.rate}), ${errors} errors`,
      `    commit -> client latency: p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms `
        + `(target p99 < 50 ms: ${latency.p99Ms < 50 ? 'MET' : 'NOT MET'})`,
      `    (from the movement's start instead of its commit: p50 ${fromStart.p50Ms} ms, p99 ${fromStart.p99Ms} ms; `
        + `start -> frame sent, server side: p50 ${serverSide.p50Ms} ms, p99 ${serverSide.p99Ms} ms)`,
      `    changes received ${a.records} of ${expected} (every client, every change: coalesced records count each seq); `
        + `server process CPU ${result.latency.serverCpuCores} cores`,
      `(b) ${opt.agvs} AGVs x 10 Hz -> ${opt.agvClients} clients, ${sample.byteLength} bytes per frame`,
      `    Socket.IO: ${viaIo.framesPerSec} frames/s of ${viaIo.expectedFramesPerSec} sent, ${(viaIo.bytesPerSec / 1e6).toFixed(1)} MB/s, server CPU ${viaIo.serverCpuCores} cores`,
      `    raw ws:    ${viaWs.framesPerSec} frames/s of ${viaWs.expectedFramesPerSec} sent, ${(viaWs.bytesPerSec / 1e6).toFixed(1)} MB/s, server CPU ${viaWs.serverCpuCores} cores`,
      `    ratio Socket.IO / ws = ${result.agv.ratio}x (target >= 0.8x: ${result.agv.ratio >= 0.8 ? 'MET' : 'NOT MET'})`,
    ].join('\n'));
    if (opt.json) console.log(JSON.stringify(result));
  } finally {
    child?.kill();
    writer?.kill();
    await live?.close();
    await app.close();
    await database.close();
    await tw.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
