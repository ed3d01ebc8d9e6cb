/**
 * The statistics of the built-in evaluation (Kirkpatrick levels 1–3), pure and tested: knowledge gain
 * from a pre-test to the final, the paired effect size Cohen's d_z with a 95 % confidence interval, the
 * share who improved, Likert summaries of the reaction questionnaire, category distributions of the
 * follow-up, and response rates. No I/O; the repositories hand in plain numbers.
 *
 * Confidence intervals:
 * - the mean gain's 95 % CI is the exact t interval: mean ± t(0.975, n−1) · sd / √n;
 * - d_z = mean gain ÷ sd of the gains; its CI uses the usual large-sample standard error
 *   SE(d_z) = √(1/n + d_z² / (2n)) with the same t quantile (a documented approximation; the exact
 *   interval inverts the noncentral t distribution, which differs by a few hundredths for n ≥ 10).
 * The t quantile is computed exactly by inverting the t distribution's CDF (regularised incomplete beta).
 */

/** One learner's pre-test and post-test (final) score, both 0–100. */
export interface ScorePair {
  pre: number;
  post: number;
}

export interface Interval {
  low: number;
  high: number;
}

export interface PairedSummary {
  /** Number of pairs. */
  n: number;
  meanPre: number | null;
  meanPost: number | null;
  /** Mean of post − pre (percentage points). */
  meanGain: number | null;
  /** Sample standard deviation of the gains (n − 1 in the denominator). */
  sdGain: number | null;
  /** 95 % t interval of the mean gain (null below 2 pairs). */
  gainCi: Interval | null;
  /** Cohen's d_z = mean gain ÷ sd of gains (null below 2 pairs or when every gain is the same). */
  dz: number | null;
  /** Approximate 95 % interval of d_z (see the module comment). */
  dzCi: Interval | null;
  /** Share (0–1) of learners whose post score is higher than their pre score. */
  shareImproved: number | null;
}

export function mean(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1), null below two values. */
export function sampleSd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Natural log of the gamma function (Lanczos approximation, g = 7, nine coefficients; ~15 digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz's method). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + even * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + even / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + odd / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    f *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return f;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** CDF of Student's t distribution with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (0 < p < 1), by bisection on the CDF (accurate to ~1e-10). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`tQuantile needs 0 < p < 1 and df > 0 (p=${p}, df=${df})`);
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (tCdf(lo, df) > p) lo *= 2;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean gain, its 95 % CI, Cohen's d_z with its approximate 95 % CI, and the share who improved. */
export function pairedSummary(pairs: readonly ScorePair[]): PairedSummary {
  const n = pairs.length;
  const gains = pairs.map((p) => p.post - p.pre);
  const meanGain = mean(gains);
  const sdGain = sampleSd(gains);
  let gainCi: Interval | null = null;
  let dz: number | null = null;
  let dzCi: Interval | null = null;
  if (n >= 2 && meanGain !== null && sdGain !== null) {
    const t = tQuantile(0.975, n - 1);
    const half = (t * sdGain) / Math.sqrt(n);
    gainCi = { low: meanGain - half, high: meanGain + half };
    if (sdGain > 0) {
      dz = meanGain / sdGain;
      const se = Math.sqrt(1 / n + (dz * dz) / (2 * n));
      dzCi = { low: dz - t * se, high: dz + t * se };
    }
  }
  return {
    n,
    meanPre: mean(pairs.map((p) => p.pre)),
    meanPost: mean(pairs.map((p) => p.post)),
    meanGain,
    sdGain,
    gainCi,
    dz,
    dzCi,
    shareImproved: n ? gains.filter((g) => g > 0).length / n : null,
  };
}

export interface LikertSummary {
  n: number;
  /** How many answered each point of the scale, from `min` to `max`. */
  counts: number[];
  mean: number | null;
  median: number | null;
  /** Share (0–1) answering one of the top two points ("agree" or "strongly agree"). */
  topTwo: number | null;
}

/** Summary of answers on a `min`–`max` scale (answers outside it are a programming error and throw). */
export function likertSummary(values: readonly number[], min = 1, max = 5): LikertSummary {
  const counts = Array.from({ length: max - min + 1 }, () => 0);
  for (const v of values) {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new RangeError(`answer ${v} is outside the scale ${min}–${max}`);
    counts[v - min]!++;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const n = values.length;
  const median = n ? (n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2) : null;
  return {
    n,
    counts,
    mean: mean(values),
    median,
    topTwo: n ? values.filter((v) => v >= max - 1).length / n : null,
  };
}

/** How many chose each category (in the given order); unknown values throw. */
export function distribution<C extends string>(values: readonly C[], categories: readonly C[]): Record<C, number> {
  const out = Object.fromEntries(categories.map((c) => [c, 0])) as Record<C, number>;
  for (const v of values) {
    if (!(v in out)) throw new RangeError(`unknown category "${v}"`);
    out[v]++;
  }
  return out;
}

export interface ResponseRate {
  responded: number;
  eligible: number;
  /** responded ÷ eligible (0–1), null when nobody was eligible. */
  rate: number | null;
}

export function responseRate(responded: number, eligible: number): ResponseRate {
  return { responded, eligible, rate: eligible > 0 ? Math.min(1, responded / eligible) : null };
}
