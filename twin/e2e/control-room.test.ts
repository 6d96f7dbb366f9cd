/**
 * End to end in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the server on
 * embedded defaults (PGlite) with a small seeded warehouse, the app built from the current sources, and a
 * user who logs in, looks at the scene, inspects a bin, watches it change live, searches, switches to
 * Chinese and survives a dropped socket. Screenshots of the main views go to test-artifacts/e2e/ (states the
 * words change in, in both languages: `*-zh-CN.png`).
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
  /** Switch the language through the account menu (closes the menu again). */
  async function setLanguage(lng: 'en' | 'zh-CN') {
    await page.locator('.user-button').click();
    await page.locator(`.menu button[lang="${lng}"]`).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lng);
    await page.locator('.user-button').click();
    await expect.poll(() => page.locator('.user-menu .menu').count()).toBe(0);
  }
  /** Hover a bin and wait for the tooltip naming it. */
  async function hoverBin(code: string) {
    const canvas = page.locator('canvas').first();
    const at = (await projected(code))!;
    await canvas.hover({ position: { x: at.x + 3, y: at.y + 2 } });
    await canvas.hover({ position: at });
    const tip = page.getByTestId('scene-tooltip');
    await expect.poll(() => tip.textContent().catch(() => ''), { timeout: 5000 }).toContain(code);
    return tip;
  }
  /** A locator's box lies inside the viewport (nothing pushed off-screen). */
  async function inViewport(testId: string) {
    const box = (await page.getByTestId(testId).boundingBox())!;
    const size = page.viewportSize()!;
    return box.height > 0 && box.y >= 0 && box.y + Math.min(box.height, 120) <= size.height && box.x >= 0
      && box.x + box.width <= size.width;
  }
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
    // The default view is centred: the bins' picture has about as much room above it as below it.
    const box = (await page.locator('canvas').first().boundingBox())!;
    const ys = (await Promise.all([...binIds.keys()].map((code) => projected(code)))).map((p) => p!.y);
    const above = Math.min(...ys);
    const below = box.height - Math.max(...ys);
    expect(Math.abs(above - below)).toBeLessThan(box.height * 0.2);
    await shot('02-scene');
  });

  it('shows a tooltip over a bin in 3D and in 2D: code, zone, fill', async () => {
    const tip = await hoverBin(second);
    expect(await tip.textContent()).toMatch(/Zone STOR.*Fill \d+(\.\d)?%.*Top SKU BOX/);
    await shot('02b-tooltip-3d');
    await setLanguage('zh-CN');
    expect(await (await hoverBin(second)).textContent()).toMatch(/库区 STOR.*占用.*主要 SKU BOX/);
    await shot('02b-tooltip-3d-zh-CN');
    await setLanguage('en');
    await page.getByRole('button', { name: '2D' }).click();
    await page.waitForTimeout(900);
    expect(await (await hoverBin(target)).textContent()).toContain('Top SKU BOX');
    await shot('02c-tooltip-2d');
    await page.mouse.move(5, 5);
    await expect.poll(() => page.getByTestId('scene-tooltip').count()).toBe(0);
    await page.getByRole('button', { name: '2D' }).click();
    await page.waitForTimeout(900);
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
    // Contents: SKU codes never wrap mid-code; a stock line without a lot says so.
    const sku = page.getByTestId('bin-contents').locator('td .mono').first();
    const lineHeight = await sku.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 17);
    expect((await sku.boundingBox())!.height).toBeLessThan(lineHeight * 1.5);
    expect(await text('bin-contents')).toContain('No lot');
    expect(await text('bin-contents')).not.toMatch(/–\s*received/i);
    await shot('03-inspector');
    await setLanguage('zh-CN');
    expect(await text('bin-contents')).toContain('无批次');
    expect(await text('bin-inspector')).toMatch(/数量 \/ 最大数量/);
    await shot('03-inspector-zh-CN');
    await setLanguage('en');

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
    // The inspector is open with its movement list: the search still has its own place, in view.
    expect(await page.getByTestId('bin-inspector').isVisible()).toBe(true);
    await page.getByTestId('search-input').fill('BOX');
    const results = page.getByTestId('search-results');
    await expect.poll(() => text('search-results'), { timeout: 10_000 }).toContain(second);
    expect(await text('search-results')).toContain(spare);
    expect(await text('search-results')).not.toContain(target); // emptied above
    await page.waitForFunction(() => window.__wetmsScene?.highlighted === 2, undefined, { timeout: 5000 });
    expect(await inViewport('search-results')).toBe(true);
    expect(await inViewport('bin-inspector')).toBe(true);
    await shot('05-search');
    await setLanguage('zh-CN');
    await expect.poll(() => text('search-results')).toMatch(/匹配|SKU/);
    await shot('05-search-zh-CN');
    await setLanguage('en');
    await results.getByRole('button', { name: second }).click();
    await expect.poll(() => page.getByTestId('bin-inspector').getAttribute('data-bin'), { timeout: 10_000 }).toBe(second);
    await expect.poll(() => text('bin-units'), { timeout: 5000 }).toMatch(/^25\b/);
    // The camera flew to it: the bin is near the middle of the canvas now.
    await page.waitForTimeout(900);
    const box = (await page.locator('canvas').first().boundingBox())!;
    const at = (await projected(second))!;
    expect(Math.abs(at.x - box.width / 2)).toBeLessThan(box.width * 0.15);
    expect(Math.abs(at.y - box.height / 2)).toBeLessThan(box.height * 0.2);
    // ... and the aisle around it stays in context: many bins in view, not one bin filling it.
    const inView = await page.evaluate(() => window.__wetmsScene?.binsInView?.() ?? 0);
    console.log(`e2e: ${inView} bins in view after fly-to`);
    expect(inView).toBeGreaterThanOrEqual(12);
    expect(inView).toBeLessThan(binIds.size); // closer than the whole-warehouse view
    // Results stay open beside the inspector.
    expect(await inViewport('search-results')).toBe(true);
    await shot('06-fly-to');
    await page.getByTestId('clear-highlight').click();
    await page.waitForFunction(() => window.__wetmsScene?.highlighted === 0, undefined, { timeout: 5000 });
  });

  it('shows a new alert with an unread count; its link flies to the bin; marking read clears the count', async () => {
    await page.getByTestId('bin-inspector').getByRole('button', { name: 'Close inspector' }).click();
    await raiseAlert(w.t.db, w.warehouseId, 'short_pick', `short pick: 3 BOX missing in ${second}`,
      { binId: binIds.get(second)!, bin: second, sku: 'BOX', missing: 3 });
    await expect.poll(() => text('unread-alerts'), { timeout: 5000 }).toBe('1');
    await page.getByTestId('alerts-bell').click();
    expect(await text('alerts')).toContain(`3 × BOX missing in ${second}`);
    expect(await inViewport('alerts')).toBe(true);
    await shot('07-alert');
    await setLanguage('zh-CN');
    await page.getByTestId('alerts-bell').click();
    await expect.poll(() => text('alerts')).toContain(second);
    await shot('07-alert-zh-CN');
    await page.keyboard.press('Escape');
    await setLanguage('en');
    await page.getByTestId('alerts-bell').click();
    await page.getByTestId('alerts').getByRole('button', { name: `Show ${second}` }).click();
    await expect.poll(() => page.getByTestId('bin-inspector').getAttribute('data-bin'), { timeout: 5000 }).toBe(second);
    expect(await page.getByTestId('alerts').count()).toBe(0); // the popover closed: the inspector shows
    expect(await text('unread-alerts')).toBe('1');
    await page.getByTestId('alerts-bell').click();
    await page.getByRole('button', { name: 'Mark all read' }).click();
    expect(await page.getByTestId('unread-alerts').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('switches to Chinese: labels, panels and the legend speak zh-CN', async () => {
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('button', { name: '简体中文' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('.menu-head .muted').textContent()).toBe('角色：管理员');
    await shot('08-zh-CN-menu');
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
    // Close the search results (they float over the scene's top left, where an AGV may stand).
    await page.getByRole('button', { name: 'Close search results' }).click();
    expect(await page.getByTestId('search-results').count()).toBe(0);
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
    expect(body).toMatch(/Speed\s*\d+(\.\d+)? m\/s/);
    await shot('09-agv');
    await setLanguage('zh-CN');
    await expect.poll(() => text('agv-inspector')).toMatch(/速度\s*\d+(\.\d+)? 米\/秒/);
    expect(await text('agv-inspector')).not.toContain('m/s');
    await shot('09-agv-zh-CN');
    await setLanguage('en');
    // Hover the AGV: its id and state.
    const agvAt = (await page.evaluate(() => window.__wetmsScene?.projectAgv?.(0) ?? null))!;
    await page.locator('canvas').first().hover({ position: { x: agvAt.x + 2, y: agvAt.y } });
    await page.locator('canvas').first().hover({ position: agvAt });
    await expect.poll(() => page.getByTestId('scene-tooltip').textContent().catch(() => ''), { timeout: 5000 })
      .toContain(detail.roster[0]);
    expect(await text('scene-tooltip')).toMatch(/State: (idle|moving|moving, loaded|charging)/);
    await shot('09b-agv-tooltip');
    await page.mouse.move(5, 5);
    await inspector.getByRole('button', { name: 'Close inspector' }).click();
  });

  it('resyncs after the socket drops, with what changed meanwhile', async () => {
    const status = page.locator('[role=status]');
    await page.getByTestId('search-input').fill('BOX');
    await page.getByTestId('search-results').getByRole('button', { name: second }).click();
    await expect.poll(() => text('bin-units'), { timeout: 5000 }).toMatch(/^25\b/);
    await page.evaluate(() => window.__wetmsLive!.dropConnection());
    // A change while the client is away (or just back): it must arrive through the resync.
    await w.ok('POST', '/api/inventory/adjustments', { bin: second, sku: 'BOX', qty: 5, owner: 'OWN1', reason: 'e2e resync' });
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 15_000 }).toBe('resynced');
    await expect.poll(() => text('bin-units'), { timeout: 5000 }).toMatch(/^30\b/);
    await shot('10-resynced');
  });

  it('answers unknown paths with a not-found page in both languages that links to the control room', async () => {
    for (const path of ['/planner', '/pda', '/dashboard']) {
      await page.goto(`${url}${path}`);
      await page.getByTestId('not-found').waitFor({ timeout: 10_000 });
      expect(await page.getByRole('heading').textContent()).toBe('This page does not exist');
      expect(await text('not-found')).toContain(path);
      expect(await page.locator('canvas').count()).toBe(0); // not the control room
    }
    await shot('11-not-found');
    await page.getByRole('button', { name: '简体中文' }).click();
    await expect.poll(() => page.getByRole('heading').textContent()).toBe('页面不存在');
    expect(await page.getByRole('link', { name: '前往控制室' }).count()).toBe(1);
    await shot('11-not-found-zh-CN');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Go to the control room' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await page.locator('[role=status][data-status=live]').waitFor({ timeout: 30_000 }); // still signed in
  });
});
