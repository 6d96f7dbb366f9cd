/**
 * AGV positions on the wire: one binary frame per warehouse per tick (10 Hz), straight from the fleet
 * simulation or controller to the clients, never through PostgreSQL. Pure code over DataView (no Node
 * Buffer), so the browser decodes with the same module.
 *
 * Layout, little-endian, version 1:
 *
 *   header, 24 bytes
 *     0  u8   magic 0xA7
 *     1  u8   version (1)
 *     2  u16  roster: version of the id table the AGV indexes refer to (sent separately; refetch it when
 *             this changes)
 *     4  u32  warehouse id
 *     8  u32  tick (wraps at 2^32)
 *    12  u32  AGV count
 *    16  f64  server time, epoch ms
 *   per AGV, 20 bytes, from offset 24
 *     0  u16  index into the id table
 *     2  f32  x, metres
 *     6  f32  y, metres
 *    10  i16  heading, radians × 10,000 (resolution 0.0001 rad); headings beyond ±3.2767 are first
 *             brought into -π..π
 *    12  u16  speed, mm/s (0..65.535 m/s)
 *    14  u8   state code (AGV_STATES)
 *    15  u8   battery, 0..255 for 0..1
 *    16  u32  task id, 0 = none
 *
 * 500 AGVs: 24 + 500 × 20 = 10,024 bytes per frame, ~100 kB/s per client at 10 Hz.
 */

export const AGV_FRAME_MAGIC = 0xa7;
export const AGV_FRAME_VERSION = 1;
export const AGV_HEADER_BYTES = 24;
export const AGV_RECORD_BYTES = 20;
/** Indexes are u16. */
export const AGV_MAX_COUNT = 65_536;

/** State codes on the wire: the position in this list. Append only; never reorder. */
export const AGV_STATES = ['idle', 'moving', 'loaded-moving', 'loading', 'unloading', 'charging', 'fault'] as const;
export type AgvFrameState = (typeof AGV_STATES)[number];

const STATE_CODE: Record<string, number> = Object.fromEntries(AGV_STATES.map((s, i) => [s, i]));

export interface AgvPose {
  /** Index into the id table (0..65535). */
  index: number;
  /** Metres, warehouse floor coordinates (stored as f32). */
  x: number;
  y: number;
  /** Radians, 0 = +x, counter-clockwise; any angle, decoded within ±3.2767 (the same direction). */
  heading: number;
  /** m/s, 0..65.535. */
  speed: number;
  state: AgvFrameState;
  /** 0..1 */
  battery: number;
  /** 0 = no task. */
  taskId: number;
}

export interface AgvFrame {
  warehouseId: number;
  tick: number;
  /** Server time, epoch ms. */
  time: number;
  /** Version of the id table (u16); 0 when not used. */
  roster?: number;
  agvs: AgvPose[];
}

export class AgvFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgvFrameError';
  }
}

/** Bytes a frame of `count` AGVs takes. */
export const agvFrameSize = (count: number) => AGV_HEADER_BYTES + count * AGV_RECORD_BYTES;

const HEADING_SCALE = 10_000;
const TWO_PI = 2 * Math.PI;

/** i16 holds ±3.2767 rad as is; anything beyond is brought into -π..π first (so decoded values re-encode alike). */
function headingToWire(radians: number): number {
  if (!Number.isFinite(radians)) return 0;
  const h = Math.abs(radians) <= 3.2767 ? radians : radians - TWO_PI * Math.round(radians / TWO_PI);
  return Math.round(h * HEADING_SCALE);
}

function speedToWire(metresPerSecond: number): number {
  const mm = Math.round(metresPerSecond * 1000);
  return mm > 0xffff ? 0xffff : mm > 0 ? mm : 0;
}

function batteryToWire(level: number): number {
  const b = Math.round(level * 255);
  return b > 255 ? 255 : b > 0 ? b : 0;
}

/**
 * Encode into `target` from its start, without allocating per AGV; returns the number of bytes written
 * (agvFrameSize(frame.agvs.length)). Throws a RangeError when the target is too small.
 */
export function encodeInto(target: Uint8Array | ArrayBuffer, frame: AgvFrame): number {
  const bytes = target instanceof Uint8Array ? target : new Uint8Array(target);
  const count = frame.agvs.length;
  const size = agvFrameSize(count);
  if (count > AGV_MAX_COUNT) throw new AgvFrameError(`an AGV frame holds at most ${AGV_MAX_COUNT} AGVs, got ${count}`);
  if (bytes.byteLength < size) {
    throw new RangeError(`an AGV frame of ${count} AGVs needs ${size} bytes, the buffer has ${bytes.byteLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  view.setUint8(0, AGV_FRAME_MAGIC);
  view.setUint8(1, AGV_FRAME_VERSION);
  view.setUint16(2, (frame.roster ?? 0) & 0xffff, true);
  view.setUint32(4, frame.warehouseId >>> 0, true);
  view.setUint32(8, frame.tick >>> 0, true);
  view.setUint32(12, count, true);
  view.setFloat64(16, frame.time, true);
  let at = AGV_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const agv = frame.agvs[i]!;
    const state = STATE_CODE[agv.state];
    if (state === undefined) throw new AgvFrameError(`agvs[${i}].state: unknown state ${JSON.stringify(agv.state)}`);
    if (!(agv.index >= 0 && agv.index < AGV_MAX_COUNT)) {
      throw new AgvFrameError(`agvs[${i}].index: must be 0..${AGV_MAX_COUNT - 1}, got ${agv.index}`);
    }
    view.setUint16(at, agv.index, true);
    view.setFloat32(at + 2, agv.x, true);
    view.setFloat32(at + 6, agv.y, true);
    view.setInt16(at + 10, headingToWire(agv.heading), true);
    view.setUint16(at + 12, speedToWire(agv.speed), true);
    view.setUint8(at + 14, state);
    view.setUint8(at + 15, batteryToWire(agv.battery));
    view.setUint32(at + 16, agv.taskId >>> 0, true);
    at += AGV_RECORD_BYTES;
  }
  return size;
}

/** Same as encodeInto; the longer name reads better at call sites that import several codecs. */
export const encodeAgvFrameInto = encodeInto;

/** Encode a frame into a new buffer of exactly its size. */
export function encodeAgvFrame(frame: AgvFrame): Uint8Array {
  const bytes = new Uint8Array(agvFrameSize(frame.agvs.length));
  encodeInto(bytes, frame);
  return bytes;
}

export interface AgvFrameHeader {
  version: number;
  roster: number;
  warehouseId: number;
  tick: number;
  time: number;
  count: number;
}

function viewOf(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): DataView {
  if (bytes instanceof ArrayBuffer) return new DataView(bytes);
  if (ArrayBuffer.isView(bytes)) return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new AgvFrameError('an AGV frame must be an ArrayBuffer or a byte array');
}

/** Check and read the header (a frame's warehouse and tick, without decoding the AGVs). */
export function readAgvFrameHeader(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): AgvFrameHeader {
  const view = viewOf(bytes);
  if (view.byteLength < 2 || view.getUint8(0) !== AGV_FRAME_MAGIC) {
    throw new AgvFrameError('not an AGV frame (bad magic byte)');
  }
  const version = view.getUint8(1);
  if (version !== AGV_FRAME_VERSION) {
    throw new AgvFrameError(`AGV frame version ${version} is not supported: this client reads version `
      + `${AGV_FRAME_VERSION}; update the client (reload the page)`);
  }
  if (view.byteLength < AGV_HEADER_BYTES) {
    throw new AgvFrameError(`AGV frame truncated: ${view.byteLength} bytes, the header alone is ${AGV_HEADER_BYTES}`);
  }
  const count = view.getUint32(12, true);
  if (view.byteLength !== agvFrameSize(count)) {
    throw new AgvFrameError(`AGV frame of ${count} AGVs must be ${agvFrameSize(count)} bytes, got ${view.byteLength}`);
  }
  return { version, roster: view.getUint16(2, true), warehouseId: view.getUint32(4, true),
    tick: view.getUint32(8, true), count, time: view.getFloat64(16, true) };
}

/** Decode a frame; throws AgvFrameError for anything that is not a well-formed frame of this version. */
export function decodeAgvFrame(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): AgvFrame {
  const header = readAgvFrameHeader(bytes);
  const view = viewOf(bytes);
  const agvs = new Array<AgvPose>(header.count);
  let at = AGV_HEADER_BYTES;
  for (let i = 0; i < header.count; i++) {
    const code = view.getUint8(at + 14);
    const state = AGV_STATES[code];
    if (state === undefined) throw new AgvFrameError(`AGV frame: agvs[${i}] has unknown state code ${code}`);
    agvs[i] = {
      index: view.getUint16(at, true),
      x: view.getFloat32(at + 2, true),
      y: view.getFloat32(at + 6, true),
      heading: view.getInt16(at + 10, true) / HEADING_SCALE,
      speed: view.getUint16(at + 12, true) / 1000,
      state,
      battery: view.getUint8(at + 15) / 255,
      taskId: view.getUint32(at + 16, true),
    };
    at += AGV_RECORD_BYTES;
  }
  return { warehouseId: header.warehouseId, tick: header.tick, time: header.time, roster: header.roster, agvs };
}
