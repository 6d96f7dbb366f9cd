/**
 * End to end in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the server on
 * embedded defaults (PGlite) with a small seeded warehouse, the app built from the current sources, and a
 * user who logs in, looks at the scene, inspects a bin, watches it change live, searches, switches to
 * Chinese and survives a dropped socket. Screenshots of the main views go to test-artifacts/e2e/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../server/domain/events.ts';
import { startLive, type Live } from '../../server/stream/live.ts';
import { ADMIN_PASSWORD, waitFor } from '../../server/test/harness.ts';
import { isoDateIn, useFlowWorld } from '../../server/test/flow-fixtures.ts';
import { legend } from '../src/scene/colours.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts/e2e');
const BACKGROUND = [0x0f, 0x14, 0x19];
const EMPTY_FILL = legend('fill').find((e) => e.key === 'legend.fill.empty')!.colour;

declare global {
  interface Window { __wetmsLive?: { dropConnection(): void } }
}

const dist = mkdtempSync(join(tmpdir(), 'wetms-twin-e2e-'));

describe('control room in headless Chromium', () => {
  const w = useFlowWorld({}, { twinDist: dist });
  let live: Live;
  let browser: Browser;
  let page: Page;
  let url: string;
  const binIds = new Map<string, number>();
  let target = '';
  let second = '';
  let spare = '';

  const debug = () => page.evaluate(() => {
    const d = window.__wetmsScene!;
    return { drawCalls: d.drawCalls, bins: d.bins, visibleBins: d.visibleBins, frames: d.frames, mode: d.mode,
      highlighted: d.highlighted };
  });
  const colourOf = (code: string, which: 'base' | 'display' = 'base') =>
    page.evaluate(([id, w]) => window.__wetmsScene?.binColour?.(id, w) ?? null, [binIds.get(code)!, which] as const);
  const projected = (code: string) =>
    page.evaluate((id) => window.__wetmsScene?.project?.(id) ?? null, binIds.get(code)!);
  const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim() ?? '';
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  async function canvasPixels() {
    return PNG.sync.read(await page.locator('canvas').first().screenshot());
  }
  const pixel = (png: PNG, x: number, y: number) => {
    const i = (Math.round(y) * png.width + Math.round(x)) * 4;
    return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
  };
  const near = (a: number[], b: number[], tolerance: number) => a.every((v, k) => Math.abs(v - b[k]!) <= tolerance);
  const hexRgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const { build } = await import('vite');
    await build({ configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)), logLevel: 'warn',
      build: { outDir: dist, emptyOutDir: true } });

    // A little stock: two top-level storage bins of boxes, milk with a lot and an expiry, bolts on the pick face.
    const rows = await w.t.db.selectFrom('bins').select(['id', 'code']).where('warehouse_id', '=', w.warehouseId).execute();
    for (const r of rows) binIds.set(r.code, r.id);
    const top = w.bins.STOR!.filter((c) => c.includes('-L2-'));
    [target, second, spare] = [top[0]!, top[5]!, top[9]!];
    const gain = (bin: string, sku: string, qty: number, extra: object = {}) => w.ok('POST', '/api/inventory/adjustments',
      { bin, sku, qty, owner: 'OWN1', reason: 'e2e seed', ...extra });
    await gain(target, 'BOX', 40);
    await gain(second, 'BOX', 25);
    await gain(w.bins.COLD![0]!, 'MILK', 60, { lot: 'L-E2E-1', lotExpiry: isoDateIn(20) });
    await gain(w.bins.PICK![0]!, 'BOLT', 150);

    live = await startLive(w.t.app, w.t.database, { relay: { pollMs: 10 }, gateway: { tickMs: 20 },
      fleet: { agvs: { F1: 2 }, seed: 3 } });
    await w.t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(w.t.app.server.address() as AddressInfo).port}`;
    await waitFor('the relay lease', () => live.isLeader());

    browser = await chromium.launch({ executablePath: CHROMIUM,
      args: ['--use-gl=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`[browser ${m.type()}] ${m.text()}`); });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await live?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('logs in and follows the warehouse live', async () => {
    await page.goto(url);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await shot('01-login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[role=status][data-status=live]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.warehouse-switch select').inputValue()).toBe('F1');
  });

  it('renders the bins from the snapshot in a few draw calls, and the canvas shows them', async () => {
    await page.waitForFunction(() => (window.__wetmsScene?.frames ?? 0) > 0 && (window.__wetmsScene?.drawCalls ?? 0) > 0,
      undefined, { timeout: 30_000 }).catch(async (error) => {
      await shot('02-scene-failed');
      console.error('scene debug:', await page.evaluate(() => JSON.stringify(window.__wetmsScene ?? null)));
      throw error;
    });
    await page.waitForTimeout(300);
    const d = await debug();
    expect(d.bins).toBe(binIds.size);
    expect(d.visibleBins).toBe(binIds.size);
    expect(d.drawCalls).toBeGreaterThan(0);
    expect(d.drawCalls).toBeLessThanOrEqual(20);
    const png = await canvasPixels();
    let painted = 0;
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) {
      const rgb = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (!near(rgb, BACKGROUND, 6)) painted++;
      colours.add((rgb[0]! << 16) | (rgb[1]! << 8) | rgb[2]!);
    }
    expect(painted / (png.width * png.height)).toBeGreaterThan(0.01);
    expect(colours.size).toBeGreaterThan(20);
    // The stocked bin is on screen, drawn in a colour other than the background.
    const at = (await projected(target))!;
    expect(at.x).toBeGreaterThan(0);
    expect(at.y).toBeGreaterThan(0);
    expect(near(pixel(png, at.x, at.y), BACKGROUND, 6)).toBe(false);
    await shot('02-scene');
  });

  it('opens a bin inspector by clicking the bin, and it updates in place when stock moves', async () => {
    const canvas = page.locator('canvas').first();
    const at = (await projected(target))!;
    await canvas.click({ position: at });
    const inspector = page.getByTestId('bin-inspector');
    await expect.poll(() => inspector.getAttribute('data-bin'), { timeout: 10_000 }).toBe(target);
    await expect.poll(() => text('bin-units'), { timeout: 5000 }).toMatch(/^40\b/);
    expect(await text('bin-contents')).toContain('BOX');
    expect(await text('bin-movements')).toContain('+40');
    const before = await colourOf(target);
    expect(before).not.toBe(null);
    await shot('03-inspector');

    // Move every box out through the API: the inspector and the bin's colour follow within a second.
    const started = Date.now();
    await w.ok('POST', '/api/inventory/moves', { fromBin: target, toBin: spare, sku: 'BOX', qty: 40 });
    const committed = Date.now();
    await page.waitForFunction(([id, hex]) => window.__wetmsScene?.binColour?.(id, 'base') === hex,
      [binIds.get(target)!, EMPTY_FILL] as const, { timeout: 1000, polling: 20 });
    const colourMs = Date.now() - committed;
    await expect.poll(() => text('bin-units'), { timeout: 1000, interval: 20 }).toMatch(/^0\b/);
    const inspectorMs = Date.now() - committed;
    console.log(`e2e: API move took ${committed - started} ms; colour after ${colourMs} ms, inspector after ${inspectorMs} ms`);
    expect(inspectorMs).toBeLessThan(1000);
    await expect.poll(() => text('bin-movements'), { timeout: 2000 }).toContain('−40');
    expect(await page.getByTestId('bin-contents').count()).toBe(0);
    // Once the flash is over the pixels show it too: the bin is drawn in the empty colour's shade now.
    await page.waitForFunction(([id, hex]) => window.__wetmsScene?.binColour?.(id, 'display') === hex,
      [binIds.get(target)!, EMPTY_FILL] as const, { timeout: 3000 });
    await page.waitForTimeout(100);
    const png = await canvasPixels();
    const now = pixel(png, at.x, at.y);
    const empty = hexRgb(EMPTY_FILL);
    // Lit faces are darker or lighter than the swatch; the hue stays grey-blue (channels close together).
    expect(Math.max(...now) - Math.min(...now)).toBeLessThan(Math.max(...empty) - Math.min(...empty) + 24);
    await shot('04-after-move');
  });

  it('searches a SKU: its bins are highlighted and listed, and choosing one flies there and inspects it', async () => {
    await page.getByTestId('search-input').fill('BOX');
    const results = page.getByTestId('search-results');
    await expect.poll(() => text('search-results'), { timeout: 10_000 }).toContain(second);
    expect(await text('search-results')).toContain(spare);
    expect(await text('search-results')).not.toContain(target); // emptied above
    await page.waitForFunction(() => window.__wetmsScene?.highlighted === 2, undefined, { timeout: 5000 });
    await shot('05-search');
    await results.getByRole('button', { name: second }).click();
    await expect.poll(() => page.getByTestId('bin-inspector').getAttribute('data-bin'), { timeout: 10_000 }).toBe(second);
    await expect.poll(() => text('bin-units'), { timeout: 5000 }).toMatch(/^25\b/);
    // The camera flew to it: the bin is near the middle of the canvas now.
    await page.waitForTimeout(900);
    const box = (await page.locator('canvas').first().boundingBox())!;
    const at = (await projected(second))!;
    expect(Math.abs(at.x - box.width / 2)).toBeLessThan(box.width * 0.15);
    expect(Math.abs(at.y - box.height / 2)).toBeLessThan(box.height * 0.2);
    await shot('06-fly-to');
    await page.getByTestId('clear-highlight').click();
    await page.waitForFunction(() => window.__wetmsScene?.highlighted === 0, undefined, { timeout: 5000 });
  });

  it('shows a new alert with an unread count; its link flies to the bin; marking read clears the count', async () => {
    await page.getByTestId('bin-inspector').getByRole('button', { name: 'Close inspector' }).click();
    await raiseAlert(w.t.db, w.warehouseId, 'short_pick', `short pick: 3 BOX missing in ${second}`,
      { binId: binIds.get(second)!, bin: second, sku: 'BOX', missing: 3 });
    await expect.poll(() => text('unread-alerts'), { timeout: 5000 }).toBe('1');
    expect(await text('alerts')).toContain(`3 × BOX missing in ${second}`);
    await shot('07-alert');
    await page.getByTestId('alerts').getByRole('button', { name: `Show ${second}` }).click();
    await expect.poll(() => page.getByTestId('bin-inspector').getAttribute('data-bin'), { timeout: 5000 }).toBe(second);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    expect(await page.getByTestId('unread-alerts').count()).toBe(0);
  });

  it('switches to Chinese: labels, panels and the legend speak zh-CN', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('button', { name: '简体中文' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('#panel-inspector').textContent()).toBe('详情');
    expect(await text('legend')).toContain('空');
    expect(await text('bin-inspector')).toContain('库存明细');
    // A language switch is only words: the stream, the scene and the selection stay as they were.
    expect(await page.getByTestId('bin-inspector').getAttribute('data-bin')).toBe(second);
    expect((await debug()).bins).toBe(binIds.size);
    expect(await page.locator('[role=status]').getAttribute('data-status')).toBe('live');
    await page.keyboard.press('Escape');
    await shot('08-zh-CN');
    await page.getByRole('button', { name: '账户菜单' }).click();
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.keyboard.press('Escape');
  });

  it('shows the AGVs; clicking one opens its inspector with state and battery', async () => {
    await page.waitForFunction(() => window.__wetmsScene?.agvs === 2, undefined, { timeout: 10_000 });
    await expect.poll(() => page.locator('.kpi.wide').textContent(), { timeout: 10_000 }).toMatch(/busy.*idle.*charging/);
    await page.getByRole('button', { name: 'Reset view' }).click();
    await page.waitForTimeout(900);
    // Click where the first AGV is drawn (the whole-warehouse view of this small floor shows it big enough).
    const detail = await w.ok('GET', '/api/fleet/F1');
    const at = await page.evaluate(() => window.__wetmsScene?.projectAgv?.(0) ?? null);
    expect(at).not.toBeNull();
    await page.locator('canvas').first().click({ position: at! });
    const inspector = page.getByTestId('agv-inspector');
    await expect.poll(() => inspector.getAttribute('data-agv'), { timeout: 10_000 }).toBe(detail.roster[0]);
    const body = await text('agv-inspector');
    expect(body).toContain('Battery');
    expect(body).toMatch(/idle|moving|charging/);
    await shot('09-agv');
    await inspector.getByRole('button', { name: 'Close inspector' }).click();
  });

  it('resyncs after the socket drops, with what changed meanwhile', async () => {
    const status = page.locator('[role=status]');
    await page.getByTestId('search-results').getByRole('button', { name: second }).click();
    await expect.poll(() => text('bin-units'), { timeout: 5000 }).toMatch(/^25\b/);
    await page.evaluate(() => window.__wetmsLive!.dropConnection());
    // A change while the client is away (or just back): it must arrive through the resync.
    await w.ok('POST', '/api/inventory/adjustments', { bin: second, sku: 'BOX', qty: 5, owner: 'OWN1', reason: 'e2e resync' });
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 15_000 }).toBe('resynced');
    await expect.poll(() => text('bin-units'), { timeout: 5000 }).toMatch(/^30\b/);
    await shot('10-resynced');
  });
});
