import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AlertsBell } from './AlertsBell.tsx';
import { api, type SessionUser, type Warehouse } from './api.ts';
import { KpiStrip } from './KpiStrip.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { live, type LiveStatus } from './live.ts';
import { errorText } from './Login.tsx';
import { SidePanels } from './SidePanels.tsx';
import { SceneArea } from './SceneArea.tsx';
import { useDismiss } from './useDismiss.ts';
import { useLive } from './useLive.ts';
import { view } from './view.ts';

const WAREHOUSE_KEY = 'wetms.warehouse';

export function ControlRoom({ user, onLogout }: { user: SessionUser; onLogout: () => void }) {
  const { t } = useTranslation();
  const [warehouses, setWarehouses] = useState<Warehouse[] | null>(null);
  const [loadFailure, setLoadFailure] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(() => localStorage.getItem(WAREHOUSE_KEY));

  useEffect(() => {
    let cancelled = false;
    api.warehouses().then((list) => {
      if (cancelled) return;
      setWarehouses(list);
      setSelected((code) => (list.some((w) => w.code === code) ? code : list[0]?.code ?? null));
    }, (error) => {
      if (!cancelled) setLoadFailure(error);
    });
    return () => { cancelled = true; };
  }, []);
  // Translated at render time, so a language switch neither refetches nor loses it.
  const loadError = loadFailure === null ? null
    : t('errors.load', { what: t('errors.warehouses'), detail: errorText(t, loadFailure) });

  const warehouse = warehouses?.find((w) => w.code === selected) ?? null;
  // Keyed by id: only another warehouse reopens the stream (and clears the selection).
  const warehouseRef = useRef(warehouse);
  warehouseRef.current = warehouse;
  const warehouseId = warehouse?.id;
  useEffect(() => {
    const current = warehouseRef.current;
    if (!current) return;
    localStorage.setItem(WAREHOUSE_KEY, current.code);
    view.reset();
    void live.open(current);
    return () => live.close();
  }, [warehouseId]);

  return (
    <div className="control-room">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-title">{t('app.title')}</span>
        </div>
        <label className="warehouse-switch">
          <span>{t('topbar.warehouse')}</span>
          {warehouses === null ? <span className="muted">{loadError ?? t('topbar.loadingWarehouses')}</span>
            : warehouses.length === 0 ? <span className="muted">{t('topbar.noWarehouses')}</span>
            : (
              <select value={selected ?? ''} onChange={(e) => setSelected(e.target.value)}>
                {warehouses.map((w) => (
                  <option key={w.code} value={w.code}>{t('topbar.warehouseOption', { code: w.code, name: w.name })}</option>
                ))}
              </select>
            )}
        </label>
        <div className="topbar-spacer" />
        <ConnectionIndicator />
        <AlertsBell />
        <UserMenu user={user} onLogout={onLogout} />
      </header>
      {loadError && warehouses === null && <div className="banner error" role="alert">{loadError}</div>}
      <KpiStrip warehouse={warehouse} />
      <main className="workspace">
        <SceneArea />
        <SidePanels />
      </main>
    </div>
  );
}

const TONE: Record<LiveStatus, 'ok' | 'warn' | 'bad' | 'off'> = {
  idle: 'off', loading: 'warn', connecting: 'warn', live: 'ok', resynced: 'ok', reconnecting: 'warn',
  resyncing: 'warn', reload: 'warn', refused: 'bad', error: 'bad',
};

function ConnectionIndicator() {
  const { t } = useTranslation();
  const state = useLive();
  const title = [state.pos >= 0 ? t('status.position', { pos: state.pos }) : null, state.error].filter(Boolean).join(' · ');
  return (
    <div className={`connection tone-${TONE[state.status]}`} title={title} data-status={state.status} role="status">
      <span className="dot" aria-hidden="true" />
      <span>{t(`status.${state.status}`)}</span>
      {(state.status === 'error' || state.status === 'refused') && (
        <button type="button" className="link" onClick={() => live.retry()}>{t('status.retry')}</button>
      )}
    </div>
  );
}

function UserMenu({ user, onLogout }: { user: SessionUser; onLogout: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, useCallback(() => setOpen(false), []));
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={open}
        aria-label={t('user.menu')} onClick={() => setOpen((o) => !o)}>
        <span className="avatar" aria-hidden="true">{user.username.slice(0, 1).toUpperCase()}</span>
        <span>{user.username}</span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-head">
            <strong>{user.username}</strong>
            <span className="muted">{t('user.role', { role: t(`role.${user.role}`, { defaultValue: user.role }) })}</span>
          </div>
          <div className="menu-section">
            <span className="menu-label">{t('user.language')}</span>
            <LanguageSwitch />
          </div>
          <button type="button" role="menuitem" className="menu-item" onClick={onLogout}>{t('user.logout')}</button>
        </div>
      )}
    </div>
  );
}
