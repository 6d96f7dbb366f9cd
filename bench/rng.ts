import { Random } from '../model/random.ts';

/** A seeded uniform [0, 1) source for the benchmarks (Node scripts and browser pages): model/random.ts's PRNG. */
export function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
