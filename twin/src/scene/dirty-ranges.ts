/**
 * Partial GPU uploads: changed instance indices → a few contiguous ranges, registered on a three.js
 * BufferAttribute with addUpdateRange (three r159+; start and count are in array elements, i.e. item
 * index × itemSize). The renderer uploads only those ranges (bufferSubData) and clears them afterwards.
 */

export interface Range { start: number; count: number }

/**
 * Minimal sorted ranges covering `indices` (duplicates and any order allowed). Ranges separated by at most
 * `maxGap` untouched items are merged: re-uploading a few unchanged items is cheaper than another call.
 */
export function toRanges(indices: Iterable<number>, maxGap = 0): Range[] {
  const sorted = Int32Array.from(indices).sort();
  const out: Range[] = [];
  if (sorted.length === 0) return out;
  let start = sorted[0]!;
  let end = start; // inclusive
  for (let k = 1; k < sorted.length; k++) {
    const i = sorted[k]!;
    if (i <= end + 1 + maxGap) {
      if (i > end) end = i;
      continue;
    }
    out.push({ start, count: end - start + 1 });
    start = end = i;
  }
  out.push({ start, count: end - start + 1 });
  return out;
}

/** Merge two range lists (each sorted or not) into minimal sorted ranges; overlapping or touching ranges join. */
export function mergeRanges(a: readonly Range[], b: readonly Range[] = [], maxGap = 0): Range[] {
  const all = [...a, ...b].filter((r) => r.count > 0).sort((x, y) => x.start - y.start);
  const out: Range[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r.start <= last.start + last.count + maxGap) {
      last.count = Math.max(last.count, r.start + r.count - last.start);
    } else {
      out.push({ start: r.start, count: r.count });
    }
  }
  return out;
}

/** The part of three's BufferAttribute this needs. */
export interface UpdatableAttribute {
  itemSize: number;
  count: number;
  needsUpdate: boolean;
  clearUpdateRanges(): void;
  addUpdateRange(start: number, count: number): void;
}

/**
 * Register `ranges` (in items) for upload. With more than `maxRanges` ranges, or ranges covering over half
 * of the attribute, the whole attribute is uploaded instead (no ranges = full upload). Returns the number of
 * items that will be uploaded.
 */
export function uploadRanges(attribute: UpdatableAttribute, ranges: readonly Range[], maxRanges = 64): number {
  attribute.clearUpdateRanges();
  if (ranges.length === 0) return 0;
  const items = ranges.reduce((s, r) => s + r.count, 0);
  if (ranges.length > maxRanges || items > attribute.count / 2) {
    attribute.needsUpdate = true;
    return attribute.count;
  }
  for (const r of ranges) attribute.addUpdateRange(r.start * attribute.itemSize, r.count * attribute.itemSize);
  attribute.needsUpdate = true;
  return items;
}

/** Full upload: clear any ranges and flag the attribute. */
export function uploadAll(attribute: UpdatableAttribute): void {
  attribute.clearUpdateRanges();
  attribute.needsUpdate = true;
}
