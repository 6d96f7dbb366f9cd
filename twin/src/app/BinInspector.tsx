import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';
import type { StockDelta } from '../../../model/protocol/stream.ts';
import { api, type BinInspection } from './api.ts';
import { capacityLines } from './capacity.ts';
import { applyStock } from './inspection.ts';
import { live } from './live.ts';
import { errorText } from './Login.tsx';
import { view } from './view.ts';

/** Wait this long after a change to the bin before reloading (a burst of records is one reload). */
const RELOAD_DELAY_MS = 120;

/**
 * One bin: code, zone, capacity and fill, contents by SKU / lot / owner / status, open tasks touching it and
 * its last movements. Reloads in place when the live stream changes its stock or a task mentions it.
 */
export function BinInspector({ binId }: { binId: number }) {
  const { t } = useTranslation();
  const [data, setData] = useState<BinInspection | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let cancelled = false;
    api.inspectBin(binId).then((d) => {
      if (cancelled) return;
      setData(d);
      setError(null);
    }, (e) => { if (!cancelled) setError(e); });
    return () => { cancelled = true; };
  }, [binId, version]);

  // Live: a stock record of this bin, or a task event naming it, reloads the panel.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const code = data?.bin.code;
    const off = live.onRecords((records) => {
      const mine = records.filter((r): r is StockDelta => r.kind === 'stock' && r.binId === binId);
      // The records carry each balance's new quantity: show it at once; the reload brings the rest (movements …).
      if (mine.length) setData((d) => (d && d.bin.id === binId ? applyStock(d, mine) : d));
      const touches = mine.length > 0 || records.some((r) => r.kind === 'event' && r.type.startsWith('task.')
        && code !== undefined && JSON.stringify(r.payload).includes(`"${code}"`));
      if (!touches || timer) return;
      timer = setTimeout(() => { timer = null; setVersion((v) => v + 1); }, RELOAD_DELAY_MS);
    });
    return () => { off(); if (timer) clearTimeout(timer); };
  }, [binId, data?.bin.code]);

  if (error != null && !data) return <p className="error-text" role="alert">{errorText(t, error)}</p>;
  if (!data || data.bin.id !== binId) return <p className="muted">{t('common.loading')}</p>;
  const { bin, contents, tasks, movements } = data;
  const fillPct = Math.round(Math.min(1, Math.max(0, bin.fill.ratio)) * 100);
  return (
    <div className="inspector" data-testid="bin-inspector" data-bin={bin.code}>
      <div className="inspector-head">
        <div>
          <h3 className="mono">{bin.code}</h3>
          <span className="muted">{t('inspector.bin.where', { zone: bin.zone, kind: t(`zoneKind.${bin.zoneKind}`,
            { defaultValue: bin.zoneKind }), aisle: bin.aisle ?? '–', level: bin.level ?? '–' })}</span>
        </div>
        <div className="inspector-actions">
          <button type="button" className="link" onClick={() => view.focusBin(bin.id, bin.code)}>{t('inspector.flyTo')}</button>
          <button type="button" className="icon" aria-label={t('inspector.close')} onClick={() => view.select(null)}>✕</button>
        </div>
      </div>
      {(bin.blocked || bin.frozen) && (
        <div className="badges">
          {bin.blocked && <span className="badge bad">{t('inspector.bin.blocked')}</span>}
          {bin.frozen && <span className="badge warn">{t('inspector.bin.frozen')}</span>}
        </div>
      )}
      <div className="fill-bar" title={t('inspector.bin.fill', { pct: fillPct })}>
        <span style={{ width: `${fillPct}%` }} />
      </div>
      <dl className="facts">
        {capacityLines(bin).map((line) => (
          <div className="fact" key={line.label}>
            <dt>{t(`inspector.bin.${line.label}`)}</dt>
            <dd data-testid={`bin-${line.label === 'pallets' ? 'pallets' : 'units'}`}>
              {line.value === null ? '–' : fmt.int(line.value)}{line.max !== null ? ` / ${fmt.int(line.max)}` : ''}
            </dd>
          </div>
        ))}
        <div className="fact"><dt>{t('inspector.bin.reserved')}</dt><dd>{fmt.int(bin.fill.reserved)}</dd></div>
        <div className="fact"><dt>{t('inspector.bin.fillLabel')}</dt><dd>{fmt.percent(bin.fill.ratio)}</dd></div>
        <div className="fact">
          <dt>{t('inspector.bin.weight')}</dt>
          <dd>{t('units.kilograms', { value: bin.capacity.weight != null
            ? t('units.ofMax', { value: fmt.decimal(bin.fill.weight), max: fmt.decimal(bin.capacity.weight) })
            : fmt.decimal(bin.fill.weight) })}</dd>
        </div>
      </dl>

      <h4>{t('inspector.bin.contents', { count: contents.length })}</h4>
      {contents.length === 0 ? <p className="muted">{t('inspector.bin.empty')}</p> : (
        <table className="grid contents" data-testid="bin-contents">
          <colgroup><col className="c-sku" /><col className="c-lot" /><col className="c-owner" /><col className="c-qty" /></colgroup>
          <thead><tr>
            <th>{t('inspector.col.sku')}</th><th>{t('inspector.col.lot')}</th>
            <th title={`${t('inspector.col.owner')} · ${t('inspector.col.status')}`}>{t('inspector.col.owner')}</th>
            <th className="num">{t('inspector.col.qty')}</th>
          </tr></thead>
          <tbody>
            {contents.map((c) => (
              <tr key={`${c.skuId}/${c.lotId ?? 0}/${c.ownerId}/${c.status}`}>
                <td>
                  <span className="mono one-line" title={c.sku}>{c.sku}</span>
                  <span className="muted small clamp-2" title={c.skuName}>{c.skuName}</span>
                </td>
                <td>
                  {c.lot ? <span className="mono one-line" title={c.lot}>{c.lot}</span>
                    : <span className="muted one-line">{t('inspector.bin.noLot')}</span>}
                  {c.expiry && <span className={`small one-line ${expiryTone(c.expiry)}`}
                    title={t('inspector.bin.expires', { date: fmt.date(c.expiry) })}>
                    {t('inspector.bin.expires', { date: fmt.shortDate(c.expiry) })}</span>}
                  {c.receivedAt && <span className="muted small one-line"
                    title={t('inspector.bin.received', { date: fmt.dateTime(c.receivedAt) })}>
                    {t('inspector.bin.received', { date: fmt.shortDate(c.receivedAt) })}</span>}
                </td>
                <td>
                  <span className="one-line" title={c.owner}>{c.owner}</span>
                  <span className={`badge status-${c.status}`}>{t(`stockStatus.${c.status}`, { defaultValue: c.status })}</span>
                </td>
                <td className="num">{fmt.int(c.qty)}{c.reserved > 0 && <span className="muted small one-line">
                  {t('inspector.bin.reservedShort', { qty: fmt.int(c.reserved) })}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h4>{t('inspector.bin.tasks', { count: tasks.length })}</h4>
      {tasks.length === 0 ? <p className="muted">{t('inspector.bin.noTasks')}</p> : (
        <ul className="rows">
          {tasks.map((task) => (
            <li key={task.id}>
              <span className="badge">{t(`taskType.${task.type}`, { defaultValue: task.type })}</span>{' '}
              <span className="muted">#{task.id}</span>{' '}
              {task.sku && <span className="mono">{task.qty != null ? `${fmt.int(task.qty)} × ` : ''}{task.sku}</span>}{' '}
              <span className="muted small">{task.sourceBin ?? '–'} → {task.targetBin ?? '–'}</span>{' '}
              <span className="small">{t(`taskStatus.${task.status}`, { defaultValue: task.status })}</span>
              {task.assignee && <span className="muted small"> · {task.assignee}</span>}
            </li>
          ))}
        </ul>
      )}

      <h4>{t('inspector.bin.movements')}</h4>
      {movements.length === 0 ? <p className="muted">{t('inspector.bin.noMovements')}</p> : (
        <ul className="rows" data-testid="bin-movements">
          {movements.map((m) => (
            <li key={`${m.id}/${m.sku}/${m.lot ?? ''}/${m.status}/${m.qty}`}>
              <span className="muted small">{fmt.dateTime(m.at)}</span>{' '}
              <span className="badge">{t(`movementType.${m.type}`, { defaultValue: m.type })}</span>{' '}
              <span className={m.qty >= 0 ? 'gain' : 'loss'}>{m.qty >= 0 ? '+' : '−'}{fmt.int(Math.abs(m.qty))}</span>{' '}
              <span className="mono">{m.sku}</span>{m.lot && <span className="muted small"> {m.lot}</span>}
              {m.otherBin && <span className="muted small"> {m.qty >= 0 ? '←' : '→'} {m.otherBin}</span>}
              {(m.user || m.document) && <span className="muted small"> · {[m.user, m.document].filter(Boolean).join(' · ')}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Expiry within 7 days (or past) is bad, within 30 days a warning. */
function expiryTone(expiry: string): string {
  const days = (Date.parse(expiry) - Date.now()) / 86_400_000;
  return days < 7 ? 'bad-text' : days < 30 ? 'warn-text' : 'muted';
}
