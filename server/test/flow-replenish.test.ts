import { describe, expect, it } from 'vitest';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { backends, bearer } from './harness.ts';
import { eventsSince, isoDateIn, lastSeq, stockOf, useFlowWorld } from './flow-fixtures.ts';

/**
 * Pick-face replenishment end to end: min/max per face, a run creating tasks from storage (FIFO, FEFO),
 * no duplicate task for a face already being replenished, an alert when there is no source, and the
 * confirmation by scan moving the stock.
 */
describe.each(backends)('replenishment flow on $name', (backend) => {
  const w = useFlowWorld(backend);
  const S = (i: number) => w.bins.STOR![i]!;
  const P = (i: number) => w.bins.PICK![i]!;

  const gain = (bin: string, sku: string, qty: number, lot?: string, lotExpiry?: string) =>
    w.ok('POST', '/api/inventory/adjustments', { bin, sku, qty, owner: 'OWN1', reason: 'opening stock',
      ...(lot ? { lot, lotExpiry } : {}) });
  const put = async (payload: object) => {
    const res = await w.t.app.inject({ method: 'PUT', url: '/api/pick-faces', payload, headers: bearer(w.t.adminToken) });
    return { status: res.statusCode, body: res.json() };
  };
  const qtyIn = async (bin: string, sku: string) =>
    (await stockOf(w.t, sku)).filter((s) => s.bin === bin).reduce((a, s) => a + Number(s.qty), 0);
  let operator: string;

  it('stocks storage and the BOX face, sets min/max per face', async () => {
    await gain(S(0), 'BOX', 30);
    await gain(S(3), 'BOX', 40);
    await gain(P(0), 'BOX', 5);
    await gain(S(1), 'MILK', 20, 'LATE', isoDateIn(28));
    await gain(S(2), 'MILK', 20, 'EARLY', isoDateIn(12));
    await w.ok('POST', '/api/users', { username: 'filler', password: 'operator-password-1', role: 'operator',
      scopes: [{ warehouse: 'F1' }] });
    operator = await w.t.login('filler', 'operator-password-1');

    expect(await put({ bin: P(0), sku: 'BOX', min: 10, max: 50 })).toMatchObject({ status: 200,
      body: { bin: P(0), sku: 'BOX', min: 10, max: 50 } });
    expect(await put({ bin: P(0), sku: 'BOX', min: 10, max: 40 })).toMatchObject({ status: 200, body: { max: 40 } });
    expect(await put({ bin: P(1), sku: 'MILK', min: 5, max: 15 })).toMatchObject({ status: 200 });
    expect(await put({ bin: P(2), sku: 'BOLT', min: 1, max: 10 })).toMatchObject({ status: 200 });
    const storage = await put({ bin: S(0), sku: 'BOX', min: 1, max: 10 });
    expect(storage).toMatchObject({ status: 400, body: { field: 'body.bin' } });
    const faces = (await w.ok('GET', '/api/pick-faces?warehouse=F1')).items;
    expect(faces.map((f: any) => [f.bin, f.sku, f.qty, f.free, f.belowMin, f.openTask])).toEqual([
      [P(0), 'BOX', 5, 5, true, null], [P(1), 'MILK', 0, 0, true, null], [P(2), 'BOLT', 0, 0, true, null]]);
  });

  let created: any[];
  it('a run creates tasks from storage up to max (FIFO for BOX, FEFO for MILK) and alerts where there is no source', async () => {
    const seq = await lastSeq(w.t);
    const run = await w.ok('POST', '/api/replenishment/run', { warehouse: 'F1' });
    created = run.created;
    expect(created.map((c: any) => [c.face, c.sku, c.from, c.lot, c.qty])).toEqual([
      [P(0), 'BOX', S(0), null, 30], [P(0), 'BOX', S(3), null, 5], [P(1), 'MILK', S(2), 'EARLY', 15]]);
    expect(run.alerts).toEqual([{ face: P(2), sku: 'BOLT', free: 0, min: 1 }]);
    const events = await eventsSince(w.t, seq);
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.created', 'task.created', 'alert']);
    expect(events[3]!.payload).toMatchObject({ kind: 'stock_below_min', bin: P(2), sku: 'BOLT' });
    const task = await w.ok('GET', `/api/tasks/${created[0].taskId}`, undefined, operator);
    expect(task).toMatchObject({ type: 'replenish', status: 'open', sourceBin: S(0), targetBin: P(0), sku: 'BOX',
      qty: 30, refType: 'pick_face' });
    // Nothing moved yet.
    expect(await qtyIn(P(0), 'BOX')).toBe(5);
  });

  it('no duplicate: a face with an open replenish task is left alone', async () => {
    const run = await w.ok('POST', '/api/replenishment/run', { warehouse: 'F1' });
    expect(run.created).toEqual([]);
    expect(run.skipped.map((s: any) => [s.face, s.sku])).toEqual([[P(0), 'BOX'], [P(1), 'MILK']]);
    expect(run.skipped[0].reason).toContain(`task ${created[0].taskId}`);
    const open = await w.t.db.selectFrom('tasks').select('id').where('type', '=', 'replenish').execute();
    expect(open).toHaveLength(3);
  });

  it('confirms by scanning the face: the stock moves from storage, the face is refilled', async () => {
    const [first, second, milk] = created;
    const wrong = await w.api('POST', `/api/tasks/${first.taskId}/replenish`, { bin: P(1) }, operator);
    expect(wrong.status).toBe(422);
    expect(wrong.body.field).toBe('body.bin');
    const tooMuch = await w.api('POST', `/api/tasks/${second.taskId}/replenish`, { bin: P(0), qty: 6 }, operator);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.field).toBe('body.qty');

    const seq = await lastSeq(w.t);
    const r = await w.ok('POST', `/api/tasks/${first.taskId}/replenish`, { bin: P(0) }, operator);
    expect(r).toMatchObject({ status: 'done', moved: 30, from: S(0), to: P(0), sku: 'BOX' });
    expect((await eventsSince(w.t, seq)).map((e) => e.type)).toEqual(['stock.changed', 'task.updated']);
    const legs = await w.t.db.selectFrom('ledger_entries').innerJoin('bins', 'bins.id', 'ledger_entries.bin_id')
      .select(['ledger_entries.type', 'bins.code', 'ledger_entries.qty_delta'])
      .where('ledger_entries.movement_id', '=', r.movementId).orderBy('ledger_entries.id').execute();
    expect(legs.map((l) => [l.type, l.code, l.qty_delta]).sort()).toEqual([['move', P(0), 30], ['move', S(0), -30]].sort());

    expect(await w.ok('POST', `/api/tasks/${second.taskId}/replenish`, { bin: P(0), qty: 2 }, operator))
      .toMatchObject({ status: 'in_progress', moved: 2 });
    expect(await w.ok('POST', `/api/tasks/${second.taskId}/replenish`, { bin: P(0) }, operator))
      .toMatchObject({ status: 'done', moved: 3 });
    expect(await w.ok('POST', `/api/tasks/${milk.taskId}/replenish`, { bin: P(1) }, operator))
      .toMatchObject({ status: 'done', moved: 15, lot: 'EARLY' });
    const done = await w.api('POST', `/api/tasks/${first.taskId}/replenish`, { bin: P(0) }, operator);
    expect(done.status).toBe(409);

    expect(await qtyIn(P(0), 'BOX')).toBe(40);
    expect(await qtyIn(S(0), 'BOX')).toBe(0);
    expect(await qtyIn(S(3), 'BOX')).toBe(35);
    expect((await stockOf(w.t, 'MILK')).find((s) => s.bin === P(1))).toMatchObject({ lot: 'EARLY', qty: 15 });
    const faces = (await w.ok('GET', '/api/pick-faces?warehouse=F1')).items;
    expect(faces.map((f: any) => [f.bin, f.free, f.belowMin, f.openTask])).toEqual([
      [P(0), 40, false, null], [P(1), 15, false, null], [P(2), 0, true, null]]);
    expect((await checkLedger(w.t.db)).ok).toBe(true);
  });

  it('a face refilled above min needs nothing; a face drained below min is planned again', async () => {
    const calm = await w.ok('POST', '/api/replenishment/run', { warehouse: 'F1' });
    expect(calm.created).toEqual([]);
    expect(calm.alerts.map((a: any) => a.face)).toEqual([P(2)]);
    await w.ok('POST', '/api/inventory/adjustments', { bin: P(0), sku: 'BOX', qty: -35, reason: 'damaged' });
    const again = await w.ok('POST', '/api/replenishment/run', { warehouse: 'F1' });
    expect(again.created.map((c: any) => [c.face, c.from, c.qty])).toEqual([[P(0), S(3), 35]]);
  });
});
