import { describe, expect, it } from 'vitest';
import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };
import { detectLanguage } from './detect.ts';

type Tree = { [key: string]: string | Tree };

/** Every leaf as [dotted key, string]. */
function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]]
    : leaves(v, `${prefix}${k}.`)));
}
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

const languages = { en: new Map(leaves(en as Tree)), 'zh-CN': new Map(leaves(zhCN as Tree)) };

describe('twin translations', () => {
  it('has the same keys in every language', () => {
    const keys = Object.values(languages).map((m) => [...m.keys()].sort());
    expect(keys[0].length).toBeGreaterThan(40);
    for (const k of keys) expect(k).toEqual(keys[0]);
  });

  it('has no empty strings and only string leaves', () => {
    for (const [lng, map] of Object.entries(languages)) {
      for (const [key, value] of map) expect(value.trim(), `${lng} ${key}`).not.toBe('');
    }
  });

  it('uses the same interpolation placeholders in every language', () => {
    for (const [key, value] of languages.en) {
      expect(placeholders(languages['zh-CN'].get(key) ?? ''), key).toEqual(placeholders(value));
    }
  });

  it('picks zh-CN for Chinese browsers, English otherwise, and a stored choice first', () => {
    expect(detectLanguage(null, 'zh-TW')).toBe('zh-CN');
    expect(detectLanguage(null, 'zh')).toBe('zh-CN');
    expect(detectLanguage(null, 'en-GB')).toBe('en');
    expect(detectLanguage(null, 'de-DE')).toBe('en');
    expect(detectLanguage(null, undefined)).toBe('en');
    expect(detectLanguage('en', 'zh-CN')).toBe('en');
    expect(detectLanguage('fr', 'zh-CN')).toBe('zh-CN');
  });
});
