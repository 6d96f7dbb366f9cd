import { useTranslation } from 'react-i18next';
import { AgvInspector } from './AgvInspector.tsx';
import { BinInspector } from './BinInspector.tsx';
import { useLive } from './useLive.ts';
import { useView } from './useView.ts';

/**
 * The inspector (bin or AGV) beside the scene. It scrolls on its own: a long movement list never pushes anything
 * off-screen (search sits over the scene, alerts behind the bell in the top bar).
 */
export function SidePanels() {
  const { t } = useTranslation();
  const { warehouse } = useLive();
  const { selected } = useView();
  return (
    <aside className="side-panels">
      <section className="panel panel-inspector" aria-labelledby="panel-inspector">
        <header className="panel-head"><h2 id="panel-inspector">{t('panels.inspector.title')}</h2></header>
        <div className="panel-body">
          {selected?.kind === 'bin' ? <BinInspector binId={selected.id} />
            : selected?.kind === 'agv' && warehouse ? <AgvInspector warehouse={warehouse.code} agvId={selected.id} index={selected.index} />
            : <p className="muted">{t('panels.inspector.empty')}</p>}
        </div>
      </section>
    </aside>
  );
}
