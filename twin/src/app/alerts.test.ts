import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../model/protocol/stream.ts';
import { AlertFeed, toAlert } from './alerts.ts';

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
});
