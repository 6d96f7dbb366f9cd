/**
 * The control room's 3D scene. Heavy lifting lives in the pure modules (bins, colours, dirty-ranges, flash,
 * agvs, coords, floor); these components only wire them to three.js objects. Renders on demand.
 */
import { Canvas, useFrame } from '@react-three/fiber';
import { useEffect, useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type { StreamRecord } from '../../../model/protocol/stream.ts';
import { Agvs, type AgvFrameInput, type AgvLocator } from './Agvs.tsx';
import { BinStore, type PatchRow } from './bins.ts';
import { Bins } from './Bins.tsx';
import { CameraRig, type SceneHandle } from './CameraRig.tsx';
import { FLY_TO_SPAN } from './coords.ts';
import type { ColourMode, ColourOptions } from './colours.ts';
import { createDebug, publishDebug, type SceneDebug } from './debug.ts';
import { Floor } from './Floor.tsx';
import { FloorLabels } from './FloorLabels.tsx';
import { Hover, type Pickers } from './Hover.tsx';
import type { SceneHover } from './hover.ts';
import { orientations, type LayoutJson } from './floor.ts';
import { Route, type RoutePoint } from './Route.tsx';

export type { SceneHandle } from './CameraRig.tsx';
export type { RoutePoint } from './Route.tsx';
export type { PatchRow } from './bins.ts';
export type { LayoutJson } from './floor.ts';
export type { ColourMode } from './colours.ts';
export type { AgvFrameInput } from './Agvs.tsx';
export type { SceneHover } from './hover.ts';

export interface SceneProps {
  /** Arrow IPC bytes of GET /api/warehouses/:id/snapshot; a new value rebuilds the bins. */
  snapshot: ArrayBuffer | Uint8Array;
  layout: LayoutJson;
  mode: ColourMode;
  /** Hide bins above this level. */
  levelMax?: number;
  /** Zone codes to show (undefined = all). */
  zones?: ReadonlySet<string>;
  /** Bin ids to emphasise (the others are dimmed); empty/undefined = none. */
  highlight?: ReadonlySet<number>;
  /** Selected bin id (outlined). */
  selected?: number | null;
  onSelectBin?: (id: number) => void;
  /** AGV index (id table) of the clicked AGV. */
  onSelectAgv?: (index: number) => void;
  /** AGV index (id table) of the selected AGV (ringed). */
  selectedAgv?: number | null;
  /** A route to draw (model coordinates), e.g. the selected AGV's remaining route. */
  route?: readonly RoutePoint[] | null;
  /**
   * Fetch current rows of bins whose derived fields (fill, status, top SKU, dates) a stock record could not
   * tell (JSON snapshot rows); the scene calls it debounced and recolours what comes back.
   */
  fetchBins?: (ids: number[]) => Promise<PatchRow[]>;
  /** e.g. (cb) => { client.onRecords(cb); return () => ... } — records in stream order, each once. */
  subscribeRecords?: (cb: (records: StreamRecord[]) => void) => () => void;
  /** AGV frames, decoded or raw bytes. */
  subscribeAgvFrames?: (cb: (frame: AgvFrameInput) => void) => () => void;
  /** Pulse bins changed by the stream. */
  flash?: boolean;
  /** Straight-down 2D view. */
  topDown?: boolean;
  /** ABC class of a SKU code, for mode 'abc'. Keep it stable (useCallback): a new function recolours all bins. */
  classOf?: ColourOptions['classOf'];
  /** Receives the store once decoded (read-only use, e.g. a benchmark picking bins to change; dirty bins go through fetchBins). */
  onStore?: (store: BinStore) => void;
  /** The bin or AGV under the pointer (for a tooltip), null when none; throttled. */
  onHover?: (hover: SceneHover | null) => void;
  /** Paint zone and aisle codes on the floor (default true). */
  labels?: boolean;
  ref?: Ref<SceneHandle>;
}

export default function Scene(props: SceneProps) {
  const { snapshot, layout, ref, onStore } = props;
  const store = useMemo(() => {
    const s = BinStore.fromIPC(snapshot);
    onStore?.(s);
    return s;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [snapshot]);
  const orientation = useMemo(() => orientations(layout), [layout]);
  const rackHeight = useMemo(() => store.rackHeight(), [store]);
  const debug = useMemo(createDebug, []);
  useEffect(() => publishDebug(debug), [debug]);
  const handle = useRef<SceneHandle | null>(null);
  const pickers = useMemo<Pickers>(() => ({}), []);
  const agvLocator = useRef<AgvLocator | null>(null);
  useImperativeHandle(ref, () => ({
    flyTo: (...a) => handle.current?.flyTo(...a),
    flyToArea: (...a) => handle.current?.flyToArea?.(...a),
    resetView: () => handle.current?.resetView(),
    setTopDown: (on) => handle.current?.setTopDown(on),
    flyToBin: (id) => {
      const i = store.indexOf(id);
      if (i < 0) return false;
      handle.current?.flyToArea?.(store.x[i]!, store.y[i]!, store.z[i]!, FLY_TO_SPAN);
      return true;
    },
    flyToAgv: (index) => {
      const at = agvLocator.current?.(index);
      if (!at) return false;
      handle.current?.flyToArea?.(at.x, at.y, 0, FLY_TO_SPAN * 0.8);
      return true;
    },
  }), [store]);

  return (
    <Canvas frameloop="demand" dpr={[1, 2]} camera={{ fov: 50, near: 0.1, far: 5000, position: [0, 50, 50] }}
      gl={{ antialias: true }} style={{ width: '100%', height: '100%' }} data-testid="wetms-scene">
      <color attach="background" args={['#0f1419']} />
      <ambientLight intensity={0.7} />
      <directionalLight position={[50, 120, 40]} intensity={1.6} />
      <Floor layout={layout} zones={props.zones} />
      {props.labels !== false && <FloorLabels layout={layout} store={store} zones={props.zones} />}
      <Bins store={store} orientation={orientation} mode={props.mode} levelMax={props.levelMax} zones={props.zones}
        highlight={props.highlight} selected={props.selected} classOf={props.classOf} flash={props.flash}
        onSelectBin={props.onSelectBin} subscribeRecords={props.subscribeRecords} fetchBins={props.fetchBins} debug={debug}
        pickers={pickers} />
      <Agvs subscribeAgvFrames={props.subscribeAgvFrames} onSelectAgv={props.onSelectAgv} selected={props.selectedAgv}
        locator={agvLocator} debug={debug} pickers={pickers} />
      {props.onHover && <Hover pickers={pickers} onHover={props.onHover} />}
      {props.route && props.route.length > 1 && <Route points={props.route} />}
      <CameraRig bounds={layout.bounds} height={rackHeight} topDown={props.topDown ?? false} handle={handle} />
      <RenderProbe debug={debug} />
    </Canvas>
  );
}

/** Renders the frame itself (priority 1 takes over R3F's render) to time it and read the draw calls. */
function RenderProbe({ debug }: { debug: SceneDebug }) {
  useFrame(({ gl, scene, camera }) => {
    const t0 = performance.now();
    gl.render(scene, camera);
    debug.lastRenderMs = performance.now() - t0;
    debug.drawCalls = gl.info.render.calls;
    debug.triangles = gl.info.render.triangles;
    debug.frames++;
  }, 1);
  return null;
}
