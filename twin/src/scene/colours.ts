/**
 * Bin colour modes: each maps a bin's state to a colour and has a legend of i18n keys (translated by the
 * app shell) with CSS colours. Colours are written as linear RGB (what three.js expects in instanceColor);
 * palettes are defined in sRGB hex, like the legend shows them.
 */
import { BinFlag, type BinStore } from './bins.ts';

export type ColourMode = 'fill' | 'status' | 'abc' | 'age' | 'expiry';
export const COLOUR_MODES: readonly ColourMode[] = ['fill', 'status', 'abc', 'age', 'expiry'];

export type AbcClass = 'A' | 'B' | 'C';

export interface ColourOptions {
  /** ABC class of a SKU code (the snapshot has the top SKU's code, not its class); null = unknown. */
  classOf?: (sku: string) => AbcClass | null;
  /** When non-empty, bins not in it are dimmed (instance indices). */
  highlight?: ReadonlySet<number>;
}

export interface LegendEntry { key: string; colour: string }

const MS_PER_DAY = 86_400_000;

/** sRGB hex → linear RGB triple. */
export function hexToLinear(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  const c = (x: number) => {
    const s = x / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return [c((v >> 16) & 255), c((v >> 8) & 255), c(v & 255)];
}

interface Palette { keys: string[]; hex: string[]; rgb: Float32Array }

function palette(prefix: string, entries: [string, string][]): Palette {
  const rgb = new Float32Array(entries.length * 3);
  entries.forEach(([, hex], i) => rgb.set(hexToLinear(hex), i * 3));
  return { keys: entries.map(([k]) => `legend.${prefix}.${k}`), hex: entries.map(([, h]) => h), rgb };
}

/*
 * Palettes: Okabe-Ito hues and a viridis-like fill ramp, chosen so every pair within a legend (and every AGV
 * colour against the fill ramp) stays apart by CIEDE2000, also under simulated deuteranopia and protanopia
 * (colours.test.ts checks the margins). The empty grey is shared by every mode.
 */
const EMPTY_GREY = '#3a4350';
/** Fill: empty is its own grey; otherwise a gradient through the stops low → full (viridis-like). */
const FILL = palette('fill', [['empty', EMPTY_GREY], ['low', '#2c7fb8'], ['mid', '#1f9e89'], ['high', '#6ece58'],
  ['full', '#fde725']]);
export const STATUS = { normal: 0, empty: 1, qc: 2, hold: 3, damaged: 4, blocked: 5 } as const;
const STATUS_P = palette('status', [['normal', '#009e73'], ['empty', EMPTY_GREY], ['qc', '#56b4e9'],
  ['hold', '#e69f00'], ['damaged', '#d55e00'], ['blocked', '#cc79a7']]);
const ABC = palette('abc', [['a', '#d55e00'], ['b', '#f0e442'], ['c', '#0072b2'], ['unknown', '#8c96a0'],
  ['empty', EMPTY_GREY]]);
const AGE = palette('age', [['d30', '#56b4e9'], ['d90', '#009e73'], ['d180', '#e69f00'], ['older', '#d55e00'],
  ['none', EMPTY_GREY]]);
/** Expiry: expired is reddish purple, < 7 days vermillion: two hues, not two reds. */
const EXPIRY = palette('expiry', [['expired', '#cc79a7'], ['d7', '#d55e00'], ['d30', '#f0e442'],
  ['later', '#56b4e9'], ['none', EMPTY_GREY]]);

const PALETTES: Record<ColourMode, Palette> = { fill: FILL, status: STATUS_P, abc: ABC, age: AGE, expiry: EXPIRY };

/** Legend of a mode: i18n keys (e.g. legend.fill.empty) and sRGB CSS colours, in display order. */
export function legend(mode: ColourMode): LegendEntry[] {
  const p = PALETTES[mode];
  return p.keys.map((key, i) => ({ key, colour: p.hex[i]! }));
}

/** Status category of a bin, by priority: blocked/frozen, damaged, hold, qc, empty, normal. */
export function statusOf(flags: number): number {
  if (flags & (BinFlag.BLOCKED | BinFlag.FROZEN)) return STATUS.blocked;
  if (flags & BinFlag.DAMAGED) return STATUS.damaged;
  if (flags & BinFlag.HOLD) return STATUS.hold;
  if (flags & BinFlag.QC) return STATUS.qc;
  if (flags & BinFlag.EMPTY) return STATUS.empty;
  return STATUS.normal;
}

/** Age bucket (index into the age legend) of a bin's oldest receipt: 0-30, 30-90, 90-180, >180 days, none. */
export function ageBucket(oldestReceiptAt: number, now: number): number {
  if (Number.isNaN(oldestReceiptAt)) return 4;
  const days = (now - oldestReceiptAt) / MS_PER_DAY;
  return days < 30 ? 0 : days < 90 ? 1 : days < 180 ? 2 : 3;
}

/** Expiry bucket: expired, < 7 days, < 30 days, later, none. */
export function expiryBucket(earliestExpiry: number, now: number): number {
  if (Number.isNaN(earliestExpiry)) return 4;
  const days = (earliestExpiry - now) / MS_PER_DAY;
  return days < 0 ? 0 : days < 7 ? 1 : days < 30 ? 2 : 3;
}

/** Per-pass cache: the ABC class index per SKU dictionary entry (classOf called once per SKU, not per bin). */
export class ColourContext {
  private abc: Int8Array | null = null;
  constructor(readonly store: BinStore, readonly options: ColourOptions = {}) {}

  abcIndex(sku: number): number {
    if (sku < 0) return 4;
    const skus = this.store.skus;
    if (!this.abc || this.abc.length < skus.length) {
      const prev = this.abc;
      this.abc = new Int8Array(skus.length).fill(-1);
      if (prev) this.abc.set(prev);
    }
    let c = this.abc[sku]!;
    if (c < 0) {
      const cls = this.options.classOf?.(skus[sku]!) ?? null;
      c = cls === 'A' ? 0 : cls === 'B' ? 1 : cls === 'C' ? 2 : 3;
      this.abc[sku] = c;
    }
    return c;
  }
}

const DIM = 0.18;

/**
 * Colour of instance `i` in `mode`, written as linear RGB at out[3i .. 3i + 3]; returns `out`.
 * Pass a ColourContext when colouring many bins in ABC mode (it caches classOf per SKU).
 */
export function colourFor(mode: ColourMode, store: BinStore, i: number, now: number,
  out: Float32Array = new Float32Array(store.length * 3), ctx: ColourContext = new ColourContext(store)): Float32Array {
  const o = i * 3;
  const flags = store.flags[i]!;
  let src: Float32Array;
  let at: number;
  switch (mode) {
    case 'fill': {
      if (flags & BinFlag.EMPTY) { src = FILL.rgb; at = 0; break; }
      // Gradient over stops 1..4 (low .. full).
      const f = Math.min(1, Math.max(0, store.fill[i]!)) * 3;
      const k = Math.min(2, Math.floor(f));
      const t = f - k;
      const a = (1 + k) * 3;
      const b = a + 3;
      const rgb = FILL.rgb;
      out[o] = rgb[a]! + (rgb[b]! - rgb[a]!) * t;
      out[o + 1] = rgb[a + 1]! + (rgb[b + 1]! - rgb[a + 1]!) * t;
      out[o + 2] = rgb[a + 2]! + (rgb[b + 2]! - rgb[a + 2]!) * t;
      return dim(out, o, i, ctx);
    }
    case 'status': src = STATUS_P.rgb; at = statusOf(flags) * 3; break;
    case 'abc': src = ABC.rgb; at = ctx.abcIndex(flags & BinFlag.EMPTY ? -1 : store.topSku[i]!) * 3; break;
    case 'age': src = AGE.rgb; at = ageBucket(store.oldestReceiptAt[i]!, now) * 3; break;
    case 'expiry': src = EXPIRY.rgb; at = expiryBucket(store.earliestExpiry[i]!, now) * 3; break;
  }
  out[o] = src[at]!;
  out[o + 1] = src[at + 1]!;
  out[o + 2] = src[at + 2]!;
  return dim(out, o, i, ctx);
}

function dim(out: Float32Array, o: number, i: number, ctx: ColourContext): Float32Array {
  const h = ctx.options.highlight;
  if (h && h.size > 0 && !h.has(i)) {
    out[o] = out[o]! * DIM;
    out[o + 1] = out[o + 1]! * DIM;
    out[o + 2] = out[o + 2]! * DIM;
  }
  return out;
}

/** Colour every bin in one pass (mode switch, highlight change, new snapshot). */
export function colourAll(mode: ColourMode, store: BinStore, now: number, out: Float32Array,
  options: ColourOptions = {}): Float32Array {
  const ctx = new ColourContext(store, options);
  for (let i = 0; i < store.length; i++) colourFor(mode, store, i, now, out, ctx);
  return out;
}

/** Colour the given bins only (after stream records); same context rules as colourAll. */
export function colourSome(mode: ColourMode, store: BinStore, indices: Iterable<number>, now: number,
  out: Float32Array, options: ColourOptions = {}): void {
  const ctx = new ColourContext(store, options);
  for (const i of indices) colourFor(mode, store, i, now, out, ctx);
}
