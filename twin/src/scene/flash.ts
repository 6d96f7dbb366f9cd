/**
 * Flash of changed bins: for `duration` ms after a change a bin's colour pulses towards white and back.
 * Pure: `step` writes display colours from the base colours and returns what to upload.
 */
export class Flashes {
  private readonly until = new Map<number, number>();
  constructor(readonly duration = 900, readonly strength = 0.85) {}

  get active(): boolean {
    return this.until.size > 0;
  }

  start(indices: Iterable<number>, now: number): void {
    for (const i of indices) this.until.set(i, now + this.duration);
  }

  clear(): void {
    this.until.clear();
  }

  /**
   * Write display colours (linear RGB, 3 per instance) of flashing bins at time `now` from `base`; bins whose
   * flash ended get their base colour back (once). Returns the instance indices written.
   */
  step(now: number, base: Float32Array, display: Float32Array): number[] {
    const written: number[] = [];
    for (const [i, end] of this.until) {
      const o = i * 3;
      const left = end - now;
      if (left <= 0) {
        display[o] = base[o]!; display[o + 1] = base[o + 1]!; display[o + 2] = base[o + 2]!;
        this.until.delete(i);
      } else {
        // 0 → 1 → 0 over the duration.
        const k = Math.sin((Math.PI * left) / this.duration) * this.strength;
        display[o] = base[o]! + (1 - base[o]!) * k;
        display[o + 1] = base[o + 1]! + (1 - base[o + 1]!) * k;
        display[o + 2] = base[o + 2]! + (1 - base[o + 2]!) * k;
      }
      written.push(i);
    }
    return written;
  }
}
