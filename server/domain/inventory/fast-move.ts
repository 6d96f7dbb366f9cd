import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import type { MoveInput } from './operations.ts';
import { callStockFunction, movementHeader, type IdempotencyInput, type PostedMovement } from './post-movement.ts';

type FastResult = PostedMovement & { lotNo: string | null; ownerCode: string };

/**
 * A move in one round trip (SQL function wms_move) when nothing about it needs explaining; undefined
 * when the service must take its ordinary path, which validates in full and words every refusal.
 */
export async function tryFastMove(db: Kysely<DB>, actor: Actor, input: MoveInput, idem: IdempotencyInput = {}):
  Promise<PostedMovement | undefined> {
  const payload = {
    ...movementHeader(actor, { type: 'move', warehouseId: 0, docRef: input.docRef, reason: input.reason }, idem),
    fromBin: input.fromBin, toBin: input.toBin, sku: input.sku, lot: input.lot ?? null, owner: input.owner ?? null,
    status: input.status ?? null, qty: input.qty ?? null,
    scope: actor.scope ? { w: [...actor.scope.warehouses], z: [...actor.scope.zones] } : null,
  };
  const labels = [`${input.sku} in ${input.fromBin}`, `${input.sku} in ${input.toBin}`];
  const result = await callStockFunction<FastResult | null>(db, 'wms_move', payload, labels, ['fromBin', 'toBin']);
  if (!result) return undefined;
  const { lotNo, ownerCode, ...posted } = result;
  const codes = (bin: string) => ({ bin, sku: input.sku, lot: lotNo, owner: ownerCode });
  posted.legs = posted.legs.map((leg, i) => ({ ...leg, ...codes(i === 0 ? input.fromBin : input.toBin) }));
  return posted;
}
