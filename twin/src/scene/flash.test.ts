import { describe, expect, it } from 'vitest';
import { Flashes } from './flash.ts';

describe('Flashes', () => {
  it('pulses changed bins towards white and restores the base colour', () => {
    const f = new Flashes(1000, 1);
    const base = new Float32Array([0.2, 0.2, 0.2, 0.5, 0.5, 0.5]);
    const display = base.slice();
    f.start([1], 0);
    expect(f.active).toBe(true);
    expect(f.step(500, base, display)).toEqual([1]);
    expect(display[3]).toBeCloseTo(1);
    expect(display[0]).toBeCloseTo(0.2);
    f.step(250, base, display);
    expect(display[3]).toBeGreaterThan(0.5);
    expect(display[3]).toBeLessThan(1);
    expect(f.step(1000, base, display)).toEqual([1]);
    expect(display[3]).toBeCloseTo(0.5);
    expect(f.active).toBe(false);
    expect(f.step(1100, base, display)).toEqual([]);
  });
});
