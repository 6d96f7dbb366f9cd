/** Debug hook for end-to-end tests: window.__wetmsScene, updated after every rendered frame. */
export interface SceneDebug {
  /** gl.info.render.calls of the last frame */
  drawCalls: number;
  triangles: number;
  /** bins in the snapshot / instances currently shown (level and zone filters) */
  bins: number;
  visibleBins: number;
  agvs: number;
  /** CPU time of the last gl.render call, ms */
  lastRenderMs: number;
  frames: number;
  mode: string;
  /** bins whose derived fields wait for a refetch */
  dirtyBins: number;
  /** bins currently highlighted (search) */
  highlighted: number;
  /** Where an AGV (roster index) is drawn on the canvas (CSS pixels from its top left); null if not in the scene. */
  projectAgv?: (index: number) => { x: number; y: number } | null;
  /** How many shown bins have their centre inside the canvas now. */
  binsInView?: () => number;
  /** Where the centre of a bin's top face is on the canvas (CSS pixels from its top left); null if unknown. */
  project?: (binId: number) => { x: number; y: number } | null;
  /**
   * A bin's colour as sRGB hex: `base` = its colour for the current mode and data, `display` = what is drawn
   * this moment (base, or on its way to white and back while it flashes). null if unknown.
   */
  binColour?: (binId: number, which?: 'base' | 'display') => string | null;
}

declare global {
  interface Window { __wetmsScene?: SceneDebug }
}

export function createDebug(): SceneDebug {
  const d: SceneDebug = { drawCalls: 0, triangles: 0, bins: 0, visibleBins: 0, agvs: 0, lastRenderMs: 0, frames: 0,
    mode: '', dirtyBins: 0, highlighted: 0 };
  return d;
}

/** Publish the committed scene's debug object (from an effect: a render React discards must not win). */
export function publishDebug(d: SceneDebug): () => void {
  if (typeof window === 'undefined') return () => undefined;
  window.__wetmsScene = d;
  return () => { if (window.__wetmsScene === d) delete window.__wetmsScene; };
}
