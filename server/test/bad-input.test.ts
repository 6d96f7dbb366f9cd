import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayoutSpec } from '../../model/layout-spec.ts';
import { backends, bearer, type TestApp, startTestApp } from './harness.ts';
import { seedSmallWorld, stockPost, type SmallWorld } from './fixtures.ts';
import { setupWorkflowWorld, workflowCases, type WorkflowIds } from './bad-input-workflows.ts';

/**
 * Bad input never changes anything and never gets a 500: every mutating route refuses a wrong type,
 * a missing field, an unknown field and a domain error with a 4xx problem+json naming the field.
 */

type Kind = 'wrong-type' | 'missing-field' | 'unknown-field' | 'domain' | 'bad-param';

interface World extends SmallWorld {
  t2Bin: string;
  blockedBin: string;
  operatorId: number;
  wf: WorkflowIds;
}

interface BadCase {
  /** The registered route, e.g. 'POST /api/skus/:code/lots'. */
  route: string;
  kind: Kind;
  what: string;
  /** Concrete URL when the route has parameters. */
  url?: string | ((w: World) => string);
  body?: unknown | ((w: World) => unknown);
  headers?: Record<string, string>;
  status: number;
  /** The field the problem must name (problem.field, and the detail mentions it). */
  field: string;
}

const past = '2020-01-31';
const future = `${new Date().getUTCFullYear() + 2}-06-30`;
const VALID_GTIN = '4006381333931';

const sku = (extra: object = {}) => ({ code: 'SKU-NEW', name: 'New thing', lengthM: 0.1, widthM: 0.1, heightM: 0.1,
  weightKg: 1, ...extra });

const zone = (code: string, x: number, extra: object = {}) => ({
  code, name: `Zone ${code}`, kind: 'storage', temperature: 'ambient', origin: { x, y: 0 },
  aisles: 1, racksPerAisle: 1, levels: 1, binsPerLevel: 2,
  bin: { width: 1, depth: 1, height: 1, maxWeightKg: 100 }, ...extra,
});
const layout = (extra: Partial<Record<keyof LayoutSpec, unknown>> = {}) =>
  ({ code: 'T3', name: 'Third', zones: [zone('A', 0)], ...extra });

const move = (w: World, extra: object = {}) =>
  ({ fromBin: w.binsA[0], toBin: w.binsA[4], sku: 'SKU-1', qty: 5, ...extra });
const adjust = (w: World, extra: object = {}) =>
  ({ bin: w.binsA[4], sku: 'SKU-1', owner: 'OWN1', qty: 5, reason: 'count', ...extra });
const scrap = (w: World, extra: object = {}) =>
  ({ bin: w.binsA[0], sku: 'SKU-1', qty: 1, reason: 'broken', ...extra });
const status = (w: World, extra: object = {}) =>
  ({ bin: w.binsA[0], sku: 'SKU-1', to: 'hold', qty: 1, reason: 'check', ...extra });

const partyCases = (table: 'owners' | 'suppliers' | 'customers', existing: string, inUse?: string): BadCase[] => [
  { route: `POST /api/${table}`, kind: 'wrong-type', what: 'name is a number', body: { code: 'P-NEW', name: 5 },
    status: 400, field: 'body.name' },
  { route: `POST /api/${table}`, kind: 'wrong-type', what: 'code with a space', body: { code: 'P NEW', name: 'x' },
    status: 400, field: 'body.code' },
  { route: `POST /api/${table}`, kind: 'missing-field', what: 'no name', body: { code: 'P-NEW' }, status: 400,
    field: 'body.name' },
  { route: `POST /api/${table}`, kind: 'unknown-field', what: 'an unknown field', body: { code: 'P-NEW', name: 'x',
    colour: 'red' }, status: 400, field: 'body.colour' },
  { route: `POST /api/${table}`, kind: 'domain', what: 'duplicate code', body: { code: existing, name: 'again' },
    status: 409, field: 'body.code' },
  { route: `PATCH /api/${table}/:code`, kind: 'wrong-type', what: 'name is a number', url: `/api/${table}/${existing}`,
    body: { name: 5 }, status: 400, field: 'body.name' },
  { route: `PATCH /api/${table}/:code`, kind: 'unknown-field', what: 'the code cannot be patched',
    url: `/api/${table}/${existing}`, body: { code: 'OTHER' }, status: 400, field: 'body.code' },
  { route: `PATCH /api/${table}/:code`, kind: 'domain', what: 'unknown code', url: `/api/${table}/NOPE`,
    body: { name: 'x' }, status: 404, field: 'params.code' },
  { route: `PATCH /api/${table}/:code`, kind: 'bad-param', what: 'code with a space', url: `/api/${table}/A%20B`,
    body: { name: 'x' }, status: 400, field: 'params.code' },
  { route: `DELETE /api/${table}/:code`, kind: 'domain', what: 'unknown code', url: `/api/${table}/NOPE`,
    status: 404, field: 'params.code' },
  { route: `DELETE /api/${table}/:code`, kind: 'bad-param', what: 'code with a space', url: `/api/${table}/A%20B`,
    status: 400, field: 'params.code' },
  ...(inUse ? [{ route: `DELETE /api/${table}/:code`, kind: 'domain' as const, what: 'owner that has stock',
    url: `/api/${table}/${inUse}`, status: 409, field: 'params.code' }] : []),
];

const cases: BadCase[] = [
  // ------------------------------------------------------------------------------- users
  { route: 'POST /api/users', kind: 'wrong-type', what: 'username is a number',
    body: { username: 42, password: 'long-enough-pw', role: 'viewer' }, status: 400, field: 'body.username' },
  { route: 'POST /api/users', kind: 'wrong-type', what: 'unknown role',
    body: { username: 'u1', password: 'long-enough-pw', role: 'superuser' }, status: 400, field: 'body.role' },
  { route: 'POST /api/users', kind: 'missing-field', what: 'no password',
    body: { username: 'u1', role: 'viewer' }, status: 400, field: 'body.password' },
  { route: 'POST /api/users', kind: 'unknown-field', what: 'an unknown field',
    body: { username: 'u1', password: 'long-enough-pw', role: 'viewer', isRoot: true }, status: 400,
    field: 'body.isRoot' },
  { route: 'POST /api/users', kind: 'domain', what: 'password too short',
    body: { username: 'u1', password: 'short', role: 'viewer' }, status: 400, field: 'body.password' },
  { route: 'POST /api/users', kind: 'domain', what: 'duplicate username',
    body: { username: 'admin', password: 'long-enough-pw', role: 'viewer' }, status: 409, field: 'body.username' },
  { route: 'POST /api/users', kind: 'domain', what: 'scope in an unknown warehouse',
    body: { username: 'u1', password: 'long-enough-pw', role: 'operator', scopes: [{ warehouse: 'NOWH' }] },
    status: 404, field: 'body.scopes[0].warehouse' },
  { route: 'POST /api/users', kind: 'domain', what: 'the same zone twice in the scopes',
    body: { username: 'u1', password: 'long-enough-pw', role: 'operator',
      scopes: [{ warehouse: 'T1', zone: 'A' }, { warehouse: 'T1', zone: 'A' }] },
    status: 400, field: 'body.scopes[1]' },
  { route: 'POST /api/users', kind: 'domain', what: 'scope in an unknown zone',
    body: { username: 'u1', password: 'long-enough-pw', role: 'operator',
      scopes: [{ warehouse: 'T1', zone: 'A' }, { warehouse: 'T1', zone: 'Z' }] },
    status: 404, field: 'body.scopes[1].zone' },

  { route: 'PATCH /api/users/:id', kind: 'wrong-type', what: 'active is a string', url: '/api/users/1',
    body: { active: 'no' }, status: 400, field: 'body.active' },
  { route: 'PATCH /api/users/:id', kind: 'unknown-field', what: 'the username cannot be patched',
    url: '/api/users/1', body: { username: 'root' }, status: 400, field: 'body.username' },
  { route: 'PATCH /api/users/:id', kind: 'domain', what: 'unknown user', url: '/api/users/999999',
    body: { displayName: 'x' }, status: 404, field: 'params.id' },
  { route: 'PATCH /api/users/:id', kind: 'domain', what: 'password too short', url: '/api/users/1',
    body: { password: 'short' }, status: 400, field: 'body.password' },
  { route: 'PATCH /api/users/:id', kind: 'bad-param', what: 'id is not a number', url: '/api/users/abc',
    body: { displayName: 'x' }, status: 400, field: 'params.id' },

  { route: 'PUT /api/users/:id/scopes', kind: 'wrong-type', what: 'scopes is a string', url: '/api/users/1/scopes',
    body: { scopes: 'T1' }, status: 400, field: 'body.scopes' },
  { route: 'PUT /api/users/:id/scopes', kind: 'missing-field', what: 'no scopes', url: '/api/users/1/scopes',
    body: {}, status: 400, field: 'body.scopes' },
  { route: 'PUT /api/users/:id/scopes', kind: 'unknown-field', what: 'an unknown field in a scope',
    url: '/api/users/1/scopes', body: { scopes: [{ warehouse: 'T1', aisle: 3 }] }, status: 400,
    field: 'body.scopes[0].aisle' },
  { route: 'PUT /api/users/:id/scopes', kind: 'domain', what: 'unknown warehouse',
    url: '/api/users/1/scopes', body: { scopes: [{ warehouse: 'NOWH' }] }, status: 404, field: 'body.scopes[0].warehouse' },
  { route: 'PUT /api/users/:id/scopes', kind: 'domain', what: 'zone of another warehouse',
    url: '/api/users/1/scopes', body: { scopes: [{ warehouse: 'T2', zone: 'A' }] }, status: 404, field: 'body.scopes[0].zone' },
  { route: 'PUT /api/users/:id/scopes', kind: 'domain', what: 'the same scope twice', url: '/api/users/1/scopes',
    body: { scopes: [{ warehouse: 'T1' }, { warehouse: 'T1' }] }, status: 400, field: 'body.scopes[1]' },
  { route: 'PUT /api/users/:id/scopes', kind: 'domain', what: 'unknown user', url: '/api/users/999999/scopes',
    body: { scopes: [] }, status: 404, field: 'params.id' },
  { route: 'PUT /api/users/:id/scopes', kind: 'bad-param', what: 'id is zero', url: '/api/users/0/scopes',
    body: { scopes: [] }, status: 400, field: 'params.id' },

  // ------------------------------------------------------------------------------- warehouses and bins
  { route: 'POST /api/warehouses', kind: 'wrong-type', what: 'aisles is a string',
    body: layout({ zones: [zone('A', 0, { aisles: '2' })] }), status: 400, field: 'body.zones[0].aisles' },
  { route: 'POST /api/warehouses', kind: 'wrong-type', what: 'negative bin width',
    body: layout({ zones: [zone('A', 0, { bin: { width: -1, depth: 1, height: 1, maxWeightKg: 100 } })] }),
    status: 400, field: 'body.zones[0].bin.width' },
  { route: 'POST /api/warehouses', kind: 'wrong-type', what: 'lower-case warehouse code',
    body: layout({ code: 't3' }), status: 400, field: 'body.code' },
  { route: 'POST /api/warehouses', kind: 'missing-field', what: 'no name',
    body: { code: 'T3', zones: [zone('A', 0)] }, status: 400, field: 'body.name' },
  { route: 'POST /api/warehouses', kind: 'missing-field', what: 'no zones at all',
    body: layout({ zones: [] }), status: 400, field: 'body.zones' },
  { route: 'POST /api/warehouses', kind: 'unknown-field', what: 'an unknown field in a zone',
    body: layout({ zones: [zone('A', 0, { colour: 'red' })] }), status: 400, field: 'body.zones[0].colour' },
  { route: 'POST /api/warehouses', kind: 'domain', what: 'duplicate warehouse code',
    body: layout({ code: 'T1' }), status: 409, field: 'body.code' },
  { route: 'POST /api/warehouses', kind: 'domain', what: 'overlapping zones',
    body: layout({ zones: [zone('A', 0), zone('B', 1)] }), status: 400, field: 'body.layout.zones[1].origin' },
  { route: 'POST /api/warehouses', kind: 'domain', what: 'duplicate zone codes',
    body: layout({ zones: [zone('A', 0), zone('A', 50)] }), status: 400, field: 'body.layout.zones[1].code' },
  { route: 'POST /api/warehouses', kind: 'domain', what: 'duplicate dock codes',
    body: layout({ docks: [{ code: 'D1', x: 20, y: -5 }, { code: 'D1', x: 25, y: -5 }] }), status: 400,
    field: 'body.layout.docks[1].code' },
  { route: 'POST /api/warehouses', kind: 'domain', what: 'rack shorter than its bins',
    body: layout({ zones: [zone('A', 0, { rackLength: 1 })] }), status: 400, field: 'body.layout.zones[0].rackLength' },

  { route: 'PATCH /api/warehouses/:warehouse', kind: 'wrong-type', what: 'name is a number', url: '/api/warehouses/T1',
    body: { name: 7 }, status: 400, field: 'body.name' },
  { route: 'PATCH /api/warehouses/:warehouse', kind: 'unknown-field', what: 'the code cannot be patched',
    url: '/api/warehouses/T1', body: { code: 'T9' }, status: 400, field: 'body.code' },
  { route: 'PATCH /api/warehouses/:warehouse', kind: 'domain', what: 'unknown warehouse', url: '/api/warehouses/NOPE',
    body: { name: 'x' }, status: 404, field: 'params.warehouse' },
  { route: 'PATCH /api/warehouses/:warehouse', kind: 'domain', what: 'unknown time zone', url: '/api/warehouses/T1',
    body: { timezone: 'Mars/Olympus_Mons' }, status: 400, field: 'body.timezone' },
  { route: 'PATCH /api/warehouses/:warehouse', kind: 'domain', what: 'empty name', url: '/api/warehouses/T1',
    body: { name: '' }, status: 400, field: 'body.name' },
  { route: 'PATCH /api/warehouses/:warehouse', kind: 'bad-param', what: 'code with a space',
    url: '/api/warehouses/T%201', body: { name: 'x' }, status: 400, field: 'params.warehouse' },

  { route: 'PATCH /api/warehouses/:warehouse/zones/:code', kind: 'wrong-type', what: 'kind is not a zone kind',
    url: '/api/warehouses/T1/zones/A', body: { kind: 'garage' }, status: 400, field: 'body.kind' },
  { route: 'PATCH /api/warehouses/:warehouse/zones/:code', kind: 'unknown-field', what: 'the code cannot be patched',
    url: '/api/warehouses/T1/zones/A', body: { code: 'Z' }, status: 400, field: 'body.code' },
  { route: 'PATCH /api/warehouses/:warehouse/zones/:code', kind: 'domain', what: 'unknown zone',
    url: '/api/warehouses/T1/zones/NOPE', body: { name: 'x' }, status: 404, field: 'params.code' },
  { route: 'PATCH /api/warehouses/:warehouse/zones/:code', kind: 'domain', what: 'unknown warehouse',
    url: '/api/warehouses/NOPE/zones/A', body: { name: 'x' }, status: 404, field: 'params.warehouse' },
  { route: 'PATCH /api/warehouses/:warehouse/zones/:code', kind: 'bad-param', what: 'warehouse code with a space',
    url: '/api/warehouses/T%201/zones/A', body: { name: 'x' }, status: 400, field: 'params.warehouse' },

  { route: 'PATCH /api/bins/:code', kind: 'wrong-type', what: 'blocked is a string', url: '/api/bins/T1-A01-R01-L1-B01',
    body: { blocked: 'yes' }, status: 400, field: 'body.blocked' },
  { route: 'PATCH /api/bins/:code', kind: 'wrong-type', what: 'negative weight limit',
    url: '/api/bins/T1-A01-R01-L1-B01', body: { maxWeightKg: -5 }, status: 400, field: 'body.maxWeightKg' },
  { route: 'PATCH /api/bins/:code', kind: 'unknown-field', what: 'the zone cannot be patched',
    url: '/api/bins/T1-A01-R01-L1-B01', body: { zone: 'B' }, status: 400, field: 'body.zone' },
  { route: 'PATCH /api/bins/:code', kind: 'domain', what: 'unknown bin', url: '/api/bins/T1-NOPE',
    body: { blocked: true }, status: 404, field: 'params.code' },
  { route: 'PATCH /api/bins/:code', kind: 'domain', what: 'zero unit capacity', url: '/api/bins/T1-A01-R01-L1-B01',
    body: { maxUnits: 0 }, status: 400, field: 'body.maxUnits' },
  { route: 'PATCH /api/bins/:code', kind: 'bad-param', what: 'code with a space', url: '/api/bins/T1%20A',
    body: { blocked: true }, status: 400, field: 'params.code' },

  // ------------------------------------------------------------------------------- SKUs and lots
  { route: 'POST /api/skus', kind: 'wrong-type', what: 'weight is a string', body: sku({ weightKg: '1' }),
    status: 400, field: 'body.weightKg' },
  { route: 'POST /api/skus', kind: 'wrong-type', what: 'negative length', body: sku({ lengthM: -0.1 }),
    status: 400, field: 'body.lengthM' },
  { route: 'POST /api/skus', kind: 'wrong-type', what: 'zero weight', body: sku({ weightKg: 0 }),
    status: 400, field: 'body.weightKg' },
  { route: 'POST /api/skus', kind: 'missing-field', what: 'no height',
    body: { code: 'SKU-NEW', name: 'x', lengthM: 0.1, widthM: 0.1, weightKg: 1 }, status: 400, field: 'body.heightM' },
  { route: 'POST /api/skus', kind: 'unknown-field', what: 'an unknown field', body: sku({ colour: 'red' }),
    status: 400, field: 'body.colour' },
  { route: 'POST /api/skus', kind: 'unknown-field', what: 'an unknown field in a pack unit',
    body: sku({ units: [{ unit: 'CASE', factor: 12, weight: 3 }] }), status: 400, field: 'body.units[0].weight' },
  { route: 'POST /api/skus', kind: 'domain', what: 'duplicate code', body: sku({ code: 'SKU-1' }), status: 409,
    field: 'body.code' },
  { route: 'POST /api/skus', kind: 'domain', what: 'GTIN with a wrong check digit',
    body: sku({ barcodes: [{ barcode: '4006381333932' }] }), status: 400, field: 'body.barcodes[0].barcode' },
  { route: 'POST /api/skus', kind: 'domain', what: 'barcode of another SKU',
    body: sku({ barcodes: [{ barcode: VALID_GTIN }] }), status: 409, field: 'body.barcodes' },
  { route: 'POST /api/skus', kind: 'domain', what: 'the same barcode twice',
    body: sku({ barcodes: [{ barcode: '96385074' }, { barcode: '96385074', unit: 'EA' }] }), status: 400,
    field: 'body.barcodes[1].barcode' },
  { route: 'POST /api/skus', kind: 'domain', what: 'pack unit equal to the base unit',
    body: sku({ units: [{ unit: 'EA', factor: 12 }] }), status: 400, field: 'body.units[0].unit' },
  { route: 'POST /api/skus', kind: 'domain', what: 'barcode for an undefined unit',
    body: sku({ barcodes: [{ barcode: '12345', kind: 'internal', unit: 'PAL' }] }), status: 400,
    field: 'body.barcodes[0].unit' },
  { route: 'POST /api/skus', kind: 'domain', what: 'expiry-tracked but explicitly not lot-tracked',
    body: sku({ expiryTracked: true, lotTracked: false }), status: 400, field: 'body.lotTracked' },

  { route: 'PATCH /api/skus/:code', kind: 'wrong-type', what: 'lotTracked is a string', url: '/api/skus/SKU-1',
    body: { lotTracked: 'yes' }, status: 400, field: 'body.lotTracked' },
  { route: 'PATCH /api/skus/:code', kind: 'wrong-type', what: 'negative width', url: '/api/skus/SKU-1',
    body: { widthM: -1 }, status: 400, field: 'body.widthM' },
  { route: 'PATCH /api/skus/:code', kind: 'unknown-field', what: 'the code cannot be patched', url: '/api/skus/SKU-1',
    body: { code: 'SKU-9' }, status: 400, field: 'body.code' },
  { route: 'PATCH /api/skus/:code', kind: 'domain', what: 'unknown SKU', url: '/api/skus/NOPE',
    body: { name: 'x' }, status: 404, field: 'params.code' },
  { route: 'PATCH /api/skus/:code', kind: 'domain', what: 'GTIN with a wrong check digit', url: '/api/skus/SKU-1',
    body: { barcodes: [{ barcode: '4006381333930' }] }, status: 400, field: 'body.barcodes[0].barcode' },
  { route: 'PATCH /api/skus/:code', kind: 'domain', what: 'barcode of another SKU', url: '/api/skus/SKU-1',
    body: { barcodes: [{ barcode: VALID_GTIN }] }, status: 409, field: 'body.barcodes' },
  { route: 'PATCH /api/skus/:code', kind: 'domain', what: 'expiry tracking without lot tracking',
    url: '/api/skus/SKU-1', body: { expiryTracked: true }, status: 400, field: 'body.lotTracked' },
  { route: 'PATCH /api/skus/:code', kind: 'bad-param', what: 'code with a space', url: '/api/skus/SKU%201',
    body: { name: 'x' }, status: 400, field: 'params.code' },

  { route: 'DELETE /api/skus/:code', kind: 'domain', what: 'unknown SKU', url: '/api/skus/NOPE', status: 404,
    field: 'params.code' },
  { route: 'DELETE /api/skus/:code', kind: 'domain', what: 'SKU with stock history', url: '/api/skus/SKU-1',
    status: 409, field: 'params.code' },
  { route: 'DELETE /api/skus/:code', kind: 'bad-param', what: 'code with a space', url: '/api/skus/SKU%201',
    status: 400, field: 'params.code' },

  { route: 'POST /api/skus/:code/lots', kind: 'wrong-type', what: 'lotNo is a number', url: '/api/skus/MILK/lots',
    body: { lotNo: 5, expiryDate: future }, status: 400, field: 'body.lotNo' },
  { route: 'POST /api/skus/:code/lots', kind: 'wrong-type', what: 'impossible date', url: '/api/skus/MILK/lots',
    body: { lotNo: 'L9', expiryDate: '2030-02-30' }, status: 400, field: 'body.expiryDate' },
  { route: 'POST /api/skus/:code/lots', kind: 'missing-field', what: 'no lotNo', url: '/api/skus/MILK/lots',
    body: { expiryDate: future }, status: 400, field: 'body.lotNo' },
  { route: 'POST /api/skus/:code/lots', kind: 'unknown-field', what: 'an unknown field', url: '/api/skus/MILK/lots',
    body: { lotNo: 'L9', expiryDate: future, qty: 3 }, status: 400, field: 'body.qty' },
  { route: 'POST /api/skus/:code/lots', kind: 'domain', what: 'unknown SKU', url: '/api/skus/NOPE/lots',
    body: { lotNo: 'L9' }, status: 404, field: 'params.code' },
  { route: 'POST /api/skus/:code/lots', kind: 'domain', what: 'duplicate lot', url: '/api/skus/MILK/lots',
    body: { lotNo: 'L1', expiryDate: future }, status: 409, field: 'body.lotNo' },
  { route: 'POST /api/skus/:code/lots', kind: 'domain', what: 'expiry-tracked lot without expiry',
    url: '/api/skus/MILK/lots', body: { lotNo: 'L9' }, status: 400, field: 'body.expiryDate' },
  { route: 'POST /api/skus/:code/lots', kind: 'domain', what: 'expiry before manufacture',
    url: '/api/skus/MILK/lots', body: { lotNo: 'L9', mfgDate: '2030-05-01', expiryDate: '2030-04-01' }, status: 400,
    field: 'body.expiryDate' },
  { route: 'POST /api/skus/:code/lots', kind: 'bad-param', what: 'code with a space', url: '/api/skus/MI%20LK/lots',
    body: { lotNo: 'L9', expiryDate: future }, status: 400, field: 'params.code' },

  // ------------------------------------------------------------------------------- parties
  ...partyCases('owners', 'OWN2', 'OWN1'),
  ...partyCases('suppliers', 'SUP1'),
  { route: 'POST /api/suppliers', kind: 'wrong-type', what: 'requiresQc is a string',
    body: { code: 'SUP9', name: 'x', requiresQc: 'yes' }, status: 400, field: 'body.requiresQc' },
  ...partyCases('customers', 'CUS1'),
  { route: 'POST /api/customers', kind: 'wrong-type', what: 'negative minimum shelf life',
    body: { code: 'CUS9', name: 'x', minRemainingShelfLifeDays: -1 }, status: 400,
    field: 'body.minRemainingShelfLifeDays' },
  { route: 'POST /api/owners', kind: 'unknown-field', what: 'a supplier-only field on an owner',
    body: { code: 'OWN9', name: 'x', requiresQc: true }, status: 400, field: 'body.requiresQc' },

  // ------------------------------------------------------------------------------- stock
  { route: 'POST /api/inventory/moves', kind: 'wrong-type', what: 'qty is a string',
    body: (w: World) => move(w, { qty: '5' }), status: 400, field: 'body.qty' },
  { route: 'POST /api/inventory/moves', kind: 'wrong-type', what: 'qty is zero',
    body: (w: World) => move(w, { qty: 0 }), status: 400, field: 'body.qty' },
  { route: 'POST /api/inventory/moves', kind: 'wrong-type', what: 'unknown status',
    body: (w: World) => move(w, { status: 'lost' }), status: 400, field: 'body.status' },
  { route: 'POST /api/inventory/moves', kind: 'missing-field', what: 'no target bin',
    body: (w: World) => ({ fromBin: w.binsA[0], sku: 'SKU-1', qty: 1 }), status: 400, field: 'body.toBin' },
  { route: 'POST /api/inventory/moves', kind: 'unknown-field', what: 'an unknown field',
    body: (w: World) => move(w, { unit: 'CASE' }), status: 400, field: 'body.unit' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'unknown source bin',
    body: (w: World) => move(w, { fromBin: 'T1-NOPE' }), status: 404, field: 'body.fromBin' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'unknown target bin',
    body: (w: World) => move(w, { toBin: 'T1-NOPE' }), status: 404, field: 'body.toBin' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'unknown SKU',
    body: (w: World) => move(w, { sku: 'NOPE' }), status: 404, field: 'body.sku' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'unknown owner',
    body: (w: World) => move(w, { owner: 'NOPE' }), status: 404, field: 'body.owner' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'unknown lot',
    body: (w: World) => move(w, { fromBin: w.binsA[2], sku: 'MILK', lot: 'NOPE' }), status: 404, field: 'body.lot' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'more than is in the bin',
    body: (w: World) => move(w, { qty: 101 }), status: 409, field: 'body.qty' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'SKU not in the source bin',
    body: (w: World) => move(w, { fromBin: w.binsA[5] }), status: 409, field: 'body.sku' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'to the same bin',
    body: (w: World) => move(w, { toBin: w.binsA[0] }), status: 400, field: 'body.toBin' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'to another warehouse',
    body: (w: World) => move(w, { toBin: w.t2Bin }), status: 400, field: 'body.toBin' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'into a blocked bin',
    body: (w: World) => move(w, { toBin: w.blockedBin }), status: 409, field: 'body.toBin' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'two owners in the bin and none named',
    body: (w: World) => move(w, { fromBin: w.binsA[1], sku: 'SKU-2', qty: 1 }), status: 422, field: 'body.owner' },
  { route: 'POST /api/inventory/moves', kind: 'domain', what: 'Idempotency-Key with a space',
    body: (w: World) => move(w), headers: { 'idempotency-key': 'two words' }, status: 400,
    field: 'headers.idempotency-key' },

  { route: 'POST /api/inventory/adjustments', kind: 'wrong-type', what: 'qty is a fraction',
    body: (w: World) => adjust(w, { qty: 1.5 }), status: 400, field: 'body.qty' },
  { route: 'POST /api/inventory/adjustments', kind: 'wrong-type', what: 'qty is zero',
    body: (w: World) => adjust(w, { qty: 0 }), status: 400, field: 'body.qty' },
  { route: 'POST /api/inventory/adjustments', kind: 'wrong-type', what: 'lotExpiry is not a date',
    body: (w: World) => adjust(w, { sku: 'MILK', lot: 'L9', lotExpiry: '31/12/2030' }), status: 400,
    field: 'body.lotExpiry' },
  { route: 'POST /api/inventory/adjustments', kind: 'missing-field', what: 'no reason',
    body: (w: World) => ({ bin: w.binsA[4], sku: 'SKU-1', owner: 'OWN1', qty: 5 }), status: 400, field: 'body.reason' },
  { route: 'POST /api/inventory/adjustments', kind: 'unknown-field', what: 'an unknown field',
    body: (w: World) => adjust(w, { price: 3 }), status: 400, field: 'body.price' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'unknown bin',
    body: (w: World) => adjust(w, { bin: 'T1-NOPE' }), status: 404, field: 'body.bin' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'unknown SKU',
    body: (w: World) => adjust(w, { sku: 'NOPE' }), status: 404, field: 'body.sku' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'unknown owner',
    body: (w: World) => adjust(w, { owner: 'NOPE' }), status: 404, field: 'body.owner' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a gain without owner',
    body: (w: World) => adjust(w, { owner: undefined }), status: 400, field: 'body.owner' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a loss above stock',
    body: (w: World) => adjust(w, { bin: w.binsA[0], qty: -101 }), status: 409, field: 'body.qty' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a gain of a lot-tracked SKU without lot',
    body: (w: World) => adjust(w, { sku: 'MILK' }), status: 400, field: 'body.lot' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a gain of a new lot without expiry',
    body: (w: World) => adjust(w, { sku: 'MILK', lot: 'L9' }), status: 400, field: 'body.lotExpiry' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a gain of a new, already expired lot',
    body: (w: World) => adjust(w, { sku: 'MILK', lot: 'L9', lotExpiry: past }), status: 422, field: 'body.lot' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a gain of an existing expired lot',
    body: (w: World) => adjust(w, { sku: 'MILK', lot: 'OLD' }), status: 422, field: 'body.lot' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a new lot expiring before it was made',
    body: (w: World) => adjust(w, { sku: 'MILK', lot: 'L9', lotMfgDate: '2031-01-10', lotExpiry: '2031-01-01' }),
    status: 400, field: 'body.lotExpiry' },
  { route: 'POST /api/inventory/adjustments', kind: 'domain', what: 'a gain into a blocked bin',
    body: (w: World) => adjust(w, { bin: w.blockedBin }), status: 409, field: 'body.bin' },

  { route: 'POST /api/inventory/scrap', kind: 'wrong-type', what: 'negative qty',
    body: (w: World) => scrap(w, { qty: -1 }), status: 400, field: 'body.qty' },
  { route: 'POST /api/inventory/scrap', kind: 'missing-field', what: 'no qty',
    body: (w: World) => scrap(w, { qty: undefined }), status: 400, field: 'body.qty' },
  { route: 'POST /api/inventory/scrap', kind: 'unknown-field', what: 'an unknown field',
    body: (w: World) => scrap(w, { toBin: w.binsA[4] }), status: 400, field: 'body.toBin' },
  { route: 'POST /api/inventory/scrap', kind: 'domain', what: 'more than is in the bin',
    body: (w: World) => scrap(w, { qty: 101 }), status: 409, field: 'body.qty' },
  { route: 'POST /api/inventory/scrap', kind: 'domain', what: 'unknown bin',
    body: (w: World) => scrap(w, { bin: 'T1-NOPE' }), status: 404, field: 'body.bin' },
  { route: 'POST /api/inventory/scrap', kind: 'domain', what: 'SKU not in the bin',
    body: (w: World) => scrap(w, { bin: w.binsA[5] }), status: 409, field: 'body.sku' },

  { route: 'POST /api/inventory/status-changes', kind: 'wrong-type', what: 'unknown target status',
    body: (w: World) => status(w, { to: 'broken' }), status: 400, field: 'body.to' },
  { route: 'POST /api/inventory/status-changes', kind: 'missing-field', what: 'no target status',
    body: (w: World) => status(w, { to: undefined }), status: 400, field: 'body.to' },
  { route: 'POST /api/inventory/status-changes', kind: 'unknown-field', what: 'an unknown field',
    body: (w: World) => status(w, { until: future }), status: 400, field: 'body.until' },
  { route: 'POST /api/inventory/status-changes', kind: 'domain', what: 'from equal to to',
    body: (w: World) => status(w, { from: 'hold' }), status: 400, field: 'body.to' },
  { route: 'POST /api/inventory/status-changes', kind: 'domain', what: 'more than is in the bin',
    body: (w: World) => status(w, { qty: 101 }), status: 409, field: 'body.qty' },
  { route: 'POST /api/inventory/status-changes', kind: 'domain', what: 'releasing an expired lot as available',
    body: (w: World) => status(w, { bin: w.binsA[3], sku: 'MILK', lot: 'OLD', to: 'available' }), status: 422,
    field: 'body.to' },
  { route: 'POST /api/inventory/status-changes', kind: 'domain', what: 'unknown bin',
    body: (w: World) => status(w, { bin: 'T1-NOPE' }), status: 404, field: 'body.bin' },
  ...workflowCases<World>(),
];

/** Row count and a digest of every row, per business table (everything but the audit log and idempotency keys). */
async function snapshot(t: TestApp, tables: string[]): Promise<Record<string, string>> {
  const query = tables.map((name) => `select '${name}' as name, count(*)::text || ' rows, ' || `
    + `md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as digest from ${name} x`).join(' union all ')
    + ` union all select 'stock qty', coalesce(sum(qty), 0)::text || ' units' from stock_balances`;
  const { rows } = await sql.raw<{ name: string; digest: string }>(query).execute(t.db);
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

async function businessTables(t: TestApp): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE'
       and table_name not in ('audit_log', 'idempotency_keys') order by 1`.execute(t.db);
  return rows.map((r) => r.name);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const caseName = (c: BadCase) => `${c.route} ${c.kind}: ${c.what} -> ${c.status} naming ${c.field}`;

describe.each(backends)('bad input on $name', (backend) => {
  let t: TestApp;
  let w: World;
  let tables: string[];

  beforeAll(async () => {
    t = await startTestApp(backend);
    const small = await seedSmallWorld(t);
    const admin = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
      const res = await t.app.inject({ method, url, payload, headers: bearer(t.adminToken) });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const gain = async (payload: object) => {
      const res = await stockPost(t, '/api/inventory/adjustments', { owner: 'OWN1', reason: 'setup', ...payload });
      if (res.statusCode !== 200) throw new Error(`gain: ${res.body}`);
    };
    await admin('POST', '/api/warehouses', { code: 'T2', name: 'Second', zones: [zone('S', 0)] });
    await admin('POST', '/api/suppliers', { code: 'SUP1', name: 'Supplier' });
    await admin('POST', '/api/customers', { code: 'CUS1', name: 'Customer' });
    await admin('POST', '/api/skus', sku({ code: 'SKU-B', barcodes: [{ barcode: VALID_GTIN }] }));
    const operator = await admin('POST', '/api/users', { username: 'op1', password: 'operator-pw-1', role: 'operator',
      scopes: [{ warehouse: 'T1', zone: 'A' }] });
    const t2Bin = 'T2-A01-R01-L1-B01';
    const [a0, a1, a2, a3] = small.binsA;
    await gain({ bin: a0, sku: 'SKU-1', qty: 100 });
    await gain({ bin: a1, sku: 'SKU-2', qty: 10 });
    await gain({ bin: a1, sku: 'SKU-2', qty: 10, owner: 'OWN2' });
    await gain({ bin: a2, sku: 'MILK', lot: 'L1', lotExpiry: future, qty: 20 });
    await gain({ bin: a3, sku: 'MILK', lot: 'OLD', lotExpiry: future, qty: 5, status: 'hold' });
    await gain({ bin: t2Bin, sku: 'SKU-1', qty: 5 });
    // Time passes: lot OLD expires while on hold.
    await t.db.updateTable('lots').set({ expiry_date: past }).where('lot_no', '=', 'OLD').execute();
    const blockedBin = small.binsA[7]!;
    await admin('PATCH', `/api/bins/${blockedBin}`, { blocked: true });
    const wf = await setupWorkflowWorld(t);
    w = { ...small, t2Bin, blockedBin, operatorId: operator.id, wf };
    tables = await businessTables(t);
  });
  afterAll(async () => t?.close());

  it('snapshots the tables that matter', async () => {
    expect(tables).toEqual(expect.arrayContaining(['stock_balances', 'ledger_entries', 'movements', 'outbox', 'skus',
      'lots', 'bins', 'zones', 'warehouses', 'owners', 'users', 'user_scopes', 'sku_barcodes']));
    expect(tables).not.toContain('audit_log');
    const snap = await snapshot(t, tables);
    expect(snap['stock qty']).toBe('176 units');
  });

  it('every mutating route has bad-input cases of every kind that applies to it', () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, {
      requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>> };
    const missing: string[] = [];
    const mutating = t.app.registeredRoutes
      .filter((r) => MUTATING.has(r.method) && r.url.startsWith('/api/') && r.url !== '/api/auth/login');
    expect(mutating.length).toBeGreaterThan(15);
    for (const r of mutating) {
      const route = `${r.method} ${r.url}`;
      const op = doc.paths[r.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      const body = op?.requestBody?.content['application/json']?.schema;
      const kinds: Kind[] = ['domain'];
      if (body) kinds.push('wrong-type', 'unknown-field');
      if (body?.required?.length) kinds.push('missing-field');
      if (r.url.includes(':')) kinds.push('bad-param');
      for (const kind of kinds) {
        if (!cases.some((c) => c.route === route && c.kind === kind)) missing.push(`${route}: ${kind}`);
      }
    }
    expect(missing).toEqual([]);
    // And no case names a route that does not exist (a renamed route would leave cases testing 404s).
    const known = new Set(mutating.map((r) => `${r.method} ${r.url}`));
    expect(cases.map((c) => c.route).filter((r) => !known.has(r))).toEqual([]);
  });

  it.each(cases)('$route $kind: $what', async (c) => {
    const before = await snapshot(t, tables);
    const [method, route] = c.route.split(' ') as [string, string];
    const payload = typeof c.body === 'function' ? c.body(w) : c.body;
    const res = await t.app.inject({ method: method as 'POST', url: (typeof c.url === 'function' ? c.url(w) : c.url) ?? route,
      headers: { ...bearer(t.adminToken), ...c.headers },
      ...(payload === undefined ? {} : { payload: payload as object }) });
    expect(res.statusCode, `${caseName(c)}: ${res.body}`).toBe(c.status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.status).toBe(c.status);
    expect(problem.field, res.body).toBe(c.field);
    expect(problem.detail, res.body).toContain(c.field);
    expect(await snapshot(t, tables)).toEqual(before);
  });

  describe('login', () => {
    const loginCases = [
      { what: 'username is a number', body: { username: 1, password: 'x' }, status: 400, field: 'body.username' },
      { what: 'no password', body: { username: 'admin' }, status: 400, field: 'body.password' },
      { what: 'an unknown field', body: { username: 'admin', password: 'x', remember: true }, status: 400,
        field: 'body.remember' },
      { what: 'empty username', body: { username: '', password: 'x' }, status: 400, field: 'body.username' },
      { what: 'wrong password', body: { username: 'admin', password: 'wrong-password' }, status: 401 },
    ];
    it.each(loginCases)('login: $what -> $status', async (c) => {
      const before = await snapshot(t, tables);
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: c.body });
      expect(res.statusCode, res.body).toBe(c.status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (c.field) {
        expect(res.json().field).toBe(c.field);
        expect(res.json().detail).toContain(c.field);
      }
      expect(res.json()).not.toHaveProperty('token');
      expect(await snapshot(t, tables)).toEqual(before);
    });
  });

  describe('malformed requests never get a 500', () => {
    const raw = (w: World) => [
      { what: 'malformed JSON', method: 'POST', url: '/api/inventory/moves',
        headers: { 'content-type': 'application/json' }, payload: `{"fromBin": "${w.binsA[0]}", "qty": 1,` },
      { what: 'malformed JSON on a PATCH', method: 'PATCH', url: '/api/skus/SKU-1',
        headers: { 'content-type': 'application/json' }, payload: '{name: unquoted}' },
      { what: 'an empty JSON body', method: 'POST', url: '/api/owners',
        headers: { 'content-type': 'application/json' }, payload: '' },
      { what: 'a JSON array instead of an object', method: 'POST', url: '/api/inventory/adjustments',
        headers: { 'content-type': 'application/json' }, payload: '[]' },
      { what: 'JSON null', method: 'POST', url: '/api/skus',
        headers: { 'content-type': 'application/json' }, payload: 'null' },
      { what: 'XML', method: 'POST', url: '/api/inventory/moves',
        headers: { 'content-type': 'application/xml' }, payload: '<move qty="1"/>' },
      { what: 'form data', method: 'POST', url: '/api/owners',
        headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'code=OWN9&name=x' },
      { what: 'plain text', method: 'POST', url: '/api/owners',
        headers: { 'content-type': 'text/plain' }, payload: 'OWN9' },
      { what: 'a body over the size limit', method: 'POST', url: '/api/owners',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ code: 'OWN9', name: 'x'.repeat(3 * 1024 * 1024) }) },
      { what: 'a proto-poisoning body', method: 'POST', url: '/api/owners',
        headers: { 'content-type': 'application/json' }, payload: '{"code":"OWN9","name":"x","__proto__":{"admin":true}}' },
    ];
    it('answers each with a 4xx problem+json and changes nothing', async () => {
      const outcomes: string[] = [];
      for (const r of raw(w)) {
        const before = await snapshot(t, tables);
        const res = await t.app.inject({ method: r.method as 'POST', url: r.url, payload: r.payload,
          headers: { ...bearer(t.adminToken), ...r.headers } });
        outcomes.push(`${r.what}: ${res.statusCode}`);
        expect(res.statusCode, `${r.what}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${r.what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        expect(res.headers['content-type'], r.what).toContain('application/problem+json');
        expect(res.json().detail, r.what).toEqual(expect.any(String));
        expect(await snapshot(t, tables), r.what).toEqual(before);
      }
      expect(outcomes).toContain('malformed JSON: 400');
      expect(outcomes).toContain('XML: 415');
      expect(outcomes).toContain('a body over the size limit: 413');
    });
  });
});
