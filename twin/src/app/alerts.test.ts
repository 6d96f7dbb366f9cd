import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../model/protocol/stream.ts';
import en from '../i18n/en.json' with { type: 'json' };
import zhCN from '../i18n/zh-CN.json' with { type: 'json' };
import { ALERT_KINDS, AlertFeed, toAlert, type Alert } from './alerts.ts';

const alert = (pos: number, kind: string, extra: Record<string, unknown> = {}): StreamRecord =>
  ({ kind: 'event', pos, seq: pos, type: 'alert', at: '2026-11-24T10:00:00Z', payload: { kind, message: `m${pos}`, ...extra } });
const stock = (pos: number): StreamRecord => ({ kind: 'stock', pos, seq: pos, seqs: [pos], movementType: 'move', binId: 1,
  skuId: 1, lotId: null, ownerId: 1, status: 'available', delta: 1, qty: 1, reserved: 0, at: '2026-11-24T10:00:00Z' });

describe('alerts feed', () => {
  it('keeps only alert events, newest first, with fly-to targets from the payload', () => {
    const feed = new AlertFeed();
    feed.add([stock(1), alert(2, 'short_pick', { binId: 7, bin: 'A-1', sku: 'X', missing: 2 }),
      { kind: 'event', pos: 3, seq: 3, type: 'task.created', at: '', payload: {} }, alert(4, 'agv_fault', { agv: 'AGV-02' })]);
    expect(feed.alerts.map((a) => a.pos)).toEqual([4, 2]);
    expect(feed.alerts[0]).toMatchObject({ kind: 'agv_fault', agv: 'AGV-02', binId: undefined });
    expect(feed.alerts[1]).toMatchObject({ kind: 'short_pick', binId: 7, bin: 'A-1', message: 'm2' });
    expect(feed.alerts[1]!.details.missing).toBe(2);
  });

  it('counts unread alerts until marked read; new ones count again', () => {
    const feed = new AlertFeed();
    feed.add([alert(1, 'qc_hold'), alert(2, 'qc_hold')]);
    expect(feed.unread).toBe(2);
    feed.markAllRead();
    expect(feed.unread).toBe(0);
    expect(feed.isUnread(feed.alerts[0]!)).toBe(false);
    feed.add([alert(5, 'count_variance')]);
    expect(feed.unread).toBe(1);
    expect(feed.isUnread(feed.alerts[0]!)).toBe(true);
  });

  it('ignores replays of positions it already holds, keeps at most its limit, notifies on change only', () => {
    const feed = new AlertFeed(3);
    let notified = 0;
    feed.subscribe(() => notified++);
    feed.add([alert(1, 'a'), alert(2, 'b')]);
    feed.add([alert(2, 'b')]);
    expect(feed.alerts).toHaveLength(2);
    expect(notified).toBe(1);
    feed.add([alert(3, 'c'), alert(4, 'd')]);
    expect(feed.alerts.map((a) => a.pos)).toEqual([4, 3, 2]);
    feed.clear();
    expect(feed.alerts).toHaveLength(0);
    expect(feed.unread).toBe(0);
  });

  it('is not fooled by non-alert records or payloads without a kind', () => {
    expect(toAlert(stock(1))).toBeNull();
    expect(toAlert({ kind: 'event', pos: 1, seq: 1, type: 'alert', at: '', payload: {} })).toMatchObject({ kind: 'unknown' });
  });

  it('history from before the connection is listed as read and merged in position order with live alerts', () => {
    const feed = new AlertFeed();
    feed.add([alert(10, 'short_pick')]); // live, arrived before the history answer
    feed.addHistory([alert(7, 'qc_hold'), alert(3, 'agv_fault'), alert(10, 'short_pick')], 8); // connected at 8
    expect(feed.alerts.map((a) => a.pos)).toEqual([10, 7, 3]);
    expect(feed.unread).toBe(1);
    expect(feed.isUnread(feed.alerts[1]!)).toBe(false);
  });

  it('reads the severity (warning when missing or unknown) and marks summaries for their own sentence', () => {
    expect(toAlert(alert(1, 'stock_expired', { severity: 'critical' }))).toMatchObject({ severity: 'critical', summary: false });
    expect(toAlert(alert(2, 'qc_hold', { severity: 'loud' }))!.severity).toBe('warning');
    const summary = toAlert(alert(3, 'stock_expiring', { summary: true, total: 68, days: 7, zone: 'A' }))!;
    expect(summary).toMatchObject({ summary: true, details: { context: 'summary', total: 68 } });
    expect(toAlert(alert(4, 'stock_expiring'))!.details.context).toBeUndefined();
  });
});

/** The sentences as the alerts panel asks for them: t('alerts.text.<kind>', { ...details, defaultValue: message }). */
describe('alert sentences', async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } }, lng: 'en', fallbackLng: 'en',
    interpolation: { escapeValue: false } });
  const sentence = (a: Alert, lng: string) => i18n.getFixedT(lng)(`alerts.text.${a.kind}`, { ...a.details, defaultValue: a.message });
  const of = (kind: string, payload: Record<string, unknown>) => toAlert(alert(1, kind, payload))!;
  // Payloads as server/domain/alerts raises them.
  const payloads: [string, Record<string, unknown>][] = [
    ['stock_expiring', { bin: 'A-01', binId: 3, sku: 'MILK', lot: 'L7', qty: 12, days: 3, expiry: '2026-12-10' }],
    ['stock_expiring', { summary: true, total: 68, days: 7, zone: 'STOR' }],
    ['stock_expired', { bin: 'A-01', binId: 3, sku: 'MILK', lot: 'L7', qty: 12, expiry: '2026-12-01' }],
    ['stock_expired', { summary: true, total: 5, zone: 'STOR' }],
    ['face_below_min', { bin: 'P-01', binId: 9, sku: 'BOLT', free: 5, min: 10, max: 50 }],
    ['face_empty', { bin: 'P-01', binId: 9, sku: 'BOLT', free: 0, min: 10, max: 50 }],
    ['task_overdue', { taskId: 88, taskType: 'replenish', minutes: 31, limit: 30, bin: 'A-01', binId: 3 }],
    ['task_overdue_long', { taskId: 88, taskType: 'pick', minutes: 130, limit: 30 }],
    ['task_overdue', { summary: true, total: 12, zone: 'PICK' }],
    ['agv_stalled', { agv: 'AGV-003', state: 'moving', reason: 'no_route', minutes: 2 }],
    ['agv_fault', { agv: 'AGV-003' }],
  ];

  it('has a badge and a sentence for every kind, in both languages', () => {
    for (const kind of ALERT_KINDS) {
      for (const lng of ['en', 'zh-CN']) {
        expect(i18n.exists(`alerts.kind.${kind}`, { lng }), `${lng} ${kind}`).toBe(true);
        expect(i18n.exists(`alerts.text.${kind}`, { lng }), `${lng} ${kind}`).toBe(true);
      }
    }
  });

  it('fills every placeholder and nested term of the monitor\'s alerts', () => {
    for (const [kind, payload] of payloads) {
      for (const lng of ['en', 'zh-CN']) {
        const text = sentence(of(kind, { message: 'server sentence', ...payload }), lng);
        expect(text, `${lng} ${kind}`).not.toMatch(/\{\{|\$t\(|server sentence|alerts\.|taskType\.|agvState\./);
      }
    }
    expect(sentence(of(...payloads[0]!), 'en')).toBe('12 × MILK lot L7 in A-01 expires 2026-12-10 (3 d left)');
    expect(sentence(of(...payloads[1]!), 'en')).toBe('68 more stock lines expire within 7 days (zone STOR)');
    expect(sentence(of(...payloads[6]!), 'en')).toBe('Replenish task 88 open for 31 min (limit 30 min)');
    expect(sentence(of(...payloads[6]!), 'zh-CN')).toBe('补货任务 88 已开启 31 分钟（时限 30 分钟）');
    expect(sentence(of(...payloads[9]!), 'en')).toBe('AGV-003 moving without a route for 2 min');
  });
});
