/** What a hover tooltip shows about a bin or an AGV, read from the scene's own data (no request per hover). */
import type { AgvFrameState } from '../../../model/protocol/agv-frame.ts';
import { BinFlag, type BinStore } from './bins.ts';

export interface BinHover {
  kind: 'bin';
  id: number;
  code: string;
  zone: string;
  aisle: number | null;
  level: number | null;
  /** 0..1 */
  fill: number;
  units: number;
  empty: boolean;
  /** the SKU with the most units, null when empty or unknown */
  topSku: string | null;
  skuCount: number;
}

export interface AgvHover {
  kind: 'agv';
  /** roster index (the frames carry it; the app maps it to the AGV id) */
  index: number;
  state: AgvFrameState;
  battery: number;
}

/** A hover target and where the pointer is (CSS pixels from the canvas's top left). */
export type SceneHover = (BinHover | AgvHover) & { x: number; y: number };

export function binHover(store: BinStore, i: number): BinHover {
  const top = store.topSku[i]!;
  const empty = (store.flags[i]! & BinFlag.EMPTY) !== 0;
  return {
    kind: 'bin', id: store.id[i]!, code: store.code[i]!, zone: store.zones[store.zone[i]!] ?? '',
    aisle: store.aisle[i]! > 0 ? store.aisle[i]! : null, level: store.level[i]! > 0 ? store.level[i]! : null,
    fill: Math.min(1, Math.max(0, store.fill[i]!)), units: store.units[i]!, empty,
    topSku: !empty && top >= 0 ? store.skus[top] ?? null : null, skuCount: empty ? 0 : store.skuCount[i]!,
  };
}
