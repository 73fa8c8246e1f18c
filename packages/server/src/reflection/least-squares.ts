/**
 * Ordinary least squares by the normal equations, for the few columns of the
 * reflection fits. A column that never varies (no neutral-screen frame, say)
 * gets coefficient 0 instead of making the system singular: a ridge of 1e-9
 * of the largest diagonal term settles it without biasing the others.
 */
export function leastSquares(rows: readonly (readonly number[])[], y: readonly number[]): number[] {
  const k = rows[0]?.length ?? 0;
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let r = 0; r < rows.length; r++) {
    const x = rows[r]!;
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) a[i]![j]! += x[i]! * x[j]!;
      a[i]![k]! += x[i]! * y[r]!;
    }
  }
  let scale = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) a[i]![j] = a[j]![i]!;
    scale = Math.max(scale, a[i]![i]!);
  }
  for (let i = 0; i < k; i++) a[i]![i]! += 1e-9 * (scale || 1);
  return solve(a);
}

/** Gauss–Jordan elimination with partial pivoting on an augmented k x (k+1) matrix. */
function solve(a: number[][]): number[] {
  const k = a.length;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    for (let j = c; j <= k; j++) a[c]![j]! /= pivot;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      if (f !== 0) for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row) => row[k]!);
}

/** Simple regression of y on x: slope, intercept, and the slope's standard error (NaN with fewer than 3 points). */
export function simpleRegression(x: readonly number[], y: readonly number[]): { slope: number; intercept: number; slopeSe: number; residuals: number[] } {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  const residuals = x.map((v, i) => y[i]! - intercept - slope * v);
  const rss = residuals.reduce((s, r) => s + r * r, 0);
  const slopeSe = n > 2 && sxx > 0 ? Math.sqrt(rss / (n - 2) / sxx) : Number.NaN;
  return { slope, intercept, slopeSe, residuals };
}
