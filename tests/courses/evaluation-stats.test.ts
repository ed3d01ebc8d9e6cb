import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  distribution,
  likertSummary,
  pairedSummary,
  responseRate,
  sampleSd,
  tCdf,
  tQuantile,
} from '../../courses/evaluation-stats.ts';

describe('t distribution', () => {
  it('matches printed table values of t(0.975, df)', () => {
    // Values from any statistics table (two-sided 95 %).
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(tQuantile(0.975, 3)).toBeCloseTo(3.1824, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.2281, 3);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.0423, 3);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(1.9623, 3);
    expect(tQuantile(0.025, 10)).toBeCloseTo(-2.2281, 3);
  });
  it('is symmetric and its CDF is 0.5 at 0', () => {
    expect(tCdf(0, 7)).toBeCloseTo(0.5, 12);
    expect(tCdf(1.5, 7) + tCdf(-1.5, 7)).toBeCloseTo(1, 12);
  });
  it('refuses impossible arguments', () => {
    expect(() => tQuantile(1, 3)).toThrow(RangeError);
    expect(() => tQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('pairedSummary', () => {
  it('matches a hand-computed case', () => {
    // gains 10, 5, 10, 0: mean 6.25, sd √(68.75 / 3) = 4.78714, t(0.975, 3) = 3.18245
    const s = pairedSummary([
      { pre: 50, post: 60 },
      { pre: 60, post: 65 },
      { pre: 70, post: 80 },
      { pre: 80, post: 80 },
    ]);
    expect(s.n).toBe(4);
    expect(s.meanPre).toBe(65);
    expect(s.meanPost).toBe(71.25);
    expect(s.meanGain).toBe(6.25);
    expect(s.sdGain).toBeCloseTo(4.78714, 4);
    // half width 3.18245 · 4.78714 / 2 = 7.61737
    expect(s.gainCi!.low).toBeCloseTo(-1.36737, 3);
    expect(s.gainCi!.high).toBeCloseTo(13.86737, 3);
    // d_z = 6.25 / 4.78714 = 1.30558; SE = √(1/4 + 1.30558² / 8) = 0.68050
    expect(s.dz).toBeCloseTo(1.30558, 4);
    expect(s.dzCi!.low).toBeCloseTo(1.30558 - 3.18245 * 0.6805, 3);
    expect(s.dzCi!.high).toBeCloseTo(1.30558 + 3.18245 * 0.6805, 3);
    expect(s.shareImproved).toBe(0.75);
  });

  it('has no interval below two pairs and nothing at all for none', () => {
    const one = pairedSummary([{ pre: 40, post: 90 }]);
    expect(one).toMatchObject({ n: 1, meanGain: 50, gainCi: null, dz: null, dzCi: null, shareImproved: 1 });
    const none = pairedSummary([]);
    expect(none).toMatchObject({ n: 0, meanGain: null, shareImproved: null, gainCi: null });
  });

  it('gives no d_z when every gain is the same (sd 0) but still a zero-width gain interval', () => {
    const s = pairedSummary([
      { pre: 50, post: 60 },
      { pre: 70, post: 80 },
    ]);
    expect(s.meanGain).toBe(10);
    expect(s.dz).toBeNull();
    expect(s.gainCi).toEqual({ low: 10, high: 10 });
  });

  const score = fc.double({ min: 0, max: 100, noNaN: true });
  const pairs = fc.array(fc.record({ pre: score, post: score }), { minLength: 2, maxLength: 60 });

  it('property: identical tests give a gain of 0 and nobody improved', () => {
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 60 }), (xs) => {
        const s = pairedSummary(xs.map((x) => ({ pre: x, post: x })));
        expect(s.meanGain).toBe(0);
        expect(s.shareImproved).toBe(0);
        expect(s.dz).toBeNull();
      }),
    );
  });

  it('property: both intervals contain their point estimate', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const s = pairedSummary(ps);
        expect(s.gainCi!.low).toBeLessThanOrEqual(s.meanGain! + 1e-9);
        expect(s.gainCi!.high).toBeGreaterThanOrEqual(s.meanGain! - 1e-9);
        if (s.dz !== null) {
          expect(s.dzCi!.low).toBeLessThanOrEqual(s.dz);
          expect(s.dzCi!.high).toBeGreaterThanOrEqual(s.dz);
        }
      }),
    );
  });

  it('property: swapping pre and post negates gain and d_z', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const a = pairedSummary(ps);
        const b = pairedSummary(ps.map((p) => ({ pre: p.post, post: p.pre })));
        expect(b.meanGain!).toBeCloseTo(-a.meanGain!, 9);
        if (a.dz !== null) expect(b.dz!).toBeCloseTo(-a.dz, 9);
      }),
    );
  });

  it('sample sd uses n − 1', () => {
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });
});

describe('likert, distributions, response rates', () => {
  it('summarises a 1–5 item', () => {
    const s = likertSummary([5, 4, 4, 2, 1, 5]);
    expect(s).toEqual({ n: 6, counts: [1, 1, 0, 2, 2], mean: 3.5, median: 4, topTwo: 4 / 6 });
    expect(likertSummary([])).toEqual({ n: 0, counts: [0, 0, 0, 0, 0], mean: null, median: null, topTwo: null });
  });
  it('refuses answers outside the scale', () => {
    expect(() => likertSummary([6])).toThrow(/outside the scale/);
    expect(() => likertSummary([2.5])).toThrow(RangeError);
  });
  it('counts categories in order', () => {
    expect(distribution(['once', 'never', 'once'], ['never', 'once', 'several'])).toEqual({
      never: 1,
      once: 2,
      several: 0,
    });
    expect(() => distribution(['often' as 'once'], ['never', 'once'])).toThrow(/unknown category/);
  });
  it('gives a response rate, none without anyone eligible', () => {
    expect(responseRate(3, 12)).toEqual({ responded: 3, eligible: 12, rate: 0.25 });
    expect(responseRate(0, 0).rate).toBeNull();
  });
});
