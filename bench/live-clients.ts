/**
 * Child process of bench/live.ts: the clients, kept out of the server's process so that their CPU is not
 * counted as the server's (they still share the machine). Commands arrive over IPC:
 *   { cmd: 'stock', url, token, warehouse, clients }   StreamClients; latency = receipt time - movement time
 *   { cmd: 'agv-io', url, token, warehouse, clients }  Socket.IO clients counting binary AGV frames
 *   { cmd: 'agv-ws', url, clients }                   raw ws clients counting the same frames
 *   { cmd: 'load', dbUrl, rate, seconds, warehouseId, keys } stock changes through the service layer at a paced
 *        rate (a writer of its own, as other server processes or requests would be); answers when done
 *   { cmd: 'reset' } zeroes the counters; { cmd: 'report' } answers with them; { cmd: 'close' }.
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { openDatabase } from '../server/db/database.ts';
import { SYSTEM_ACTOR } from '../server/domain/auth/actor.ts';
import { postMovement, type Leg } from '../server/domain/inventory/post-movement.ts';
import { StreamClient } from '../twin/src/stream/client.ts';

const send = (msg: object) => process.send!(msg);
let latencies: number[] = [];
/** Receipt time of every 5th seq, per client: matched with the writer's commit times. */
let samples: [number, number][] = [];
let records = 0;
let frames = 0;
let bytes = 0;
const closers: (() => void)[] = [];

async function waitAll(done: () => number, n: number, what: string) {
  const end = Date.now() + 60_000;
  while (done() < n) {
    if (Date.now() > end) throw new Error(`only ${done()} of ${n} ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

process.on('message', async (m: any) => {
  try {
    if (m.cmd === 'stock') {
      const clients: StreamClient[] = [];
      for (let i = 0; i < m.clients; i++) {
        const c = new StreamClient({ url: m.url, token: m.token, warehouse: m.warehouse });
        c.onRecords((rs) => {
          const now = Date.now();
          for (const r of rs) {
            if (r.kind !== 'stock') continue;
            records += r.seqs.length;
            latencies.push(now - Date.parse(r.at));
            for (const s of r.seqs) if (s % 5 === 0) samples.push([s, now]);
          }
        });
        clients.push(c);
        closers.push(() => c.close());
      }
      await waitAll(() => clients.filter((c) => c.status === 'live').length, m.clients, 'stream clients live');
      send({ ready: true });
    } else if (m.cmd === 'agv-io') {
      const sockets: Socket[] = [];
      let joined = 0;
      for (let i = 0; i < m.clients; i++) {
        const s = io(m.url, { transports: ['websocket'], auth: { token: m.token } });
        s.on('connect', () => s.emit('subscribe', { warehouse: m.warehouse }, () => joined++));
        s.on('agv', (buf: ArrayBuffer) => { frames++; bytes += buf.byteLength; });
        sockets.push(s);
        closers.push(() => s.close());
      }
      await waitAll(() => joined, m.clients, 'socket.io clients subscribed');
      send({ ready: true });
    } else if (m.cmd === 'agv-ws') {
      let open = 0;
      for (let i = 0; i < m.clients; i++) {
        const ws = new WebSocket(m.url);
        ws.binaryType = 'arraybuffer';
        ws.on('open', () => open++);
        ws.on('message', (data: ArrayBuffer) => { frames++; bytes += data.byteLength; });
        closers.push(() => ws.close());
      }
      await waitAll(() => open, m.clients, 'ws clients open');
      send({ ready: true });
    } else if (m.cmd === 'load') {
      send(await load(m));
    } else if (m.cmd === 'reset') {
      latencies = [];
      samples = [];
      records = 0;
      frames = 0;
      bytes = 0;
      send({ reset: true });
    } else if (m.cmd === 'report') {
      send({ latencies, samples, records, frames, bytes });
    } else if (m.cmd === 'close') {
      for (const c of closers.splice(0)) c();
      send({ closed: true });
    }
  } catch (error) {
    send({ error: String((error as Error).message ?? error) });
  }
});
/** Paced stock changes (alternating +1/-1 on random balances), `writers` at a time, through postMovement. */
async function load(m: { dbUrl: string; rate: number; seconds: number; warehouseId: number; keys: Omit<Leg, 'delta'>[];
  writers: number }) {
  const database = await openDatabase({ databaseUrl: m.dbUrl, poolSize: m.writers });
  const total = Math.round(m.rate * m.seconds);
  let issued = 0;
  let done = 0;
  let errors = 0;
  const committed: [number, number][] = [];
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: m.writers }, async () => {
    for (;;) {
      const i = issued++;
      if (i >= total) return;
      const wait = t0 + (i / m.rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const key = m.keys[Math.floor(random() * m.keys.length)]!;
      try {
        const r = await postMovement(database.db, SYSTEM_ACTOR, { type: i % 2 ? 'adjust_loss' : 'adjust_gain',
          warehouseId: m.warehouseId, reason: 'live bench', legs: [{ ...key, delta: i % 2 ? -1 : 1 }] });
        if (r.seq % 5 === 0) committed.push([r.seq, Date.now()]);
        done++;
      } catch {
        errors++;
      }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  await database.close();
  return { done, errors, seconds, committed };
}

send({ started: true });
