import { describe, expect, it } from 'vitest';
import { decodeAgvFrame, encodeAgvFrame, type AgvFrame, type AgvPose } from '../../../model/protocol/agv-frame.ts';
import { agvColour, agvGroup, agvLegend, AgvTrack, angleDelta, lerpAngle, RENDER_DELAY_MS } from './agvs.ts';

const pose = (index: number, x: number, y: number, heading = 0, speed = 1, state: AgvPose['state'] = 'moving'): AgvPose =>
  ({ index, x, y, heading, speed, state, battery: 0.5, taskId: 0 });
const frame = (tick: number, time: number, agvs: AgvPose[], roster = 1): AgvFrame =>
  decodeAgvFrame(encodeAgvFrame({ warehouseId: 1, tick, time, roster, agvs }));

describe('angles', () => {
  it('takes the short way round', () => {
    expect(angleDelta(3, -3)).toBeCloseTo(2 * Math.PI - 6);
    expect(angleDelta(-3, 3)).toBeCloseTo(6 - 2 * Math.PI);
    expect(angleDelta(0, 1)).toBeCloseTo(1);
    const mid = lerpAngle(3.1, -3.1, 0.5);
    expect(Math.abs(Math.abs(mid) - Math.PI)).toBeLessThan(1e-6);
  });
});

describe('AgvTrack', () => {
  it('interpolates between the last two frames at now − delay', () => {
    const tr = new AgvTrack();
    // Server and client clocks agree, no latency.
    tr.push(frame(1, 1000, [pose(0, 0, 0, 0)]), 1000);
    tr.push(frame(2, 1100, [pose(0, 1, 2, 0.5)]), 1100);
    expect(tr.clockOffset).toBe(0);
    let s = tr.sample(1100 + RENDER_DELAY_MS - 50); // render time 1050: halfway
    expect(s.count).toBe(1);
    expect(s.index[0]).toBe(0);
    expect(s.x[0]).toBeCloseTo(0.5);
    expect(s.y[0]).toBeCloseTo(1);
    expect(s.heading[0]).toBeCloseTo(0.25);
    expect(s.moving).toBe(true);
    s = tr.sample(5000, s); // past the newest frame: hold it
    expect(s.x[0]).toBeCloseTo(1);
    s = tr.sample(0, s); // before: hold the older one
    expect(s.x[0]).toBeCloseTo(0);
  });

  it('wraps headings across ±π', () => {
    const tr = new AgvTrack(0);
    tr.push(frame(1, 0, [pose(0, 0, 0, 3.0)]), 0);
    tr.push(frame(2, 100, [pose(0, 0, 0, -3.0)]), 100);
    const h = tr.sample(50).heading[0]!;
    expect(Math.abs(Math.abs(h) - Math.PI)).toBeLessThan(1e-3);
  });

  it('estimates the clock offset from the lowest latency', () => {
    const tr = new AgvTrack(0);
    tr.push(frame(1, 0, [pose(0, 0, 0)]), 5030); // client clock 5 s ahead, 30 ms latency
    tr.push(frame(2, 100, [pose(0, 10, 0)]), 5110); // 10 ms latency: taken at once
    expect(tr.clockOffset).toBe(5010);
    tr.push(frame(3, 200, [pose(0, 20, 0)]), 5300); // a slow one only nudges it
    expect(tr.clockOffset).toBeGreaterThan(5010);
    expect(tr.clockOffset).toBeLessThan(5020);
  });

  it('handles AGVs appearing, disappearing, stopping and roster changes', () => {
    const tr = new AgvTrack(0);
    tr.push(frame(1, 0, [pose(0, 0, 0), pose(1, 5, 5)]), 0);
    tr.push(frame(2, 100, [pose(1, 6, 5), pose(2, 9, 9, 0, 0, 'idle')]), 100);
    expect(tr.size).toBe(2);
    let s = tr.sample(50);
    const slots = [...s.index.subarray(0, s.count)];
    expect(slots.sort()).toEqual([1, 2]);
    const k2 = [...s.index].indexOf(2);
    expect(s.x[k2]).toBe(9); // new AGV: no interpolation from anywhere
    tr.push(frame(3, 200, [pose(1, 6, 5, 0, 0, 'charging'), pose(2, 9, 9, 0, 0, 'idle')]), 200);
    s = tr.sample(300, s);
    expect(s.moving).toBe(false);
    expect(tr.latest(1)?.state).toBe('charging');
    tr.push(frame(4, 300, [pose(7, 1, 1)], 2), 300);
    expect(tr.rosterChanged).toBe(true);
    expect(tr.size).toBe(1);
    expect(tr.latest(1)).toBeNull();
  });

  it('groups states into colours', () => {
    expect(agvGroup('loaded-moving')).toBe('loaded');
    expect(agvGroup('unloading')).toBe('loaded');
    expect(agvColour('fault')).toMatch(/^#/);
    expect(agvLegend().map((e) => e.key)).toEqual(['legend.agv.idle', 'legend.agv.moving', 'legend.agv.loaded',
      'legend.agv.charging', 'legend.agv.fault']);
  });
});
