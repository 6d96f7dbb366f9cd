import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n/index.ts';
import type { SceneHover } from '../scene/hover.ts';
import { tooltipText } from './tooltip.ts';

/** The hovered thing, outside React state so a pointer move re-renders the tooltip only, not the scene. */
export class HoverStore {
  private hover: SceneHover | null = null;
  private readonly listeners = new Set<() => void>();
  subscribe = (l: () => void) => { this.listeners.add(l); return () => { this.listeners.delete(l); }; };
  get = () => this.hover;
  set = (hover: SceneHover | null) => {
    this.hover = hover;
    for (const l of this.listeners) l();
  };
}

/** A small card next to the pointer over the scene (3D and 2D alike). */
export function SceneTooltip({ store, agvIds }: { store: HoverStore; agvIds: readonly string[] | null }) {
  const { t } = useTranslation();
  const hover = useSyncExternalStore(store.subscribe, store.get);
  if (!hover) return null;
  const text = tooltipText(hover, t, fmt, hover.kind === 'agv' ? agvIds?.[hover.index] : undefined);
  return (
    <div className="scene-tooltip" role="tooltip" data-testid="scene-tooltip" data-kind={hover.kind}
      style={{ left: hover.x + 14, top: hover.y + 14 }}>
      <strong className="mono">{text.title}</strong>
      {text.lines.map((line) => <span key={line}>{line}</span>)}
    </div>
  );
}
