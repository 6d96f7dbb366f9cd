import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';
import { api, type AgvDetail } from './api.ts';
import { errorText } from './Login.tsx';
import { view } from './view.ts';

/** State, battery and route change continuously: poll while the panel is open. */
const POLL_MS = 1000;

/** One AGV: state, battery, speed, current task and route (drawn in the scene), recent tasks. */
export function AgvInspector({ warehouse, agvId, index }: { warehouse: string; agvId: string; index?: number }) {
  const { t } = useTranslation();
  const [data, setData] = useState<AgvDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!agvId) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      try {
        const d = await api.agv(warehouse, agvId);
        if (cancelled) return;
        setData(d);
        setError(null);
        view.setRoute(d.route.length > 1 ? d.route : null);
      } catch (e) {
        if (!cancelled) setError(e);
      }
      if (!cancelled) timer = setTimeout(load, POLL_MS);
    };
    void load();
    return () => { cancelled = true; if (timer) clearTimeout(timer); view.setRoute(null); };
  }, [warehouse, agvId]);

  if (!agvId) return <p className="muted">{t('common.loading')}</p>;
  if (error != null && !data) return <p className="error-text" role="alert">{errorText(t, error)}</p>;
  if (!data || data.id !== agvId) return <p className="muted">{t('common.loading')}</p>;
  const battery = Math.round(data.battery * 100);
  return (
    <div className="inspector" data-testid="agv-inspector" data-agv={data.id}>
      <div className="inspector-head">
        <div>
          <h3 className="mono">{data.id}</h3>
          <span className={`badge agv-${data.state}`}>{t(`agvState.${data.state}`, { defaultValue: data.state })}</span>
          {data.loaded && <span className="badge">{t('inspector.agv.loaded')}</span>}
        </div>
        <div className="inspector-actions">
          {index !== undefined && <button type="button" className="link" onClick={() => view.focusAgv(data.id, index)}>
            {t('inspector.flyTo')}</button>}
          <button type="button" className="icon" aria-label={t('inspector.close')} onClick={() => view.select(null)}>✕</button>
        </div>
      </div>
      <dl className="facts">
        <dt>{t('inspector.agv.battery')}</dt>
        <dd>
          <span className={`battery ${battery < 25 ? 'low' : battery < 50 ? 'mid' : ''}`}><span style={{ width: `${battery}%` }} /></span>
          {' '}{fmt.percent(data.battery)}
        </dd>
        <dt>{t('inspector.agv.speed')}</dt><dd>{t('units.metresPerSecond', { value: fmt.decimal(data.speed, 2) })}</dd>
        <dt>{t('inspector.agv.position')}</dt><dd className="mono">{fmt.decimal(data.x)}, {fmt.decimal(data.y)}</dd>
        <dt>{t('inspector.agv.route')}</dt>
        <dd>{data.route.length > 1 ? t('inspector.agv.routeLength', { metres: fmt.decimal(routeLength(data.route)) })
          : data.waiting ? t('inspector.agv.waiting', { seconds: waitedSeconds(data.stateSince) })
            : t('inspector.agv.noRoute')}</dd>
      </dl>
      <h4>{t('inspector.agv.task')}</h4>
      {data.task ? (
        <p>
          <span className="badge">{t(`taskType.${data.task.type ?? 'move'}`, { defaultValue: data.task.type ?? '' })}</span>{' '}
          <span className="muted">#{data.task.id}</span>{' '}
          {data.task.sku && <span className="mono">{data.task.sku} </span>}
          <span className="muted small">{data.task.sourceBin ?? '–'} → {data.task.targetBin ?? '–'}</span>
        </p>
      ) : <p className="muted">{t('inspector.agv.noTask')}</p>}
      <h4>{t('inspector.agv.recent')}</h4>
      {data.recentTasks.length === 0 ? <p className="muted">{t('inspector.agv.noRecent')}</p> : (
        <ul className="rows">
          {data.recentTasks.map((task) => (
            <li key={task.id}>
              <span className="badge">{t(`taskType.${task.type}`, { defaultValue: task.type })}</span>{' '}
              <span className="muted">#{task.id}</span>{' '}
              <span className="muted small">{task.sourceBin ?? '–'} → {task.targetBin ?? '–'}</span>{' '}
              <span className="small">{t(`taskStatus.${task.status}`, { defaultValue: task.status })}</span>
              {task.doneAt && <span className="muted small"> · {fmt.time(task.doneAt)}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Whole seconds since an ISO time (0 when unknown): how long a waiting AGV has waited for its path. */
function waitedSeconds(since: string | undefined): number {
  const at = since ? Date.parse(since) : NaN;
  return Number.isFinite(at) ? Math.max(0, Math.round((Date.now() - at) / 1000)) : 0;
}

function routeLength(points: readonly { x: number; y: number }[]): number {
  let d = 0;
  for (let k = 1; k < points.length; k++) d += Math.hypot(points[k]!.x - points[k - 1]!.x, points[k]!.y - points[k - 1]!.y);
  return d;
}
