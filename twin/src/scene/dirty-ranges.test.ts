import { InstancedBufferAttribute } from 'three';
import { describe, expect, it } from 'vitest';
import { mergeRanges, toRanges, uploadAll, uploadRanges } from './dirty-ranges.ts';

describe('dirty ranges', () => {
  it('collects indices into minimal sorted ranges', () => {
    expect(toRanges([])).toEqual([]);
    expect(toRanges([5])).toEqual([{ start: 5, count: 1 }]);
    expect(toRanges(new Set([9, 3, 4, 5, 5, 11, 10, 20]))).toEqual([
      { start: 3, count: 3 }, { start: 9, count: 3 }, { start: 20, count: 1 }]);
    expect(toRanges([1, 3, 10], 1)).toEqual([{ start: 1, count: 3 }, { start: 10, count: 1 }]);
  });

  it('merges range lists', () => {
    expect(mergeRanges([{ start: 10, count: 5 }, { start: 0, count: 2 }], [{ start: 2, count: 3 }, { start: 12, count: 10 }]))
      .toEqual([{ start: 0, count: 5 }, { start: 10, count: 12 }]);
    expect(mergeRanges([{ start: 0, count: 1 }, { start: 3, count: 1 }], [], 2)).toEqual([{ start: 0, count: 4 }]);
    expect(mergeRanges([{ start: 4, count: 0 }])).toEqual([]);
  });

  it('registers element ranges on a three.js attribute, or a full upload when that is cheaper', () => {
    const attr = new InstancedBufferAttribute(new Float32Array(300), 3);
    const v0 = attr.version;
    expect(uploadRanges(attr, toRanges([2, 3, 50]))).toBe(3);
    expect(attr.updateRanges).toEqual([{ start: 6, count: 6 }, { start: 150, count: 3 }]);
    expect(attr.version).toBeGreaterThan(v0);
    expect(uploadRanges(attr, [{ start: 0, count: 60 }])).toBe(100);
    expect(attr.updateRanges).toEqual([]);
    expect(uploadRanges(attr, toRanges([1, 3, 5, 7, 9]), 2)).toBe(100);
    expect(attr.updateRanges).toEqual([]);
    uploadRanges(attr, [{ start: 1, count: 1 }]);
    uploadAll(attr);
    expect(attr.updateRanges).toEqual([]);
  });
});
