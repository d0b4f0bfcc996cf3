/**
 * mulberry32: a small, fast, seedable generator of numbers in [0, 1) for tests, benchmarks and
 * fuzzing that must repeat exactly from a printed seed. (Workflow code's Math.random has its
 * own generator in @endure/workflow, which must never change: histories depend on it.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
