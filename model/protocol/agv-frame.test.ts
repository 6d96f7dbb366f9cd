import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGV_FRAME_VERSION, AGV_HEADER_BYTES, AGV_RECORD_BYTES, AGV_STATES, AgvFrameError, agvFrameSize, decodeAgvFrame,
  encodeAgvFrame, encodeInto, readAgvFrameHeader, type AgvFrame, type AgvPose,
} from './agv-frame.ts';

const pose = fc.record<AgvPose>({
  index: fc.integer({ min: 0, max: 65_535 }),
  x: fc.float({ noNaN: true, noDefaultInfinity: true, min: -10_000, max: 10_000 }),
  y: fc.float({ noNaN: true, noDefaultInfinity: true, min: -10_000, max: 10_000 }),
  heading: fc.double({ noNaN: true, min: -20, max: 20 }),
  speed: fc.double({ noNaN: true, min: 0, max: 65 }),
  state: fc.constantFrom(...AGV_STATES),
  battery: fc.double({ noNaN: true, min: 0, max: 1 }),
  taskId: fc.nat({ max: 0xffffffff }),
});
const frame = fc.record<AgvFrame>({
  warehouseId: fc.nat({ max: 0xffffffff }),
  tick: fc.nat({ max: 0xffffffff }),
  time: fc.double({ noNaN: true }),
  roster: fc.nat({ max: 0xffff }),
  agvs: fc.array(pose, { maxLength: 60 }),
});

/** Same direction: the difference is a whole number of turns, within the wire's resolution. */
const angleClose = (a: number, b: number) => {
  const d = a - b;
  return Math.abs(d - 2 * Math.PI * Math.round(d / (2 * Math.PI))) <= 0.5e-4 + 1e-9;
};

const sample = (n: number): AgvFrame => ({
  warehouseId: 7, tick: 123, time: 1_700_000_000_123.5, roster: 3,
  agvs: Array.from({ length: n }, (_, k) => ({ index: k, x: k * 1.5, y: 100 - k, heading: (k % 63) / 10 - 3,
    speed: 1.2, state: AGV_STATES[k % AGV_STATES.length]!, battery: 0.8, taskId: k % 3 ? k : 0 })),
});

describe('AGV frame codec', () => {
  it('round-trips: exact header, f32 positions, state and task; heading, speed and battery within resolution', () => {
    fc.assert(fc.property(frame, (f) => {
      const bytes = encodeAgvFrame(f);
      const d = decodeAgvFrame(bytes);
      expect(d.warehouseId).toBe(f.warehouseId);
      expect(d.tick).toBe(f.tick);
      expect(Object.is(d.time, f.time)).toBe(true);
      expect(d.roster).toBe(f.roster);
      expect(d.agvs).toHaveLength(f.agvs.length);
      d.agvs.forEach((a, i) => {
        const o = f.agvs[i]!;
        expect(a.index).toBe(o.index);
        expect(a.x).toBe(Math.fround(o.x));
        expect(a.y).toBe(Math.fround(o.y));
        expect(a.state).toBe(o.state);
        expect(a.taskId).toBe(o.taskId);
        expect(angleClose(a.heading, o.heading), `heading ${o.heading} -> ${a.heading}`).toBe(true);
        expect(Math.abs(a.speed - o.speed)).toBeLessThanOrEqual(0.0005 + 1e-9);
        expect(Math.abs(a.battery - o.battery)).toBeLessThanOrEqual(0.5 / 255 + 1e-9);
      });
      // Decoded values re-encode to the same bytes.
      expect(encodeAgvFrame(d)).toEqual(bytes);
    }), { numRuns: 300 });
  });

  it('takes exactly 24 header bytes and 20 bytes per AGV', () => {
    expect(AGV_HEADER_BYTES).toBe(24);
    expect(AGV_RECORD_BYTES).toBe(20);
    for (const n of [0, 1, 2, 17, 500]) {
      expect(encodeAgvFrame(sample(n)).byteLength).toBe(24 + 20 * n);
      expect(agvFrameSize(n)).toBe(24 + 20 * n);
    }
  });

  it('lays the bytes out as documented (little-endian)', () => {
    const bytes = encodeAgvFrame({ warehouseId: 0x01020304, tick: 5, time: 0, roster: 9,
      agvs: [{ index: 0x0a0b, x: 1, y: 2, heading: 1, speed: 1.5, state: 'charging', battery: 1, taskId: 0xdeadbeef }] });
    expect([...bytes.subarray(0, 8)]).toEqual([0xa7, AGV_FRAME_VERSION, 9, 0, 4, 3, 2, 1]);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(12, true)).toBe(1);
    expect([bytes[24], bytes[25]]).toEqual([0x0b, 0x0a]);
    expect(view.getFloat32(26, true)).toBe(1);
    expect(view.getInt16(34, true)).toBe(10_000);
    expect(view.getUint16(36, true)).toBe(1500);
    expect(bytes[38]).toBe(AGV_STATES.indexOf('charging'));
    expect(bytes[39]).toBe(255);
    expect(view.getUint32(40, true)).toBe(0xdeadbeef);
  });

  it('refuses another version, a wrong magic byte, a truncated or padded frame, an unknown state', () => {
    const bytes = encodeAgvFrame(sample(3));
    const future = bytes.slice();
    future[1] = AGV_FRAME_VERSION + 1;
    expect(() => decodeAgvFrame(future)).toThrow(AgvFrameError);
    expect(() => decodeAgvFrame(future)).toThrow(/version 2 is not supported: this client reads version 1/);
    const alien = bytes.slice();
    alien[0] = 0x42;
    expect(() => decodeAgvFrame(alien)).toThrow(/bad magic/);
    expect(() => decodeAgvFrame(bytes.subarray(0, bytes.length - 1))).toThrow(/must be 84 bytes, got 83/);
    expect(() => decodeAgvFrame(bytes.subarray(0, 10))).toThrow(/truncated/);
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes);
    expect(() => decodeAgvFrame(padded)).toThrow(AgvFrameError);
    const badState = bytes.slice();
    badState[24 + 14] = 200;
    expect(() => decodeAgvFrame(badState)).toThrow(/unknown state code 200/);
    expect(() => encodeAgvFrame({ ...sample(1), agvs: [{ ...sample(1).agvs[0]!, state: 'flying' as never }] }))
      .toThrow(/unknown state "flying"/);
    expect(() => encodeAgvFrame({ ...sample(1), agvs: [{ ...sample(1).agvs[0]!, index: 70_000 }] }))
      .toThrow(/index/);
  });

  it('encodes into a reusable buffer, at any offset, and decodes from a slice of a larger buffer', () => {
    const f = sample(40);
    const buffer = new Uint8Array(4096);
    const written = encodeInto(buffer.subarray(100), f);
    expect(written).toBe(agvFrameSize(40));
    expect(buffer.subarray(100, 100 + written)).toEqual(encodeAgvFrame(f));
    expect(decodeAgvFrame(buffer.subarray(100, 100 + written))).toEqual(decodeAgvFrame(encodeAgvFrame(f)));
    expect(() => encodeInto(new Uint8Array(50), f)).toThrow(RangeError);
    // An ArrayBuffer works too (what a browser WebSocket or Socket.IO hands over).
    const copy = encodeAgvFrame(f).slice().buffer;
    expect(readAgvFrameHeader(copy)).toMatchObject({ warehouseId: 7, tick: 123, count: 40, roster: 3 });
  });

  it('normalises headings into one turn and clamps speed and battery', () => {
    const d = decodeAgvFrame(encodeAgvFrame({ ...sample(0), agvs: [
      { index: 0, x: 0, y: 0, heading: 3 * Math.PI / 2, speed: 100, state: 'moving', battery: 1.5, taskId: 0 },
      { index: 1, x: 0, y: 0, heading: Number.NaN, speed: -1, state: 'idle', battery: -0.2, taskId: 0 },
    ] }));
    expect(d.agvs[0]!.heading).toBeCloseTo(-Math.PI / 2, 4);
    expect(d.agvs[0]!.speed).toBe(65.535);
    expect(d.agvs[0]!.battery).toBe(1);
    expect(d.agvs[1]).toMatchObject({ heading: 0, speed: 0, battery: 0 });
  });

  it('500 AGVs: 10,024 bytes a frame, encoded and decoded fast', () => {
    const f = sample(500);
    const bytes = encodeAgvFrame(f);
    expect(bytes.byteLength).toBe(10_024);
    const buffer = new Uint8Array(agvFrameSize(500));
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) encodeInto(buffer, f);
    const t1 = performance.now();
    for (let i = 0; i < 1000; i++) decodeAgvFrame(buffer);
    const t2 = performance.now();
    // Generous bounds for a loaded CI machine; typical figures are a few hundredths of a millisecond each.
    expect((t1 - t0) / 1000).toBeLessThan(1);
    expect((t2 - t1) / 1000).toBeLessThan(2);
  });
});
