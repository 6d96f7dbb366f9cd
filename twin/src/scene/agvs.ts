/**
 * AGVs between frames: the last two decoded frames per AGV, sampled at `renderTime` (a little behind the
 * newest frame, so there is almost always a frame on either side) with linear position and shortest-arc
 * heading interpolation. Frame times are server time; the client/server clock offset is estimated from
 * arrival times (lowest observed latency wins quickly, drift is followed slowly).
 */
import { AGV_STATES, type AgvFrame, type AgvFrameState } from '../../../model/protocol/agv-frame.ts';

/** Render this far behind the newest data (ms): at 10 Hz a frame is 100 ms; 150 ms absorbs jitter. */
export const RENDER_DELAY_MS = 150;

interface Pose { t: number; x: number; y: number; heading: number; speed: number; state: number; battery: number;
  taskId: number }

interface Entry { prev: Pose; curr: Pose; seen: number }

export type AgvColourGroup = 'idle' | 'moving' | 'loaded' | 'charging' | 'fault';
export const AGV_COLOUR_GROUPS: readonly AgvColourGroup[] = ['idle', 'moving', 'loaded', 'charging', 'fault'];

/** Wire state → colour group. */
export function agvGroup(state: AgvFrameState): AgvColourGroup {
  switch (state) {
    case 'idle': return 'idle';
    case 'moving': return 'moving';
    case 'loaded-moving': case 'loading': case 'unloading': return 'loaded';
    case 'charging': return 'charging';
    case 'fault': return 'fault';
  }
}

/** Kept apart from each other and from the bins' fill ramp (no blues or greens: colours.test.ts checks it). */
const GROUP_HEX: Record<AgvColourGroup, string> = {
  idle: '#e8e8e8', moving: '#f781bf', loaded: '#d95f02', charging: '#74009e', fault: '#b2182b',
};

/** AGV legend: i18n keys (legend.agv.idle ...) and CSS colours. */
export function agvLegend(): { key: string; colour: string }[] {
  return AGV_COLOUR_GROUPS.map((g) => ({ key: `legend.agv.${g}`, colour: GROUP_HEX[g] }));
}

/** CSS colour of a state. */
export const agvColour = (state: AgvFrameState) => GROUP_HEX[agvGroup(state)];

/** Shortest signed angle from a to b, in -π..π. */
export function angleDelta(a: number, b: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  else if (d < -Math.PI) d += 2 * Math.PI;
  return d;
}

/** Interpolate headings along the shorter arc. */
export const lerpAngle = (a: number, b: number, t: number) => a + angleDelta(a, b) * t;

/** Sampled AGVs in instance slots 0..count-1. */
export interface AgvSample {
  count: number;
  /** slot → AGV index (id table index) */
  index: Int32Array;
  x: Float32Array; y: Float32Array; heading: Float32Array;
  /** AGV_STATES code */
  state: Uint8Array;
  /** 0..1, the newest frame's */
  battery: Float32Array;
  /** True while any AGV still moves at renderTime: keep rendering frames. */
  moving: boolean;
}

export class AgvTrack {
  private readonly agvs = new Map<number, Entry>();
  private roster: number | undefined;
  private offset: number | undefined;
  private frames = 0;
  /** Set when the roster (id table) changes: the app should refetch it. */
  rosterChanged = false;

  constructor(readonly delay = RENDER_DELAY_MS) {}

  get size(): number {
    return this.agvs.size;
  }

  /** Estimated client clock − server clock, ms (undefined before the first frame). */
  get clockOffset(): number | undefined {
    return this.offset;
  }

  /**
   * Take a decoded frame received at client time `receivedAt`. AGVs missing from it are dropped (a frame
   * carries the whole fleet of the warehouse); a new roster version clears all (indexes refer to a new table).
   */
  push(frame: AgvFrame, receivedAt: number = Date.now()): void {
    if (frame.roster !== undefined && this.roster !== undefined && frame.roster !== this.roster) {
      this.agvs.clear();
      this.rosterChanged = true;
    }
    this.roster = frame.roster;
    const sample = receivedAt - frame.time;
    this.offset = this.offset === undefined || sample < this.offset ? sample : this.offset + (sample - this.offset) * 0.02;
    const seen = ++this.frames;
    for (const a of frame.agvs) {
      const pose: Pose = { t: frame.time, x: a.x, y: a.y, heading: a.heading, speed: a.speed,
        state: AGV_STATES.indexOf(a.state), battery: a.battery, taskId: a.taskId };
      const e = this.agvs.get(a.index);
      if (!e) this.agvs.set(a.index, { prev: pose, curr: pose, seen });
      else if (frame.time >= e.curr.t) { e.prev = e.curr; e.curr = pose; e.seen = seen; }
      else e.seen = seen; // late frame: keep the newer pose
    }
    for (const [index, e] of this.agvs) if (e.seen !== seen) this.agvs.delete(index);
  }

  /** Server time to render at for client time `now`. */
  renderTime(now: number): number {
    return now - (this.offset ?? 0) - this.delay;
  }

  /** Latest decoded values of one AGV (for a tooltip / side panel). */
  latest(index: number): { x: number; y: number; heading: number; speed: number; state: AgvFrameState;
    battery: number; taskId: number } | null {
    const e = this.agvs.get(index);
    if (!e) return null;
    const c = e.curr;
    return { x: c.x, y: c.y, heading: c.heading, speed: c.speed, state: AGV_STATES[c.state]!, battery: c.battery,
      taskId: c.taskId };
  }

  /** Interpolated poses at client time `now` (render time = now − offset − delay), into `out` (grown as needed). */
  sample(now: number, out?: AgvSample): AgvSample {
    const n = this.agvs.size;
    const s = out && out.index.length >= n ? out : emptySample(Math.max(n, 16));
    const t = this.renderTime(now);
    let k = 0;
    let moving = false;
    for (const [index, e] of this.agvs) {
      const { prev, curr } = e;
      const span = curr.t - prev.t;
      const f = span > 0 ? Math.min(1, Math.max(0, (t - prev.t) / span)) : 1;
      s.index[k] = index;
      s.x[k] = prev.x + (curr.x - prev.x) * f;
      s.y[k] = prev.y + (curr.y - prev.y) * f;
      s.heading[k] = lerpAngle(prev.heading, curr.heading, f);
      s.state[k] = curr.state;
      s.battery[k] = curr.battery;
      if (curr.speed > 0 || (f < 1 && (prev.x !== curr.x || prev.y !== curr.y || prev.heading !== curr.heading))) {
        moving = true;
      }
      k++;
    }
    s.count = k;
    s.moving = moving;
    return s;
  }
}

function emptySample(n: number): AgvSample {
  return { count: 0, index: new Int32Array(n), x: new Float32Array(n), y: new Float32Array(n),
    heading: new Float32Array(n), state: new Uint8Array(n), battery: new Float32Array(n), moving: false };
}
