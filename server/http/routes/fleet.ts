import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { assertWarehouseScope, assertWarehouseVisible } from '../../domain/auth/scope.ts';
import { agvDetail } from '../../domain/control-room/agv-detail.ts';
import { badInput, conflict, notFound } from '../../domain/errors.ts';
import type { FleetCommand, FleetManager } from '../../fleet/manager.ts';
import type { RouteDeps } from '../app.ts';
import { actorOf } from '../auth.ts';
import { DEMO, examples, withParamExamples } from '../examples.ts';
import { AgvDetail, Fleet } from '../responses.ts';
import { Code, errors, idempotencyHeader } from '../schemas.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by the live stream when it starts (server/stream/live.ts); null in a bare API (tests). */
    fleet: { manager: FleetManager | null };
  }
}

type RawCommand = { action: FleetCommand['action']; value?: number; agv?: string; reason?: string };

/** One body shape for every action (clear messages), checked here for what each action needs. */
function toCommand(b: RawCommand): FleetCommand {
  switch (b.action) {
    case 'pause':
    case 'resume':
      return { action: b.action };
    case 'speed':
      if (b.value === undefined || b.value < 0.1 || b.value > 50) throw badInput('value', 'speed needs a factor from 0.1 to 50');
      return { action: 'speed', value: b.value };
    case 'size':
      if (b.value === undefined || !Number.isInteger(b.value)) throw badInput('value', 'size needs a whole number of AGVs');
      return { action: 'size', value: b.value };
    case 'fault':
    case 'clear-fault':
      if (!b.agv) throw badInput('agv', `${b.action} names the AGV`);
      return b.action === 'fault' ? { action: 'fault', agv: b.agv, reason: b.reason } : { action: 'clear-fault', agv: b.agv };
  }
}

const WarehouseParam = Type.Object({ warehouse: Code('warehouse code') });

/** The live AGV fleet: its state, and the controls of a control room (pause, speed, size, faults). */
export async function fleetRoutes(app: FastifyInstance, { db }: RouteDeps) {
  const tags = ['fleet'];
  const warehouseOf = async (code: string) => {
    const wh = await db.selectFrom('warehouses').select('id').where('code', '=', code).executeTakeFirst();
    if (!wh) throw notFound('warehouse', `no warehouse with code ${code}`);
    return wh.id;
  };
  const manager = () => {
    if (!app.fleet.manager) throw conflict('the live fleet is not running in this server', 'warehouse');
    return app.fleet.manager;
  };

  app.get('/fleet/:warehouse', {
    config: { permission: 'inventory:read' },
    schema: { tags, summary: 'AGVs of a warehouse: roster, states, battery, tasks, and fleet statistics',
      params: withParamExamples(WarehouseParam, { warehouse: DEMO.warehouse }),
      response: { 200: Fleet, ...errors(403, 404, 409) } },
  }, async (request) => {
    const id = await warehouseOf((request.params as { warehouse: string }).warehouse);
    await assertWarehouseVisible(db, actorOf(request), id, 'warehouse');
    return manager().describe(id);
  });

  app.get('/fleet/:warehouse/agvs/:agv', {
    config: { permission: 'inventory:read' },
    schema: { tags: [...tags, 'control-room'],
      summary: 'One AGV for the AGV inspector: state, battery, position, its task, remaining route, recent tasks',
      description: 'Served by any server process: the state and route come from the process that runs the fleet. '
        + 'route is the remaining reserved route in model coordinates (its position, then the travel graph nodes '
        + 'ahead), empty when the AGV is not driving; recentTasks are the last 10 tasks assigned to it.',
      params: withParamExamples(Type.Object({ warehouse: Code('warehouse code'), agv: Code('AGV id, e.g. AGV-001') }),
        { warehouse: DEMO.warehouse, agv: DEMO.agv }),
      response: { 200: AgvDetail, ...errors(400, 403, 404, 409) } },
  }, async (request) => {
    const params = request.params as { warehouse: string; agv: string };
    const id = await warehouseOf(params.warehouse);
    await assertWarehouseVisible(db, actorOf(request), id, 'warehouse');
    return agvDetail(db, id, await manager().describeAgv(id, params.agv));
  });

  app.post('/fleet/:warehouse/commands', {
    config: { permission: 'fleet:control' },
    schema: {
      tags, summary: 'Pause or resume the fleet, change its speed factor or size, stop (fault) or resume one AGV',
      headers: idempotencyHeader, params: withParamExamples(WarehouseParam, { warehouse: DEMO.warehouse }),
      body: Type.Object({
        action: Type.Enum(['pause', 'resume', 'speed', 'size', 'fault', 'clear-fault']),
        value: Type.Optional(Type.Number({ minimum: 0, maximum: 1000,
          description: 'speed: simulated seconds per real second (0.1-50); size: number of AGVs (0-1000)' })),
        agv: Type.Optional(Code('AGV id (fault, clear-fault)')),
        reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      }, { additionalProperties: false, examples: [examples.fleetCommand,
        { action: 'fault', agv: DEMO.agv, reason: 'bumper hit' }] }),
      response: { 200: Fleet, ...errors(400, 403, 404, 409) },
    },
  }, async (request) => {
    const command = toCommand(request.body as RawCommand);
    const id = await warehouseOf((request.params as { warehouse: string }).warehouse);
    assertWarehouseScope(actorOf(request), id, 'warehouse');
    return manager().command(id, command);
  });
}
