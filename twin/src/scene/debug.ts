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
}

declare global {
  interface Window { __wetmsScene?: SceneDebug }
}

export function createDebug(): SceneDebug {
  const d: SceneDebug = { drawCalls: 0, triangles: 0, bins: 0, visibleBins: 0, agvs: 0, lastRenderMs: 0, frames: 0,
    mode: '', dirtyBins: 0 };
  if (typeof window !== 'undefined') window.__wetmsScene = d;
  return d;
}
