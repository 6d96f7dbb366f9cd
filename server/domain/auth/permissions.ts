import type { Role } from '../../db/schema.ts';

/** Every route names one of these; roles grant them. `public` routes need no token. */
export const PERMISSIONS = [
  'public',
  'authenticated',
  'masterdata:read',
  'masterdata:write',
  'inventory:read',
  'inventory:move',
  'inventory:adjust',
  'inventory:status',
  'users:manage',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['authenticated', 'masterdata:read', 'inventory:read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  manager: new Set([...READ, 'masterdata:write', 'inventory:move', 'inventory:adjust', 'inventory:status',
    'audit:read']),
  planner: new Set([...READ, 'inventory:move']),
  operator: new Set([...READ, 'inventory:move', 'inventory:status']),
  viewer: new Set([...READ, 'audit:read']),
};

export const roleHas = (role: Role, permission: Permission) =>
  permission === 'public' || ROLE_PERMISSIONS[role].has(permission);
