import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDismiss } from './useDismiss.ts';

/** Which zones the scene shows: a popover of checkboxes; undefined = all zones. */
export function ZoneFilter({ codes, value, onChange }: { codes: readonly string[]; value: ReadonlySet<string> | undefined;
  onChange: (zones: ReadonlySet<string> | undefined) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, useCallback(() => setOpen(false), []));
  const shown = (code: string) => !value || value.has(code);
  const toggle = (code: string) => {
    const next = new Set(value ?? codes);
    if (next.has(code)) next.delete(code); else next.add(code);
    onChange(next.size === codes.length ? undefined : next);
  };
  const summary = !value ? t('scene.zones.all') : t('scene.zones.some', { count: value.size, total: codes.length });
  return (
    <div className="zone-filter" ref={ref}>
      <button type="button" aria-haspopup="true" aria-expanded={open} data-testid="zone-filter"
        onClick={() => setOpen((o) => !o)}>
        {t('scene.zones.label')}: {summary}
      </button>
      {open && (
        <div className="menu zone-menu" role="group" aria-label={t('scene.zones.label')}>
          {codes.map((code) => (
            <label key={code} className="check">
              <input type="checkbox" checked={shown(code)} onChange={() => toggle(code)} /> {code}
            </label>
          ))}
          <div className="menu-actions">
            <button type="button" className="link" onClick={() => onChange(undefined)}>{t('scene.zones.showAll')}</button>
            <button type="button" className="link" onClick={() => onChange(new Set())}>{t('scene.zones.hideAll')}</button>
          </div>
        </div>
      )}
    </div>
  );
}
