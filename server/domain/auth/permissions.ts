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
  'inbound:write',
  'outbound:write',
  'tasks:execute',
  'tasks:manage',
  'fleet:control',
  'users:manage',
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = ['authenticated', 'masterdata:read', 'inventory:read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  manager: new Set([...READ, 'masterdata:write', 'inventory:move', 'inventory:adjust', 'inventory:status',
    'audit:read', 'inbound:write', 'outbound:write', 'tasks:execute', 'tasks:manage', 'fleet:control']),
  planner: new Set([...READ, 'inventory:move', 'outbound:write']),
  // Operators do the physical steps (receive, QC, put away, pick, pack, ship) where their zones allow.
  operator: new Set([...READ, 'inventory:move', 'inventory:status', 'tasks:execute']),
  viewer: new Set([...READ, 'audit:read']),
};

export const roleHas = (role: Role, permission: Permission) =>
  permission === 'public' || ROLE_PERMISSIONS[role].has(permission);
