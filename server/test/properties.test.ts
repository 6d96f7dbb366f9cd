import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockStatus } from '../db/schema.ts';
import type { Actor } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { checkLedger } from '../domain/inventory/ledger-check.ts';
import { adjustStock, changeStatus, moveStock, scrapStock } from '../domain/inventory/operations.ts';
import type { PostedMovement } from '../domain/inventory/post-movement.ts';
import { seedSmallWorld } from './fixtures.ts';
import { backends, startTestApp, type TestApp } from './harness.ts';

/*
 * Model-based property test of the stock service layer. Random sequences of gains, losses, scraps,
 * moves and status changes run against the database and, in parallel, against a plain Map of
 * balances that predicts each operation's outcome (success with which legs, or which 4xx) from the
 * selector rules in operations.ts. After every sequence the database must agree with the model and
 * with its own ledger.
 */

const STATUSES: StockStatus[] = ['available', 'qc', 'hold', 'damaged'];
const SKUS = ['SKU-1', 'SKU-2', 'MILK'] as const;
const LOT_TRACKED = new Set(['MILK']);
const OWNERS = new Set(['OWN1', 'OWN2']);
const LOTS = ['L1', 'L2'];
const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);

interface Sel { sku: string; lot?: string; owner?: string }
type Op =
  | ({ kind: 'gain'; bin: string; status?: StockStatus; qty: number } & Sel)
  | ({ kind: 'loss' | 'scrap'; bin: string; status?: StockStatus; qty: number } & Sel)
  | ({ kind: 'move'; fromBin: string; toBin: string; status?: StockStatus; qty?: number } & Sel)
  | ({ kind: 'status'; bin: string; from?: StockStatus; to: StockStatus; qty?: number } & Sel);

interface Line { bin: string; sku: string; lot: string | null; owner: string; status: StockStatus; delta: number }
type Outcome = { ok: true; legs: Line[] } | { ok: false; status: number };

const maybe = <T>(arb: fc.Arbitrary<T>, absentWeight: number, presentWeight: number) =>
  fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight: presentWeight, arbitrary: arb });

function sequenceArbitrary(bins: string[]): fc.Arbitrary<Op[]> {
  const bin = fc.constantFrom(...bins);
  const sku = fc.constantFrom('SKU-1', 'SKU-1', 'SKU-2', 'MILK', 'MILK');
  const status = fc.constantFrom(...STATUSES);
  // Mostly plausible quantities, sometimes far more than any bin holds.
  const qty = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 30 }) },
    { weight: 1, arbitrary: fc.integer({ min: 31, max: 5000 }) });
  // A selector names the lot mostly for the lot-tracked SKU, and only now and then an owner that does not exist.
  const lotSel = fc.tuple(maybe(fc.constantFrom(...LOTS), 1, 1), maybe(fc.constantFrom(...LOTS), 8, 1));
  const withLot = <T extends { sku: string; lots: [string | undefined, string | undefined] }>({ lots, ...rest }: T) =>
    ({ ...rest, lot: LOT_TRACKED.has(rest.sku) ? lots[0] : lots[1] });
  const ownerSel = maybe(fc.constantFrom('OWN1', 'OWN2', 'OWN1', 'OWN2', 'OWN1', 'OWN2', 'NOBODY'), 2, 1);
  const gain = fc.record({
    bin, sku, qty, status: maybe(status, 4, 1),
    owner: maybe(fc.constantFrom('OWN1', 'OWN2', 'OWN1', 'OWN2', 'NOBODY'), 1, 12),
    trackedLot: maybe(fc.constantFrom(...LOTS), 1, 12),
    plainLot: maybe(fc.constantFrom(...LOTS), 8, 1),
  }).map(({ trackedLot, plainLot, ...g }): Op =>
    ({ kind: 'gain', ...g, lot: LOT_TRACKED.has(g.sku) ? trackedLot : plainLot }));
  const removal = fc.record({
    kind: fc.constantFrom('loss' as const, 'scrap' as const), bin, sku, qty, lots: lotSel, owner: ownerSel,
    status: maybe(status, 3, 1),
  }).map((r): Op => withLot(r));
  const move = fc.record({
    fromBin: bin, toBin: bin, sku, lots: lotSel, owner: ownerSel, status: maybe(status, 3, 1),
    qty: maybe(qty, 1, 3),
  }).map((m): Op => ({ kind: 'move', ...withLot(m) }));
  const statusChange = fc.record({
    bin, sku, lots: lotSel, owner: ownerSel, from: maybe(status, 3, 1), to: status, qty: maybe(qty, 1, 2),
  }).map((s): Op => ({ kind: 'status', ...withLot(s) }));
  const any = fc.oneof({ weight: 4, arbitrary: gain }, { weight: 2, arbitrary: removal },
    { weight: 4, arbitrary: move }, { weight: 2, arbitrary: statusChange });
  // A few gains first, so that the rest of the sequence mostly meets stock (and several kinds of it in one bin).
  return fc.tuple(fc.array(gain, { minLength: 1, maxLength: 6 }), fc.array(any, { minLength: 3, maxLength: 19,
    size: 'max' })).map(([first, rest]) => [...first, ...rest]);
}

/** The stock world as the model sees it: balances by code, and which lots exist. */
class Model {
  readonly balances = new Map<string, number>();
  readonly lots = new Set<string>();

  static key(l: Omit<Line, 'delta'>) { return `${l.bin}|${l.sku}|${l.lot ?? ''}|${l.owner}|${l.status}`; }

  rows(bin: string, sku: string) {
    const rows: (Omit<Line, 'delta'> & { qty: number })[] = [];
    for (const [k, qty] of this.balances) {
      const [b, s, lot, owner, status] = k.split('|') as [string, string, string, string, StockStatus];
      if (b === bin && s === sku && qty > 0) rows.push({ bin: b, sku: s, lot: lot || null, owner, status, qty });
    }
    return rows;
  }

  /** selectStock's rules: unknown lot or owner 404, nothing 409, several 422, else the one row. */
  select(bin: string, sel: Sel & { status?: StockStatus }, excludeStatus?: StockStatus) {
    if (sel.lot !== undefined && !this.lots.has(`${sel.sku}|${sel.lot}`)) return { error: 404 };
    if (sel.owner !== undefined && !OWNERS.has(sel.owner)) return { error: 404 };
    const matches = this.rows(bin, sel.sku).filter((r) => r.status !== excludeStatus &&
      (sel.lot === undefined || r.lot === sel.lot) && (sel.owner === undefined || r.owner === sel.owner) &&
      (sel.status === undefined || r.status === sel.status));
    if (matches.length === 0) return { error: 409 };
    if (matches.length > 1) return { error: 422 };
    return { row: matches[0]! };
  }

  predict(op: Op): Outcome {
    const fail = (status: number): Outcome => ({ ok: false, status });
    switch (op.kind) {
      case 'gain': {
        if (op.owner === undefined) return fail(400);
        if (!OWNERS.has(op.owner)) return fail(404);
        if (LOT_TRACKED.has(op.sku) && op.lot === undefined) return fail(400);
        return { ok: true, legs: [{ bin: op.bin, sku: op.sku, lot: op.lot ?? null, owner: op.owner,
          status: op.status ?? 'available', delta: op.qty }] };
      }
      case 'loss':
      case 'scrap': {
        const s = this.select(op.bin, op);
        if (!s.row) return fail(s.error!);
        if (op.qty > s.row.qty) return fail(409);
        const { qty: _, ...from } = s.row;
        return { ok: true, legs: [{ ...from, delta: -op.qty }] };
      }
      case 'move': {
        if (op.fromBin === op.toBin) return fail(400);
        const s = this.select(op.fromBin, op);
        if (!s.row) return fail(s.error!);
        const q = op.qty ?? s.row.qty;
        if (q > s.row.qty) return fail(409);
        const { qty: _, ...from } = s.row;
        return { ok: true, legs: [{ ...from, delta: -q }, { ...from, bin: op.toBin, delta: q }] };
      }
      case 'status': {
        if (op.from !== undefined && op.from === op.to) return fail(400);
        const s = this.select(op.bin, { ...op, status: op.from }, op.to);
        if (!s.row) return fail(s.error!);
        const q = op.qty ?? s.row.qty;
        if (q > s.row.qty) return fail(409);
        const { qty: _, ...from } = s.row;
        return { ok: true, legs: [{ ...from, delta: -q }, { ...from, status: op.to, delta: q }] };
      }
    }
  }

  apply(op: Op, legs: Line[]) {
    if (op.kind === 'gain' && op.lot !== undefined) this.lots.add(`${op.sku}|${op.lot}`);
    for (const l of legs) {
      const k = Model.key(l);
      this.balances.set(k, (this.balances.get(k) ?? 0) + l.delta);
    }
  }

  positive() {
    return new Map([...this.balances].filter(([, q]) => q !== 0));
  }
}

describe.each(backends)('stock properties on $name', (backend) => {
  let t: TestApp;
  let bins: string[];
  let actor: Actor;
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp(backend);
    const w = await seedSmallWorld(t);
    // Bins in both zones: enough for moves in both directions, few enough that stock collides often.
    bins = [w.binsA[0]!, w.binsA[1]!, w.binsB[0]!];
    const admin = await t.db.selectFrom('users').select('id').where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    actor = { userId: admin.id, username: 'admin', role: 'admin', scope: null };
  });
  afterAll(async () => t?.close());

  async function resetStock() {
    await sql`delete from ledger_entries`.execute(t.db);
    await sql`delete from movements`.execute(t.db);
    await sql`delete from stock_balances`.execute(t.db);
    await sql`delete from outbox`.execute(t.db);
    await sql`delete from lots`.execute(t.db);
  }

  function run(op: Op): Promise<PostedMovement> {
    const sel = { sku: op.sku, lot: op.lot, owner: op.owner };
    switch (op.kind) {
      case 'gain':
        return adjustStock(t.db, actor, { ...sel, bin: op.bin, status: op.status, qty: op.qty, reason: 'found',
          lotExpiry: op.lot !== undefined ? expiry : undefined });
      case 'loss':
        return adjustStock(t.db, actor, { ...sel, bin: op.bin, status: op.status, qty: -op.qty, reason: 'lost' });
      case 'scrap':
        return scrapStock(t.db, actor, { ...sel, bin: op.bin, status: op.status, qty: op.qty, reason: 'broken' });
      case 'move':
        return moveStock(t.db, actor, { ...sel, fromBin: op.fromBin, toBin: op.toBin, status: op.status,
          qty: op.qty });
      case 'status':
        return changeStatus(t.db, actor, { ...sel, bin: op.bin, from: op.from, to: op.to, qty: op.qty,
          reason: 'inspection' });
    }
  }

  async function databaseBalances() {
    const rows = await t.db.selectFrom('stock_balances as sb')
      .innerJoin('bins as b', 'b.id', 'sb.bin_id').innerJoin('skus as s', 's.id', 'sb.sku_id')
      .innerJoin('owners as o', 'o.id', 'sb.owner_id').leftJoin('lots as l', 'l.id', 'sb.lot_id')
      .select(['b.code as bin', 's.code as sku', 'l.lot_no as lot', 'o.code as owner', 'sb.status', 'sb.qty'])
      .where('sb.qty', '<>', 0).execute();
    return new Map(rows.map((r) => [Model.key(r), Number(r.qty)]));
  }

  it('random operation sequences keep balances, ledger and model in agreement', async () => {
    let operations = 0;
    let successes = 0;
    const failures: Record<number, number> = {};
    await fc.assert(fc.asyncProperty(sequenceArbitrary(bins), async (ops) => {
      await resetStock();
      const model = new Model();
      const netBySku = new Map<string, number>(SKUS.map((s) => [s, 0]));
      let posted = 0;
      for (const op of ops) {
        operations++;
        const expected = model.predict(op);
        let result: PostedMovement | undefined;
        try {
          result = await run(op);
        } catch (error) {
          // Every refusal is a DomainError with a 4xx status, and it is the one the rules predict.
          expect(error, `${JSON.stringify(op)} threw ${String(error)}`).toBeInstanceOf(DomainError);
          const status = (error as DomainError).status;
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
          expect(expected, `${JSON.stringify(op)} failed with ${status}: ${(error as Error).message}`)
            .toEqual({ ok: false, status });
          failures[status] = (failures[status] ?? 0) + 1;
          continue;
        }
        expect(expected.ok, `${JSON.stringify(op)} succeeded but the model predicted ${JSON.stringify(expected)}`)
          .toBe(true);
        const legs = result.legs.map((l): Line => ({ bin: l.bin!, sku: l.sku!, lot: l.lot ?? null, owner: l.owner!,
          status: l.status, delta: l.delta }));
        expect(legs, JSON.stringify(op)).toEqual((expected as { legs: Line[] }).legs);
        for (const l of result.legs) expect(l.qtyAfter).toBe(l.qtyBefore + l.delta);
        model.apply(op, legs);
        posted++;
        successes++;
        if (op.kind === 'gain' || op.kind === 'loss' || op.kind === 'scrap') {
          netBySku.set(op.sku, netBySku.get(op.sku)! + legs[0]!.delta);
        }
      }

      // The database holds exactly what the model holds; nothing negative, nothing reserved beyond qty.
      expect(await databaseBalances()).toEqual(model.positive());
      const bad = await sql<{ n: number }>`select count(*)::int as n from stock_balances
        where qty < 0 or reserved < 0 or reserved > qty`.execute(t.db);
      expect(bad.rows[0]!.n).toBe(0);
      const check = await checkLedger(t.db);
      expect(check.mismatches).toEqual([]);
      expect(check.ok).toBe(true);

      // Per SKU: on hand = gains - losses - scrap; moves and status changes conserve units.
      const totals = await sql<{ sku: string; qty: number }>`select s.code as sku, coalesce(sum(sb.qty), 0)::int as qty
        from skus s left join stock_balances sb on sb.sku_id = s.id group by s.code`.execute(t.db);
      for (const sku of SKUS) {
        expect(totals.rows.find((r) => r.sku === sku)?.qty ?? 0, sku).toBe(netBySku.get(sku));
      }

      // Each ledger row chains on the previous one of its key, and every key's chain starts at zero.
      const chain = await sql<{ n: number }>`select count(*)::int as n from (
          select qty_before, qty_after, qty_delta,
                 lag(qty_after, 1, 0::int8) over (partition by bin_id, sku_id, coalesce(lot_id, 0), owner_id, status
                                           order by id) as prev
            from ledger_entries) x
        where qty_after <> qty_before + qty_delta or qty_before <> prev`.execute(t.db);
      expect(chain.rows[0]!.n).toBe(0);

      // Stock age is set exactly when there is stock.
      const age = await sql<{ n: number }>`select count(*)::int as n from stock_balances
        where (qty > 0) <> (first_receipt_at is not null)`.execute(t.db);
      expect(age.rows[0]!.n).toBe(0);

      // One movement and one outbox event per successful operation.
      const counts = await sql<{ m: number; o: number }>`select (select count(*) from movements)::int as m,
        (select count(*) from outbox)::int as o`.execute(t.db);
      expect(counts.rows[0]).toEqual({ m: posted, o: posted });
    }), { numRuns: RUNS, endOnFailure: false });

    if (process.env.PROPERTY_STATS) console.log({ operations, successes, failures });
    // The generator must actually exercise both paths, or the property proves little.
    expect(successes).toBeGreaterThan(operations / 5);
    expect(failures[409] ?? 0).toBeGreaterThan(0);
    expect(Object.values(failures).reduce((a, b) => a + b, 0)).toBeGreaterThan(operations / 10);
  });
});
