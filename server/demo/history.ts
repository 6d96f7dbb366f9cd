/**
 * The demo history: ~180 days of warehouse work simulated in memory, event by event in time order
 * (a priority queue), on a StockBook that mirrors wms_post_movement. Deterministic for a seed and
 * a `now`. Nothing here touches the database: the result is bulk-loaded by ./seed.ts.
 *
 * Flows: opening balance (go-live stock take) -> daily demand per SKU (Pareto popularity, weekly
 * seasonality, trend, promotions, noise) grouped into sales orders -> picks (FEFO, customer's minimum
 * remaining shelf life) from pick faces to outbound staging lanes, with replenishment from reserve
 * -> shipments from the lanes. A daily review orders from suppliers when stock runs low (purchase
 * orders arrive after the lead time) -> receipts onto inbound lanes -> QC (status changes) ->
 * putaway to pick face and reserve. Nightly: expired stock is scrapped and lots below their
 * minimum remaining shelf life are put on hold. Cycle counts, adjustments, damage, consolidation.
 */
import type { MovementType, StockStatus, Temperature, ZoneKind } from '../db/schema.ts';
import type { CustomerDef, DemoWarehouse, SkuDef, SupplierDef } from './catalog.ts';
import { cumulative, Random } from '../../model/random.ts';
import { StockBook, type Balance, type BookLeg } from './stock-book.ts';
import { palletsFor } from '../domain/masterdata/capacity.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Movement types the history produces (transfers between warehouses are not simulated). */
export const SIMULATED_TYPES: readonly MovementType[] = ['adjust_gain', 'adjust_loss', 'count_variance', 'move',
  'pick', 'putaway', 'receipt', 'scrap', 'ship', 'status_change'];

export interface SimBin {
  id: number;
  code: string;
  warehouse: DemoWarehouse;
  zoneCode: string;
  zoneKind: ZoneKind;
  temperature: Temperature;
  level: number | null;
  pickSeq: number | null;
  maxVolumeM3: number;
  maxWeightKg: number;
  /** Base units. */
  maxUnits: number | null;
  /** Pallet positions. */
  maxPallets: number | null;
}
export interface SimSku extends SkuDef { id: number; ownerId: number; supplierId: number }
export interface SimSupplier extends SupplierDef { id: number }
export interface SimCustomer extends CustomerDef { id: number }
export interface SimLot {
  id: number; skuId: number; lotNo: string; mfgDate: string; expiryDate: string; createdAt: number;
  /** days since 1970-01-01 */
  expiryDay: number;
}

export interface SimInput {
  rng: Random;
  scale: number;
  /** epoch ms: the history ends here */
  now: number;
  days: number;
  warehouses: Record<DemoWarehouse, number>;
  bins: SimBin[];
  skus: SimSku[];
  suppliers: SimSupplier[];
  customers: SimCustomer[];
  users: { manager: number | null; operator1: number | null; operator2: number | null };
  /** First ids to give (the tables are loaded with explicit ids). */
  ids: { lot: number; movement: number; ledger: number };
  onDay?: (done: number, total: number) => void;
}

export interface SimStats {
  orders: number;
  orderLines: number;
  shortLines: number;
  purchaseOrders: number;
  receiptLines: number;
  /** bins holding stock at the end / all bins, per warehouse */
  occupancy: Record<DemoWarehouse, { bins: number; occupied: number }>;
  /** movements whose time had to be moved forward to keep the ledger in time order */
  clamped: number;
  /** units that found no location with room (left where they were: inbound lane, or not booked at go-live) */
  unplaced: number;
}

/** A pick face the simulation slotted (a shelf in a pick-face zone) with the min and max it was run with. */
export interface SimPickFace { binId: number; skuId: number; min: number; max: number }

export interface SimResult { book: StockBook; lots: SimLot[]; start: number; stats: SimStats; pickFaces: SimPickFace[] }

export const epochDay = (ms: number) => Math.floor(ms / DAY);
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const compactDate = (ms: number) => isoDate(ms).replaceAll('-', '');

// ------------------------------------------------------------------------------------ event queue

interface QueuedEvent { at: number; seq: number; run: (at: number) => void }

/** Binary min-heap on (at, seq): events run in time order, ties in scheduling order. */
class EventQueue {
  private heap: QueuedEvent[] = [];
  private seq = 0;

  get size() { return this.heap.length; }
  peek(): QueuedEvent | undefined { return this.heap[0]; }

  push(at: number, run: (at: number) => void) {
    const h = this.heap;
    h.push({ at, seq: this.seq++, run });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): QueuedEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
const before = (a: QueuedEvent, b: QueuedEvent) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

// ------------------------------------------------------------------------------------ state

interface ZonePool { zoneCode: string; kind: ZoneKind; free: number[]; sample: SimBin }

interface WhState {
  code: DemoWarehouse;
  id: number;
  inbound: SimBin[];
  outbound: SimBin[];
  qcArea: SimBin[];
  pools: ZonePool[];
  skus: SkuState[];
  /** Operator of storage and pick-face work; manager does dock, QC and adjustments. */
  operator: number | null;
  operatorDevice: string;
  dockUser: number | null;
  dockDevice: string;
  linesCum: number[];
}

interface SkuState {
  sku: SimSku;
  wh: WhState;
  pickFace: SimBin | null;
  pickCap: number;
  reserve: ZonePool[];
  /** smoothed demand, base units per day */
  mu: number;
  /** the demand the SKU was slotted and listed for (catalog), base units per day */
  planned: number;
  onOrder: number;
  lead: number;
  cover: number;
  requiresQc: boolean;
  lotSeq: number;
  promo: [number, number] | null;
}

interface OrderLine { st: SkuState; qty: number }
interface Order { ref: string; wh: WhState; ownerId: number; customer: SimCustomer; lines: OrderLine[] }
interface Staged { binId: number; skuId: number; lotId: number | null; ownerId: number; qty: number }
interface InboundLine { st: SkuState; lane: SimBin; lotId: number | null; qty: number; docRef: string }

const STOCK_KINDS = new Set<ZoneKind>(['storage', 'pick_face', 'bulk']);
/** How full go-live leaves each stock zone (locations holding stock), a share drawn per zone. */
const STORAGE_FILL: [number, number] = [0.82, 0.88];
/** Weekday factors, Sunday first: busy Monday and Friday, quiet weekend. */
const WEEKDAY = [0.35, 1.15, 1.1, 1.05, 1.05, 1.2, 0.6];

/**
 * How much of a SKU fits in a bin, in base units: by volume (80 % fill) and weight, by max_units (base
 * units) and by max_pallets (pallet positions of palletQty units each, as masterdata/capacity.ts counts).
 */
export function binCapacity(bin: Pick<SimBin, 'maxVolumeM3' | 'maxWeightKg' | 'maxUnits' | 'maxPallets'>,
  sku: Pick<SkuDef, 'volumeM3' | 'weightKg' | 'caseFactor' | 'palletQty'>): number {
  let cap = Math.floor(Math.min(bin.maxVolumeM3 * 0.8 / sku.volumeM3, bin.maxWeightKg / sku.weightKg));
  if (bin.maxUnits !== null) cap = Math.min(cap, bin.maxUnits);
  if (bin.maxPallets !== null) cap = Math.min(cap, bin.maxPallets * sku.palletQty);
  return cap >= sku.caseFactor ? cap - (cap % sku.caseFactor) : Math.max(0, cap);
}

/** A pick face's replenishment trigger: a quarter to half of its capacity, about a day of demand. */
function pickFaceTrigger(st: Pick<SkuState, 'pickCap' | 'mu'>): number {
  return Math.min(st.pickCap * 0.5, Math.max(st.pickCap * 0.25, st.mu));
}

export function simulateHistory(input: SimInput): SimResult {
  return new Simulation(input).run();
}

class Simulation {
  private readonly rng: Random;
  private readonly queue = new EventQueue();
  private readonly book: StockBook;
  private readonly bins = new Map<number, SimBin>();
  private readonly lots = new Map<number, SimLot>();
  private readonly lotList: SimLot[] = [];
  private readonly poolOf = new Map<number, ZonePool>();
  private readonly whs: WhState[] = [];
  private readonly docSeq = new Map<string, number>();
  private readonly start: number;
  private readonly customersCum: number[];
  private nextLotId: number;
  private readonly stats: SimStats = { orders: 0, orderLines: 0, shortLines: 0, purchaseOrders: 0,
    receiptLines: 0, occupancy: { WH1: { bins: 0, occupied: 0 }, WH2: { bins: 0, occupied: 0 } }, clamped: 0, unplaced: 0 };
  /** Rare events keep a floor so that small test scales still see every movement type. */
  private readonly rareScale: number;

  constructor(private readonly input: SimInput) {
    this.rng = input.rng;
    this.book = new StockBook(input.ids.movement, input.ids.ledger);
    this.nextLotId = input.ids.lot;
    this.start = epochDay(input.now) * DAY - input.days * DAY;
    this.customersCum = cumulative(input.customers.map((c) => c.weight));
    this.rareScale = Math.max(input.scale, 0.25);
    for (const bin of input.bins) this.bins.set(bin.id, bin);
    this.book.onBinEmptied = (binId) => {
      const pool = this.poolOf.get(binId);
      if (pool) pool.free.push(binId);
    };
    this.setUpWarehouses();
  }

  // ---------------------------------------------------------------------------------- set-up

  private setUpWarehouses() {
    const { users } = this.input;
    for (const code of ['WH1', 'WH2'] as const) {
      const bins = this.input.bins.filter((b) => b.warehouse === code)
        .sort((a, b) => (a.pickSeq ?? 0) - (b.pickSeq ?? 0) || a.id - b.id);
      const staging = bins.filter((b) => b.zoneKind === 'staging' || b.zoneKind === 'dock');
      if (staging.length < 2) throw new Error(`demo warehouse ${code} needs staging or dock bins`);
      const inboundCount = Math.max(1, Math.round(staging.length / 3));
      const wh: WhState = {
        code, id: this.input.warehouses[code],
        inbound: staging.slice(0, inboundCount), outbound: staging.slice(inboundCount),
        qcArea: bins.filter((b) => b.zoneKind === 'qc' || b.zoneKind === 'quarantine'),
        pools: [], skus: [],
        operator: code === 'WH1' ? users.operator1 : users.operator2,
        operatorDevice: code === 'WH1' ? 'RF-1' : 'RF-2',
        dockUser: code === 'WH1' ? users.manager : users.operator2,
        dockDevice: code === 'WH1' ? 'DOCK-1' : 'RF-2',
        linesCum: [],
      };
      const skus = this.input.skus.filter((s) => s.warehouse === code)
        .sort((a, b) => b.popularity - a.popularity);
      // Slotting: the most popular SKUs get the first pick-face shelves; very fast movers pick
      // from ground-level pallet positions instead.
      const taken = new Set<number>();
      const shelves = new Map<Temperature, SimBin[]>();
      const groundPallets = new Map<Temperature, SimBin[]>();
      for (const bin of bins) {
        if (bin.zoneKind === 'pick_face') push(shelves, bin.temperature, bin);
        if (bin.zoneKind === 'storage' && bin.level === 1) push(groundPallets, bin.temperature, bin);
      }
      for (const sku of skus) {
        const st: SkuState = {
          sku, wh, pickFace: null, pickCap: 0, reserve: [], mu: 0, planned: 0, onOrder: 0,
          lead: this.input.suppliers[sku.supplier]!.leadDays, cover: 0,
          requiresQc: sku.requiresQc || this.input.suppliers[sku.supplier]!.requiresQc, lotSeq: 0, promo: null,
        };
        const caseShare = sku.temperature === 'chilled' ? 0.1 : 0.2;
        const meanLine = (1 - caseShare) * (1 + sku.eachMax) / 2 + caseShare * 2 * sku.caseFactor;
        st.mu = st.planned = sku.linesPerDay * this.input.scale * meanLine;
        st.cover = sku.temperature === 'chilled' ? Math.max(1, Math.floor((sku.shelfLifeDays ?? 10) * 0.2))
          : sku.temperature === 'frozen' ? 21
          // 3PL clients keep more of what does not expire.
          : (sku.abcClass === 'A' ? 30 : sku.abcClass === 'B' ? 40 : 60) * (sku.shelfLifeDays ? 1 : 1.4);
        if (sku.abcClass !== 'C' && this.rng.chance(0.3)) {
          const from = this.rng.int(7, this.input.days - 7);
          st.promo = [from, from + 7];
        }
        // Storage-only stock is picked straight from its reserve locations: no pick face of its own.
        const shelf = sku.storageOnly ? undefined : shelves.get(sku.temperature)?.find((b) => !taken.has(b.id));
        const shelfCap = shelf ? binCapacity(shelf, sku) : 0;
        if (shelf && shelfCap >= 6 && st.mu <= shelfCap * 0.6) {
          // Sized to demand (about four days, fresh goods a day and a half; at least a case),
          // as far as the shelf allows.
          const [days, cases] = sku.temperature === 'chilled' ? [1.5, 1] : [4, 1];
          st.pickFace = shelf;
          st.pickCap = Math.min(shelfCap, Math.max(cases * sku.caseFactor,
            Math.ceil(st.mu * days / sku.caseFactor) * sku.caseFactor));
        } else if (sku.temperature !== 'frozen' && !sku.storageOnly) {
          const pallet = groundPallets.get(sku.temperature)?.find((b) => !taken.has(b.id));
          if (pallet) {
            st.pickFace = pallet;
            st.pickCap = binCapacity(pallet, sku);
          }
        }
        if (st.pickFace) taken.add(st.pickFace.id);
        wh.skus.push(st);
      }
      // Reserve pools: every other stock bin of the warehouse, by zone.
      const byZone = new Map<string, SimBin[]>();
      for (const bin of bins) if (STOCK_KINDS.has(bin.zoneKind) && !taken.has(bin.id)) push(byZone, bin.zoneCode, bin);
      for (const [zoneCode, zoneBins] of byZone) {
        const pool: ZonePool = { zoneCode, kind: zoneBins[0]!.zoneKind, free: zoneBins.map((b) => b.id).reverse(),
          sample: zoneBins[0]! };
        for (const bin of zoneBins) this.poolOf.set(bin.id, pool);
        wh.pools.push(pool);
      }
      // Fast movers go to bulk (floor stacks near the docks), the rest to pallet racking; small slow
      // movers may also use spare shelves.
      for (const st of wh.skus) {
        const kinds: ZoneKind[] = st.sku.abcClass === 'A' ? ['bulk', 'storage', 'pick_face']
          : st.sku.abcClass === 'B' ? ['storage', 'bulk', 'pick_face'] : ['storage', 'pick_face', 'bulk'];
        st.reserve = kinds.flatMap((kind) => wh.pools.filter((p) => p.kind === kind
          && p.sample.temperature === st.sku.temperature && binCapacity(p.sample, st.sku) > 0));
      }
      wh.linesCum = cumulative(wh.skus.map((s) => s.sku.linesPerDay));
      this.whs.push(wh);
      this.stats.occupancy[code].bins = bins.length;
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private docRef(prefix: string, at: number): string {
    const day = compactDate(at);
    const key = `${prefix}-${day}`;
    const n = (this.docSeq.get(key) ?? 0) + 1;
    this.docSeq.set(key, n);
    return `${key}-${String(n).padStart(4, '0')}`;
  }

  private post(type: MovementType, at: number, wh: WhState, who: 'operator' | 'dock' | 'manager' | 'system',
    legs: BookLeg[], extra: { docRef?: string; reason?: string; receivedAt?: number } = {}) {
    if (at < this.book.lastAt) this.stats.clamped++;
    const user = who === 'operator' ? wh.operator : who === 'dock' ? wh.dockUser
      : who === 'manager' ? this.input.users.manager : null;
    const device = who === 'operator' ? wh.operatorDevice : who === 'dock' ? wh.dockDevice
      : who === 'manager' ? 'WEB' : null;
    return this.book.post({ type, at, warehouseId: wh.id, userId: user, device, ...extra }, legs);
  }

  private at(day: number, hour: number): number {
    return this.start + day * DAY + Math.round(hour * HOUR);
  }

  /** Move a time into working hours (07:00-20:00), keeping the order of events. */
  private workingTime(t: number): number {
    const hour = (t % DAY) / HOUR;
    if (hour >= 7 && hour < 20) return t;
    const dayStart = Math.floor(t / DAY) * DAY;
    return (hour < 7 ? dayStart : dayStart + DAY) + 7 * HOUR + this.rng.int(0, 90) * MINUTE;
  }

  private schedule(at: number, run: (at: number) => void) {
    if (at <= this.input.now) this.queue.push(at, run);
  }

  private newLot(st: SkuState, mfgDay: number, createdAt: number): SimLot {
    const expiryDay = mfgDay + st.sku.shelfLifeDays!;
    const mfg = mfgDay * DAY;
    const lot: SimLot = {
      id: this.nextLotId++, skuId: st.sku.id, lotNo: `L${compactDate(mfg).slice(2)}-${String(++st.lotSeq).padStart(3, '0')}`,
      mfgDate: isoDate(mfg), expiryDate: isoDate(expiryDay * DAY), createdAt, expiryDay,
    };
    this.lots.set(lot.id, lot);
    this.lotList.push(lot);
    return lot;
  }

  private kindOf(binId: number): ZoneKind {
    return this.bins.get(binId)!.zoneKind;
  }

  private expiryOf(b: Balance): number {
    return b.lotId === null ? Number.MAX_SAFE_INTEGER : this.lots.get(b.lotId)!.expiryDay;
  }

  /** Stock that may be picked for a customer needing `minRemaining` days of shelf life. */
  private sellable(b: Balance, today: number, minRemaining: number): boolean {
    if (b.status !== 'available' || !STOCK_KINDS.has(this.kindOf(b.binId))) return false;
    return b.lotId === null || this.lots.get(b.lotId)!.expiryDay - today >= minRemaining;
  }

  private fefo = (a: Balance, b: Balance) =>
    this.expiryOf(a) - this.expiryOf(b) || (a.firstReceiptAt ?? 0) - (b.firstReceiptAt ?? 0) || a.binId - b.binId;

  private qtyIn(st: SkuState, binId: number, statuses?: StockStatus[]): number {
    let q = 0;
    for (const b of this.book.stockOf(st.sku.id)) {
      if (b.binId === binId && (!statuses || statuses.includes(b.status))) q += b.qty;
    }
    return q;
  }

  private takeFreeBin(st: SkuState): SimBin | null {
    for (const pool of st.reserve) {
      while (pool.free.length > 0) {
        const id = pool.free.pop()!;
        if (!this.book.binQty.has(id)) return this.bins.get(id)!;
      }
    }
    return null;
  }

  /**
   * (s, S) policy on the smoothed demand, raised ahead of a promotion the planner knows about. The
   * effective lead time adds the daily review and QC; perishables are capped at what sells in time.
   */
  private policy(st: SkuState, day: number) {
    const { sku } = st;
    const chilled = sku.temperature === 'chilled';
    const lead = st.lead + 1 + (st.requiresQc && !chilled ? 1 : 0);
    const promo = st.promo && day + lead + st.cover >= st.promo[0] && day < st.promo[1] ? 2.2 : 1;
    const rate = st.mu * promo * 1.1;
    // Slow movers are lumpy (a few lines a month): they need more days of safety stock.
    const safetyDays = chilled ? 0.5 : sku.abcClass === 'A' ? Math.max(1.5, lead * 0.6)
      : sku.abcClass === 'B' ? Math.max(8, lead * 1.5) : Math.max(15, lead * 2);
    const safety = rate * safetyDays;
    const reorderPoint = rate * lead + safety;
    let orderUpTo = reorderPoint + rate * st.cover;
    if (sku.shelfLifeDays) {
      const sellable = sku.shelfLifeDays - (sku.minRemainingShelfLifeDays ?? 0) - 1;
      orderUpTo = Math.max(reorderPoint + sku.caseFactor, Math.min(orderUpTo, rate * sellable * 0.8));
    }
    // Slow movers: keep enough for a typical order line (a few cases).
    orderUpTo = Math.max(orderUpTo, chilled ? sku.caseFactor : 2 * sku.caseFactor + sku.eachMax);
    return { reorderPoint, orderUpTo };
  }

  private roundOrder(st: SkuState, qty: number): number {
    const { caseFactor, palletQty } = st.sku;
    // Half a pallet or more is delivered in full pallets.
    if (qty >= 0.5 * palletQty) return Math.ceil(qty / palletQty) * palletQty;
    return Math.max(1, Math.ceil(qty / caseFactor)) * caseFactor;
  }

  // ---------------------------------------------------------------------------------- run

  run(): SimResult {
    const { days, now } = this.input;
    this.queue.push(this.at(0, 0.1), (t) => this.openingBalance(t));
    for (let d = 0; d <= days; d++) this.schedule(this.at(d, 0.25), (t) => this.dayStart(d, t));
    while (this.queue.size > 0 && this.queue.peek()!.at <= now) {
      const event = this.queue.pop()!;
      event.run(event.at);
    }
    for (const binId of this.book.binQty.keys()) this.stats.occupancy[this.bins.get(binId)!.warehouse].occupied++;
    return { book: this.book, lots: this.lotList, start: this.start, stats: this.stats, pickFaces: this.pickFaces() };
  }

  /**
   * The min/max a planner sets on each slotted shelf pick face, base units: max what fits on the shelf (the
   * history refilled to what the slotting sized the face for, about four days of demand, and tops it up beyond
   * that only when reserve is full), min the history's replenishment trigger (about a day of demand, a quarter to
   * half of that size). Ground-level pallet faces in storage zones are not pick-face bins and get none; spare
   * shelves holding reserve stock are not faces either.
   */
  private pickFaces(): SimPickFace[] {
    const out: SimPickFace[] = [];
    for (const wh of this.whs) {
      for (const st of wh.skus) {
        if (!st.pickFace || st.pickFace.zoneKind !== 'pick_face' || st.pickCap <= 0) continue;
        // Below min exactly when the history's trigger says low (qty <= trigger for whole units).
        const min = Math.floor(pickFaceTrigger(st)) + 1;
        out.push({ binId: st.pickFace.id, skuId: st.sku.id, min, max: binCapacity(st.pickFace, st.sku) });
      }
    }
    return out;
  }

  /** Go-live: stock found at the first stock take, booked as gains with its original receipt dates. */
  private openingBalance(t: number) {
    const today = epochDay(t);
    for (const wh of this.whs) {
      const docRef = this.docRef('MIG', t);
      for (const st of wh.skus) {
        if (st.sku.storageOnly) continue;
        const { orderUpTo } = this.policy(st, 0);
        let target = Math.max(st.sku.caseFactor * this.rng.int(1, 3), Math.round(orderUpTo * this.rng.between(0.5, 1)));
        target = this.roundOrder(st, target);
        const shelf = st.sku.shelfLifeDays;
        const parts = shelf && target >= 2 * st.sku.caseFactor && this.rng.chance(0.5) ? 2 : 1;
        for (let p = 0; p < parts; p++) {
          const qty = parts === 1 ? target : p === 0 ? Math.floor(target / 3) : target - Math.floor(target / 3);
          let lotId: number | null = null;
          let receivedAt = t - this.rng.int(3, 90) * DAY;
          if (shelf) {
            const age = p === 0 && parts === 2 ? this.rng.between(0.35, 0.55) : this.rng.between(0.02, 0.3);
            const mfgDay = today - Math.floor(shelf * age);
            lotId = this.newLot(st, mfgDay, t).id;
            receivedAt = Math.min(t - HOUR, (mfgDay + 1) * DAY + this.rng.int(6, 16) * HOUR);
          }
          const legs = this.placements(st, qty, true, lotId).map(([bin, q]) => ({ binId: bin.id, skuId: st.sku.id, lotId,
            ownerId: st.sku.ownerId, status: 'available' as const, delta: q }));
          if (legs.length) {
            this.post('adjust_gain', t, wh, 'manager', legs,
              { docRef, reason: 'opening balance (go-live stock take)', receivedAt });
          }
        }
      }
      this.storageStock(wh, t, docRef);
    }
  }

  /**
   * The storage clients' stock found at go-live: runs of neighbouring free locations spread over each stock
   * zone, a little denser at the back (fast movers keep the front), until the zone is about STORAGE_FILL full;
   * the free locations left are spread too, so putaway work goes everywhere. Each location holds half to all
   * of what fits of one storage-only SKU.
   */
  private storageStock(wh: WhState, t: number, docRef: string) {
    const today = epochDay(t);
    const clients = wh.skus.filter((st) => st.sku.storageOnly);
    if (clients.length === 0) return;
    const zoneSize = new Map<string, number>();
    for (const bin of this.bins.values()) {
      if (bin.warehouse === wh.code) zoneSize.set(bin.zoneCode, (zoneSize.get(bin.zoneCode) ?? 0) + 1);
    }
    const occupiedIn = (zoneCode: string) => {
      let n = 0;
      for (const id of this.book.binQty.keys()) if (this.bins.get(id)!.zoneCode === zoneCode) n++;
      return n;
    };
    const lots = new Map<SkuState, number | null>();
    const placed = new Map<SkuState, [SimBin, number][]>();
    let next = this.rng.int(0, clients.length - 1);
    for (const pool of wh.pools) {
      const stockers = clients.filter((st) => st.sku.temperature === pool.sample.temperature
        && binCapacity(pool.sample, st.sku) > 0);
      if (stockers.length === 0) continue;
      const target = Math.round(zoneSize.get(pool.zoneCode)! * this.rng.between(...STORAGE_FILL));
      let wanted = target - occupiedIn(pool.zoneCode);
      let st: SkuState | null = null;
      let run = 0;
      // pool.free lists the zone's bins farthest first.
      const candidates = pool.free.filter((id) => !this.book.binQty.has(id));
      for (const [i, id] of candidates.entries()) {
        if (wanted <= 0) break;
        if (!this.rng.chance(Math.min(1, 1.15 * wanted / (candidates.length - i)))) continue;
        if (!st || run <= 0) {
          st = stockers[next++ % stockers.length]!;
          run = this.rng.int(1, pool.kind === 'pick_face' ? 8 : 5);
        }
        const bin = this.bins.get(id)!;
        const cap = binCapacity(bin, st.sku);
        if (cap <= 0) continue;
        const { caseFactor } = st.sku;
        let q = Math.round(cap * this.rng.between(0.45, 1));
        q = q >= caseFactor ? q - (q % caseFactor) : Math.max(1, q);
        if (!lots.has(st)) {
          const shelf = st.sku.shelfLifeDays;
          lots.set(st, shelf ? this.newLot(st, today - Math.floor(shelf * this.rng.between(0.02, 0.12)), t).id : null);
        }
        push(placed, st, [bin, Math.min(q, cap)]);
        run--;
        wanted--;
      }
    }
    for (const [st, bins] of placed) {
      const lotId = lots.get(st) ?? null;
      const receivedAt = lotId === null ? t - this.rng.int(20, 200) * DAY
        : Math.min(t - HOUR, (this.lots.get(lotId)!.expiryDay - st.sku.shelfLifeDays! + 2) * DAY + 9 * HOUR);
      this.post('adjust_gain', t, wh, 'manager', bins.map(([bin, q]) => ({ binId: bin.id, skuId: st.sku.id, lotId,
        ownerId: st.sku.ownerId, status: 'available' as const, delta: q })),
        { docRef, reason: 'opening balance (go-live stock take)', receivedAt });
    }
  }

  /**
   * How many more units of a SKU's lot fit in a bin that holds only that SKU: by its unit capacity
   * (binCapacity) less what is there, and on pallet positions by the slack on the lot's last pallet plus the
   * free positions (masterdata/capacity.ts: lots never share a pallet). `planned`: units of the lot on their way.
   */
  private room(st: SkuState, bin: SimBin, lotId: number | null, planned = 0): number {
    const { palletQty } = st.sku;
    let inBin = planned;
    let lotQty = planned;
    const groups = new Map<string, number>();
    for (const b of this.book.stockOf(st.sku.id)) {
      if (b.binId !== bin.id) continue;
      inBin += b.qty;
      if (b.lotId === lotId && b.ownerId === st.sku.ownerId) lotQty += b.qty;
      else groups.set(`${b.lotId}|${b.ownerId}`, (groups.get(`${b.lotId}|${b.ownerId}`) ?? 0) + b.qty);
    }
    let room = binCapacity(bin, st.sku) - inBin;
    if (bin.maxPallets !== null) {
      const lotPallets = palletsFor(lotQty, palletQty);
      let free = bin.maxPallets - lotPallets;
      for (const q of groups.values()) free -= palletsFor(q, palletQty);
      room = Math.min(room, lotPallets * palletQty - lotQty + free * palletQty);
    }
    return Math.max(0, room);
  }

  /**
   * Where stock of a SKU goes: the pick face (at go-live, or when it is below its trigger), then
   * free reserve bins one load each; with no free bin left, what still fits in its own bins. What fits
   * nowhere stays where it is (the caller books only what was placed).
   */
  private placements(st: SkuState, qty: number, fillPickFace: boolean, lotId: number | null): [SimBin, number][] {
    const out: [SimBin, number][] = [];
    let remaining = qty;
    if (st.pickFace && (fillPickFace || this.pickFaceLow(st))) {
      const q = Math.min(st.pickCap - this.qtyIn(st, st.pickFace.id), fillPickFace ? Math.ceil(remaining / 2) : remaining,
        this.room(st, st.pickFace, lotId));
      if (q > 0) {
        out.push([st.pickFace, q]);
        remaining -= q;
      }
    }
    while (remaining > 0) {
      const bin = this.takeFreeBin(st);
      if (!bin) break;
      const q = Math.min(remaining, binCapacity(bin, st.sku));
      if (q <= 0) continue;
      out.push([bin, q]);
      remaining -= q;
    }
    if (remaining > 0) {
      // No free location left for this SKU: top up its pick face and its other bins as far as they allow.
      const own = new Set<SimBin>(st.pickFace ? [st.pickFace] : []);
      for (const b of this.book.stockOf(st.sku.id)) if (STOCK_KINDS.has(this.kindOf(b.binId))) own.add(this.bins.get(b.binId)!);
      for (const bin of own) {
        if (remaining <= 0) break;
        const same = out.find(([b]) => b.id === bin.id);
        const q = Math.min(remaining, this.room(st, bin, lotId, same?.[1] ?? 0));
        if (q <= 0) continue;
        if (same) same[1] += q;
        else out.push([bin, q]);
        remaining -= q;
      }
      if (remaining > 0) this.stats.unplaced += remaining;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------- the day

  private dayStart(d: number, t: number) {
    this.input.onDay?.(d, this.input.days);
    const weekday = new Date(t).getUTCDay();
    this.schedule(this.at(d, 0.5), (at) => this.expirySweep(at));
    for (const wh of this.whs) this.generateOrders(wh, d, weekday);
    if (weekday !== 0) {
      this.schedule(this.at(d, 5), (at) => this.reviewReorders(at));
      this.schedule(this.at(d, 21.5), (at) => this.nightReplenishment(at));
      for (const wh of this.whs) this.scheduleHousekeeping(wh, d, weekday);
    }
  }

  private dayFactor(d: number, t: number): number {
    const weekday = WEEKDAY[new Date(t).getUTCDay()]!;
    const trend = 1 + 0.15 * (d / this.input.days);
    const yearDay = (t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / DAY;
    const season = 1 + 0.1 * Math.cos(2 * Math.PI * (yearDay - 355) / 365.25); // peak before the year end
    return weekday * trend * season;
  }

  private generateOrders(wh: WhState, d: number, weekday: number) {
    const factor = this.dayFactor(d, this.at(d, 0));
    const byOwner = new Map<number, OrderLine[]>();
    for (const st of wh.skus) {
      const promo = st.promo && d >= st.promo[0] && d < st.promo[1] ? 2.2 : 1;
      const noise = Math.exp(0.25 * this.rng.normal() - 0.03);
      const lines = this.rng.poisson(st.sku.linesPerDay * this.input.scale * factor * promo * noise);
      let units = 0;
      for (let i = 0; i < lines; i++) {
        // Mostly single units; some lines in whole cases (fresh goods: fewer, supermarkets order daily).
        const caseLine = this.rng.chance(st.sku.temperature === 'chilled' ? 0.1 : 0.2);
        const qty = caseLine ? st.sku.caseFactor * this.rng.int(1, 3) : this.rng.int(1, st.sku.eachMax);
        units += qty;
        push(byOwner, st.sku.ownerId, { st, qty });
      }
      // Smoothed demand without the weekday effect: what the replenishment policy plans with.
      st.mu = 0.92 * st.mu + 0.08 * units / Math.max(0.3, WEEKDAY[weekday]!);
    }
    for (const [ownerId, lines] of byOwner) this.makeOrders(wh, ownerId, d, weekday, this.rng.shuffle(lines));
  }

  /** Group an owner's order lines of the day into sales orders of 1-12 lines (one line per SKU). */
  private makeOrders(wh: WhState, ownerId: number, d: number, weekday: number, lines: OrderLine[]) {
    const [from, span] = weekday === 0 ? [9, 6] : weekday === 6 ? [8, 8] : [7, 13];
    for (let i = 0; i < lines.length;) {
      let size = 1;
      while (size < 12 && this.rng.chance(0.7)) size++;
      const merged = new Map<SkuState, number>();
      for (const line of lines.slice(i, i + size)) merged.set(line.st, (merged.get(line.st) ?? 0) + line.qty);
      i += size;
      const t = this.at(d, from + span * (this.rng.next() + this.rng.next()) / 2);
      const customer = this.input.customers[this.rng.weighted(this.customersCum)]!;
      if (t > this.input.now) continue;
      const order: Order = { ref: this.docRef('SO', t), wh, ownerId, customer,
        lines: [...merged].map(([st, qty]) => ({ st, qty })) };
      this.stats.orders++;
      this.stats.orderLines += order.lines.length;
      this.schedule(t, (at) => this.pick(order, at));
    }
  }

  private requiredShelfLife(st: SkuState, customer: SimCustomer): number {
    const own = st.sku.minRemainingShelfLifeDays ?? 0;
    const theirs = customer.minRemainingShelfLifeDays;
    // A customer's minimum applies to long-life goods; fresh goods follow the SKU's own rule.
    return theirs !== null && (st.sku.shelfLifeDays ?? 0) >= 3 * theirs ? Math.max(own, theirs) : own;
  }

  private pick(order: Order, t: number) {
    const { wh } = order;
    const today = epochDay(t);
    const lane = this.rng.pick(wh.outbound);
    const legs: BookLeg[] = [];
    const staged: Staged[] = [];
    for (const line of order.lines) {
      const { st } = line;
      const minRemaining = this.requiredShelfLife(st, order.customer);
      if (st.pickFace) {
        let atFace = 0;
        for (const b of this.book.stockOf(st.sku.id)) {
          if (b.binId === st.pickFace.id && this.sellable(b, today, minRemaining)) atFace += b.qty;
        }
        if (atFace < line.qty) this.replenish(st, t, line.qty - atFace, minRemaining, true);
      }
      const sources = [...this.book.stockOf(st.sku.id)].filter((b) => this.sellable(b, today, minRemaining))
        .sort((a, b) => Number(b.binId === st.pickFace?.id) - Number(a.binId === st.pickFace?.id) || this.fefo(a, b));
      let need = line.qty;
      for (const b of sources) {
        if (need === 0) break;
        const q = Math.min(need, b.qty);
        need -= q;
        legs.push({ binId: b.binId, skuId: b.skuId, lotId: b.lotId, ownerId: b.ownerId, status: 'available',
          delta: -q, counterBinId: lane.id });
        legs.push({ binId: lane.id, skuId: b.skuId, lotId: b.lotId, ownerId: b.ownerId, status: 'available',
          delta: q, counterBinId: b.binId });
        staged.push({ binId: lane.id, skuId: b.skuId, lotId: b.lotId, ownerId: b.ownerId, qty: q });
      }
      if (need > 0) this.stats.shortLines++;
    }
    if (legs.length === 0) return;
    const pickedAt = this.post('pick', t, wh, 'dock', legs, { docRef: order.ref });
    let shipAt = pickedAt + this.rng.int(45, 240) * MINUTE;
    if ((shipAt % DAY) / HOUR > 21.5) shipAt = Math.floor(shipAt / DAY) * DAY + DAY + this.rng.int(360, 480) * MINUTE;
    this.schedule(shipAt, (at) => this.ship(order, staged, at));
  }

  /** A shipment takes the order's stock off the outbound lane: one negative leg per stock line. */
  private ship(order: Order, staged: Staged[], t: number) {
    const merged = new Map<string, Staged>();
    for (const s of staged) {
      const key = StockBook.key(s.binId, s.skuId, s.lotId, s.ownerId, 'available');
      const prior = merged.get(key);
      if (prior) prior.qty += s.qty;
      else merged.set(key, { ...s });
    }
    const legs: BookLeg[] = [];
    for (const s of merged.values()) {
      const have = this.book.get(s.binId, s.skuId, s.lotId, s.ownerId, 'available')?.qty ?? 0;
      const q = Math.min(have, s.qty);
      if (q > 0) legs.push({ ...s, status: 'available', delta: -q });
    }
    if (legs.length) this.post('ship', t, order.wh, 'dock', legs, { docRef: order.ref });
  }

  /** Move reserve stock (FEFO) to the pick face: up to its capacity, at least `minQty`. */
  private replenish(st: SkuState, t: number, minQty: number, minRemaining: number, emergency: boolean) {
    const face = st.pickFace;
    if (!face) return;
    const today = epochDay(t);
    let want = Math.max(st.pickCap - this.qtyIn(st, face.id), minQty);
    if (want <= 0) return;
    const sources = [...this.book.stockOf(st.sku.id)]
      .filter((b) => b.binId !== face.id && this.sellable(b, today, minRemaining)).sort(this.fefo);
    let docRef: string | undefined;
    for (const b of sources.slice(0, 3)) {
      if (want <= 0) break;
      const { caseFactor } = st.sku;
      let q = Math.min(want, b.qty);
      if (q >= caseFactor && q < b.qty) q -= q % caseFactor; // whole cases
      if (b.qty - q < caseFactor) q = b.qty; // do not leave a few units behind in a reserve location
      q = Math.min(q, this.room(st, face, b.lotId)); // a pallet pick face takes one lot per free position
      if (q <= 0) continue;
      want -= q;
      docRef ??= this.docRef('RP', t);
      this.post('move', t, st.wh, 'operator', [
        { binId: b.binId, skuId: b.skuId, lotId: b.lotId, ownerId: b.ownerId, status: 'available', delta: -q,
          counterBinId: face.id },
        { binId: face.id, skuId: b.skuId, lotId: b.lotId, ownerId: b.ownerId, status: 'available', delta: q,
          counterBinId: b.binId },
      ], { docRef, reason: emergency ? 'replenishment (on demand)' : 'replenishment' });
    }
  }

  /** Below its replenishment trigger: a quarter to half of its capacity, about a day of demand. */
  private pickFaceLow(st: SkuState): boolean {
    if (!st.pickFace) return false;
    return this.qtyIn(st, st.pickFace.id, ['available']) <= pickFaceTrigger(st);
  }

  private nightReplenishment(t: number) {
    const due: SkuState[] = [];
    for (const wh of this.whs) {
      for (const st of wh.skus) {
        if (!st.pickFace) continue;
        if (this.pickFaceLow(st)) due.push(st);
      }
    }
    const spacing = Math.min(2 * MINUTE, (2 * HOUR) / Math.max(1, due.length));
    due.forEach((st, i) => this.schedule(t + Math.round(i * spacing),
      (at) => this.replenish(st, at, 0, st.sku.minRemainingShelfLifeDays ?? 0, false)));
  }

  // ---------------------------------------------------------------------------------- inbound

  /**
   * Stock the planner counts on: available or in QC, not yet picked, and for dated lots only what
   * can sell (FEFO, at the current rate) before the lot falls below its minimum remaining shelf life.
   */
  private usableStock(st: SkuState, day: number): number {
    let usable = 0;
    const dated: { lastDay: number; qty: number }[] = [];
    for (const b of this.book.stockOf(st.sku.id)) {
      if ((b.status !== 'available' && b.status !== 'qc') || st.wh.outbound.some((lane) => lane.id === b.binId)) continue;
      if (b.lotId === null) usable += b.qty;
      else dated.push({ lastDay: this.lots.get(b.lotId)!.expiryDay - (st.sku.minRemainingShelfLifeDays ?? 0), qty: b.qty });
    }
    dated.sort((a, b) => a.lastDay - b.lastDay);
    let sold = 0;
    const arrival = day + st.lead + 1;
    for (const lot of dated) {
      if (st.sku.temperature !== 'chilled') {
        if (lot.lastDay > arrival) usable += lot.qty;
        continue;
      }
      // Fresh goods: only what sells in time at the current rate counts.
      const rate = Math.max(st.mu, 0.5 * st.planned) * 1.1;
      const n = Math.max(0, Math.min(lot.qty, rate * (lot.lastDay - day) - sold));
      sold += n;
      usable += Math.floor(n);
    }
    return usable;
  }

  private reviewReorders(t: number) {
    const day = epochDay(t);
    for (const wh of this.whs) {
      const pos = new Map<number, OrderLine[]>();
      for (const st of wh.skus) {
        // Storage clients send stock on their own schedule, not on our reorder point.
        if (st.sku.storageOnly) continue;
        const position = this.usableStock(st, day) + st.onOrder;
        const { reorderPoint, orderUpTo } = this.policy(st, day - epochDay(this.start));
        if (position > reorderPoint || st.mu <= 0) continue;
        const qty = this.roundOrder(st, orderUpTo - position);
        st.onOrder += qty;
        push(pos, st.sku.supplier, { st, qty });
      }
      for (const lines of pos.values()) {
        const lead = lines[0]!.st.lead;
        let arrival = day + lead;
        if (new Date(arrival * DAY).getUTCDay() === 0) arrival++;
        const po = { ref: this.docRef('PO', t), lines };
        this.stats.purchaseOrders++;
        this.schedule(arrival * DAY + this.rng.int(6 * 60, 15 * 60) * MINUTE, (at) => this.receive(wh, po, at));
      }
    }
  }

  private receive(wh: WhState, po: { ref: string; lines: OrderLine[] }, t: number) {
    const today = epochDay(t);
    const lane = this.rng.pick(wh.inbound);
    const legs: BookLeg[] = [];
    const inbound: InboundLine[] = [];
    const qc = new Set<InboundLine>();
    for (const { st, qty } of po.lines) {
      st.onOrder -= qty;
      let lotId: number | null = null;
      const shelf = st.sku.shelfLifeDays;
      if (shelf) {
        const age = shelf <= 30 ? this.rng.int(0, 1) : this.rng.int(2, Math.max(3, Math.floor(shelf * 0.08)));
        lotId = this.newLot(st, today - age, t).id;
      }
      const status: StockStatus = st.requiresQc ? 'qc' : 'available';
      legs.push({ binId: lane.id, skuId: st.sku.id, lotId, ownerId: st.sku.ownerId, status, delta: qty });
      const line = { st, lane, lotId, qty, docRef: po.ref };
      inbound.push(line);
      if (st.requiresQc) qc.add(line);
      this.stats.receiptLines++;
    }
    const at = this.post('receipt', t, wh, 'dock', legs, { docRef: po.ref });
    inbound.forEach((line, i) => {
      if (qc.has(line)) {
        const delay = line.st.sku.temperature === 'chilled' ? this.rng.int(60, 240) : this.rng.int(3 * 60, 26 * 60);
        this.schedule(this.workingTime(at + delay * MINUTE), (when) => this.qcDecision(line, when));
      } else {
        this.schedule(at + this.rng.int(15, 90) * MINUTE + i * MINUTE, (when) => this.putaway(line, when));
      }
    });
  }

  private statusChange(line: InboundLine, from: StockStatus, to: StockStatus, t: number, reason: string,
    who: 'dock' | 'manager'): number {
    const { st, lane, lotId } = line;
    const have = this.book.get(lane.id, st.sku.id, lotId, st.sku.ownerId, from)?.qty ?? 0;
    const q = Math.min(have, line.qty);
    if (q <= 0) return 0;
    const common = { binId: lane.id, skuId: st.sku.id, lotId, ownerId: st.sku.ownerId };
    this.post('status_change', t, st.wh, who, [{ ...common, status: from, delta: -q }, { ...common, status: to, delta: q }],
      { docRef: line.docRef, reason });
    return q;
  }

  private qcDecision(line: InboundLine, t: number) {
    if (this.rng.chance(0.94)) {
      if (this.statusChange(line, 'qc', 'available', t, 'QC passed', 'manager') > 0) {
        this.schedule(t + this.rng.int(15, 90) * MINUTE, (at) => this.putaway(line, at));
      }
      return;
    }
    const why = line.st.sku.temperature === 'ambient'
      ? this.rng.pick(['QC failed: packaging damaged', 'QC failed: label mismatch', 'QC failed: sample out of spec'])
      : this.rng.pick(['QC failed: temperature excursion', 'QC failed: packaging damaged']);
    if (this.statusChange(line, 'qc', 'hold', t, why, 'manager') > 0) {
      this.schedule(this.workingTime(t + this.rng.int(2, 5) * DAY), (at) => this.holdDecision(line, at));
    }
  }

  private holdDecision(line: InboundLine, t: number) {
    if (this.rng.chance(0.5)) {
      if (this.statusChange(line, 'hold', 'available', t, 'QC re-inspection passed', 'manager') > 0) {
        this.schedule(t + this.rng.int(15, 90) * MINUTE, (at) => this.putaway(line, at));
      }
      return;
    }
    const { st, lane, lotId } = line;
    const have = this.book.get(lane.id, st.sku.id, lotId, st.sku.ownerId, 'hold')?.qty ?? 0;
    const q = Math.min(have, line.qty);
    if (q > 0) {
      this.post('scrap', t, st.wh, 'manager', [{ binId: lane.id, skuId: st.sku.id, lotId, ownerId: st.sku.ownerId,
        status: 'hold', delta: -q }], { docRef: this.docRef('SC', t), reason: 'QC rejected' });
    }
  }

  private putaway(line: InboundLine, t: number) {
    const { st, lane, lotId } = line;
    const have = this.book.get(lane.id, st.sku.id, lotId, st.sku.ownerId, 'available')?.qty ?? 0;
    const qty = Math.min(have, line.qty);
    if (qty <= 0) return;
    this.placements(st, qty, false, lotId).forEach(([bin, q], i) => {
      this.post('putaway', t + i * 2 * MINUTE, st.wh, st.wh.code === 'WH1' ? 'manager' : 'operator', [
        { binId: lane.id, skuId: st.sku.id, lotId, ownerId: st.sku.ownerId, status: 'available', delta: -q,
          counterBinId: bin.id },
        { binId: bin.id, skuId: st.sku.id, lotId, ownerId: st.sku.ownerId, status: 'available', delta: q,
          counterBinId: lane.id },
      ], { docRef: line.docRef });
    });
  }

  // ---------------------------------------------------------------------------------- housekeeping

  /** Expired stock is scrapped; stock below its minimum remaining shelf life is put on hold (fresh goods: scrapped). */
  private expirySweep(t: number) {
    const today = epochDay(t);
    const expired: Balance[] = [];
    const unsellable: Balance[] = [];
    for (const b of this.book.balances.values()) {
      if (b.lotId === null) continue;
      const left = this.lots.get(b.lotId)!.expiryDay - today;
      if (left < 0) expired.push(b);
      else if (b.status === 'available' && STOCK_KINDS.has(this.kindOf(b.binId))) {
        const sku = this.skuOf(b);
        if (left < (sku.sku.minRemainingShelfLifeDays ?? 0)) unsellable.push(b);
      }
    }
    let i = 0;
    for (const b of expired) {
      const st = this.skuOf(b);
      const docRef = this.docRef('SC', t);
      this.post('scrap', t + 10_000 * i++, st.wh, 'system', [{ ...keyOf(b), delta: -b.qty }],
        { docRef, reason: 'expired' });
    }
    for (const b of unsellable) {
      const st = this.skuOf(b);
      if (st.sku.temperature === 'chilled') {
        // Fresh goods too close to their date are written off at once (donated or destroyed).
        this.post('scrap', t + 10_000 * i++, st.wh, 'system', [{ ...keyOf(b), delta: -b.qty }],
          { docRef: this.docRef('SC', t), reason: 'below minimum remaining shelf life' });
        continue;
      }
      this.post('status_change', t + 10_000 * i++, st.wh, 'system', [
        { ...keyOf(b), delta: -b.qty }, { ...keyOf(b), status: 'hold', delta: b.qty },
      ], { docRef: this.docRef('EXP', t), reason: 'below minimum remaining shelf life' });
    }
  }

  private readonly skuStates = new Map<number, SkuState>();
  private skuOf(b: Balance): SkuState {
    if (this.skuStates.size === 0) for (const wh of this.whs) for (const st of wh.skus) this.skuStates.set(st.sku.id, st);
    return this.skuStates.get(b.skuId)!;
  }

  private scheduleHousekeeping(wh: WhState, d: number, weekday: number) {
    const size = wh.code === 'WH1' ? 1 : 0.35;
    const counts = this.rng.poisson(20 * size * this.rareScale);
    for (let i = 0; i < counts; i++) this.schedule(this.at(d, this.rng.between(10, 16)), (t) => this.cycleCount(wh, t));
    for (let i = this.rng.poisson(1.0 * size * this.rareScale); i > 0; i--) {
      this.schedule(this.at(d, this.rng.between(8, 18)), (t) => this.adjust(wh, t, 'adjust_loss'));
    }
    for (let i = this.rng.poisson(0.5 * size * this.rareScale); i > 0; i--) {
      this.schedule(this.at(d, this.rng.between(8, 18)), (t) => this.adjust(wh, t, 'adjust_gain'));
    }
    for (let i = this.rng.poisson(2 * size * this.rareScale); i > 0; i--) {
      this.schedule(this.at(d, this.rng.between(8, 19)), (t) => this.damage(wh, t));
    }
    if (weekday === 6) this.schedule(this.at(d, 14), (t) => this.consolidate(wh, t));
  }

  /** A random available stock line in a stock zone (by popularity: counts follow the activity). */
  private randomStock(wh: WhState): Balance | null {
    for (let attempt = 0; attempt < 6; attempt++) {
      const st = wh.skus[this.rng.weighted(wh.linesCum)]!;
      const candidates = [...this.book.stockOf(st.sku.id)]
        .filter((b) => b.status === 'available' && STOCK_KINDS.has(this.kindOf(b.binId)));
      if (candidates.length) return this.rng.pick(candidates);
    }
    return null;
  }

  private cycleCount(wh: WhState, t: number) {
    const b = this.randomStock(wh);
    if (!b || !this.rng.chance(0.12)) return; // counted and found right: no movement
    const size = Math.max(1, Math.min(5, Math.round(b.qty * 0.05)));
    let delta = this.rng.int(1, size) * (this.rng.chance(0.6) ? -1 : 1);
    if (-delta > b.qty) delta = -b.qty;
    this.post('count_variance', t, wh, 'operator', [{ ...keyOf(b), delta }],
      { docRef: this.docRef('CC', t), reason: 'cycle count' });
  }

  private adjust(wh: WhState, t: number, type: 'adjust_gain' | 'adjust_loss') {
    const b = this.randomStock(wh);
    if (!b) return;
    const caseFactor = this.skuOf(b).sku.caseFactor;
    const q = this.rng.int(1, Math.max(1, Math.min(type === 'adjust_loss' ? b.qty : caseFactor, caseFactor)));
    const reason = type === 'adjust_loss'
      ? this.rng.pick(['damaged in handling', 'water damage', 'not found at location', 'pallet collapse'])
      : this.rng.pick(['found during count', 'return to stock', 'unrecorded receipt correction']);
    this.post(type, t, wh, 'manager', [{ ...keyOf(b), delta: type === 'adjust_loss' ? -q : q }],
      { docRef: this.docRef('ADJ', t), reason });
  }

  /** Damaged in handling: set aside as damaged, taken to the QC area (if any), scrapped later. */
  private damage(wh: WhState, t: number) {
    const b = this.randomStock(wh);
    if (!b) return;
    const q = this.rng.int(1, Math.min(3, b.qty));
    const key = keyOf(b);
    const docRef = this.docRef('DMG', t);
    const at = this.post('status_change', t, wh, 'operator', [{ ...key, delta: -q }, { ...key, status: 'damaged', delta: q }],
      { docRef, reason: 'damaged in handling' });
    let where = b.binId;
    if (wh.qcArea.length > 0) {
      const tote = this.rng.pick(wh.qcArea);
      where = tote.id;
      this.schedule(at + this.rng.int(10, 60) * MINUTE, (when) => {
        const have = this.book.get(key.binId, key.skuId, key.lotId, key.ownerId, 'damaged')?.qty ?? 0;
        const n = Math.min(have, q);
        if (n <= 0) return;
        this.post('move', when, wh, 'manager', [
          { ...key, status: 'damaged', delta: -n, counterBinId: tote.id },
          { ...key, binId: tote.id, status: 'damaged', delta: n, counterBinId: key.binId },
        ], { docRef, reason: 'damaged goods to QC area' });
      });
    }
    this.schedule(this.workingTime(at + this.rng.int(1, 5) * DAY), (when) => {
      const have = this.book.get(where, key.skuId, key.lotId, key.ownerId, 'damaged')?.qty ?? 0;
      const n = Math.min(have, q);
      if (n > 0) {
        this.post('scrap', when, wh, 'manager', [{ ...key, binId: where, status: 'damaged', delta: -n }],
          { docRef: this.docRef('SC', when), reason: 'damaged' });
      }
    });
  }

  /** Weekly: merge partly empty reserve locations of the same SKU, lot and zone to free bins. */
  private consolidate(wh: WhState, t: number) {
    const limit = Math.max(2, Math.round(20 * this.input.scale));
    let done = 0;
    for (const st of wh.skus) {
      if (done >= limit) break;
      const reserve = [...this.book.stockOf(st.sku.id)].filter((b) => b.status === 'available'
        && b.binId !== st.pickFace?.id && this.poolOf.has(b.binId) && this.book.binQty.get(b.binId) === b.qty);
      if (reserve.length < 2) continue;
      reserve.sort((a, b) => a.qty - b.qty);
      const [small, ...rest] = reserve;
      const target = rest.find((b) => b.lotId === small!.lotId
        && this.bins.get(b.binId)!.zoneCode === this.bins.get(small!.binId)!.zoneCode
        && b.qty + small!.qty <= binCapacity(this.bins.get(b.binId)!, st.sku));
      if (!target) continue;
      const s = small!;
      const when = t + done * 3 * MINUTE;
      done++;
      this.schedule(when, (at) => {
        const now = this.book.get(s.binId, s.skuId, s.lotId, s.ownerId, 'available');
        if (!now || now !== s || !this.book.balances.has(StockBook.key(target.binId, s.skuId, s.lotId, s.ownerId, 'available'))) return;
        this.post('move', at, wh, 'operator', [
          { ...keyOf(s), delta: -s.qty, counterBinId: target.binId },
          { ...keyOf(s), binId: target.binId, delta: s.qty, counterBinId: s.binId },
        ], { docRef: this.docRef('MV', at), reason: 'consolidation' });
      });
    }
  }
}

function keyOf(b: Balance) {
  return { binId: b.binId, skuId: b.skuId, lotId: b.lotId, ownerId: b.ownerId, status: b.status };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
