import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AlertsPanel, useAlerts } from './AlertsPanel.tsx';
import { useDismiss } from './useDismiss.ts';

/**
 * The alerts feed behind a bell in the top bar: the unread count on the bell, the list in a popover (its own
 * place: never below the inspector). Following an alert's link closes the popover so the inspector shows.
 */
export function AlertsBell() {
  const { t } = useTranslation();
  const feed = useAlerts();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(ref, open, close);
  const unread = feed.unread;
  return (
    <div className="alerts-bell" ref={ref}>
      <button type="button" className="bell-button" aria-haspopup="dialog" aria-expanded={open} data-testid="alerts-bell"
        aria-label={unread > 0 ? t('panels.alerts.open', { count: unread }) : t('panels.alerts.title')}
        onClick={() => setOpen((o) => !o)}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        <span className="bell-label">{t('panels.alerts.title')}</span>
        {unread > 0 && <span className="count" data-testid="unread-alerts"
          aria-label={t('panels.alerts.unread', { count: unread })}>{unread}</span>}
      </button>
      {open && (
        <div className="menu alerts-popover" role="dialog" aria-labelledby="alerts-popover-title">
          <div className="popover-head">
            <h2 id="alerts-popover-title">{t('panels.alerts.title')}</h2>
            {unread > 0 && <button type="button" className="link small" onClick={() => feed.markAllRead()}>
              {t('panels.alerts.markRead')}</button>}
          </div>
          <div className="popover-body"><AlertsPanel onNavigate={close} /></div>
        </div>
      )}
    </div>
  );
}
