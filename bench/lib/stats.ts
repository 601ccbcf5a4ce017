// Small statistics helpers for the bench: medians over runs, percentiles over samples.

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of `samples`. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  const n = samples.length;
  if (n === 0) return NaN;
  const s = Float64Array.from(samples as ArrayLike<number>).sort();
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return s[rank - 1];
}

export function summary(samples: ArrayLike<number>): { p50: number; p99: number; max: number; n: number } {
  const s = Float64Array.from(samples as ArrayLike<number>).sort();
  const n = s.length;
  const at = (p: number) => s[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1];
  return { p50: at(50), p99: at(99), max: s[n - 1], n };
}

/** Seconds since `t0` (process.hrtime.bigint()). */
export function secondsSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
