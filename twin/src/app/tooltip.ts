/** The hover tooltip's words: a bin's code, zone/aisle/level, fill and top SKU; an AGV's id, state and battery. */
import type { TFunction } from 'i18next';
import type { SceneHover } from '../scene/hover.ts';

export interface TooltipText { title: string; lines: string[] }

export interface Formatters { percent: (x: number) => string; int: (n: number) => string }

export function tooltipText(hover: SceneHover, t: TFunction, fmt: Formatters, agvId?: string): TooltipText {
  if (hover.kind === 'agv') {
    return {
      title: agvId ?? `AGV #${hover.index + 1}`,
      lines: [
        t('tooltip.agvState', { state: t(`agvState.${hover.state}`, { defaultValue: hover.state }) }),
        t('tooltip.battery', { pct: fmt.percent(hover.battery) }),
      ],
    };
  }
  const lines = [t('tooltip.where', { zone: hover.zone, aisle: hover.aisle ?? '–', level: hover.level ?? '–' })];
  if (hover.empty) lines.push(t('tooltip.empty'));
  else {
    lines.push(t('tooltip.fill', { pct: fmt.percent(hover.fill) }));
    if (hover.topSku) {
      lines.push(t('tooltip.topSku', { sku: hover.skuCount > 1
        ? t('tooltip.moreSkus', { sku: hover.topSku, count: hover.skuCount - 1 }) : hover.topSku }));
    }
  }
  return { title: hover.code, lines };
}
