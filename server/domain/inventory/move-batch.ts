import { sql, type Kysely } from 'kysely';
import { isEmbedded } from '../../db/database.ts';
import type { DB, StockStatus } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import type { MoveInput } from './operations.ts';
import type { IdempotencyInput, PostedMovement } from './post-movement.ts';
import { fastMovePayload, tryFastMove, withLegCodes, type FastResult } from './fast-move.ts';

interface Pending {
  ord: number;
  actor: Actor;
  input: MoveInput;
  idem: IdempotencyInput;
  /** `bin sku` of both ends, and the Idempotency-Key: two moves of one batch, or of two batches in flight,
   * never share one. */
  pairs: string[];
  resolve: (outcome: BatchOutcome) => void;
  reject: (error: unknown) => void;
}

export interface MoveBatcherOptions {
  /** Batches in flight at once, each on its own connection (default 2; see minGroupWhenBusy). */
  maxInFlight?: number;
  /** Moves per batch at most (default 64). */
  maxBatch?: number;
  /**
   * While a statement is in flight, another goes only with at least this many moves (default 3): small
   * groups side by side cost more CPU per move, and a group of one goes to the dearer single-move path.
   */
  minGroupWhenBusy?: number;
}

/**
 * Group commit for plain stock moves. A move that arrives while a batch is at the database waits for it to
 * come back (unless enough others wait too, to make a second batch worth it) and then goes with every move
 * that waited, in one call of wms_move_batch: one statement, one commit, one WAL flush for all of them. A
 * move that arrives when nothing is in flight goes at once, and a batch of one is sent to wms_move, so a
 * quiet system pays no extra latency or work.
 *
 * When enough moves wait and two statements may go, they go as two halves side by side rather than one
 * statement: a statement runs on one core, so two lanes of moves keep both cores of a small server busy
 * while the other lane commits or travels. Without the split, lanes that come back together merge for good
 * into one convoy that leaves a core idle (bench:core, 8 workers: one convoy of ~7 ran at 52 % CPU and
 * 0.79x pgbench; two lanes of ~4, with the leaner answers below, at 81–83 % and 1.04–1.24x; docs/benchmarks.md).
 *
 * Each move is still its own movement with its own ledger legs and outbox event; moves of one batch just
 * commit together. A move the batch could not make plainly comes back undefined (nothing was written for
 * it) and the caller takes its ordinary path, which explains the refusal; one that found no such stock, or
 * too little, comes back with what the batch found, so the caller can refuse it without reading again. If
 * the batch statement fails as a whole (a deadlock with another writer, say), every move in it comes back
 * undefined the same way.
 *
 * Moves that share a bin and SKU with a move already in the forming batch or in a batch in flight wait for
 * the next batch: a statement can change a row only once, and a batch that needs a row another batch of
 * this process holds would only wait for it. Batches lock their existing rows in key order, like every
 * movement, and create new balance rows in key order after that; should a batch still deadlock with another
 * writer (both creating the same new balance row while touching a second one), PostgreSQL breaks it after
 * deadlock_timeout and the batch's moves take the ordinary path: slower, never an error for the user.
 */
export class MoveBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private readonly busy = new Set<string>();
  private nextOrd = 1;
  /**
   * What went to the database so far: batches of several moves, the moves in them, moves sent alone, and
   * batches that failed as a whole (their moves took the ordinary path; `lastFailure` says why).
   */
  readonly stats = { batches: 0, batchedMoves: 0, alone: 0, failed: 0, lastFailure: '' };
  /** Statements of moves at the database at once (lanes). */
  readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly minGroupWhenBusy: number;

  constructor(private readonly db: Kysely<DB>, options: MoveBatcherOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxBatch = options.maxBatch ?? 64;
    this.minGroupWhenBusy = options.minGroupWhenBusy ?? 3;
  }

  /**
   * The posted move; or, for a move the batch found no such stock for, or too little, what it found; or
   * undefined when the caller must take the ordinary path.
   */
  move(actor: Actor, input: MoveInput, idem: IdempotencyInput = {}): Promise<BatchOutcome> {
    return new Promise((resolve, reject) => {
      const pairs = [`${input.fromBin}\u0000${input.sku}`, `${input.toBin}\u0000${input.sku}`];
      if (idem.key) pairs.push(`\u0001${actor.userId}\u0000${idem.key}`);
      this.queue.push({ ord: this.nextOrd++, actor, input, idem, pairs, resolve, reject });
      this.schedule();
    });
  }

  private scheduled = false;

  /**
   * Pump on the next turn of the event loop, not now: callers woken by a batch that just came back, and
   * requests that arrived in the same I/O turn, have all queued their next move by then and go together.
   */
  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Pending[] = [];
      const waiting: Pending[] = [];
      const taken = new Set<string>();
      const limit = this.splitLimit();
      for (const item of this.queue) {
        const free = batch.length < limit && item.pairs.every((p) => !this.busy.has(p) && !taken.has(p));
        if (!free) {
          waiting.push(item);
          continue;
        }
        batch.push(item);
        for (const p of item.pairs) taken.add(p);
      }
      if (batch.length === 0 || (this.inFlight > 0 && batch.length < this.minGroupWhenBusy)) return;
      this.queue = waiting;
      for (const p of taken) this.busy.add(p);
      this.inFlight++;
      void this.post(batch).finally(() => {
        for (const p of taken) this.busy.delete(p);
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** The size of the next batch: the waiting moves shared evenly over the free lanes, when each gets enough. */
  private splitLimit(): number {
    const n = this.queue.length;
    const free = this.maxInFlight - this.inFlight;
    if (free > 1 && n >= 2 * this.minGroupWhenBusy) {
      const parts = Math.min(free, Math.floor(n / this.minGroupWhenBusy));
      return Math.min(this.maxBatch, Math.ceil(n / parts));
    }
    return this.maxBatch;
  }

  private async post(batch: Pending[]) {
    if (batch.length === 1) {
      // Alone, the single-move function is cheaper than a batch of one (a smaller plan to start; on PGlite
      // less than half the time).
      this.stats.alone++;
      const [{ actor, input, idem, resolve, reject }] = batch as [Pending];
      await tryFastMove(this.db, actor, input, idem).then(resolve, reject);
      return;
    }
    this.stats.batches++;
    this.stats.batchedMoves += batch.length;
    const payload = batch.map(({ ord, actor, input, idem }) =>
      Object.assign(fastMovePayload(actor, input, idem), { ord }));
    let answer: BatchAnswer = { made: [], unmet: [] };
    try {
      const { rows } = await sql<{ r: BatchAnswer }>`select wms_move_batch(${JSON.stringify(payload)}::jsonb) as r`
        .execute(this.db);
      answer = rows[0]!.r;
    } catch (error) {
      // Nothing of this batch was written: every move takes the ordinary path, which retries and explains.
      this.stats.failed++;
      this.stats.lastFailure = String((error as Error).message ?? error);
    }
    const made = new Map(answer.made.map((row) => [row[0], row]));
    const unmet = new Map(answer.unmet.map(([ord, balances, available]) => [ord, { balances, available }]));
    for (const item of batch) {
      const row = made.get(item.ord);
      const found = unmet.get(item.ord);
      item.resolve(row ? withLegCodes(fromBatchRow(row), item.input) : found ? { unmet: found } : undefined);
    }
  }
}

/**
 * What the batch says about one move: made, or left out with the stock it found (`balances` matching
 * balances with stock, and the unreserved quantity of the one when there is one), or undefined.
 */
export type BatchOutcome = PostedMovement | { unmet: UnmetStock } | undefined;
export interface UnmetStock { balances: number; available: number | null }

interface BatchAnswer { made: BatchRow[]; unmet: [ord: number, balances: number, available: number | null][] }

/** One move wms_move_batch made, as it answers it (one compact JSON array per move). */
type BatchRow = [ord: number, movementId: number, seq: number, at: string, fromBinId: number, toBinId: number,
  skuId: number, lotId: number | null, ownerId: number, status: StockStatus, qty: number, fromBefore: number,
  fromAfter: number, fromReserved: number, toBefore: number, toAfter: number, toReserved: number,
  lotNo: string | null, ownerCode: string];

/** The same answer wms_move gives for one move. */
function fromBatchRow(row: BatchRow): FastResult {
  const [, movementId, seq, at, fromBinId, toBinId, skuId, lotId, ownerId, status, qty, fromBefore, fromAfter,
    fromReserved, toBefore, toAfter, toReserved, lotNo, ownerCode] = row;
  return { movementId, type: 'move', at, seq, lotNo, ownerCode, legs: [
    { binId: fromBinId, skuId, lotId, ownerId, status, delta: -qty, qtyBefore: fromBefore, qtyAfter: fromAfter,
      reserved: fromReserved },
    { binId: toBinId, skuId, lotId, ownerId, status, delta: qty, qtyBefore: toBefore, qtyAfter: toAfter,
      reserved: toReserved },
  ] };
}

const batchers = new WeakMap<Kysely<DB>, MoveBatcher>();

/** The batcher of a database handle (one per Kysely instance, created on first use with `options`). */
export function moveBatcher(db: Kysely<DB>, options?: MoveBatcherOptions): MoveBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    // The embedded PGlite runs one statement at a time: a second lane would only queue behind the first.
    batcher = new MoveBatcher(db, options ?? (isEmbedded(db) ? { maxInFlight: 1 } : {}));
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * Whether a move may go through the batch: not inside a caller's transaction (it must see and own its
 * writes), and input whose types the batch statement can take without failing as a whole (the ordinary
 * path validates the rest).
 */
export function batchable(db: Kysely<DB>, input: MoveInput): boolean {
  if (db.isTransaction) return false;
  if (input.qty !== undefined && !(Number.isSafeInteger(input.qty) && input.qty > 0)) return false;
  return [input.fromBin, input.toBin, input.sku].every((s) => typeof s === 'string')
    && [input.lot, input.owner, input.status, input.docRef, input.reason]
      .every((s) => s === undefined || typeof s === 'string');
}
