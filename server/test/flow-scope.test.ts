import { describe, expect, it } from 'vitest';
import { backends } from './harness.ts';
import { useFlowWorld } from './flow-fixtures.ts';

/** Roles and zones on the workflows: operators work where they are placed, plan nothing, see their warehouse. */
describe.each(backends)('workflow scope on $name', (backend) => {
  const w = useFlowWorld(backend);
  let picker: string;
  let docker: string;
  let tasks: any[];

  it('sets up a released order with picks in two zones, and two operators', async () => {
    await w.ok('POST', '/api/users', { username: 'picker', password: 'picker-pass-1', role: 'operator',
      scopes: [{ warehouse: 'F1', zone: 'PICK' }] });
    await w.ok('POST', '/api/users', { username: 'docker', password: 'docker-pass-1', role: 'operator',
      scopes: [{ warehouse: 'F1', zone: 'STAGE' }] });
    picker = await w.t.login('picker', 'picker-pass-1');
    docker = await w.t.login('docker', 'docker-pass-1');
    for (const [bin, sku] of [[w.bins.PICK![0], 'BOX'], [w.bins.STOR![0], 'BOLT']] as const) {
      await w.ok('POST', '/api/inventory/adjustments', { bin, sku, qty: 10, owner: 'OWN1', reason: 'stock' });
    }
    const o = await w.ok('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SC-1', type: 'issue', owner: 'OWN1',
      lines: [{ sku: 'BOX', qty: 2 }, { sku: 'BOLT', qty: 2 }] });
    await w.ok('POST', `/api/outbound-orders/${o.id}/allocate`);
    const wave = await w.ok('POST', '/api/waves', { warehouse: 'F1', mode: 'order', orders: ['SC-1'] });
    tasks = (await w.ok('GET', `/api/pick-lists/${wave.pickLists[0].id}`)).stops;
  });

  it('operators may not plan: creating orders, allocating and releasing waves is 403', async () => {
    const create = await w.api('POST', '/api/outbound-orders', { warehouse: 'F1', code: 'SC-2', type: 'issue',
      owner: 'OWN1', lines: [{ sku: 'BOX', qty: 1 }] }, picker);
    expect(create.status).toBe(403);
    expect((await w.api('POST', '/api/waves', { warehouse: 'F1', mode: 'order' }, picker)).status).toBe(403);
    expect((await w.api('POST', '/api/inbound-orders', { warehouse: 'F1', code: 'X', type: 'production', owner: 'OWN1',
      lines: [{ sku: 'BOX', qty: 1 }] }, docker)).status).toBe(403);
  });

  it('an operator sees the documents of the warehouse of their zones, and only their zones\' tasks', async () => {
    const orders = (await w.ok('GET', '/api/outbound-orders', undefined, picker)).items;
    expect(orders.map((o: any) => o.code)).toContain('SC-1');
    const mine = (await w.ok('GET', '/api/tasks?type=pick', undefined, picker)).items;
    expect(mine.map((t: any) => t.sourceBin)).toEqual([w.bins.PICK![0]]);
  });

  it('picks only in their zones: the storage pick is 403 for the pick-face operator, and writes nothing', async () => {
    const face = tasks.find((t) => t.bin === w.bins.PICK![0]);
    const stor = tasks.find((t) => t.bin === w.bins.STOR![0]);
    const refused = await w.api('POST', `/api/tasks/${stor.taskId}/pick`, { bin: stor.bin, item: 'BOLT', qty: 2 }, picker);
    expect(refused.status).toBe(403);
    expect((await w.ok('GET', `/api/tasks/${stor.taskId}`)).status).toBe('open');
    const ok = await w.api('POST', `/api/tasks/${face.taskId}/pick`, { bin: face.bin, item: 'BOX', qty: 2 }, picker);
    expect(ok.status).toBe(200);
  });
});
