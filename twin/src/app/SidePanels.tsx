import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AgvInspector } from './AgvInspector.tsx';
import { AlertsPanel, useAlerts } from './AlertsPanel.tsx';
import { BinInspector } from './BinInspector.tsx';
import { SearchPanel } from './SearchPanel.tsx';
import { useLive } from './useLive.ts';
import { useView } from './useView.ts';

function Panel({ id, title, extra, children, collapsible = false }: { id: string; title: ReactNode; extra?: ReactNode;
  children: ReactNode; collapsible?: boolean }) {
  const [open, setOpen] = useState(true);
  return (
    <section className={`panel panel-${id}`} aria-labelledby={`panel-${id}`}>
      <header className="panel-head">
        <h2 id={`panel-${id}`}>
          {collapsible ? (
            <button type="button" className="panel-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
              <span aria-hidden="true">{open ? '▾' : '▸'}</span> {title}
            </button>
          ) : title}
        </h2>
        {extra}
      </header>
      {open && <div className="panel-body">{children}</div>}
    </section>
  );
}

/** Inspector (bin or AGV), search and alerts beside the scene. */
export function SidePanels() {
  const { t } = useTranslation();
  const { warehouse } = useLive();
  const { selected } = useView();
  const feed = useAlerts();
  const unread = feed.unread;
  return (
    <aside className="side-panels">
      <Panel id="inspector" title={t('panels.inspector.title')}>
        {selected?.kind === 'bin' ? <BinInspector binId={selected.id} />
          : selected?.kind === 'agv' && warehouse ? <AgvInspector warehouse={warehouse.code} agvId={selected.id} index={selected.index} />
          : <p className="muted">{t('panels.inspector.empty')}</p>}
      </Panel>
      <Panel id="search" title={t('panels.search.title')} collapsible>
        <SearchPanel warehouseId={warehouse?.id} />
      </Panel>
      <Panel id="alerts" collapsible
        title={<>{t('panels.alerts.title')}{unread > 0 && <span className="count" data-testid="unread-alerts"
          aria-label={t('panels.alerts.unread', { count: unread })}>{unread}</span>}</>}
        extra={unread > 0 && <button type="button" className="link small" onClick={() => feed.markAllRead()}>
          {t('panels.alerts.markRead')}</button>}>
        <AlertsPanel />
      </Panel>
    </aside>
  );
}
