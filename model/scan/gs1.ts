// Scan parser: tells an operator's scan apart as a GS1 element string, a bare GTIN or a plain code
// (SKU or bin), and reads the GS1 application identifiers (AIs) the WMS acts on.
//
// No npm package. Checked on the registry (2026-11): `gs1-barcode-parser-mod` 1.2.1 (maintained MIT
// fork, but plain CommonJS without types) reads "today" from the clock with no parameter, lets JS
// Date roll impossible dates over (261331 becomes a day in 2027 rather than an error), does not check
// GTIN check digits, does not know the `<GS>`/`{GS}` spellings of keyboard wedges and throws bare
// numeric strings; `bark-js` 1.2.1 (last release 2024, Travis/Jest 24 era, no types) has the same gaps;
// `@valentynb/gs1-parser` and `gs1-parser` are not published. Wrapping one would mean checking again
// every field we use, so this is a compact parser driven by the GS1 Barcode Syntax Dictionary facts
// it needs: the AI length for each two-digit prefix, the predefined-length AIs that need no FNC1
// after them, and formats for the AIs we read.
//
// Limits, on purpose: GS1 Digital Link URIs are not read. In the bracketed form, a "(nn)" holding
// a valid AI is always taken as a new AI, even inside a lot (printed text cannot tell them apart).
// Without a symbology identifier, a scan is only taken as GS1 when it has a separator, starts with
// "(AI)", or starts with (00) SSCC / (01) or (02) GTIN whose check digit is right.

/** FNC1 as scanners send it: ASCII group separator. */
const GS = '\x1d';

export type ScanResult =
  | {
      kind: 'gs1';
      /** The scan exactly as received. */
      raw: string;
      /** (00) SSCC of a logistic unit (pallet label). */
      sscc?: string;
      /** (01) GTIN, 14 digits. */
      gtin?: string;
      /** (02) GTIN of the trade items inside a logistic unit. */
      contentGtin?: string;
      lot?: string;
      /** Dates are YYYY-MM-DD; a DD of 00 in the barcode becomes the last day of the month. */
      expiry?: string;
      bestBefore?: string;
      productionDate?: string;
      serial?: string;
      /** (37) count of trade items, or else (30) variable count. */
      qty?: number;
      /** (3100)–(3105): net weight in kg, the last AI digit giving the decimals. */
      netWeightKg?: number;
      /** Every element as written in the barcode, by AI, including AIs we do not interpret. */
      ais: Record<string, string>;
    }
  | { kind: 'gtin'; raw: string; /** normalised to 14 digits */ gtin: string }
  | { kind: 'code'; raw: string; /** trimmed, symbology identifier removed */ code: string };

export type Gs1Scan = Extract<ScanResult, { kind: 'gs1' }>;

/** A scan that is meant to be GS1 but cannot be trusted. `field` is the AI (e.g. '17'), or 'scan'. */
export class ScanError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ScanError';
    this.field = field;
  }
}

// ---- check digits ----------------------------------------------------------------------------

/** GS1 mod-10: weights 3, 1, 3, ... from the right, leaving out the check digit itself. */
function mod10Ok(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digits.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

/** GTIN-8/12/13/14 with a right check digit: a mistyped barcode is refused before it is used. */
export function isValidGtin(digits: string): boolean {
  return /^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits) && mod10Ok(digits);
}

/** A valid GTIN left-padded to 14 digits, the form stored and compared; throws ScanError otherwise. */
export function gtin14(digits: string): string {
  if (!isValidGtin(digits)) {
    throw new ScanError('gtin', `${digits} is not a valid GTIN-8/12/13/14 (length or check digit)`);
  }
  return digits.padStart(14, '0');
}

// ---- AI table --------------------------------------------------------------------------------

/** Length of the AI itself for each assigned two-digit prefix; other prefixes are not AIs. */
function aiLength(prefix: string): 2 | 3 | 4 | undefined {
  if (!/^\d\d$/.test(prefix)) return undefined;
  const p = Number(prefix);
  if (p <= 4 || (p >= 10 && p <= 13) || p === 15 || p === 16 || p === 17) return 2;
  if (p >= 20 && p <= 22) return 2;
  if (p >= 23 && p <= 25) return 3;
  if (p === 30 || p === 37) return 2;
  if ((p >= 31 && p <= 36) || p === 39) return 4;
  if (p >= 40 && p <= 42) return 3;
  if (p === 43) return 4;
  if (p === 70 || p === 72) return 4;
  if (p === 71) return 3;
  if (p >= 80 && p <= 82) return 4;
  if (p >= 90) return 2;
  return undefined;
}

/**
 * Data length of the predefined-length AIs (GS1 General Specifications, figure 7.8.5-2): only these
 * end without an FNC1; every other element runs to the next separator or to the end.
 */
const PREDEFINED: Record<string, number> = {
  '00': 18, '01': 14, '02': 14, '03': 14, '04': 16,
  '11': 6, '12': 6, '13': 6, '15': 6, '16': 6, '17': 6, '20': 2,
  '31': 6, '32': 6, '33': 6, '34': 6, '35': 6, '36': 6, '41': 13,
};

interface AiFormat {
  title: string;
  /** N: digits only; X: GS1 character set 82; any: not checked (AIs we only pass through). */
  chars: 'N' | 'X' | 'any';
  min: number;
  max: number;
  check?: 'mod10' | 'date';
}

const n = (title: string, len: number, check?: AiFormat['check']): AiFormat => ({ title, chars: 'N', min: len, max: len, check });
const nVar = (title: string, max: number): AiFormat => ({ title, chars: 'N', min: 1, max });
const xVar = (title: string, max: number): AiFormat => ({ title, chars: 'X', min: 1, max });

/** The AIs we read or validate; anything else with an assigned prefix is kept, unread, in `ais`. */
const KNOWN: Record<string, AiFormat> = {
  '00': n('SSCC', 18, 'mod10'),
  '01': n('GTIN', 14, 'mod10'),
  '02': n('content GTIN', 14, 'mod10'),
  '10': xVar('lot', 20),
  '11': n('production date', 6, 'date'),
  '12': n('due date', 6, 'date'),
  '13': n('packaging date', 6, 'date'),
  '15': n('best before date', 6, 'date'),
  '16': n('sell by date', 6, 'date'),
  '17': n('expiry date', 6, 'date'),
  '20': n('variant', 2),
  '21': xVar('serial', 20),
  '30': nVar('variable count', 8),
  '37': nVar('count', 8),
};

function formatOf(ai: string): AiFormat {
  const known = KNOWN[ai];
  if (known) return known;
  if (/^310[0-5]$/.test(ai)) return n('net weight (kg)', 6);
  const fixed = PREDEFINED[ai.slice(0, 2)];
  if (fixed !== undefined) return { title: `AI ${ai}`, chars: 'any', min: fixed, max: fixed };
  return { title: `AI ${ai}`, chars: 'any', min: 1, max: 90 };
}

/** GS1 character set 82 (lots, serials): printable ASCII without space, # $ @ [ \ ] ^ ` { | } ~. */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

// ---- dates -----------------------------------------------------------------------------------

/**
 * Century of a YY, GS1 General Specifications 7.12: YY minus the current year's YY in 51..99 means
 * the previous century, in -99..-50 the next one, otherwise this one. The window therefore runs from
 * 49 years back to 50 years ahead of the current year.
 */
export function gs1Year(yy: number, today: Date): number {
  const current = today.getUTCFullYear();
  const century = current - (current % 100);
  const diff = yy - (current % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad2 = (v: number) => String(v).padStart(2, '0');

/** YYMMDD to YYYY-MM-DD; DD 00 means the month's last day (all of (11)–(17) allow it). */
function gs1Date(ai: string, title: string, yymmdd: string, today: Date): string {
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  const bad = (why: string) => new ScanError(ai, `AI (${ai}) ${title}: ${yymmdd} is not a valid date (${why})`);
  if (mm < 1 || mm > 12) throw bad(`month ${pad2(mm)}`);
  const year = gs1Year(yy, today);
  const last = daysInMonth(year, mm);
  if (dd > last) throw bad(`day ${pad2(dd)}; ${year}-${pad2(mm)} has ${last} days`);
  return `${year}-${pad2(mm)}-${pad2(dd === 0 ? last : dd)}`;
}

// ---- element strings -------------------------------------------------------------------------

type Element = readonly [ai: string, value: string];

/** Raw form: AI, data, and an FNC1 after every element that is not of predefined length. */
function splitRaw(s: string): Element[] {
  const out: Element[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === GS) { i++; continue; } // leading, doubled or trailing separators carry nothing
    const len = aiLength(s.slice(i, i + 2));
    const ai = len ? s.slice(i, i + len) : '';
    if (!len || !/^\d+$/.test(ai) || ai.length < len) {
      throw new ScanError('scan', `"${s.slice(i, i + 4)}" at position ${i + 1} is not a known GS1 application identifier`);
    }
    i += len;
    const fixed = PREDEFINED[ai.slice(0, 2)];
    const end = fixed !== undefined ? Math.min(i + fixed, s.length) : nextSeparator(s, i);
    out.push([ai, s.slice(i, end)]);
    i = end;
  }
  return out;
}

function nextSeparator(s: string, from: number): number {
  const at = s.indexOf(GS, from);
  return at < 0 ? s.length : at;
}

/** Bracketed (human-readable) form: a "(nn)" is an AI when nn has an assigned prefix and fitting length. */
function splitBracketed(s: string): Element[] {
  const marks: { ai: string; start: number; end: number }[] = [];
  for (const m of s.matchAll(/\((\d{2,4})\)/g)) {
    const ai = m[1] ?? '';
    if (aiLength(ai.slice(0, 2)) === ai.length) marks.push({ ai, start: m.index, end: m.index + m[0].length });
  }
  if (marks[0]?.start !== 0) {
    throw new ScanError('scan', `"${/^\(\d+\)/.exec(s)?.[0] ?? s.slice(0, 6)}" is not a known GS1 application identifier`);
  }
  return marks.map((mark, k) => {
    const next = marks[k + 1];
    // Spaces are never part of GS1 data (not in set 82), but people type them between elements.
    return [mark.ai, s.slice(mark.end, next ? next.start : s.length).trim()] as const;
  });
}

function checkElement(ai: string, value: string, today: Date): void {
  const f = formatOf(ai);
  const what = `AI (${ai}) ${f.title}`;
  if (value.length < f.min || value.length > f.max) {
    const wanted = f.min === f.max ? `exactly ${f.min}` : `${f.min} to ${f.max}`;
    const hint = value.length > f.max ? ' (missing FNC1 separator?)' : '';
    throw new ScanError(ai, `${what} needs ${wanted} characters, got ${value.length}: "${value}"${hint}`);
  }
  if (f.chars === 'N' && !/^\d+$/.test(value)) throw new ScanError(ai, `${what} must be digits: "${value}"`);
  if (f.chars === 'X' && !CSET82.test(value)) {
    throw new ScanError(ai, `${what} has a character outside the GS1 character set: "${value}"`);
  }
  if (f.check === 'mod10' && !mod10Ok(value)) throw new ScanError(ai, `${what} ${value} has a wrong check digit`);
  if (f.check === 'date') gs1Date(ai, f.title, value, today);
}

function readElements(raw: string, elements: Element[], today: Date): Gs1Scan {
  if (elements.length === 0) throw new ScanError('scan', 'GS1 scan holds no element');
  const ais: Record<string, string> = {};
  for (const [ai, value] of elements) {
    const seen = ais[ai];
    if (seen !== undefined && seen !== value) {
      throw new ScanError(ai, `AI (${ai}) appears twice with different values: "${seen}" and "${value}"`);
    }
    checkElement(ai, value, today);
    ais[ai] = value;
  }
  const date = (ai: string) => {
    const v = ais[ai];
    return v === undefined ? undefined : gs1Date(ai, formatOf(ai).title, v, today);
  };
  const weights = Object.keys(ais).filter((ai) => /^310[0-5]$/.test(ai));
  if (weights.length > 1) throw new ScanError(weights[1]!, `net weight given twice: AIs (${weights.join('), (')})`);
  const weightAi = weights[0];
  const count = ais['37'] ?? ais['30'];

  const result: Gs1Scan = { kind: 'gs1', raw, ais };
  const put = <K extends keyof Gs1Scan>(key: K, v: Gs1Scan[K] | undefined) => {
    if (v !== undefined) result[key] = v;
  };
  put('sscc', ais['00']);
  put('gtin', ais['01']);
  put('contentGtin', ais['02']);
  put('lot', ais['10']);
  put('expiry', date('17'));
  put('bestBefore', date('15'));
  put('productionDate', date('11'));
  put('serial', ais['21']);
  put('qty', count === undefined ? undefined : Number(count));
  put('netWeightKg', weightAi === undefined ? undefined : Number(ais[weightAi]) / 10 ** Number(weightAi[3]));
  return result;
}

// ---- classification --------------------------------------------------------------------------

/** AIM symbology identifiers that announce GS1 data: GS1-128, DataBar, composite, DataMatrix, QR, DotCode. */
const GS1_SYMBOLOGIES = new Set([']C1', ']e0', ']e1', ']e2', ']d2', ']Q3', ']J1']);

/** Starts like a GS1 string even without identifier or separator: (00) SSCC or (01)/(02) GTIN, check digit right. */
function looksLikeBareGs1(s: string): boolean {
  const key = /^(?:00(\d{18})|0[12](\d{14}))/.exec(s);
  const digits = key?.[1] ?? key?.[2];
  return digits !== undefined && mod10Ok(digits);
}

/**
 * Classifies and reads one scan. `today` fixes the century window of two-digit years (tests pass it).
 * Throws ScanError when the scan is GS1 but malformed: bad AI, length, check digit or date.
 */
export function parseScan(raw: string, today: Date = new Date()): ScanResult {
  // Scanners add CR/LF or spaces; keyboard wedges spell FNC1 as <GS> or {GS}.
  let s = raw.trim().replace(/<GS>|\{GS\}/gi, GS);
  const symbology = /^\][A-Za-z][0-9A-Za-z]/.exec(s)?.[0];
  if (symbology) {
    s = s.slice(3);
    if (GS1_SYMBOLOGIES.has(symbology)) return readElements(raw, elementsOf(s), today);
  }
  if (/^\(\d{2,4}\)/.test(s) || s.includes(GS)) return readElements(raw, elementsOf(s), today);
  if (isValidGtin(s)) return { kind: 'gtin', raw, gtin: s.padStart(14, '0') };
  if (looksLikeBareGs1(s)) return readElements(raw, elementsOf(s), today);
  return { kind: 'code', raw, code: s };
}

function elementsOf(s: string): Element[] {
  return /^\(\d{2,4}\)/.test(s) ? splitBracketed(s) : splitRaw(s);
}
