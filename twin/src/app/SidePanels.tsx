import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';
import { useLive } from './useLive.ts';

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel">
      <h2>{title}</h2>
      <div className="panel-body">{children}</div>
    </section>
  );
}

/** Inspector, search and alerts: shells for now; the scene and the next issues fill them. */
export function SidePanels() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const { events } = useLive();
  const alerts = events.filter((e) => e.kind === 'event' && /alert/i.test(e.type)).slice(0, 20);
  return (
    <aside className="side-panels">
      <Panel title={t('panels.inspector.title')}>
        <p className="muted">{t('panels.inspector.empty')}</p>
      </Panel>
      <Panel title={t('panels.search.title')}>
        <input type="search" className="search" value={query} placeholder={t('panels.search.placeholder')}
          aria-label={t('panels.search.title')} onChange={(e) => setQuery(e.target.value)} />
        <p className="muted">{t('panels.search.empty')}</p>
      </Panel>
      <Panel title={t('panels.alerts.title')}>
        {alerts.length === 0 ? <p className="muted">{t('panels.alerts.empty')}</p> : (
          <ul className="alert-list">
            {alerts.map((a) => (
              <li key={a.pos}>{t('panels.alerts.event', { type: a.kind === 'event' ? a.type : '', time: fmt.time(a.at) })}</li>
            ))}
          </ul>
        )}
      </Panel>
    </aside>
  );
}
