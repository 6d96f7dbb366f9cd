import { afterAll, describe, expect, it } from 'vitest';
import { fmt, i18n } from './index.ts';

describe('fmt.shortDate (narrow columns)', () => {
  afterAll(async () => { await i18n.changeLanguage('en'); });

  it('writes day and month, and the year only when it is not this year', async () => {
    await i18n.changeLanguage('en');
    const now = new Date(2026, 11, 7);
    expect(fmt.shortDate('2026-05-01', now)).toBe('May 1');
    expect(fmt.shortDate('2027-05-01', now)).toMatch(/^May 1, 2027$/);
    await i18n.changeLanguage('zh-CN');
    expect(fmt.shortDate('2026-05-01', now)).toBe('5月1日');
    expect(fmt.shortDate('2027-05-01', now)).toBe('2027年5月1日');
  });

  it('reads a calendar date in UTC (no day shift), an instant in local time', async () => {
    await i18n.changeLanguage('en');
    const now = new Date(2026, 11, 7);
    expect(fmt.shortDate('2026-12-31', now)).toBe('Dec 31');
    const local = new Date(2026, 2, 3, 23, 30);
    expect(fmt.shortDate(local.toISOString(), now)).toBe('Mar 3');
  });
});
