import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';
import { api } from './api.ts';
import type { Alert } from './alerts.ts';
import { live } from './live.ts';
import { view } from './view.ts';

/** Re-render on every change of the feed (list or read mark). */
export function useAlerts() {
  useSyncExternalStore(live.alerts.subscribe, live.alerts.getVersion);
  return live.alerts;
}

/** Alerts of this warehouse since the page connected, newest first, unread ones marked, each with a fly-to. */
export function AlertsPanel({ onNavigate }: { onNavigate?: () => void } = {}) {
  const { t } = useTranslation();
  const feed = useAlerts();
  const alerts = feed.alerts;
  if (alerts.length === 0) return <p className="muted">{t('panels.alerts.empty')}</p>;
  return (
    <ul className="alert-list" data-testid="alerts">
      {alerts.slice(0, 50).map((a) => (
        <li key={a.pos} className={`alert kind-${a.kind}${feed.isUnread(a) ? ' unread' : ''}`}>
          <div className="alert-head">
            <span className="badge">{t(`alerts.kind.${a.kind}`, { defaultValue: a.kind })}</span>
            <span className="muted small">{fmt.time(a.at)}</span>
          </div>
          <div className="alert-text">{alertText(t, a)}</div>
          {(a.binId !== undefined || a.agv) && (
            <button type="button" className="link small" onClick={() => { onNavigate?.(); void flyToAlert(a); }}>
              {t('panels.alerts.flyTo', { target: a.bin ?? a.agv })}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The translated sentence for known kinds (details from the payload), else the server's message. */
function alertText(t: ReturnType<typeof useTranslation>['t'], a: Alert): string {
  const key = `alerts.text.${a.kind}`;
  return t(key, { ...a.details, defaultValue: a.message });
}

async function flyToAlert(a: Alert) {
  if (a.binId !== undefined) { view.focusBin(a.binId, a.bin); return; }
  if (!a.agv) return;
  const code = live.getSnapshot().warehouse?.code;
  let index: number | undefined;
  try {
    if (code) index = (await api.fleet(code)).roster.indexOf(a.agv);
  } catch { /* open the inspector anyway */ }
  view.focusAgv(a.agv, index !== undefined && index >= 0 ? index : undefined);
}
