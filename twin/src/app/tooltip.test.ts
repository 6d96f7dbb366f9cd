import { afterAll, describe, expect, it } from 'vitest';
import { fmt, i18n } from '../i18n/index.ts';
import type { SceneHover } from '../scene/hover.ts';
import { tooltipText } from './tooltip.ts';

const bin = (over: Partial<Extract<SceneHover, { kind: 'bin' }>> = {}): SceneHover => ({
  kind: 'bin', id: 7, code: 'WH1-A03-R02-L4-B01', zone: 'STOR', aisle: 3, level: 4, fill: 0.456, units: 48, empty: false,
  topSku: 'SKU-0042', skuCount: 1, x: 10, y: 20, ...over,
});

describe('hover tooltip text', () => {
  afterAll(async () => { await i18n.changeLanguage('en'); });

  it('names a bin, where it is, its fill and top SKU', async () => {
    await i18n.changeLanguage('en');
    expect(tooltipText(bin(), i18n.t, fmt)).toEqual({ title: 'WH1-A03-R02-L4-B01',
      lines: ['Zone STOR · aisle 3 · level 4', 'Fill 45.6%', 'Top SKU SKU-0042'] });
    expect(tooltipText(bin({ skuCount: 3 }), i18n.t, fmt).lines[2]).toBe('Top SKU SKU-0042 and 2 more');
  });

  it('says empty instead of a fill and SKU for an empty bin, and dashes for a floor lane without aisle', async () => {
    await i18n.changeLanguage('en');
    expect(tooltipText(bin({ empty: true, fill: 0, topSku: null, skuCount: 0, aisle: null, level: null }), i18n.t, fmt).lines)
      .toEqual(['Zone STOR · aisle – · level –', 'Empty']);
  });

  it('names an AGV by id with its translated state and battery', async () => {
    await i18n.changeLanguage('en');
    const agv: SceneHover = { kind: 'agv', index: 2, state: 'loaded-moving', battery: 0.8, x: 0, y: 0 };
    expect(tooltipText({ ...agv, state: 'charging' }, i18n.t, fmt, 'AGV-03')).toEqual({ title: 'AGV-03',
      lines: ['State: charging', 'Battery 80%'] });
    // Before the roster is known the roster index stands in.
    expect(tooltipText({ ...agv, state: 'idle' }, i18n.t, fmt).title).toBe('AGV #3');
  });

  it('speaks Chinese when the app does', async () => {
    await i18n.changeLanguage('zh-CN');
    const text = tooltipText(bin(), i18n.t, fmt);
    expect(text.lines[0]).toBe('库区 STOR · 巷道 3 · 层 4');
    expect(text.lines[1]).toMatch(/^占用 45\.6%$/);
    const agv = tooltipText({ kind: 'agv', index: 0, state: 'charging', battery: 0.5, x: 0, y: 0 }, i18n.t, fmt, 'AGV-01');
    expect(agv.lines[0]).toBe(`状态：${i18n.t('agvState.charging')}`);
    expect(agv.lines[0]).not.toMatch(/[a-z]/);
  });
});
