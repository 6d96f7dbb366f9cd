import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COLOUR_MODES, legend, type ColourMode } from '../scene/colours.ts';
import { agvLegend } from '../scene/agvs.ts';
import type { SceneHandle } from '../scene/Scene.tsx';
import { fmt } from '../i18n/index.ts';
import { live } from './live.ts';
import { useLive } from './useLive.ts';

// three.js is large: the scene loads after the shell.
const Scene = lazy(() => import('../scene/Scene.tsx'));

/** The 3D warehouse with its toolbar (colour mode, 2D, levels, reset) and legend. */
export function SceneArea() {
  const { t } = useTranslation();
  const state = useLive();
  const [mode, setMode] = useState<ColourMode>('fill');
  const [topDown, setTopDown] = useState(false);
  const [levelMax, setLevelMax] = useState<number | undefined>(undefined);
  const scene = useRef<SceneHandle>(null);
  const subscribeRecords = useCallback((cb: Parameters<typeof live.onRecords>[0]) => live.onRecords(cb), []);
  const subscribeAgvFrames = useCallback((cb: (bytes: ArrayBuffer) => void) => live.onAgvFrames(cb), []);
  return (
    <section className="scene-area" aria-label={t('scene.title')}>
      <div className="scene-toolbar">
        <label>
          {t('scene.mode.label')}{' '}
          <select data-testid="colour-mode" value={mode} onChange={(e) => setMode(e.target.value as ColourMode)}>
            {COLOUR_MODES.map((m) => <option key={m} value={m}>{t(`scene.mode.${m}`)}</option>)}
          </select>
        </label>
        <label>
          {t('scene.levels')}{' '}
          <select value={levelMax ?? ''} onChange={(e) => setLevelMax(e.target.value ? Number(e.target.value) : undefined)}>
            <option value="">{t('scene.allLevels')}</option>
            {[1, 2, 3, 4, 5, 6].map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <button type="button" aria-pressed={topDown} onClick={() => setTopDown(!topDown)}>{t('scene.topDown')}</button>
        <button type="button" onClick={() => scene.current?.resetView()}>{t('scene.reset')}</button>
        {state.snapshot && <span className="muted small">{t('scene.bins', { bins: fmt.int(state.snapshot.bins),
          records: fmt.int(state.applied) })}</span>}
      </div>
      <div data-testid="scene-slot" className="scene-slot">
        {state.snapshot && state.layout ? (
          <Suspense fallback={<p className="muted scene-loading">{t('scene.loading')}</p>}>
            <Scene ref={scene} snapshot={state.snapshot.arrow} layout={state.layout} mode={mode} topDown={topDown}
              levelMax={levelMax} subscribeRecords={subscribeRecords} subscribeAgvFrames={subscribeAgvFrames} flash />
          </Suspense>
        ) : (
          <p className="muted scene-loading">{t('scene.loading')}</p>
        )}
      </div>
      <ul className="legend" data-testid="legend">
        {[...legend(mode), ...agvLegend()].map((e) => (
          <li key={e.key}><span className="swatch" style={{ background: e.colour }} />{t(e.key)}</li>
        ))}
      </ul>
    </section>
  );
}
