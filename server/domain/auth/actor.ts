import type { Role } from '../../db/schema.ts';
import { forbidden } from '../errors.ts';

/**
 * Who is acting, and where they may act. A user with no scope rows acts everywhere (except
 * operators, who must be given warehouses or zones); otherwise only in the listed warehouses
 * (whole) or zones.
 */
export interface Actor {
  userId: number;
  username: string;
  role: Role;
  /** null = unrestricted */
  scope: { warehouses: ReadonlySet<number>; zones: ReadonlySet<number> } | null;
  device?: string;
  /** Version of the user's tokens when this actor logged in (see users.token_version). */
  tokenVersion?: number;
}

export interface Placed {
  warehouse_id: number;
  zone_id: number;
  code?: string;
}

export function mayActIn(actor: Actor, place: Placed): boolean {
  if (!actor.scope) return true;
  return actor.scope.warehouses.has(place.warehouse_id) || actor.scope.zones.has(place.zone_id);
}

/** Enforced in the service layer for every stock change: both ends of a move must be in scope. */
export function assertMayActIn(actor: Actor, place: Placed, field: string) {
  if (!mayActIn(actor, place)) {
    throw forbidden(`${field}: you may not change stock in bin ${place.code ?? place.zone_id}'s zone`, field);
  }
}

/** Internal actor for the demo seed and CLI tools. */
export const SYSTEM_ACTOR: Actor = { userId: 0, username: 'system', role: 'admin', scope: null };
