import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../model/protocol/stream.ts';
import { StockState, StreamClient, type StreamStatus } from '../../twin/src/stream/client.ts';
import { startLive, type Live } from '../stream/live.ts';
import { backends, waitFor } from './harness.ts';
import { useFlowWorld } from './flow-fixtures.ts';


describe.each(backends)('live stream on $name', (backend) => {
  const w = useFlowWorld(backend);
  let live: Live;
  let url: string;
  const clients: StreamClient[] = [];
  const client = (token: string, extra: Partial<ConstructorParameters<typeof StreamClient>[0]> = {}) => {
    const c = new StreamClient({ url, token, warehouse: 'F1', socket: { reconnectionDelay: 20, reconnectionDelayMax: 50 },
      ...extra });
    clients.push(c);
    const got: StreamRecord[] = [];
    const statuses: StreamStatus[] = [];
    c.onRecords((r) => got.push(...r)).onStatus((s) => statuses.push(s));
    return { c, got, statuses };
  };
  const gain = (bin: string, sku: string, qty: number) => w.ok('POST', '/api/inventory/adjustments',
    { bin, sku, qty, owner: 'OWN1', reason: 'live test' });

  beforeAll(async () => {
    live = await startLive(w.t.app, w.t.database, { databaseUrl: backend.url ? w.t.database.location : undefined,
      relay: { pollMs: 10 }, gateway: { tickMs: 20 }, fleet: false });
    await w.t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(w.t.app.server.address() as AddressInfo).port}`;
    await waitFor('the relay lease', () => live.isLeader());
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await live?.close();
  });

  it('refuses a handshake without a valid token', async () => {
    const socket = io(url, { transports: ['websocket'], auth: { token: 'not-a-token' }, reconnection: false });
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    socket.close();
    expect(error.message).toMatch(/invalid or expired/);
  });

  it('delivers a committed stock change to a subscribed client, with its new quantity', async () => {
    const { c, got } = client(w.t.adminToken);
    await waitFor('live', () => c.status === 'live');
    const res = await gain(w.bins.STOR![0]!, 'BOX', 7);
    await waitFor('the change', () => got.some((r) => r.kind === 'stock' && r.seq === res.seq));
    const rec = got.find((r) => r.kind === 'stock' && r.seq === res.seq)!;
    expect(rec).toMatchObject({ kind: 'stock', delta: 7, qty: 7, movementType: 'adjust_gain' });
  });

  it('gives a zone-scoped operator only the changes of their zones, and refuses other warehouses', async () => {
    await w.ok('POST', '/api/users', { username: 'pickop', password: 'pickop-pass-1', role: 'operator',
      scopes: [{ warehouse: 'F1', zone: 'PICK' }] });
    const token = await w.t.login('pickop', 'pickop-pass-1');
    const { c, got } = client(token);
    await waitFor('live', () => c.status === 'live');
    const inStor = await gain(w.bins.STOR![1]!, 'BOX', 3);
    const inPick = await gain(w.bins.PICK![1]!, 'BOX', 4);
    await waitFor('positions past both changes', () => c.lastPos >= 0 && got.some((r) => r.seq === inPick.seq));
    await new Promise((r) => setTimeout(r, 100));
    expect(got.some((r) => r.seq === inStor.seq)).toBe(false);
    const other = await w.ok('POST', '/api/warehouses', { code: 'F9', name: 'Elsewhere', zones: [{ code: 'S', name: 'S',
      kind: 'storage', temperature: 'ambient', origin: { x: 0, y: 0 }, aisles: 1, racksPerAisle: 1, levels: 1, binsPerLevel: 1,
      bin: { width: 1, depth: 1, height: 1, maxWeightKg: 10 } }] });
    const refused = client(token, { warehouse: other.id });
    await waitFor('refusal', () => refused.c.status === 'refused');
  });

  it('a client that drops, misses changes and reconnects ends with exactly the server\'s state, nothing twice', async () => {
    const state = new StockState();
    const { c, got, statuses } = client(w.t.adminToken);
    c.onRecords((r) => state.apply(r));
    await waitFor('live', () => c.status === 'live');
    const first = await gain(w.bins.STOR![2]!, 'BOLT', 5);
    await waitFor('first change', () => got.some((r) => r.seq === first.seq));
    c.socket.io.engine.close(); // the network drops
    const missed = [];
    for (let i = 0; i < 6; i++) missed.push(await gain(w.bins.STOR![2 + (i % 3)]!, 'BOLT', i + 1));
    await w.ok('POST', '/api/inventory/moves', { fromBin: w.bins.STOR![2], toBin: w.bins.STOR![8], sku: 'BOLT', qty: 4 });
    await waitFor('resync', () => statuses.includes('resynced'), 8000);
    const last = await gain(w.bins.STOR![8]!, 'BOLT', 1);
    await waitFor('the change after the resync', () => got.some((r) => r.seq === last.seq));
    for (const m of missed) expect(got.some((r) => r.kind === 'stock' && r.seqs.includes(m.seq))).toBe(true);
    const seqs = got.flatMap((r) => (r.kind === 'stock' ? r.seqs : [r.seq]));
    // A record may carry a leg per bin (a move has two): count each (seq, bin) once.
    const keys = got.filter((r) => r.kind === 'stock').flatMap((r) => (r as any).seqs.map((s: number) => `${s}/${(r as any).binId}`));
    expect(new Set(keys).size).toBe(keys.length);
    expect(seqs.length).toBeGreaterThan(7);
    const db = await w.t.db.selectFrom('stock_balances as sb').innerJoin('skus as s', 's.id', 'sb.sku_id')
      .select(['sb.bin_id', 'sb.qty']).where('s.code', '=', 'BOLT').execute();
    const mine = [...state.balances.values()].filter((b) => db.some((d) => d.bin_id === b.binId));
    for (const d of db) {
      const seen = mine.find((b) => b.binId === d.bin_id);
      if (seen) expect(seen.qty).toBe(d.qty);
    }
    expect(mine.length).toBe(db.length);
  });

  it('tells a client that is too far behind to reload a snapshot', async () => {
    await live.relay.round();
    await w.t.db.deleteFrom('outbox').where('pos', '<=', 3).execute();
    const { c } = client(w.t.adminToken, { since: 0 });
    await waitFor('reload', () => c.status === 'reload');
  });
});
