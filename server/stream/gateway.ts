import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Server, type Socket } from 'socket.io';
import type { StreamFrame, StreamRecord, SubscribeReply, SubscribeRequest } from '../../model/protocol/stream.ts';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { verifyToken } from '../http/auth.ts';
import { binsOf, coalesce, toRecords } from './records.ts';
import { readEvents, type OutboxEvent, type StreamConsumer } from './relay.ts';

export interface GatewayOptions {
  /** Frames per second are 1000 / tickMs; changes within a tick are coalesced. */
  tickMs?: number;
  /** A reconnecting client further behind than this many positions is told to reload a snapshot. */
  maxReplay?: number;
}

interface RoomScope { warehouseId: number; zones: ReadonlySet<number> | null }
const FRAMES = 'wms:frames';

/**
 * Socket.IO on the API's port. Clients authenticate with the bearer token, subscribe to one warehouse
 * (their role and zones decide which room: the whole warehouse, or a room per set of zones), get one
 * frame per tick, and on reconnect the positions they missed, or an instruction to reload a snapshot.
 * The process that runs the relay feeds frames; with a cluster adapter (Redis) every process hands
 * them to its own sockets, each filtering for its zone rooms.
 */
export class StreamGateway implements StreamConsumer {
  readonly name = 'gateway';
  readonly io: Server;
  private pending: OutboxEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly tickMs: number;
  private readonly maxReplay: number;
  private readonly rooms = new Map<string, RoomScope>();
  private readonly binZones = new Map<number, Promise<Map<number, number>>>();
  private warehouses: { ids: number[]; at: number } = { ids: [], at: 0 };
  private clustered = false;
  private lastFlush = 0;
  /** Highest position handed to sockets by this process. */
  pos = 0;

  constructor(app: FastifyInstance, private readonly db: Kysely<DB>, options: GatewayOptions = {}) {
    this.tickMs = options.tickMs ?? 20;
    this.maxReplay = options.maxReplay ?? 20_000;
    this.io = new Server(app.server, { serveClient: false, cors: { origin: false } });
    this.io.use(async (socket, next) => {
      try {
        socket.data.actor = await verifyToken(app, db, socket.handshake.auth?.token);
        next();
      } catch (error) {
        next(Object.assign(new Error((error as Error).message), { data: { status: 401 } }));
      }
    });
    this.io.on('connection', (socket) => {
      socket.on('subscribe', (request: SubscribeRequest, ack?: (reply: SubscribeReply) => void) => {
        void this.subscribe(socket, request).then((reply) => ack?.(reply));
      });
    });
    // Frames made by the relay's process reach every process through the adapter.
    this.io.on(FRAMES, (frames: StreamFrame[]) => this.dispatch(frames));
  }

  /** Relay consumer: accept events for the next tick (acknowledged once queued). */
  async deliver(events: OutboxEvent[]): Promise<void> {
    this.pending.push(...events);
    if (this.timer) return;
    // Leading edge: after a quiet tick the first change goes out at once; under load, one frame per tick.
    const wait = Math.max(0, this.lastFlush + this.tickMs - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  /** Turn the tick's events into one frame per warehouse and hand them out. */
  async flush(): Promise<void> {
    this.timer = null;
    this.lastFlush = Date.now();
    if (!this.pending.length) return;
    const events = this.pending;
    this.pending = [];
    const from = events[0]!.pos;
    const to = events.at(-1)!.pos;
    const ids = await this.warehouseIds();
    const frames: StreamFrame[] = ids.map((warehouseId) => ({
      warehouseId, from, to,
      records: coalesce(toRecords(events.filter((e) => e.warehouseId === warehouseId))),
    }));
    this.dispatch(frames);
    if (this.clustered) this.io.serverSideEmit(FRAMES, frames);
  }

  /** AGV frames: binary, volatile (a slow client skips a frame rather than queueing it). */
  emitAgv(warehouseId: number, bytes: Uint8Array) {
    this.io.to(agvRoom(warehouseId)).volatile.emit('agv', bytes);
  }

  get isClustered() {
    return this.clustered;
  }

  /** Join other server processes through a cluster adapter (Redis). */
  useAdapter(adapter: Parameters<Server['adapter']>[0]) {
    this.io.adapter(adapter);
    this.clustered = true;
  }

  /** Emit frames to this process's sockets: whole-warehouse rooms as they are, zone rooms filtered. */
  private dispatch(frames: StreamFrame[]) {
    for (const frame of frames) {
      this.pos = Math.max(this.pos, frame.to);
      this.io.local.to(wholeRoom(frame.warehouseId)).emit('frame', frame);
      for (const [room, scope] of this.rooms) {
        if (scope.warehouseId !== frame.warehouseId || !scope.zones) continue;
        if (!this.io.of('/').adapter.rooms.get(room)?.size) {
          this.rooms.delete(room);
          continue;
        }
        void this.zoneFilter(frame.warehouseId).then((zoneOf) => {
          const records = frame.records.filter((r) => inZones(r, scope.zones!, zoneOf));
          this.io.local.to(room).emit('frame', { ...frame, records });
        });
      }
    }
  }

  private async subscribe(socket: Socket, request: SubscribeRequest): Promise<SubscribeReply> {
    try {
      const actor = socket.data.actor as Actor;
      const wh = await this.db.selectFrom('warehouses').select('id')
        .where(typeof request?.warehouse === 'number' ? 'id' : 'code', '=', request?.warehouse as never).executeTakeFirst();
      if (!wh) return { ok: false, status: 404, error: `warehouse: no warehouse ${String(request?.warehouse)}` };
      const scope = await this.scopeFor(actor, wh.id);
      if (!scope) return { ok: false, status: 403, error: 'warehouse: outside your warehouses and zones' };
      for (const room of socket.rooms) if (room !== socket.id) await socket.leave(room);
      const room = scope.zones ? zoneRoom(wh.id, scope.zones) : wholeRoom(wh.id);
      this.rooms.set(room, scope);
      await socket.join([room, agvRoom(wh.id)]);
      const published = await this.publishedPos();
      const upTo = this.pos > 0 ? this.pos : published;
      const since = request.since;
      if (since === undefined || since === null) return { ok: true, warehouseId: wh.id, pos: upTo, replay: null };
      if (!Number.isInteger(since) || since < 0) return { ok: false, status: 400, error: 'since: a stream position' };
      if (since > published) return { ok: true, warehouseId: wh.id, pos: upTo, reload: true, reason: 'ahead of the server' };
      // A snapshot can be newer than the last frame: nothing to replay, the next frames will catch up.
      if (since >= upTo) return { ok: true, warehouseId: wh.id, pos: since, replay: null };
      const oldest = await this.db.selectFrom('outbox').select((eb) => eb.fn.min('pos').as('pos'))
        .where('pos', 'is not', null).executeTakeFirst();
      const first = oldest?.pos === null || oldest?.pos === undefined ? upTo + 1 : Number(oldest.pos);
      if (since < first - 1) return { ok: true, warehouseId: wh.id, pos: upTo, reload: true, reason: 'too far behind' };
      if (upTo - since > this.maxReplay) {
        return { ok: true, warehouseId: wh.id, pos: upTo, reload: true, reason: 'too far behind' };
      }
      const events = await readEvents(this.db, since, upTo, this.maxReplay + 1, wh.id);
      let records = coalesce(toRecords(events));
      if (scope.zones) {
        const zoneOf = await this.zoneFilter(wh.id);
        records = records.filter((r) => inZones(r, scope.zones!, zoneOf));
      }
      return { ok: true, warehouseId: wh.id, pos: upTo, replay: { warehouseId: wh.id, from: since + 1, to: upTo, records } };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, status: error.status, error: error.message };
      return { ok: false, status: 500, error: 'subscription failed' };
    }
  }

  /** The whole warehouse, the actor's zones in it, or null when they may not see it. */
  private async scopeFor(actor: Actor, warehouseId: number): Promise<RoomScope | null> {
    if (!actor.scope || actor.scope.warehouses.has(warehouseId)) return { warehouseId, zones: null };
    if (!actor.scope.zones.size) return null;
    const zones = await this.db.selectFrom('zones').select('id').where('warehouse_id', '=', warehouseId)
      .where('id', 'in', [...actor.scope.zones]).execute();
    return zones.length ? { warehouseId, zones: new Set(zones.map((z) => z.id)) } : null;
  }

  /**
   * A replay ends where the last frame this process handed out ended (`pos`), so the next live frame starts
   * right after it: a replay ending inside a frame would make that frame overlap the client's position.
   * Before any frame, it ends at the newest published position.
   */
  private async publishedPos(): Promise<number> {
    const max = await this.db.selectFrom('outbox').select((eb) => eb.fn.max('pos').as('pos')).executeTakeFirst();
    return Number(max?.pos ?? 0);
  }

  private async warehouseIds(): Promise<number[]> {
    if (Date.now() - this.warehouses.at > 60_000) {
      const rows = await this.db.selectFrom('warehouses').select('id').orderBy('id').execute();
      this.warehouses = { ids: rows.map((r) => r.id), at: Date.now() };
    }
    return this.warehouses.ids;
  }

  /** bin id -> zone id of a warehouse (bins never change zone), loaded once per process. */
  private zoneFilter(warehouseId: number): Promise<Map<number, number>> {
    let hit = this.binZones.get(warehouseId);
    if (!hit) {
      hit = this.db.selectFrom('bins').select(['id', 'zone_id']).where('warehouse_id', '=', warehouseId).execute()
        .then((rows) => new Map(rows.map((r) => [r.id, r.zone_id])));
      this.binZones.set(warehouseId, hit);
    }
    return hit;
  }

  async close() {
    if (this.timer) clearTimeout(this.timer);
    await this.flush();
    // Not io.close(): that would also close the HTTP server, which Fastify owns.
    this.io.disconnectSockets(true);
    this.io.engine.close();
  }
}

const wholeRoom = (warehouseId: number) => `wh:${warehouseId}`;
/** AGV positions are not zone-bound: every subscriber of the warehouse gets them. */
export const agvRoom = (warehouseId: number) => `agv:${warehouseId}`;
const zoneRoom = (warehouseId: number, zones: ReadonlySet<number>) => `whz:${warehouseId}:${[...zones].sort((a, b) => a - b).join(',')}`;

/** A record reaches a zone room when it names no bin, or a bin in one of the room's zones. */
function inZones(r: StreamRecord, zones: ReadonlySet<number>, zoneOf: Map<number, number>) {
  const bins = binsOf(r);
  return bins.length === 0 || bins.some((b) => zones.has(zoneOf.get(b) ?? -1));
}
