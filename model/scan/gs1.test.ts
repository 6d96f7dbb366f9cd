import { describe, expect, it } from 'vitest';
import { ScanError, gs1Year, gtin14, isValidGtin, parseScan, type Gs1Scan } from './gs1.ts';
import { isValidGtin as skusIsValidGtin } from '../../server/domain/masterdata/skus.ts';

const TODAY = new Date('2026-11-24T12:00:00Z');
const GS = '\x1d';
const GTIN = '09501101530003'; // valid GTIN-14
const CASE_GTIN = '19501101530000'; // valid GTIN-14, indicator digit 1
const SSCC = '106141412345678908';

function gs1(raw: string, today = TODAY): Gs1Scan {
  const r = parseScan(raw, today);
  if (r.kind !== 'gs1') throw new Error(`expected gs1, got ${r.kind}`);
  return r;
}

function scanError(raw: string, today = TODAY): ScanError {
  try {
    parseScan(raw, today);
  } catch (e) {
    if (e instanceof ScanError) return e;
    throw e;
  }
  throw new Error(`expected ScanError for ${JSON.stringify(raw)}`);
}

describe('isValidGtin / gtin14', () => {
  it.each([
    ['96385074', true], // GTIN-8
    ['012345678905', true], // GTIN-12 (UPC-A)
    ['5901234123457', true], // GTIN-13
    [GTIN, true],
    ['5901234123458', false], // wrong check digit
    ['590123412345', false], // 12 digits, wrong check digit
    ['1234567890', false], // 10 digits: no such GTIN
    ['590123412345X', false],
    ['', false],
  ])('%s -> %s', (digits, ok) => {
    expect(isValidGtin(digits)).toBe(ok);
  });

  it('is the same function skus.ts exports', () => {
    expect(skusIsValidGtin).toBe(isValidGtin);
  });

  it('pads to 14 digits and refuses invalid ones', () => {
    expect(gtin14('96385074')).toBe('00000096385074');
    expect(gtin14('5901234123457')).toBe('05901234123457');
    expect(() => gtin14('5901234123458')).toThrow(ScanError);
  });
});

describe('each AI', () => {
  it.each<[string, string, Partial<Gs1Scan>]>([
    ['(00) SSCC', `(00)${SSCC}`, { sscc: SSCC }],
    ['(01) GTIN', `(01)${GTIN}`, { gtin: GTIN }],
    ['(02) content GTIN', `(02)${CASE_GTIN}(37)12`, { contentGtin: CASE_GTIN, qty: 12 }],
    ['(10) lot', `(01)${GTIN}(10)AB-123/x`, { lot: 'AB-123/x' }],
    ['(11) production date', `(01)${GTIN}(11)250115`, { productionDate: '2025-01-15' }],
    ['(15) best before', `(01)${GTIN}(15)270228`, { bestBefore: '2027-02-28' }],
    ['(17) expiry', `(01)${GTIN}(17)260630`, { expiry: '2026-06-30' }],
    ['(21) serial', `(01)${GTIN}(21)SN0001`, { serial: 'SN0001' }],
    ['(30) variable count', `(01)${GTIN}(30)250`, { qty: 250 }],
    ['(37) count wins over (30)', `(02)${CASE_GTIN}(37)24(30)1`, { qty: 24 }],
    ['(3103) net weight', `(01)${GTIN}(3103)000525`, { netWeightKg: 0.525 }],
    ['(3100) net weight, no decimals', `(01)${GTIN}(3100)000042`, { netWeightKg: 42 }],
    ['(3105) net weight, 5 decimals', `(01)${GTIN}(3105)123456`, { netWeightKg: 1.23456 }],
  ])('%s', (_name, raw, expected) => {
    expect(gs1(raw)).toMatchObject(expected);
  });

  it('keeps every element verbatim in ais', () => {
    const r = gs1(`(01)${GTIN}(17)260600(10)L1(3103)000525`);
    expect(r.ais).toEqual({ '01': GTIN, '17': '260600', '10': 'L1', '3103': '000525' });
  });
});

describe('separators and forms', () => {
  const expected = { gtin: GTIN, expiry: '2026-06-30', lot: 'AB-123', serial: 'S9', qty: 5 };
  it.each([
    ['bracketed', `(01)${GTIN}(17)260630(10)AB-123(21)S9(30)5`],
    ['bracketed with spaces', `(01) ${GTIN} (17) 260630 (10) AB-123 (21) S9 (30) 5`],
    ['raw, GS separators', `]C101${GTIN}17260630` + `10AB-123${GS}21S9${GS}305`],
    ['raw, <GS> from a keyboard wedge', `]C101${GTIN}1726063010AB-123<GS>21S9<GS>305`],
    ['raw, {GS} from a keyboard wedge', `]d201${GTIN}1726063010AB-123{GS}21S9{gs}305`],
    ['raw, ]Q3 (GS1 QR)', `]Q301${GTIN}1726063010AB-123${GS}21S9${GS}305`],
    ['raw, ]e0 (GS1 DataBar)', `]e001${GTIN}1726063010AB-123${GS}21S9${GS}305`],
    ['raw, no symbology identifier', `01${GTIN}1726063010AB-123${GS}21S9${GS}305`],
    ['raw, leading FNC1 and separator after a fixed-length AI', `]d2${GS}01${GTIN}${GS}1726063010AB-123${GS}21S9${GS}305${GS}`],
    ['symbology identifier before the bracketed form', `]C1(01)${GTIN}(17)260630(10)AB-123(21)S9(30)5`],
    ['trailing CR LF from the scanner', `]C101${GTIN}1726063010AB-123${GS}21S9${GS}305\r\n`],
    ['surrounding spaces and tab', `  (01)${GTIN}(17)260630(10)AB-123(21)S9(30)5\t`],
  ])('%s', (_name, raw) => {
    const r = gs1(raw);
    expect(r).toMatchObject(expected);
    expect(r.raw).toBe(raw); // raw is kept exactly as scanned
  });

  it('reads a lot as the last element up to the end', () => {
    expect(gs1(`01${GTIN}10LOT-7`).lot).toBe('LOT-7');
  });

  it('a bare (01) GTIN with nothing after it is GS1, not a plain code', () => {
    expect(gs1(`01${GTIN}`)).toMatchObject({ gtin: GTIN });
  });
});

describe('dates', () => {
  it.each([
    ['DD=00 is the last day of the month', '260600', '2026-06-30'],
    ['DD=00 in February of a leap year', '280200', '2028-02-29'],
    ['DD=00 in February of a common year', '270200', '2027-02-28'],
    ['DD=00 in December', '261200', '2026-12-31'],
    ['29 February in a leap year', '280229', '2028-02-29'],
  ])('%s', (_name, yymmdd, iso) => {
    expect(gs1(`(01)${GTIN}(17)${yymmdd}`).expiry).toBe(iso);
  });

  it.each([
    // today = 2026: YY - 26 in 51..99 -> 1900s, in -99..-50 -> 2100s, otherwise 2000s
    [0, 2000], [26, 2026], [76, 2076], [77, 1977], [99, 1999],
  ])('century window in 2026: %i -> %i', (yy, year) => {
    expect(gs1Year(yy, TODAY)).toBe(year);
  });

  it.each([
    // today = 2080: 30 is 50 years ahead -> 2130; 31 is 49 years back -> 2031
    [30, 2130], [31, 2031], [29, 2129], [80, 2080],
  ])('century window in 2080: %i -> %i', (yy, year) => {
    expect(gs1Year(yy, new Date('2080-03-01T00:00:00Z'))).toBe(year);
  });

  it('applies the window to the parsed date, and leap years follow the resolved century', () => {
    expect(gs1(`(01)${GTIN}(11)770101`).productionDate).toBe('1977-01-01');
    // 2100 is not a leap year; with today = 2080, YY 00 -> 2100, so 000229 is invalid.
    expect(scanError(`(01)${GTIN}(17)000229`, new Date('2080-01-01T00:00:00Z')).field).toBe('17');
    expect(gs1(`(01)${GTIN}(17)000229`).expiry).toBe('2000-02-29');
  });

  it.each([
    ['261331', '17', /AI \(17\) expiry date: 261331 is not a valid date \(month 13\)/],
    ['260230', '17', /AI \(17\) expiry date: 260230 is not a valid date \(day 30; 2026-02 has 28 days\)/],
    ['270229', '17', /not a valid date \(day 29/],
    ['260431', '17', /day 31; 2026-04 has 30 days/],
    ['260015', '17', /month 00/],
  ])('refuses %s naming the AI', (yymmdd, field, message) => {
    const e = scanError(`(01)${GTIN}(17)${yymmdd}`);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });

  it('names the AI of a bad best-before and production date too', () => {
    expect(scanError(`(01)${GTIN}(15)261332`).message).toMatch(/^AI \(15\) best before date/);
    expect(scanError(`01${GTIN}11251301`).message).toMatch(/^AI \(11\) production date/);
  });
});

describe('refusals', () => {
  it.each<[string, string, string, RegExp]>([
    ['bad GTIN check digit', `(01)09501101530004(10)A`, '01', /AI \(01\) GTIN 09501101530004 has a wrong check digit/],
    ['bad content GTIN check digit', `(02)19501101530001(37)1`, '02', /wrong check digit/],
    ['bad SSCC check digit', `]C100106141412345678909`, '00', /AI \(00\) SSCC .* wrong check digit/],
    ['GTIN too short (raw data ran out)', `]C101095011015300`, '01', /needs exactly 14 characters, got 12/],
    ['GTIN with letters', `(01)0950110153000X`, '01', /must be digits/],
    ['lot longer than 20 (missing separator)', `]C101${GTIN}10ABCDEFGHIJKLMNOPQRSTU`, '10', /1 to 20 characters, got 21.*missing FNC1/],
    ['lot with a character outside set 82', `(01)${GTIN}(10)AB#1`, '10', /outside the GS1 character set/],
    ['empty lot', `]C101${GTIN}10${GS}21X`, '10', /needs 1 to 20 characters, got 0/],
    ['count not numeric', `(02)${CASE_GTIN}(37)1O`, '37', /must be digits/],
    ['same AI twice, different values', `(01)${GTIN}(10)A(10)B`, '10', /appears twice/],
    ['two net weights', `(01)${GTIN}(3102)000100(3103)000100`, '3103', /net weight given twice/],
    ['unassigned AI prefix in raw data', `]C101${GTIN}99X${GS}55ABC`, 'scan', /"55AB" at position 21 is not a known GS1 application identifier/],
    ['unassigned AI in bracketed form', `(55)ABC`, 'scan', /"\(55\)" is not a known GS1 application identifier/],
    ['GS1 symbology with no data', `]C1`, 'scan', /holds no element/],
    ['an unread predefined-length AI (3109) still needs its 6 digits', `(01)${GTIN}(3109)12345`, '3109', /exactly 6 characters, got 5/],
  ])('%s', (_name, raw, field, message) => {
    const e = scanError(raw);
    expect(e).toBeInstanceOf(ScanError);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
  });
});

describe('unknown but assigned AIs', () => {
  it('are kept verbatim in ais without failing the scan', () => {
    const r = gs1(`]C101${GTIN}240ADDITIONAL${GS}91COMPANY-INTERNAL${GS}10L5`);
    expect(r.ais).toMatchObject({ '240': 'ADDITIONAL', '91': 'COMPANY-INTERNAL', '10': 'L5' });
    expect(r.lot).toBe('L5');
  });

  it('predefined-length ones end without a separator', () => {
    // (20) variant N2 and (410) ship-to GLN N13 need no FNC1 after them
    const r = gs1(`]C101${GTIN}20074105901234123457` + '10L');
    expect(r.ais).toMatchObject({ '20': '07', '410': '5901234123457', '10': 'L' });
  });

  it('bracketed (nn) that is no AI stays inside the data', () => {
    expect(gs1(`(01)${GTIN}(10)A(5)B`).lot).toBe('A(5)B');
  });
});

describe('bare GTINs and plain codes', () => {
  it.each([
    ['GTIN-13', '5901234123457', '05901234123457'],
    ['GTIN-8', '96385074', '00000096385074'],
    ['UPC-A', '012345678905', '00012345678905'],
    ['GTIN-14', GTIN, GTIN],
    ['GTIN-13 with newline', '5901234123457\n', '05901234123457'],
    ['EAN-13 with its ]E0 symbology identifier', ']E05901234123457', '05901234123457'],
  ])('%s', (_name, raw, gtin) => {
    expect(parseScan(raw, TODAY)).toEqual({ kind: 'gtin', raw, gtin });
  });

  it.each([
    ['SKU code', 'SKU-000123', 'SKU-000123'],
    ['bin code with CR LF', 'WH1-A03-R12-L2-B04\r\n', 'WH1-A03-R12-L2-B04'],
    ['numeric code, 13 digits, bad check digit', '5901234123458', '5901234123458'],
    ['numeric code of a non-GTIN length', '1234567890', '1234567890'],
    ['numeric code starting 01 whose GTIN check digit is wrong', '0109501101530004', '0109501101530004'],
    ['plain Code 128 with ]C0', ']C0BIN-7', 'BIN-7'],
    ['code with parentheses not at the start', 'A(01)B', 'A(01)B'],
  ])('%s', (_name, raw, code) => {
    expect(parseScan(raw, TODAY)).toEqual({ kind: 'code', raw, code });
  });

  it('defaults today to the clock', () => {
    expect(parseScan(`(01)${GTIN}(17)260630`)).toMatchObject({ kind: 'gs1', expiry: '2026-06-30' });
  });
});
