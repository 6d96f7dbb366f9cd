import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Temperature, ZoneKind } from '../../db/schema.ts';
import {
  HARD_RULES,
  checkPutawayFit, palletsAdded,
  suggestPutaway,
  type CandidateBin,
  type HardRule,
  type PutawayItem,
  type PutawayPolicy,
} from './rules.ts';
import { DomainError } from '../errors.ts';

const STRICT: PutawayPolicy = { mixSkus: false, mixLots: false, mixOwners: false };
const LOOSE: PutawayPolicy = { mixSkus: true, mixLots: true, mixOwners: true };

function item(overrides: Partial<PutawayItem> = {}): PutawayItem {
  return {
    skuId: 1, skuCode: 'MILK-1L', abcClass: 'B', temperature: 'ambient',
    unitVolumeM3: 0.001, unitWeightKg: 1, unitsPerPallet: 48, lotId: 10, ownerId: 100, qty: 40,
    ...overrides,
  };
}

let nextId = 1;
function bin(overrides: Partial<CandidateBin> = {}): CandidateBin {
  const id = overrides.id ?? nextId++;
  return {
    id, code: `WH1-A01-R01-L1-B${String(id).padStart(2, '0')}`, zoneCode: 'A', zoneKind: 'storage',
    zoneTemperature: 'ambient', blocked: false, maxVolumeM3: 1, maxWeightKg: 500, maxUnits: null, maxPallets: null,
    usedVolumeM3: 0, usedWeightKg: 0, usedUnits: 0, usedPallets: 0, contents: [], travelM: 20, pickSeq: id,
    ...overrides,
  };
}

const zeroRejected = () => Object.fromEntries(HARD_RULES.map((r) => [r, 0])) as Record<HardRule, number>;

/** One bin that breaks exactly one hard rule for item() under STRICT, and the message expected. */
const BREAKERS: [HardRule, Partial<CandidateBin>, RegExp][] = [
  ['blocked', { code: 'B-BLK', blocked: true }, /^bin B-BLK is blocked$/],
  ['zone_kind', { code: 'B-DOCK', zoneKind: 'dock', zoneCode: 'D1' }, /^bin B-DOCK is in dock zone D1; putaway may use storage, pick_face, bulk$/],
  ['temperature', { code: 'WH1-A03-R12-L2-B04', zoneTemperature: 'chilled' }, /^bin WH1-A03-R12-L2-B04 is chilled; SKU MILK-1L needs ambient$/],
  ['capacity_volume', { code: 'B-VOL', maxVolumeM3: 0.05, usedVolumeM3: 0.02 }, /^bin B-VOL has 0\.03 m³ free; 40 units need 0\.04 m³$/],
  ['capacity_weight', { code: 'B-KG', maxWeightKg: 50, usedWeightKg: 20 }, /^bin B-KG can take 30 kg more; 40 units weigh 40 kg$/],
  ['capacity_units', { code: 'B-UN', maxUnits: 50, usedUnits: 20 }, /^bin B-UN holds at most 50 units and has 20; 40 more do not fit$/],
  ['capacity_pallets', { code: 'B-PAL', maxPallets: 1, usedPallets: 1, contents: [{ skuId: 1, lotId: 10, ownerId: 100, qty: 48 }] },
    /^bin B-PAL has 1 pallet position \(maxPallets\) and 1 in use; 40 units of SKU MILK-1L need 1 more pallet \(48 units per pallet\)$/],
  ['mix_sku', { code: 'B-SKU', contents: [{ skuId: 2, lotId: null, ownerId: 100, qty: 5 }] }, /^bin B-SKU holds SKU #2 \(5 units\); this policy does not mix SKUs$/],
  ['mix_lot', { code: 'B-LOT', contents: [{ skuId: 1, lotId: 11, ownerId: 100, qty: 5 }] }, /^bin B-LOT holds lot #11 of SKU MILK-1L; this policy does not mix lots \(putting away lot #10\)$/],
  ['mix_owner', { code: 'B-OWN', contents: [{ skuId: 1, lotId: 10, ownerId: 200, qty: 5 }] }, /^bin B-OWN holds stock of owner #200; this policy does not mix owners$/],
];

describe('hard rules', () => {
  it.each(BREAKERS)('%s excludes the bin and is counted', (rule, overrides) => {
    const good = bin();
    const bad = bin(overrides);
    const result = suggestPutaway(item(), [bad, good], STRICT);
    expect(result.suggestions.map((s) => s.binId)).toEqual([good.id]);
    expect(result.rejected).toEqual({ ...zeroRejected(), [rule]: 1 });
  });

  it.each(BREAKERS)('checkPutawayFit refuses with rule %s and a clear message', (rule, overrides, message) => {
    const check = checkPutawayFit(item(), bin(overrides), STRICT);
    expect(check).toEqual({ ok: false, rule, message: expect.stringMatching(message) });
  });

  it('checkPutawayFit accepts a bin that passes every rule', () => {
    expect(checkPutawayFit(item(), bin(), STRICT)).toEqual({ ok: true });
  });

  it('counts a bin once, under the first rule it fails, in rule order', () => {
    const result = suggestPutaway(item(), [
      bin({ blocked: true, zoneTemperature: 'frozen', maxUnits: 1 }),
      bin({ zoneKind: 'qc', zoneTemperature: 'frozen' }),
      bin({ maxUnits: 1, contents: [{ skuId: 9, lotId: null, ownerId: 9, qty: 1 }] }),
    ], STRICT);
    expect(result.suggestions).toEqual([]);
    expect(result.rejected).toEqual({ ...zeroRejected(), blocked: 1, zone_kind: 1, capacity_units: 1 });
  });

  it('capacity fits exactly and maxUnits null means unlimited', () => {
    const exact = bin({ maxVolumeM3: 0.05, usedVolumeM3: 0.01, maxWeightKg: 40, maxUnits: 40 });
    expect(checkPutawayFit(item(), exact, STRICT)).toEqual({ ok: true });
    expect(checkPutawayFit(item({ qty: 1e6, unitVolumeM3: 0, unitWeightKg: 0 }), bin({ maxUnits: null }), STRICT)).toEqual({ ok: true });
  });

  it('counts pallets per SKU, lot and owner: a part pallet of the same lot is topped up first', () => {
    // 48 per pallet; the bin has 2 positions and one pallet of 30 units of lot 10: 18 more top it up, 19 start another.
    const half = bin({ maxPallets: 2, usedPallets: 1, contents: [{ skuId: 1, lotId: 10, ownerId: 100, qty: 30 }] });
    expect(palletsAdded(item({ qty: 18 }), half)).toBe(0);
    expect(palletsAdded(item({ qty: 19 }), half)).toBe(1);
    expect(checkPutawayFit(item({ qty: 66 }), half, LOOSE)).toEqual({ ok: true });
    expect(checkPutawayFit(item({ qty: 67 }), half, LOOSE)).toMatchObject({ ok: false, rule: 'capacity_pallets' });
    // Another lot never shares the pallet.
    expect(palletsAdded(item({ qty: 1, lotId: 11 }), half)).toBe(1);
    // Units per pallet unknown: the whole quantity is one pallet.
    expect(palletsAdded(item({ qty: 5000, unitsPerPallet: null }), bin({ maxPallets: 1 }))).toBe(1);
    expect(checkPutawayFit(item({ qty: 5000, unitsPerPallet: null, unitVolumeM3: 0, unitWeightKg: 0 }),
      bin({ maxPallets: 1 }), STRICT)).toEqual({ ok: true });
  });

  it('a pallet location is no unit limit: 48 units on one pallet fit a bin of 1 pallet position', () => {
    const pallet = bin({ maxPallets: 1, maxUnits: null });
    expect(checkPutawayFit(item({ qty: 48 }), pallet, STRICT)).toEqual({ ok: true });
    expect(checkPutawayFit(item({ qty: 49 }), pallet, STRICT)).toMatchObject({ ok: false, rule: 'capacity_pallets',
      message: expect.stringMatching(/need 2 more pallets/) });
    const fit = suggestPutaway(item({ qty: 48 }), [pallet], STRICT).suggestions[0]!;
    expect(fit.reasons.find((r) => r.rule === 'fit')!.message).toBe('fills the bin to 100 % by pallets (best fit)');
  });

  it('zero-quantity content rows do not count as mixing', () => {
    const emptied = bin({ contents: [{ skuId: 2, lotId: null, ownerId: 200, qty: 0 }] });
    expect(checkPutawayFit(item(), emptied, STRICT)).toEqual({ ok: true });
  });

  it('mixing is allowed when the policy says so', () => {
    const mixed = bin({ contents: [
      { skuId: 2, lotId: null, ownerId: 200, qty: 5 },
      { skuId: 1, lotId: 11, ownerId: 100, qty: 5 },
    ] });
    expect(checkPutawayFit(item(), mixed, LOOSE)).toEqual({ ok: true });
    expect(checkPutawayFit(item(), mixed, { ...LOOSE, mixLots: false })).toMatchObject({ ok: false, rule: 'mix_lot' });
  });

  it('mix_lot treats unlotted stock as another lot', () => {
    const check = checkPutawayFit(item({ lotId: null }), bin({ contents: [{ skuId: 1, lotId: 10, ownerId: 100, qty: 3 }] }), STRICT);
    expect(check).toMatchObject({ ok: false, rule: 'mix_lot', message: expect.stringMatching(/putting away unlotted stock/) });
  });

  it('policy.zoneKinds replaces the default zone kinds', () => {
    const staging = bin({ zoneKind: 'staging' });
    const storage = bin();
    expect(checkPutawayFit(item(), staging, STRICT)).toMatchObject({ ok: false, rule: 'zone_kind' });
    const result = suggestPutaway(item(), [staging, storage], { ...STRICT, zoneKinds: ['staging'] });
    expect(result.suggestions.map((s) => s.binId)).toEqual([staging.id]);
    expect(result.rejected.zone_kind).toBe(1);
  });

  it('refuses a non-positive quantity', () => {
    expect(() => suggestPutaway(item({ qty: 0 }), [bin()], STRICT)).toThrow(DomainError);
    expect(() => checkPutawayFit(item({ qty: -1 }), bin(), STRICT)).toThrow(/qty/);
  });
});

describe('ranking', () => {
  /** Ten empty bins, 10 m to 100 m from the dock. */
  const aisle = () => Array.from({ length: 10 }, (_, i) => bin({ travelM: 10 * (i + 1), pickSeq: i + 1 }));

  it('consolidation wins over an empty nearer bin', () => {
    const near = bin({ travelM: 5 });
    const holding = bin({
      travelM: 90, usedVolumeM3: 0.12, usedWeightKg: 120, usedUnits: 120,
      contents: [{ skuId: 1, lotId: 10, ownerId: 100, qty: 120 }],
    });
    const { suggestions } = suggestPutaway(item({ abcClass: 'A' }), [near, holding, bin({ travelM: 50 })], STRICT);
    expect(suggestions[0]).toMatchObject({ binId: holding.id, decidedBy: 'consolidation' });
    expect(suggestions[0]!.reasons[0]).toEqual({ rule: 'consolidation', message: 'consolidates with 120 units of the same lot #10' });
    expect(suggestions[1]!.binId).toBe(near.id);
  });

  it('consolidation needs the same lot and owner, not just the same SKU', () => {
    const otherLot = bin({ travelM: 10, contents: [{ skuId: 1, lotId: 11, ownerId: 100, qty: 5 }] });
    const otherOwner = bin({ travelM: 10, contents: [{ skuId: 1, lotId: 10, ownerId: 200, qty: 5 }] });
    const { suggestions } = suggestPutaway(item(), [otherLot, otherOwner], LOOSE);
    expect(suggestions.every((s) => s.reasons.every((r) => r.rule !== 'consolidation'))).toBe(true);
  });

  it('A items go near the dock, C items far, B items in the middle', () => {
    const bins = aisle();
    const top = (abcClass: 'A' | 'B' | 'C') => suggestPutaway(item({ abcClass }), bins, STRICT, 3).suggestions.map((s) => s.binId);
    const travel = (ids: number[]) => ids.map((id) => bins.find((b) => b.id === id)!.travelM);
    expect(travel(top('A'))).toEqual([10, 20, 30]);
    expect(travel(top('C'))).toEqual([100, 90, 80]);
    expect(travel(top('B'))).toEqual([50, 60, 40]); // mid-most first; 50 and 60 tie on travel, pickSeq decides
  });

  it('explains the first suggestion in words', () => {
    const { suggestions } = suggestPutaway(item({ abcClass: 'A' }), aisle(), STRICT);
    expect(suggestions[0]!.reasons).toEqual([
      { rule: 'abc', message: 'A item: 10 m from the dock (nearest 10 %)' },
      { rule: 'fit', message: 'fills the bin to 8 % by weight (best fit)' },
    ]);
    const c = suggestPutaway(item({ abcClass: 'C' }), aisle(), STRICT).suggestions[0]!;
    expect(c.reasons[0]!.message).toBe('C item: 100 m from the dock (farthest 10 %)');
  });

  it('says when the best bin is outside the class band', () => {
    const { suggestions } = suggestPutaway(item({ abcClass: 'A' }), [bin({ travelM: 30, blocked: true }), bin({ travelM: 80 })], STRICT);
    expect(suggestions[0]!.reasons[0]!.message).toBe('A item: 80 m from the dock (nearest 100 %)');
    const far = suggestPutaway(item({ abcClass: 'A' }), aisle(), STRICT, 10).suggestions.at(-1)!;
    expect(far.reasons[0]!.message).toBe('A item: 100 m from the dock (nearest 100 %; A items belong in the nearest third)');
  });

  it('inside the band, the best fit wins (fullest bin after putaway)', () => {
    const roomy = bin({ travelM: 10, maxWeightKg: 1000 });
    const snug = bin({ travelM: 11, maxWeightKg: 50 });
    const { suggestions } = suggestPutaway(item({ abcClass: 'A' }), [roomy, snug, bin({ travelM: 90 }), bin({ travelM: 95 }), bin({ travelM: 99 })], STRICT);
    expect(suggestions.slice(0, 2).map((s) => s.binId)).toEqual([snug.id, roomy.id]);
    expect(suggestions[0]).toMatchObject({ decidedBy: 'fit', reasons: [{ rule: 'abc' }, { rule: 'fit', message: 'fills the bin to 80 % by weight (best fit)' }] });
  });

  it('the fit counts volume, weight or units, whichever binds', () => {
    const byUnits = bin({ maxUnits: 50 });
    const { suggestions } = suggestPutaway(item(), [byUnits], STRICT);
    expect(suggestions[0]!.reasons.at(-1)!.message).toBe('fills the bin to 80 % by units (best fit)');
  });

  it('ties fall to pickSeq, then bin id', () => {
    const a = bin({ id: 501, pickSeq: 3 });
    const b = bin({ id: 502, pickSeq: 1 });
    const c = bin({ id: 503, pickSeq: 1 });
    const { suggestions } = suggestPutaway(item(), [a, c, b], STRICT);
    expect(suggestions.map((s) => [s.binId, s.decidedBy])).toEqual([[502, 'bin_id'], [503, 'pick_seq'], [501, null]]);
  });

  it('is deterministic whatever the candidate order', () => {
    const bins = [...aisle(), bin({ travelM: 40, contents: [{ skuId: 1, lotId: 10, ownerId: 100, qty: 3 }] }), bin({ travelM: 40 })];
    const expected = suggestPutaway(item(), bins, STRICT, 20);
    fc.assert(fc.property(fc.shuffledSubarray(bins, { minLength: bins.length }), (shuffled) => {
      expect(suggestPutaway(item(), shuffled, STRICT, 20)).toEqual(expected);
    }));
  });

  it('limit caps the suggestions; decidedBy still compares with the next eligible bin', () => {
    const { suggestions } = suggestPutaway(item({ abcClass: 'A' }), aisle(), STRICT, 2);
    expect(suggestions).toHaveLength(2);
    expect(suggestions[1]!.decidedBy).not.toBeNull();
    expect(suggestPutaway(item(), aisle(), STRICT, 0).suggestions).toEqual([]);
  });

  it('scores are non-increasing down the list', () => {
    const { suggestions } = suggestPutaway(item({ abcClass: 'C' }), aisle(), STRICT, 10);
    for (let i = 1; i < suggestions.length; i++) expect(suggestions[i]!.score).toBeLessThanOrEqual(suggestions[i - 1]!.score);
  });
});

describe('properties', () => {
  const temperature = fc.constantFrom<Temperature>('ambient', 'chilled', 'frozen');
  const zoneKind = fc.constantFrom<ZoneKind>('storage', 'pick_face', 'bulk', 'staging', 'dock', 'qc', 'quarantine');
  const content = fc.record({
    skuId: fc.integer({ min: 1, max: 3 }),
    lotId: fc.option(fc.integer({ min: 1, max: 3 })),
    ownerId: fc.integer({ min: 1, max: 2 }),
    qty: fc.integer({ min: 0, max: 50 }),
  });
  const candidate = fc.record({
    id: fc.integer({ min: 1, max: 10_000 }),
    code: fc.string({ minLength: 1, maxLength: 8 }),
    zoneCode: fc.constantFrom('A', 'B', 'C'),
    zoneKind,
    zoneTemperature: temperature,
    blocked: fc.boolean(),
    maxVolumeM3: fc.double({ min: 0, max: 2, noNaN: true }),
    maxWeightKg: fc.double({ min: 0, max: 1000, noNaN: true }),
    maxUnits: fc.option(fc.integer({ min: 0, max: 500 })),
    maxPallets: fc.option(fc.integer({ min: 1, max: 3 })),
    usedPallets: fc.integer({ min: 0, max: 3 }),
    usedVolumeM3: fc.double({ min: 0, max: 2, noNaN: true }),
    usedWeightKg: fc.double({ min: 0, max: 1000, noNaN: true }),
    usedUnits: fc.integer({ min: 0, max: 500 }),
    contents: fc.array(content, { maxLength: 3 }),
    travelM: fc.double({ min: 0, max: 300, noNaN: true }),
    pickSeq: fc.integer({ min: 0, max: 100 }),
  });
  const anItem = fc.record({
    skuId: fc.integer({ min: 1, max: 3 }),
    abcClass: fc.constantFrom<'A' | 'B' | 'C'>('A', 'B', 'C'),
    temperature,
    unitVolumeM3: fc.double({ min: 0, max: 0.05, noNaN: true }),
    unitWeightKg: fc.double({ min: 0, max: 20, noNaN: true }),
    unitsPerPallet: fc.option(fc.integer({ min: 1, max: 100 })),
    lotId: fc.option(fc.integer({ min: 1, max: 3 })),
    ownerId: fc.integer({ min: 1, max: 2 }),
    qty: fc.integer({ min: 1, max: 200 }),
  });
  const policy = fc.record({
    mixSkus: fc.boolean(),
    mixLots: fc.boolean(),
    mixOwners: fc.boolean(),
    zoneKinds: fc.option(fc.subarray<ZoneKind>(['storage', 'pick_face', 'bulk', 'staging', 'dock', 'qc', 'quarantine']), { nil: undefined }),
  });

  it('every suggestion passes checkPutawayFit, and every candidate is either eligible or counted once', () => {
    fc.assert(fc.property(anItem, fc.uniqueArray(candidate, { selector: (b) => b.id, maxLength: 25 }), policy, (it, bins, pol) => {
      const result = suggestPutaway(it, bins, pol, bins.length);
      const byId = new Map(bins.map((b) => [b.id, b]));
      for (const s of result.suggestions) {
        expect(checkPutawayFit(it, byId.get(s.binId)!, pol)).toEqual({ ok: true });
        expect(s.reasons.map((r) => r.rule)).toContain('abc');
      }
      const rejected = Object.values(result.rejected).reduce((a, b) => a + b, 0);
      expect(rejected + result.suggestions.length).toBe(bins.length);
      const failing = bins.filter((b) => !checkPutawayFit(it, b, pol).ok).length;
      expect(rejected).toBe(failing);
    }), { numRuns: 300 });
  });
});
