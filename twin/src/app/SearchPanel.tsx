import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';
import { api, ApiError, type SearchResult } from './api.ts';
import { errorText } from './Login.tsx';
import { useView } from './useView.ts';
import { view } from './view.ts';

/** Wait for a pause in typing before asking the server. */
const DEBOUNCE_MS = 250;

/**
 * Search a warehouse by SKU code or name, lot, bin code or order: every matching bin is highlighted in the
 * scene and listed here; choosing one flies to it and opens its inspector.
 */
export function SearchPanel({ warehouse }: { warehouse: string | undefined }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { selected } = useView();

  useEffect(() => {
    const q = query.trim();
    if (!q || warehouse === undefined) {
      setResult(null);
      setError(null);
      view.setHighlight([]);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(async () => {
      setBusy(true);
      try {
        const r = await api.search(warehouse, q, abort.signal);
        setResult(r);
        setError(null);
        view.setHighlight(r.binIds);
      } catch (e) {
        if (abort.signal.aborted || (e instanceof ApiError && e.status === 0 && /abort/i.test(e.message))) return;
        setError(e);
      } finally {
        if (!abort.signal.aborted) setBusy(false);
      }
    }, DEBOUNCE_MS);
    return () => { clearTimeout(timer); abort.abort(); };
  }, [query, warehouse]);

  // A new warehouse starts a new search.
  useEffect(() => { setQuery(''); }, [warehouse]);

  const bins = result?.binIds.length ?? 0;
  return (
    <div className="scene-search" data-testid="search">
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <span className="search-icon" aria-hidden="true">⌕</span>
        <input type="search" className="search" value={query} placeholder={t('panels.search.placeholder')}
          aria-label={t('panels.search.title')} data-testid="search-input" onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Escape') setQuery(''); }} />
        {query && <button type="button" className="icon search-clear" aria-label={t('panels.search.close')}
          onClick={() => setQuery('')}>✕</button>}
      </form>
      {query.trim() && (
      <div className="search-popover" role="region" aria-label={t('panels.search.title')}>
      {error != null ? <p className="error-text" role="alert">{errorText(t, error)}</p>
        : busy && !result ? <p className="muted">{t('panels.search.searching')}</p>
        : result && (
          <div data-testid="search-results">
            <p className="muted small" aria-live="polite">
              {result.matches.length === 0 ? t('panels.search.none', { query: result.query })
                : t('panels.search.summary', { matches: result.matches.length, bins })}
              {result.truncated && ` ${t('panels.search.truncated')}`}
            </p>
            <ul className="matches">
              {result.matches.map((m) => (
                <li key={`${m.kind}/${m.key}`}>
                  <div className="match-head">
                    <span className="badge">{t(`panels.search.kind.${m.kind}`)}</span>{' '}
                    <span className="mono">{m.key}</span> <span className="muted small">{m.label}</span>
                  </div>
                  <ul className="match-bins">
                    {m.bins.slice(0, 50).map((b) => (
                      <li key={b.id}>
                        <button type="button" className={`link mono${selected?.kind === 'bin' && selected.id === b.id ? ' active' : ''}`}
                          onClick={() => view.focusBin(b.id, b.code)}>{b.code}</button>
                        {b.qty > 0 && <span className="muted small"> {fmt.int(b.qty)}</span>}
                      </li>
                    ))}
                    {m.bins.length > 50 && <li className="muted small">{t('panels.search.more', { count: m.bins.length - 50 })}</li>}
                  </ul>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      )}
    </div>
  );
}
