// Putaway rules: which bins may take a quantity of one SKU/lot/owner, which of them is best, and why.
// Pure (no I/O): the putaway service loads candidates and calls these.
//
// Order of rules (each a stable identifier the API can show):
//   hard filters, first failing one counts: blocked, zone_kind, temperature, capacity_volume,
//     capacity_weight, capacity_units (base units), capacity_pallets (pallet positions), mix_sku, mix_lot,
//     mix_owner;
//   then ranking, lexicographic: consolidation (bin already holds this SKU+lot+owner) > abc (bin's
//     travel percentile inside the class's band) > fit (best fit: fullest bin after putaway) > abc
//     again within the band (A nearest, C farthest, B mid-most first) > pick_seq > bin id.
// ABC works in bands, not by raw distance, so that among bins that are all "near enough" for an A item
// the fit still gets a say; the exact travel only breaks the remaining ties.
// Best fit rather than emptiest: it keeps empty and roomy bins free for the next large receipt and
// leaves fewer half-empty bins; consolidation and ABC have already had their say before it.
import type { Temperature, ZoneKind } from '../../db/schema.ts';
import { badInput } from '../errors.ts';
import { palletsFor } from '../masterdata/capacity.ts';

export type AbcClass = 'A' | 'B' | 'C';

export interface PutawayItem {
  skuId: number;
  /** For messages only ("SKU X needs ambient"); falls back to "#id". */
  skuCode?: string;
  abcClass: AbcClass;
  temperature: Temperature;
  unitVolumeM3: number;
  unitWeightKg: number;
  /** Base units on one pallet of the SKU; null/absent = unknown (then one pallet per SKU, lot and owner). */
  unitsPerPallet?: number | null;
  lotId: number | null;
  ownerId: number;
  /** Base units to put away, all into one bin. */
  qty: number;
}

export interface BinContent {
  skuId: number;
  lotId: number | null;
  ownerId: number;
  qty: number;
}

export interface CandidateBin {
  id: number;
  code: string;
  zoneCode: string;
  zoneKind: ZoneKind;
  zoneTemperature: Temperature;
  blocked: boolean;
  maxVolumeM3: number;
  maxWeightKg: number;
  /** Base units; null: no unit limit. */
  maxUnits: number | null;
  /** Pallet positions; null: not a pallet location (no pallet limit). */
  maxPallets: number | null;
  usedVolumeM3: number;
  usedWeightKg: number;
  usedUnits: number;
  /** Pallets taken, counted as in masterdata/capacity.ts (per SKU, lot and owner). */
  usedPallets: number;
  contents: readonly BinContent[];
  /** Travel distance from the nearest dock, metres. */
  travelM: number;
  pickSeq: number;
}

export interface PutawayPolicy {
  mixSkus: boolean;
  mixLots: boolean;
  mixOwners: boolean;
  /** Zone kinds putaway may use; default storage, pick_face, bulk. */
  zoneKinds?: readonly ZoneKind[];
}

export const HARD_RULES = [
  'blocked', 'zone_kind', 'temperature', 'capacity_volume', 'capacity_weight', 'capacity_units',
  'capacity_pallets', 'mix_sku', 'mix_lot', 'mix_owner',
] as const;
export type HardRule = (typeof HARD_RULES)[number];
export type RankRule = 'consolidation' | 'abc' | 'fit';
export type RuleName = HardRule | RankRule;
/** What put a suggestion ahead of the next one: a ranking rule or one of the stable tie-breaks. */
export type Decider = RankRule | 'pick_seq' | 'bin_id';

export interface RuleNote {
  rule: RuleName;
  message: string;
}

export interface PutawaySuggestion {
  binId: number;
  code: string;
  /**
   * Sortable key, higher is better: 1,000,000 × consolidation (0/1) + 1,000 × ABC (0–100, 100 = inside
   * the class's band) + fit (0–100, % of the binding capacity (volume, weight, units or pallets) used after putaway). Equal scores are
   * ordered by travel towards the class's end of the warehouse, then pickSeq, then bin id.
   */
  score: number;
  /** consolidation (when it applies), abc, fit: read top-down they explain the choice. */
  reasons: RuleNote[];
  /** First rule that ranks this bin above the next eligible one; null for the last eligible bin. */
  decidedBy: Decider | null;
}

export interface PutawayResult {
  suggestions: PutawaySuggestion[];
  /** Candidates excluded by each hard rule (each counted once, under the first rule it fails). */
  rejected: Record<HardRule, number>;
}

export type FitCheck = { ok: true } | { ok: false; rule: HardRule; message: string };

export const DEFAULT_ZONE_KINDS: readonly ZoneKind[] = ['storage', 'pick_face', 'bulk'];

/** Float slack for capacity sums (volumes of many small units). */
const EPS = 1e-9;

// ---- hard rules ------------------------------------------------------------------------------

const skuName = (item: PutawayItem) => `SKU ${item.skuCode ?? `#${item.skuId}`}`;
const lotName = (lotId: number | null) => (lotId === null ? 'unlotted stock' : `lot #${lotId}`);
const num = (v: number, digits: number) => Number(v.toFixed(digits)).toString();

/** Stock actually in the bin (rows at zero are history, not contents). */
const stocked = (bin: CandidateBin) => bin.contents.filter((c) => c.qty > 0);

function checkHard(item: PutawayItem, bin: CandidateBin, policy: PutawayPolicy): FitCheck {
  const fail = (rule: HardRule, message: string): FitCheck => ({ ok: false, rule, message });
  const b = `bin ${bin.code}`;
  if (bin.blocked) return fail('blocked', `${b} is blocked`);
  const kinds = policy.zoneKinds ?? DEFAULT_ZONE_KINDS;
  if (!kinds.includes(bin.zoneKind)) {
    return fail('zone_kind', `${b} is in ${bin.zoneKind} zone ${bin.zoneCode}; putaway may use ${kinds.join(', ')}`);
  }
  if (bin.zoneTemperature !== item.temperature) {
    return fail('temperature', `${b} is ${bin.zoneTemperature}; ${skuName(item)} needs ${item.temperature}`);
  }
  const needVolume = item.qty * item.unitVolumeM3;
  const freeVolume = bin.maxVolumeM3 - bin.usedVolumeM3;
  if (needVolume > freeVolume + EPS) {
    return fail('capacity_volume', `${b} has ${num(Math.max(0, freeVolume), 3)} m³ free; ${item.qty} units need ${num(needVolume, 3)} m³`);
  }
  const needWeight = item.qty * item.unitWeightKg;
  const freeWeight = bin.maxWeightKg - bin.usedWeightKg;
  if (needWeight > freeWeight + EPS) {
    return fail('capacity_weight', `${b} can take ${num(Math.max(0, freeWeight), 1)} kg more; ${item.qty} units weigh ${num(needWeight, 1)} kg`);
  }
  if (bin.maxUnits !== null && bin.usedUnits + item.qty > bin.maxUnits) {
    return fail('capacity_units', `${b} holds at most ${bin.maxUnits} units and has ${bin.usedUnits}; ${item.qty} more do not fit`);
  }
  if (bin.maxPallets !== null) {
    const added = palletsAdded(item, bin);
    if (bin.usedPallets + added > bin.maxPallets) {
      const per = item.unitsPerPallet ? `${item.unitsPerPallet} units per pallet` : 'units per pallet unknown: one pallet';
      return fail('capacity_pallets', `${b} has ${plural(bin.maxPallets, 'pallet position')} (maxPallets) and `
        + `${bin.usedPallets} in use; ${item.qty} units of ${skuName(item)} need ${plural(added, 'more pallet')} (${per})`);
    }
  }
  const contents = stocked(bin);
  if (!policy.mixSkus) {
    const other = contents.find((c) => c.skuId !== item.skuId);
    if (other) return fail('mix_sku', `${b} holds SKU #${other.skuId} (${other.qty} units); this policy does not mix SKUs`);
  }
  if (!policy.mixLots) {
    const other = contents.find((c) => c.skuId === item.skuId && c.lotId !== item.lotId);
    if (other) {
      return fail('mix_lot', `${b} holds ${lotName(other.lotId)} of ${skuName(item)}; this policy does not mix lots (putting away ${lotName(item.lotId)})`);
    }
  }
  if (!policy.mixOwners) {
    const other = contents.find((c) => c.ownerId !== item.ownerId);
    if (other) return fail('mix_owner', `${b} holds stock of owner #${other.ownerId}; this policy does not mix owners`);
  }
  return { ok: true };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Pallets the quantity adds to the bin: it tops up a pallet of the same SKU, lot and owner before starting one. */
export function palletsAdded(item: PutawayItem, bin: CandidateBin): number {
  let same = 0;
  for (const c of stocked(bin)) {
    if (c.skuId === item.skuId && c.lotId === item.lotId && c.ownerId === item.ownerId) same += c.qty;
  }
  return palletsFor(same + item.qty, item.unitsPerPallet) - palletsFor(same, item.unitsPerPallet);
}

function assertItem(item: PutawayItem): void {
  if (!(item.qty > 0)) throw badInput('qty', `must be positive, got ${item.qty}`);
  if (!(item.unitVolumeM3 >= 0) || !(item.unitWeightKg >= 0)) {
    throw badInput('unitVolumeM3', 'unit volume and weight must be non-negative numbers');
  }
}

/**
 * Whether `bin` may take the whole quantity: used when the operator scans a bin other than the
 * suggested one. `rule` is the stable identifier; `message` names the bin and what is wrong, in English.
 */
export function checkPutawayFit(item: PutawayItem, bin: CandidateBin, policy: PutawayPolicy): FitCheck {
  assertItem(item);
  return checkHard(item, bin, policy);
}

// ---- ranking ---------------------------------------------------------------------------------

/** Target band of travel percentiles (0 = nearest candidate, 1 = farthest) per ABC class. */
const ABC_BAND: Record<AbcClass, readonly [number, number]> = { A: [0, 1 / 3], B: [1 / 3, 2 / 3], C: [2 / 3, 1] };
const BAND_TEXT: Record<AbcClass, string> = { A: 'nearest third', B: 'middle third', C: 'farthest third' };
/** Where in its band each class would rather be, for the within-band tie-break. */
const ABC_TARGET: Record<AbcClass, number> = { A: 0, B: 0.5, C: 1 };

interface Ranked {
  bin: CandidateBin;
  consolidated: number;
  abc: number;
  fit: number;
  /** Distance of the travel percentile from the class's target: smaller first, after fit. */
  toTarget: number;
  score: number;
  reasons: RuleNote[];
}

function consolidationNote(item: PutawayItem, bin: CandidateBin): RuleNote | undefined {
  const same = stocked(bin).filter((c) => c.skuId === item.skuId && c.lotId === item.lotId && c.ownerId === item.ownerId);
  if (same.length === 0) return undefined;
  const qty = same.reduce((sum, c) => sum + c.qty, 0);
  const what = item.lotId === null ? `the same ${skuName(item)} (no lot)` : `the same lot #${item.lotId}`;
  return { rule: 'consolidation', message: `consolidates with ${qty} units of ${what}` };
}

/**
 * Travel rank among the eligible bins. The mid-rank percentile (ties share it) drives the score;
 * the messages use "within the nearest/farthest X %", which is easier to read.
 */
function abcNote(item: PutawayItem, bin: CandidateBin, sortedTravels: readonly number[]): { abc: number; toTarget: number; note: RuleNote } {
  const n = sortedTravels.length;
  const less = countBelow(sortedTravels, bin.travelM, false);
  const equal = countBelow(sortedTravels, bin.travelM, true) - less;
  const percentile = n === 1 ? 0.5 : (less + (equal - 1) / 2) / (n - 1);
  const [lo, hi] = ABC_BAND[item.abcClass];
  // A lone eligible bin has no rank to speak of: it is in every band.
  const distance = n === 1 ? 0 : percentile < lo ? lo - percentile : percentile > hi ? percentile - hi : 0;
  const abc = Math.round((1 - distance) * 100);
  // Rounded up, so the nearest of 50,000 bins reads "nearest 1 %", not "nearest 0 %".
  const pct = (share: number) => Math.ceil(share * 100 - 1e-9);
  const nearest = pct((less + equal) / n);
  const farthest = pct((n - less) / n);
  const where = item.abcClass === 'C' || (item.abcClass === 'B' && percentile > 0.5)
    ? `farthest ${farthest} %` : `nearest ${nearest} %`;
  const fits = distance === 0 ? '' : `; ${item.abcClass} items belong in the ${BAND_TEXT[item.abcClass]}`;
  // Rounded so that bins symmetric around the target tie (and fall to pickSeq) despite float noise.
  const toTarget = Math.round(Math.abs(percentile - ABC_TARGET[item.abcClass]) * 1e9) / 1e9;
  return { abc, toTarget, note: { rule: 'abc', message: `${item.abcClass} item: ${num(bin.travelM, 1)} m from the dock (${where}${fits})` } };
}

/** How many of the ascending `sorted` are < v (or <= v): binary search, so ranking stays O(n log n). */
function countBelow(sorted: readonly number[], v: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const t = sorted[mid]!;
    if (t < v || (orEqual && t === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Best fit: share of the binding capacity (volume, weight, units or pallets) used once the quantity is in. */
function fitNote(item: PutawayItem, bin: CandidateBin): { fit: number; note: RuleNote } {
  const ratio = (used: number, max: number) => (max > 0 ? used / max : 1);
  const shares: [string, number][] = [
    ['volume', ratio(bin.usedVolumeM3 + item.qty * item.unitVolumeM3, bin.maxVolumeM3)],
    ['weight', ratio(bin.usedWeightKg + item.qty * item.unitWeightKg, bin.maxWeightKg)],
  ];
  if (bin.maxUnits !== null) shares.push(['units', ratio(bin.usedUnits + item.qty, bin.maxUnits)]);
  if (bin.maxPallets !== null) shares.push(['pallets', ratio(bin.usedPallets + palletsAdded(item, bin), bin.maxPallets)]);
  const [by, share] = shares.reduce((a, b) => (b[1] > a[1] ? b : a));
  const fit = Math.min(100, Math.round(share * 100));
  return { fit, note: { rule: 'fit', message: `fills the bin to ${fit} % by ${by} (best fit)` } };
}

function compare(a: Ranked, b: Ranked): number {
  return b.score - a.score || a.toTarget - b.toTarget || a.bin.pickSeq - b.bin.pickSeq || a.bin.id - b.bin.id;
}

function decider(a: Ranked, b: Ranked | undefined): Decider | null {
  if (!b) return null;
  if (a.consolidated !== b.consolidated) return 'consolidation';
  if (a.abc !== b.abc) return 'abc';
  if (a.fit !== b.fit) return 'fit';
  if (a.toTarget !== b.toTarget) return 'abc';
  return a.bin.pickSeq !== b.bin.pickSeq ? 'pick_seq' : 'bin_id';
}

/**
 * Ranks the candidate bins that may take the whole quantity and explains the best `limit` of them.
 * Deterministic: the same input always gives the same order, whatever the order of `candidates`.
 */
export function suggestPutaway(
  item: PutawayItem,
  candidates: readonly CandidateBin[],
  policy: PutawayPolicy,
  limit = 5,
): PutawayResult {
  assertItem(item);
  const rejected = Object.fromEntries(HARD_RULES.map((r) => [r, 0])) as Record<HardRule, number>;
  const eligible: CandidateBin[] = [];
  for (const bin of candidates) {
    const check = checkHard(item, bin, policy);
    if (check.ok) eligible.push(bin);
    else rejected[check.rule]++;
  }
  const travels = eligible.map((b) => b.travelM).sort((a, b) => a - b);
  const ranked = eligible.map((bin): Ranked => {
    const consolidation = consolidationNote(item, bin);
    const { abc, toTarget, note: abcReason } = abcNote(item, bin, travels);
    const { fit, note: fitReason } = fitNote(item, bin);
    const consolidated = consolidation ? 1 : 0;
    return {
      bin, consolidated, abc, fit, toTarget,
      score: consolidated * 1_000_000 + abc * 1_000 + fit,
      reasons: consolidation ? [consolidation, abcReason, fitReason] : [abcReason, fitReason],
    };
  }).sort(compare);
  const suggestions = ranked.slice(0, Math.max(0, limit)).map((r, i) => ({
    binId: r.bin.id,
    code: r.bin.code,
    score: r.score,
    reasons: r.reasons,
    decidedBy: decider(r, ranked[i + 1]),
  }));
  return { suggestions, rejected };
}
