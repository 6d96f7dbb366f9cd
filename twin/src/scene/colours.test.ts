import { describe, expect, it } from 'vitest';
import { BinFlag, BinStore } from './bins.ts';
import { ageBucket, COLOUR_MODES, colourAll, colourFor, expiryBucket, hexToLinear, legend, statusOf } from './colours.ts';
import { snapshotBytes } from './fixtures.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 0, 1);
const rgb = (a: Float32Array, i: number) => [a[i * 3]!, a[i * 3 + 1]!, a[i * 3 + 2]!];
const near = (a: number[], b: number[]) => a.every((v, k) => Math.abs(v - b[k]!) < 1e-6);

describe('colours', () => {
  it('has a legend of i18n keys and CSS colours for every mode', () => {
    for (const mode of COLOUR_MODES) {
      const l = legend(mode);
      expect(l.length).toBeGreaterThanOrEqual(4);
      for (const e of l) {
        expect(e.key.startsWith(`legend.${mode}.`)).toBe(true);
        expect(e.colour).toMatch(/^#[0-9a-f]{6}$/);
      }
    }
    expect(legend('fill')[0]!.key).toBe('legend.fill.empty');
    expect(legend('status').map((e) => e.key)).toContain('legend.status.blocked');
  });

  it('converts sRGB to linear', () => {
    expect(hexToLinear('#ffffff')).toEqual([1, 1, 1]);
    expect(hexToLinear('#000000')).toEqual([0, 0, 0]);
    expect(hexToLinear('#808080')[0]).toBeCloseTo(0.2159, 3);
  });

  it('buckets status, age and expiry', () => {
    expect(statusOf(BinFlag.EMPTY)).toBe(1);
    expect(statusOf(0)).toBe(0);
    expect(statusOf(BinFlag.QC)).toBe(2);
    expect(statusOf(BinFlag.QC | BinFlag.HOLD)).toBe(3);
    expect(statusOf(BinFlag.DAMAGED | BinFlag.HOLD)).toBe(4);
    expect(statusOf(BinFlag.FROZEN | BinFlag.DAMAGED)).toBe(5);
    expect(ageBucket(NOW - 10 * DAY, NOW)).toBe(0);
    expect(ageBucket(NOW - 30 * DAY, NOW)).toBe(1);
    expect(ageBucket(NOW - 120 * DAY, NOW)).toBe(2);
    expect(ageBucket(NOW - 181 * DAY, NOW)).toBe(3);
    expect(ageBucket(NaN, NOW)).toBe(4);
    expect(expiryBucket(NOW - DAY, NOW)).toBe(0);
    expect(expiryBucket(NOW + 3 * DAY, NOW)).toBe(1);
    expect(expiryBucket(NOW + 20 * DAY, NOW)).toBe(2);
    expect(expiryBucket(NOW + 60 * DAY, NOW)).toBe(3);
    expect(expiryBucket(NaN, NOW)).toBe(4);
  });

  it('colours bins per mode, matching the legend', () => {
    const s = BinStore.fromIPC(snapshotBytes([
      {}, // empty
      { units: 5, fill: 0.0001, topSku: 0, flags: BinFlag.HOLD, oldestReceiptAt: NOW - 200 * DAY,
        earliestExpiryDay: Math.floor(NOW / DAY) + 3 },
      { units: 5, fill: 1, topSku: 1 },
    ]));
    const out = new Float32Array(9);
    const lin = (mode: Parameters<typeof legend>[0], k: number) => hexToLinear(legend(mode)[k]!.colour);
    colourAll('fill', s, NOW, out);
    expect(near(rgb(out, 0), lin('fill', 0))).toBe(true);
    expect(near(rgb(out, 1), lin('fill', 1))).toBe(false); // barely above low: close to, not exactly, the low stop
    expect(near(rgb(out, 2), lin('fill', 4))).toBe(true);
    colourAll('status', s, NOW, out);
    expect(near(rgb(out, 0), lin('status', 1))).toBe(true);
    expect(near(rgb(out, 1), lin('status', 3))).toBe(true);
    expect(near(rgb(out, 2), lin('status', 0))).toBe(true);
    let calls = 0;
    colourAll('abc', s, NOW, out, { classOf: (sku) => { calls++; return sku === 'SKU-1' ? 'A' : null; } });
    expect(near(rgb(out, 1), lin('abc', 0))).toBe(true);
    expect(near(rgb(out, 2), lin('abc', 3))).toBe(true);
    expect(near(rgb(out, 0), lin('abc', 4))).toBe(true);
    expect(calls).toBe(2);
    colourFor('age', s, 1, NOW, out);
    expect(near(rgb(out, 1), lin('age', 3))).toBe(true);
    colourFor('expiry', s, 1, NOW, out);
    expect(near(rgb(out, 1), lin('expiry', 1))).toBe(true);
    colourAll('status', s, NOW, out, { highlight: new Set([2]) });
    expect(near(rgb(out, 2), lin('status', 0))).toBe(true);
    expect(rgb(out, 1)[0]).toBeLessThan(lin('status', 3)[0] * 0.5);
  });

  it('recolours 100k bins in one pass (timing logged, not asserted)', () => {
    const n = 100_000;
    const bins = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? {} : {
      units: i % 50 + 1, fill: (i % 100) / 100, topSku: i % 2, flags: i % 7 === 0 ? BinFlag.QC : 0,
      oldestReceiptAt: NOW - (i % 300) * DAY, earliestExpiryDay: Math.floor(NOW / DAY) + (i % 90) - 10 }));
    const s = BinStore.fromIPC(snapshotBytes(bins));
    const out = new Float32Array(n * 3);
    for (const mode of COLOUR_MODES) {
      const t0 = performance.now();
      colourAll(mode, s, NOW, out, { classOf: () => 'B' });
      console.log(`colourAll(${mode}) over ${n} bins: ${(performance.now() - t0).toFixed(1)} ms`);
    }
    expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
