import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COLOUR_MODES, legend, type ColourMode } from '../scene/colours.ts';
import { agvLegend } from '../scene/agvs.ts';
import type { PatchRow, SceneHandle } from '../scene/Scene.tsx';
import { fmt } from '../i18n/index.ts';
import { api } from './api.ts';
import { live } from './live.ts';
import { useLive } from './useLive.ts';
import { useView } from './useView.ts';
import { view } from './view.ts';
import { HoverStore, SceneTooltip } from './SceneTooltip.tsx';
import { SearchPanel } from './SearchPanel.tsx';
import { ZoneFilter } from './ZoneFilter.tsx';

// three.js is large: the scene loads after the shell.
const Scene = lazy(() => import('../scene/Scene.tsx'));

type Classes = Record<string, 'A' | 'B' | 'C'>;

/** The 3D warehouse with its toolbar (colour mode, zones, levels, 2D, reset) and legend. */
export function SceneArea() {
  const { t } = useTranslation();
  const state = useLive();
  const { selected, highlight, zones, route } = useView();
  const [mode, setMode] = useState<ColourMode>('fill');
  const [topDown, setTopDown] = useState(false);
  const [levelMax, setLevelMax] = useState<number | undefined>(undefined);
  const scene = useRef<SceneHandle | null>(null);
  const warehouseCode = state.warehouse?.code;
  const subscribeRecords = useCallback((cb: Parameters<typeof live.onRecords>[0]) => live.onRecords(cb), []);
  const subscribeAgvFrames = useCallback((cb: (bytes: ArrayBuffer) => void) => live.onAgvFrames(cb), []);
  const fetchBins = useCallback((ids: number[]): Promise<PatchRow[]> =>
    warehouseCode === undefined ? Promise.resolve([]) : api.snapshotBins(warehouseCode, ids), [warehouseCode]);
  const attach = useCallback((handle: SceneHandle | null) => {
    scene.current = handle;
    view.attachScene(handle);
  }, []);

  // ABC classes are only needed in ABC mode: loaded once per warehouse, the first time it is chosen.
  const [classes, setClasses] = useState<{ warehouse: string; map: Classes } | null>(null);
  useEffect(() => {
    if (mode !== 'abc' || warehouseCode === undefined || classes?.warehouse === warehouseCode) return;
    let cancelled = false;
    api.skuClasses(warehouseCode).then((r) => { if (!cancelled) setClasses({ warehouse: warehouseCode, map: r.classes }); },
      () => { /* the legend's "unknown" colour stands in */ });
    return () => { cancelled = true; };
  }, [mode, warehouseCode, classes]);
  const classOf = useMemo(() => {
    const map = classes?.warehouse === warehouseCode ? classes?.map : undefined;
    return map ? (sku: string) => map[sku] : undefined;
  }, [classes, warehouseCode]);

  const levels = state.snapshot?.levels ?? 1;
  const zoneCodes = useMemo(() => state.layout?.zones.map((z) => z.code) ?? [], [state.layout]);
  const agvIndex = selected?.kind === 'agv' ? selected.index ?? null : null;

  // Hover tooltip: AGV ids come from the fleet's roster, fetched the first time an AGV is hovered.
  const hover = useMemo(() => new HoverStore(), []);
  const [roster, setRoster] = useState<{ code: string; ids: string[] } | null>(null);
  const rosterWanted = useRef(false);
  useEffect(() => hover.subscribe(() => {
    const h = hover.get();
    if (h?.kind !== 'agv' || !warehouseCode || rosterWanted.current) return;
    rosterWanted.current = true;
    api.fleet(warehouseCode).then((f) => setRoster({ code: warehouseCode, ids: f.roster }),
      () => { rosterWanted.current = false; });
  }), [hover, warehouseCode]);
  useEffect(() => { rosterWanted.current = false; }, [warehouseCode]);
  const agvIds = roster?.code === warehouseCode ? roster?.ids ?? null : null;

  return (
    <section className="scene-area" aria-label={t('scene.title')}>
      <div className="scene-toolbar">
        <label>
          {t('scene.mode.label')}{' '}
          <select data-testid="colour-mode" value={mode} onChange={(e) => setMode(e.target.value as ColourMode)}>
            {COLOUR_MODES.map((m) => <option key={m} value={m}>{t(`scene.mode.${m}`)}</option>)}
          </select>
        </label>
        <ZoneFilter codes={zoneCodes} value={zones} onChange={(z) => view.setZones(z)} />
        <label>
          {t('scene.levels')}{' '}
          <select data-testid="level-filter" value={levelMax ?? ''}
            onChange={(e) => setLevelMax(e.target.value ? Number(e.target.value) : undefined)}>
            <option value="">{t('scene.allLevels')}</option>
            {Array.from({ length: levels }, (_, k) => k + 1).map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <button type="button" aria-pressed={topDown} onClick={() => setTopDown(!topDown)}>{t('scene.topDown')}</button>
        <button type="button" onClick={() => scene.current?.resetView()}>{t('scene.reset')}</button>
        {highlight.size > 0 && (
          <button type="button" className="chip" onClick={() => view.setHighlight([])} data-testid="clear-highlight">
            {t('scene.highlighted', { count: highlight.size })} ✕
          </button>
        )}
        {state.snapshot && (() => {
          const summary = t('scene.bins', { bins: fmt.int(state.snapshot.bins), records: fmt.int(state.applied) });
          return <span className="muted small toolbar-end" title={summary}>{summary}</span>;
        })()}
      </div>
      <div data-testid="scene-slot" className="scene-slot">
        <SearchPanel warehouse={warehouseCode} />
        <SceneTooltip store={hover} agvIds={agvIds} />
        {state.snapshot && state.layout ? (
          <Suspense fallback={<p className="muted scene-loading">{t('scene.loading')}</p>}>
            <Scene ref={attach} snapshot={state.snapshot.arrow} layout={state.layout} mode={mode} topDown={topDown}
              levelMax={levelMax} zones={zones} highlight={highlight}
              selected={selected?.kind === 'bin' ? selected.id : null} selectedAgv={agvIndex} route={route}
              classOf={classOf} fetchBins={fetchBins}
              onSelectBin={(id) => view.select({ kind: 'bin', id })}
              onSelectAgv={(index) => void selectAgvByIndex(index)}
              subscribeRecords={subscribeRecords} subscribeAgvFrames={subscribeAgvFrames} flash onHover={hover.set} />
          </Suspense>
        ) : (
          <p className="muted scene-loading">{state.status === 'error' ? state.error : t('scene.loading')}</p>
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

/** The frames carry roster indexes; the fleet description maps them to AGV ids. */
async function selectAgvByIndex(index: number) {
  const code = live.getSnapshot().warehouse?.code;
  if (!code) return;
  view.select({ kind: 'agv', id: '', index });
  try {
    const fleet = await api.fleet(code);
    const id = fleet.roster[index];
    const current = view.getSnapshot().selected;
    if (id && current?.kind === 'agv' && current.index === index) view.select({ kind: 'agv', id, index });
  } catch {
    // The inspector shows the fleet's error when it loads.
  }
}
