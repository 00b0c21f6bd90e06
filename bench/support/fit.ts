/** Least-squares line through points and its coefficient of determination (R²): egress linear in the class size. */

export interface LinearFit {
  slope: number;
  intercept: number;
  /** 1 − SS_res / SS_tot; NaN when it cannot be computed (fewer than 3 points, a non-finite value, or all y equal). */
  r2: number;
}

/**
 * Fits y = slope·x + intercept. Fails closed: fewer than three points, any non-finite coordinate, x all equal or y
 * all equal give NaN throughout, so a broken measurement can never pass an `r2 >= target` check.
 */
export function linearFit(points: readonly (readonly [number, number])[]): LinearFit {
  const none = { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN };
  if (points.length < 3 || points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return none;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return none;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ssRes = 0;
  for (const [x, y] of points) ssRes += (y - (slope * x + intercept)) ** 2;
  return { slope, intercept, r2: 1 - ssRes / syy };
}
