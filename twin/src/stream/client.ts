/**
 * The twin's side of the live stream: subscribe to a warehouse from a known position, apply frames in
 * order, notice gaps and ask for what was missed, and say when only a fresh snapshot will do. Never a
 * silent gap, never a record applied twice. Works in the browser and in Node (tests, integrations).
 */
import { io, type Socket } from 'socket.io-client';
import type { StreamFrame, StreamRecord, SubscribeReply } from '../../../model/protocol/stream.ts';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'resyncing' | 'resynced' | 'reload' | 'refused';

export interface StreamClientOptions {
  url: string;
  token: string | (() => string);
  warehouse: number | string;
  /** Position of the snapshot the client starts from (omit to start from now). */
  since?: number;
  /** Outbox seqs the snapshot already reflects (they arrive after its position): skipped once. */
  skip?: readonly number[];
  /** Socket.IO client options (transports, reconnection delays ...). */
  socket?: Parameters<typeof io>[1];
}

type Listener<T> = (value: T) => void;

export class StreamClient {
  /** Every position up to this one has been applied (or filtered out by the server for this client's scope). */
  lastPos: number;
  status: StreamStatus = 'connecting';
  readonly socket: Socket;
  private skip: Set<number>;
  private subscribed = false;
  private buffered: StreamFrame[] = [];
  private everLive = false;
  private readonly recordListeners: Listener<StreamRecord[]>[] = [];
  private readonly statusListeners: Listener<StreamStatus>[] = [];
  private readonly errorListeners: Listener<string>[] = [];

  constructor(private readonly opts: StreamClientOptions) {
    this.lastPos = opts.since ?? -1;
    this.skip = new Set(opts.skip ?? []);
    this.socket = io(opts.url, {
      transports: ['websocket'],
      ...opts.socket,
      auth: (cb) => cb({ token: typeof opts.token === 'function' ? opts.token() : opts.token }),
    });
    this.socket.on('connect', () => this.subscribe());
    this.socket.on('disconnect', () => {
      this.subscribed = false;
      this.setStatus('reconnecting');
    });
    this.socket.on('connect_error', (error: Error) => {
      if (/token|log in|account/i.test(error.message)) this.setStatus('refused');
      for (const l of this.errorListeners) l(error.message);
    });
    this.socket.on('frame', (frame: StreamFrame) => {
      if (!this.subscribed) this.buffered.push(frame);
      else this.apply(frame);
    });
  }

  onRecords(listener: Listener<StreamRecord[]>) { this.recordListeners.push(listener); return this; }
  onStatus(listener: Listener<StreamStatus>) { this.statusListeners.push(listener); return this; }
  onError(listener: Listener<string>) { this.errorListeners.push(listener); return this; }

  /** After a reload: start again from a fresh snapshot's position and skip list. */
  resetFrom(pos: number, skip: readonly number[] = []) {
    this.lastPos = pos;
    this.skip = new Set(skip);
    this.subscribe();
  }

  close() {
    this.socket.close();
  }

  private subscribe() {
    this.subscribed = false;
    const since = this.lastPos >= 0 ? this.lastPos : undefined;
    if (this.everLive) this.setStatus('resyncing');
    this.socket.emit('subscribe', { warehouse: this.opts.warehouse, since }, (reply: SubscribeReply) => {
      if (!reply.ok) {
        this.setStatus('refused');
        for (const l of this.errorListeners) l(reply.error);
        return;
      }
      if ('reload' in reply) {
        this.buffered = [];
        this.setStatus('reload');
        return;
      }
      if (this.lastPos < 0) this.lastPos = reply.pos;
      if (reply.replay) this.apply(reply.replay);
      this.subscribed = true;
      const frames = this.buffered;
      this.buffered = [];
      for (const f of frames) this.apply(f);
      if (this.subscribed) this.setStatus(this.everLive ? 'resynced' : 'live');
      this.everLive = true;
    });
  }

  /**
   * Apply a frame if it continues exactly where we are. A gap, or a frame that overlaps our position only in
   * part (its coalesced records may fold in changes we already have: their summed delta would count them
   * twice), means a resubscription from our position.
   */
  private apply(frame: StreamFrame) {
    if (frame.to <= this.lastPos) return;
    if (frame.from !== this.lastPos + 1) {
      this.subscribe();
      return;
    }
    const fresh = frame.records.filter((r) => r.pos > this.lastPos && !this.skipOnce(r));
    this.lastPos = frame.to;
    if (fresh.length) for (const l of this.recordListeners) l(fresh);
  }

  private skipOnce(r: StreamRecord): boolean {
    const seqs = r.kind === 'stock' ? r.seqs : [r.seq];
    if (!seqs.every((s) => this.skip.has(s))) return false;
    for (const s of seqs) this.skip.delete(s);
    return true;
  }

  private setStatus(status: StreamStatus) {
    if (status === this.status) return;
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }
}

/**
 * Stock state from a snapshot plus records: per balance the newest version wins (records can arrive
 * in another order than their seqs for different transactions; never for one balance's own history).
 */
export class StockState {
  readonly balances = new Map<string, { binId: number; skuId: number; lotId: number | null; ownerId: number;
    status: string; qty: number; reserved: number; seq: number }>();

  apply(records: readonly StreamRecord[]) {
    for (const r of records) {
      if (r.kind !== 'stock') continue;
      const key = `${r.binId}/${r.skuId}/${r.lotId ?? 0}/${r.ownerId}/${r.status}`;
      const prev = this.balances.get(key);
      if (prev && prev.seq >= r.seq) continue;
      this.balances.set(key, { binId: r.binId, skuId: r.skuId, lotId: r.lotId, ownerId: r.ownerId, status: r.status,
        qty: r.qty, reserved: r.reserved, seq: r.seq });
    }
  }

  /** Units per bin (non-empty bins only). */
  unitsByBin(): Map<number, number> {
    const out = new Map<number, number>();
    for (const b of this.balances.values()) if (b.qty > 0) out.set(b.binId, (out.get(b.binId) ?? 0) + b.qty);
    return out;
  }
}
