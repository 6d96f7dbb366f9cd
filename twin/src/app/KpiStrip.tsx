import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';
import { api, ApiError, type FleetDescription, type Warehouse } from './api.ts';
import { useLive } from './useLive.ts';

const TASK_POLL_MS = 15_000;
const FLEET_POLL_MS = 5_000;
const IDLE_POLL_MS = 60_000;
const PAGE = 1000;

type Loaded<T> = { value: T } | { error: string } | null;

/** Poll a loader while the warehouse stays the same; null until the first answer. */
function usePoll<T>(key: string | null, ms: number, load: (key: string) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>(null);
  useEffect(() => {
    setState(null);
    if (!key) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // A 409 says "not running here" (the fleet is off): ask again much less often than the normal period.
    const tick = async () => {
      let next = ms;
      try {
        const value = await load(key);
        if (!stopped) setState({ value });
      } catch (error) {
        const off = error instanceof ApiError && error.status === 409;
        if (off) next = Math.max(ms, IDLE_POLL_MS);
        if (!stopped) setState({ error: off ? 'fleet-off' : String((error as Error).message ?? error) });
      }
      if (!stopped) timer = setTimeout(tick, next);
    };
    void tick();
    return () => { stopped = true; if (timer) clearTimeout(timer); };
  }, [key, ms]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}

async function picksLastHour(code: string) {
  const done = await api.donePicks(code);
  const since = Date.now() - 3_600_000;
  return { count: done.filter((t) => t.doneAt && Date.parse(t.doneAt) >= since).length, capped: done.length >= PAGE };
}

async function activeTasks(code: string) {
  const tasks = await api.activeTasks(code);
  return { count: tasks.length, capped: tasks.length >= PAGE };
}

const DASH = '—';

export function KpiStrip({ warehouse }: { warehouse: Warehouse | null }) {
  const { t } = useTranslation();
  const state = useLive();
  const code = warehouse?.code ?? null;
  const tasks = usePoll(code, TASK_POLL_MS, activeTasks);
  const picks = usePoll(code, TASK_POLL_MS, picksLastHour);
  const fleet = usePoll<FleetDescription>(code, FLEET_POLL_MS, api.fleet);

  const counted = (l: Loaded<{ count: number; capped: boolean }>) => {
    if (!l) return DASH;
    if ('error' in l) return DASH;
    const n = fmt.int(l.value.count);
    return l.value.capped ? t('kpi.atLeast', { value: n }) : n;
  };
  const why = (l: Loaded<unknown>) => (l && 'error' in l
    ? (l.error === 'fleet-off' ? t('kpi.fleetOff') : t('kpi.unavailable', { detail: l.error })) : undefined);

  const byState = fleet && 'value' in fleet ? fleet.value.stats.byState : null;
  const busy = byState ? (byState.moving ?? 0) + (byState.loading ?? 0) + (byState.unloading ?? 0) : null;
  const hasSnapshot = state.snapshot !== null;
  const occupancy = state.occupancy;

  return (
    <section className="kpi-strip" aria-label={t('kpi.title')}>
      <Kpi label={t('kpi.units')} value={hasSnapshot ? fmt.int(state.units) : DASH} />
      <Kpi label={t('kpi.occupancy')} value={occupancy ? fmt.percent(occupancy.ratio) : DASH}
        title={occupancy ? t('kpi.occupancyHint', { occupied: fmt.int(occupancy.occupied),
          usable: fmt.int(occupancy.usable) }) : undefined}
        extra={occupancy ? <Meter value={occupancy.ratio} /> : null} />
      <Kpi label={t('kpi.openTasks')} value={counted(tasks)} title={why(tasks)} />
      <Kpi label={t('kpi.picksHour')} value={counted(picks)} title={why(picks)} />
      <Kpi label={t('kpi.agvs')} title={why(fleet)} wide
        value={byState ? (
          <span className="agv-split">
            <span className="agv busy"><b>{fmt.int(busy!)}</b> {t('kpi.busy')}</span>
            <span className="agv idle"><b>{fmt.int(byState.idle ?? 0)}</b> {t('kpi.idle')}</span>
            <span className="agv charging"><b>{fmt.int(byState.charging ?? 0)}</b> {t('kpi.charging')}</span>
          </span>
        ) : DASH} />
    </section>
  );
}

function Kpi({ label, value, extra, title, wide }: { label: string; value: ReactNode; extra?: ReactNode; title?: string;
  wide?: boolean }) {
  return (
    <div className={`kpi${wide ? ' wide' : ''}`} title={title}>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">{value}</span>
      {extra}
    </div>
  );
}

function Meter({ value }: { value: number }) {
  return <span className="meter" aria-hidden="true"><span style={{ width: `${Math.min(100, Math.max(0, value * 100))}%` }} /></span>;
}
