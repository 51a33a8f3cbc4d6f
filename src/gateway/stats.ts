/** Percentiles over a small sample, nearest-rank (no interpolation: with 5 samples, p95 = max). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export interface Summary {
  p50: number | null;
  p95: number | null;
  max: number | null;
  n: number;
}

export function summarise(values: readonly (number | null)[]): Summary {
  const v = values.filter((x): x is number => typeof x === 'number');
  const r = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return { p50: r(percentile(v, 50)), p95: r(percentile(v, 95)), max: r(v.length ? Math.max(...v) : null), n: v.length };
}
