/**
 * How far apart two colours look: CIEDE2000 (ΔE00) between sRGB hex colours, and the same after simulating
 * colour vision deficiency (Machado, Oliveira & Fernandes 2009, severity 1, applied in linear RGB). The
 * palettes in colours.ts and agvs.ts are checked with these (colours.test.ts): about 2 is just noticeable,
 * 10 clearly different, 20+ different colours at a glance.
 */
import { hexToLinear } from './colours.ts';

type Rgb = [number, number, number];
type Lab = [number, number, number];

export type Vision = 'normal' | 'deuteranopia' | 'protanopia';

const CVD: Record<Exclude<Vision, 'normal'>, readonly number[]> = {
  deuteranopia: [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
  protanopia: [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
};

/** Linear RGB as seen with the given vision (clamped to 0..1). */
export function simulate(rgb: Rgb, vision: Vision): Rgb {
  if (vision === 'normal') return rgb;
  const m = CVD[vision];
  const c = (k: number) => Math.min(1, Math.max(0, m[k]! * rgb[0] + m[k + 1]! * rgb[1] + m[k + 2]! * rgb[2]));
  return [c(0), c(3), c(6)];
}

/** Linear RGB (sRGB primaries, D65) → CIE L*a*b*. */
export function linearToLab([r, g, b]: Rgb): Lab {
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const fx = f(x); const fy = f(y); const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** CIEDE2000 colour difference of two L*a*b* colours (kL = kC = kH = 1). */
export function deltaE2000([l1, a1, b1]: Lab, [l2, a2, b2]: Lab): number {
  const c1 = Math.hypot(a1, b1);
  const c2 = Math.hypot(a2, b2);
  const cBar7 = ((c1 + c2) / 2) ** 7;
  const g = 0.5 * (1 - Math.sqrt(cBar7 / (cBar7 + 25 ** 7)));
  const a1p = a1 * (1 + g);
  const a2p = a2 * (1 + g);
  const c1p = Math.hypot(a1p, b1);
  const c2p = Math.hypot(a2p, b2);
  const hue = (b: number, a: number) => { if (a === 0 && b === 0) return 0; const h = deg(Math.atan2(b, a)); return h < 0 ? h + 360 : h; };
  const h1p = hue(b1, a1p);
  const h2p = hue(b2, a2p);
  const dLp = l2 - l1;
  const dCp = c2p - c1p;
  let dhp = 0;
  if (c1p * c2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(c1p * c2p) * Math.sin(rad(dhp / 2));
  const lBarP = (l1 + l2) / 2;
  const cBarP = (c1p + c2p) / 2;
  let hBarP = h1p + h2p;
  if (c1p * c2p !== 0) {
    if (Math.abs(h1p - h2p) > 180) hBarP = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
    else hBarP = (h1p + h2p) / 2;
  }
  const t = 1 - 0.17 * Math.cos(rad(hBarP - 30)) + 0.24 * Math.cos(rad(2 * hBarP)) + 0.32 * Math.cos(rad(3 * hBarP + 6))
    - 0.2 * Math.cos(rad(4 * hBarP - 63));
  const dTheta = 30 * Math.exp(-(((hBarP - 275) / 25) ** 2));
  const cBarP7 = cBarP ** 7;
  const rc = 2 * Math.sqrt(cBarP7 / (cBarP7 + 25 ** 7));
  const sl = 1 + (0.015 * (lBarP - 50) ** 2) / Math.sqrt(20 + (lBarP - 50) ** 2);
  const sc = 1 + 0.045 * cBarP;
  const sh = 1 + 0.015 * cBarP * t;
  const rt = -Math.sin(rad(2 * dTheta)) * rc;
  return Math.sqrt((dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dCp / sc) * (dHp / sh));
}

/** ΔE00 between two sRGB hex colours as seen with `vision`. */
export function colourDistance(hexA: string, hexB: string, vision: Vision = 'normal'): number {
  return deltaE2000(linearToLab(simulate(hexToLinear(hexA), vision)), linearToLab(simulate(hexToLinear(hexB), vision)));
}

/** The closest pair of a list of colours (for tests and reports). */
export function closestPair(colours: readonly { key: string; colour: string }[], vision: Vision = 'normal',
  others?: readonly { key: string; colour: string }[]): { a: string; b: string; distance: number } {
  let best = { a: '', b: '', distance: Infinity };
  colours.forEach((x, i) => {
    const against = others ?? colours.slice(i + 1);
    for (const y of against) {
      const d = colourDistance(x.colour, y.colour, vision);
      if (d < best.distance) best = { a: x.key, b: y.key, distance: d };
    }
  });
  return best;
}
