/**
 * `npm start` serves the browser app from twin/dist; on a fresh checkout it is built first with
 * Vite's JS API (a few seconds). Development with hot reload uses `npm run dev:twin` instead.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TWIN_DIST } from './http/routes/twin.ts';

export async function buildTwinIfMissing(): Promise<void> {
  if (existsSync(`${TWIN_DIST}index.html`)) return;
  const started = Date.now();
  console.log('twin: twin/dist is missing, building the control room app (npm run build) …');
  try {
    const { build } = await import('vite');
    await build({ configFile: fileURLToPath(new URL('../twin/vite.config.ts', import.meta.url)), logLevel: 'warn' });
    console.log(`twin: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    // The API works without the app; `/` then says how to build it.
    console.error(`twin: build failed, serving the API only: ${(error as Error).message}`);
  }
}
