import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { conflict, DomainError, notFound } from '../domain/errors.ts';
import type { StreamGateway } from '../stream/gateway.ts';
import { LiveFleet, type AgvLiveView } from './live-fleet.ts';

export type FleetCommand =
  | { action: 'pause' | 'resume' }
  | { action: 'speed'; value: number }
  | { action: 'size'; value: number }
  | { action: 'fault'; agv: string; reason?: string }
  | { action: 'clear-fault'; agv: string };

/** What other processes ask the fleet's process through the cluster adapter. */
interface FleetRequest { warehouseId: number; command?: FleetCommand; agv?: string }

export interface FleetManagerOptions {
  /** AGVs per warehouse code (default 8). */
  agvs?: Record<string, number>;
  seed?: number;
  speedFactor?: number;
  tickMs?: number;
}

/**
 * The live fleets of every warehouse with a layout, in the process that holds the relay lease. Other
 * processes forward commands to it through the cluster adapter.
 */
export class FleetManager {
  readonly fleets = new Map<number, LiveFleet>();
  private running = false;

  constructor(private readonly db: Kysely<DB>, private readonly gateway: StreamGateway,
    private readonly opts: FleetManagerOptions = {}) {
    gateway.io.on('wms:fleet', (msg: FleetRequest, reply: (r: unknown) => void) => {
      // Not the fleet's process: say so at once, so the asker does not wait for this server to time out.
      if (!this.fleets.has(msg.warehouseId)) return reply(null);
      const fleet = this.fleets.get(msg.warehouseId)!;
      try {
        reply({ ok: true, value: msg.command ? this.applyLocal(msg.warehouseId, msg.command)
          : msg.agv !== undefined ? fleet.describeAgv(msg.agv) : fleet.describe() });
      } catch (error) {
        const e = error as { message?: string; status?: number; field?: string };
        reply({ ok: false, error: e.message ?? String(error), status: e.status ?? 400, field: e.field });
      }
    });
  }

  async start() {
    if (this.running) return;
    this.running = true;
    const warehouses = await this.db.selectFrom('warehouses').select(['id', 'code']).where('layout', 'is not', null)
      .orderBy('id').execute();
    for (const [i, wh] of warehouses.entries()) {
      const fleet = await LiveFleet.create(this.db, wh.id, (id, bytes) => this.gateway.emitAgv(id, bytes), {
        agvs: this.opts.agvs?.[wh.code] ?? 8, seed: (this.opts.seed ?? 7) + i, speedFactor: this.opts.speedFactor,
        tickMs: this.opts.tickMs });
      this.fleets.set(wh.id, fleet);
      fleet.start();
    }
  }

  stop() {
    this.running = false;
    for (const f of this.fleets.values()) f.stop();
    this.fleets.clear();
  }

  /** State of a warehouse's fleet, here or in the leader process. */
  async describe(warehouseId: number): Promise<unknown> {
    const local = this.fleets.get(warehouseId);
    if (local) return local.describe();
    return this.forward(warehouseId, {});
  }

  /** One AGV of a warehouse's fleet (kernel state and remaining route), here or in the leader process. */
  async describeAgv(warehouseId: number, agvId: string): Promise<AgvLiveView> {
    const local = this.fleets.get(warehouseId);
    if (local) return local.describeAgv(agvId);
    return await this.forward(warehouseId, { agv: agvId }) as AgvLiveView;
  }

  async command(warehouseId: number, command: FleetCommand): Promise<unknown> {
    if (this.fleets.has(warehouseId)) return this.applyLocal(warehouseId, command);
    return this.forward(warehouseId, { command });
  }

  private applyLocal(warehouseId: number, c: FleetCommand) {
    const f = this.fleets.get(warehouseId)!;
    const agv = (id: string) => {
      if (!f.fleet.state().some((s) => s.id === id)) throw notFound('agv', `no AGV ${id} in this warehouse`);
      return id;
    };
    switch (c.action) {
      case 'pause': f.paused = true; break;
      case 'resume': f.paused = false; break;
      case 'speed': f.speedFactor = c.value; break;
      case 'size': {
        let count = f.fleet.state().length;
        while (count < c.value) { f.fleet.addAgv(); count++; }
        const idle = f.fleet.state().filter((s) => s.state === 'idle' && !s.taskId).map((s) => s.id).reverse();
        for (const id of idle) {
          if (count <= c.value) break;
          if (f.fleet.removeAgv(id)) count--;
        }
        break;
      }
      case 'fault': f.fleet.fault(agv(c.agv), c.reason ?? 'stopped by an operator'); break;
      case 'clear-fault': f.fleet.resume(agv(c.agv)); break;
    }
    return f.describe();
  }

  private async forward(warehouseId: number, request: Omit<FleetRequest, 'warehouseId'>): Promise<unknown> {
    if (!this.gateway.isClustered) throw conflict('the live fleet is not running in this server', 'warehouse');
    const io = this.gateway.io as unknown as { serverSideEmitWithAck(ev: string, arg: unknown): Promise<unknown[]> };
    const message: FleetRequest = { warehouseId, ...request };
    let timer: NodeJS.Timeout | undefined;
    const replies = await Promise.race([io.serverSideEmitWithAck('wms:fleet', message),
      new Promise<unknown[]>((resolve) => { timer = setTimeout(() => resolve([]), 2000); })]).catch(() => [])
      .finally(() => clearTimeout(timer)) as ({ ok: boolean; value?: unknown; error?: string; status?: number;
        field?: string } | null)[];
    const reply = replies.find(Boolean);
    if (!reply) throw conflict('the live fleet of this warehouse is not running', 'warehouse');
    if (!reply.ok) {
      // An unknown AGV is as much a 404 there as here; anything else the fleet refused is a conflict.
      if (reply.status === 404) throw new DomainError(404, 'Not found', reply.error ?? 'not found', reply.field);
      throw conflict(reply.error ?? 'the fleet refused the command', 'action');
    }
    return reply.value;
  }
}
