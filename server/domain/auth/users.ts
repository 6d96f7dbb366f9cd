import type { Kysely } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import { badInput, conflict, notFound, unauthorized } from '../errors.ts';
import type { Actor } from './actor.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import { inTransaction } from '../../db/transaction.ts';

export interface ScopeInput { warehouse: string; zone?: string }
export interface UserInput {
  username: string;
  displayName?: string;
  password: string;
  role: Role;
  scopes?: ScopeInput[];
}

const MIN_PASSWORD = 8;
// Verifying against a real hash when the user is unknown keeps login time the same either way.
let dummyHash: Promise<string> | undefined;

export async function createUser(db: Kysely<DB>, input: UserInput) {
  if (input.password.length < MIN_PASSWORD) {
    throw badInput('password', `must be at least ${MIN_PASSWORD} characters`);
  }
  const exists = await db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (exists) throw conflict(`user ${input.username} already exists`, 'username');
  const scopeRows = await resolveScopes(db, input.scopes ?? []);
  const hash = await hashPassword(input.password);
  const id = await inTransaction(db, async (trx) => {
    const row = await trx.insertInto('users').values({ username: input.username,
      display_name: input.displayName ?? input.username, password_hash: hash, role: input.role })
      .returning('id').executeTakeFirstOrThrow();
    if (scopeRows.length) {
      await trx.insertInto('user_scopes').values(scopeRows.map((s) => ({ user_id: row.id, ...s }))).execute();
    }
    return row.id;
  });
  return getUser(db, id);
}

async function resolveScopes(db: Kysely<DB>, scopes: ScopeInput[]) {
  const rows: { warehouse_id: number; zone_id: number | null }[] = [];
  for (const [i, s] of scopes.entries()) {
    const wh = await db.selectFrom('warehouses').select('id').where('code', '=', s.warehouse).executeTakeFirst();
    if (!wh) throw notFound(`scopes[${i}].warehouse`, `no warehouse with code ${s.warehouse}`);
    let zoneId: number | null = null;
    if (s.zone !== undefined) {
      const zone = await db.selectFrom('zones').select('id').where('warehouse_id', '=', wh.id)
        .where('code', '=', s.zone).executeTakeFirst();
      if (!zone) throw notFound(`scopes[${i}].zone`, `warehouse ${s.warehouse} has no zone ${s.zone}`);
      zoneId = zone.id;
    }
    if (rows.some((r) => r.warehouse_id === wh.id && r.zone_id === zoneId)) {
      throw badInput(`scopes[${i}]`, `${s.warehouse}${s.zone !== undefined ? `/${s.zone}` : ''} is listed twice`);
    }
    rows.push({ warehouse_id: wh.id, zone_id: zoneId });
  }
  return rows;
}

export async function setScopes(db: Kysely<DB>, userId: number, scopes: ScopeInput[]) {
  await getUser(db, userId);
  const rows = await resolveScopes(db, scopes);
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('user_scopes').where('user_id', '=', userId).execute();
    if (rows.length) await trx.insertInto('user_scopes').values(rows.map((s) => ({ user_id: userId, ...s }))).execute();
    await revokeTokens(trx, userId);
  });
  forgetTokenState(db, userId);
  return getUser(db, userId);
}

export async function updateUser(db: Kysely<DB>, id: number, patch: { displayName?: string; role?: Role;
  active?: boolean; password?: string }) {
  const current = await getUser(db, id);
  const losesAdmin = current.role === 'admin' && current.active
    && ((patch.role !== undefined && patch.role !== 'admin') || patch.active === false);
  if (losesAdmin) {
    const others = await db.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', true)
      .where('id', '<>', id).limit(1).executeTakeFirst();
    if (!others) throw conflict('this is the last active admin: make another admin first', patch.active === false ? 'active' : 'role');
  }
  if (patch.password !== undefined && patch.password.length < MIN_PASSWORD) {
    throw badInput('password', `must be at least ${MIN_PASSWORD} characters`);
  }
  const set = {
    ...(patch.displayName !== undefined && { display_name: patch.displayName }),
    ...(patch.role !== undefined && { role: patch.role }),
    ...(patch.active !== undefined && { active: patch.active }),
    ...(patch.password !== undefined && { password_hash: await hashPassword(patch.password) }),
  };
  if (Object.keys(set).length) await db.updateTable('users').set(set).where('id', '=', id).execute();
  if (patch.role !== undefined || patch.active !== undefined || patch.password !== undefined) {
    await revokeTokens(db, id);
    forgetTokenState(db, id);
  }
  return getUser(db, id);
}

export async function getUser(db: Kysely<DB>, id: number) {
  const user = await db.selectFrom('users').select(['id', 'username', 'display_name as displayName', 'role', 'active',
    'created_at as createdAt', 'last_login_at as lastLoginAt']).where('id', '=', id).executeTakeFirst();
  if (!user) throw notFound('id', `no user with id ${id}`);
  const scopes = await db.selectFrom('user_scopes as us').innerJoin('warehouses as w', 'w.id', 'us.warehouse_id')
    .leftJoin('zones as z', 'z.id', 'us.zone_id')
    .select(['w.code as warehouse', 'z.code as zone', 'us.warehouse_id as warehouseId', 'us.zone_id as zoneId'])
    .where('us.user_id', '=', id).execute();
  return { ...user, scopes };
}

export async function listUsers(db: Kysely<DB>) {
  return db.selectFrom('users').select(['id', 'username', 'display_name as displayName', 'role', 'active',
    'last_login_at as lastLoginAt']).orderBy('username').execute();
}

/** Check a password; the same 401 whether the user is unknown, inactive or the password wrong. */
export async function authenticate(db: Kysely<DB>, username: string, password: string): Promise<Actor> {
  const user = await db.selectFrom('users').select(['id', 'username', 'role', 'active', 'password_hash', 'token_version'])
    .where('username', '=', username).executeTakeFirst();
  dummyHash ??= hashPassword(generatePassword());
  const ok = await verifyPassword(password, user?.password_hash ?? await dummyHash);
  if (!user || !ok || !user.active) throw unauthorized('wrong username or password');
  await db.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
  return actorFor(db, user);
}

export async function actorFor(db: Kysely<DB>, user: { id: number; username: string; role: Role;
  token_version?: number }): Promise<Actor> {
  const scopes = await db.selectFrom('user_scopes').select(['warehouse_id', 'zone_id'])
    .where('user_id', '=', user.id).execute();
  // Operators must be placed somewhere; an operator without scope rows acts nowhere.
  const restricted = user.role !== 'admin' && (scopes.length > 0 || user.role === 'operator');
  return {
    userId: user.id, username: user.username, role: user.role, tokenVersion: user.token_version ?? 0,
    scope: restricted ? {
      warehouses: new Set(scopes.filter((s) => s.zone_id === null).map((s) => s.warehouse_id)),
      zones: new Set(scopes.filter((s) => s.zone_id !== null).map((s) => s.zone_id!)),
    } : null,
  };
}

/**
 * First start with an empty database: create `admin`. The password comes from WETMS_ADMIN_PASSWORD
 * when set; otherwise it is generated and returned so the caller can print it once.
 */
export async function ensureAdmin(db: Kysely<DB>, password?: string): Promise<{ created: boolean;
  generatedPassword?: string }> {
  const any = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return { created: false };
  const pw = password ?? generatePassword();
  await createUser(db, { username: 'admin', displayName: 'Administrator', password: pw, role: 'admin' });
  return { created: true, generatedPassword: password ? undefined : pw };
}

/** Bump the user's token version: every token issued before now stops working. */
async function revokeTokens(db: Kysely<DB>, userId: number) {
  await db.updateTable('users').set((eb) => ({ token_version: eb('token_version', '+', 1) }))
    .where('id', '=', userId).execute();
}

export interface TokenState { active: boolean; version: number }

/**
 * Whether a user's tokens of a given version still hold. Cached briefly per database so a request
 * costs no extra round trip; a change made in this process is seen at once, one made by another
 * process within TOKEN_STATE_TTL_MS.
 */
const TOKEN_STATE_TTL_MS = 10_000;
const tokenStates = new WeakMap<object, Map<number, TokenState & { at: number }>>();

export async function tokenState(db: Kysely<DB>, userId: number): Promise<TokenState | undefined> {
  let cache = tokenStates.get(db);
  if (!cache) tokenStates.set(db, cache = new Map());
  const hit = cache.get(userId);
  if (hit && Date.now() - hit.at < TOKEN_STATE_TTL_MS) return hit;
  const row = await db.selectFrom('users').select(['active', 'token_version']).where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const state = { active: row.active, version: row.token_version, at: Date.now() };
  cache.set(userId, state);
  return state;
}

function forgetTokenState(db: Kysely<DB>, userId: number) {
  tokenStates.get(db)?.delete(userId);
}
