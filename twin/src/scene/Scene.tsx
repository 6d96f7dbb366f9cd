/**
 * The control room's 3D scene. Heavy lifting lives in the pure modules (bins, colours, dirty-ranges, flash,
 * agvs, coords, floor); these components only wire them to three.js objects. Renders on demand.
 */
import { Canvas, useFrame } from '@react-three/fiber';
import { useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type { StreamRecord } from '../../../model/protocol/stream.ts';
import { Agvs, type AgvFrameInput } from './Agvs.tsx';
import { BinStore } from './bins.ts';
import { Bins } from './Bins.tsx';
import { CameraRig, type SceneHandle } from './CameraRig.tsx';
import type { ColourMode, ColourOptions } from './colours.ts';
import { createDebug, type SceneDebug } from './debug.ts';
import { Floor } from './Floor.tsx';
import { orientations, type LayoutJson } from './floor.ts';

export type { SceneHandle } from './CameraRig.tsx';
export type { LayoutJson } from './floor.ts';
export type { ColourMode } from './colours.ts';
export type { AgvFrameInput } from './Agvs.tsx';

export interface SceneProps {
  /** Arrow IPC bytes of GET /api/warehouses/:id/snapshot; a new value rebuilds the bins. */
  snapshot: ArrayBuffer | Uint8Array;
  layout: LayoutJson;
  mode: ColourMode;
  /** Hide bins above this level. */
  levelMax?: number;
  /** Zone codes to show (undefined = all). */
  zones?: Set<string>;
  /** Bin ids to emphasise (the others are dimmed); empty/undefined = none. */
  highlight?: Set<number>;
  /** Selected bin id (outlined). */
  selected?: number | null;
  onSelectBin?: (id: number) => void;
  /** AGV index (id table) of the clicked AGV. */
  onSelectAgv?: (index: number) => void;
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
  /** Receives the store once decoded (e.g. to refetch `store.dirty` bins and call `store.patch`). */
  onStore?: (store: BinStore) => void;
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
  const debug = useMemo(createDebug, []);
  const handle = useRef<SceneHandle | null>(null);
  useImperativeHandle(ref, () => ({
    flyTo: (...a) => handle.current?.flyTo(...a),
    resetView: () => handle.current?.resetView(),
    setTopDown: (on) => handle.current?.setTopDown(on),
  }), []);

  return (
    <Canvas frameloop="demand" dpr={[1, 2]} camera={{ fov: 50, near: 0.1, far: 5000, position: [0, 50, 50] }}
      gl={{ antialias: true }} style={{ width: '100%', height: '100%' }} data-testid="wetms-scene">
      <color attach="background" args={['#0f1419']} />
      <ambientLight intensity={0.7} />
      <directionalLight position={[50, 120, 40]} intensity={1.6} />
      <Floor layout={layout} zones={props.zones} />
      <Bins store={store} orientation={orientation} mode={props.mode} levelMax={props.levelMax} zones={props.zones}
        highlight={props.highlight} selected={props.selected} classOf={props.classOf} flash={props.flash}
        onSelectBin={props.onSelectBin} subscribeRecords={props.subscribeRecords} debug={debug} />
      <Agvs subscribeAgvFrames={props.subscribeAgvFrames} onSelectAgv={props.onSelectAgv} debug={debug} />
      <CameraRig bounds={layout.bounds} topDown={props.topDown ?? false} handle={handle} />
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
