import { useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { CanvasTexture, Mesh, MeshBasicMaterial, PlaneGeometry, SRGBColorSpace } from 'three';
import type { BinStore } from './bins.ts';
import { toThree } from './coords.ts';
import type { LayoutJson } from './floor.ts';
import { placeLabels } from './labels.ts';

/** Texture resolution: at most this many pixels per metre, and at most MAX_TEXTURE pixels a side. */
const PX_PER_M = 48;
const MAX_TEXTURE = 4096;
/** Labels may sit a little outside the floor's bounds (aisles along x are labelled at their left end). */
const MARGIN_M = 3;

/**
 * Zone and aisle codes painted flat on the floor: every label drawn once into one canvas texture on one
 * transparent plane, so all of them cost one draw call however many aisles there are. Redrawn when the zone
 * filter changes. Labels are codes (the same in every language), so a language switch does not touch them.
 */
export function FloorLabels({ layout, store, zones }: { layout: LayoutJson; store: BinStore; zones?: ReadonlySet<string> }) {
  const invalidate = useThree((s) => s.invalidate);
  const gl = useThree((s) => s.gl);
  const mesh = useMemo(() => {
    const labels = placeLabels(layout, store, zones);
    if (!labels.length || typeof document === 'undefined') return null;
    const minX = layout.bounds.minX - MARGIN_M;
    const maxY = layout.bounds.maxY + MARGIN_M;
    const w = layout.bounds.maxX - layout.bounds.minX + 2 * MARGIN_M;
    const d = layout.bounds.maxY - layout.bounds.minY + 2 * MARGIN_M;
    const ppm = Math.min(PX_PER_M, MAX_TEXTURE / Math.max(w, d));
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(w * ppm);
    canvas.height = Math.ceil(d * ppm);
    const ctx = canvas.getContext('2d');
    if (!ctx) return null;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const l of labels) {
      ctx.font = `${l.kind === 'zone' ? 700 : 600} ${Math.round(l.size * ppm)}px system-ui, "Segoe UI", sans-serif`;
      ctx.fillStyle = l.kind === 'zone' ? 'rgba(203, 216, 230, 0.92)' : 'rgba(143, 163, 184, 0.85)';
      ctx.fillText(l.text, (l.x - minX) * ppm, (maxY - l.y) * ppm);
    }
    const texture = new CanvasTexture(canvas);
    texture.colorSpace = SRGBColorSpace;
    texture.anisotropy = Math.min(8, gl.capabilities.getMaxAnisotropy());
    const m = new Mesh(new PlaneGeometry(w, d), new MeshBasicMaterial({ map: texture, transparent: true, depthWrite: false }));
    m.rotation.x = -Math.PI / 2; // flat on the floor, canvas top towards model +y
    m.position.set(...toThree(minX + w / 2, maxY - d / 2, 0.03));
    m.renderOrder = 1;
    m.raycast = () => undefined; // never in the way of clicks and hover
    return m;
  }, [layout, store, zones, gl]);
  useEffect(() => {
    invalidate();
    return () => {
      if (!mesh) return;
      mesh.geometry.dispose();
      const material = mesh.material as MeshBasicMaterial;
      material.map?.dispose();
      material.dispose();
    };
  }, [mesh, invalidate]);
  return mesh ? <primitive object={mesh} /> : null;
}
