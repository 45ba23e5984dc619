import { describe, expect, it } from 'vitest';
import { median, percentile, ratio, summarize } from '../../../bench/stats.ts';

describe('bench statistics', () => {
  it('takes the middle sample as the median, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('uses the nearest rank for percentiles, so p95 is a sample that was measured', () => {
    const nine = [10, 20, 30, 40, 50, 60, 70, 80, 90];
    expect(percentile(nine, 95)).toBe(90);
    expect(percentile(nine, 50)).toBe(50);
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(twenty, 95)).toBe(19);
    expect(percentile(twenty, 100)).toBe(20);
    expect(percentile([3, 1, 2], 1)).toBe(1);
  });

  it('summarises without reordering the caller’s samples', () => {
    const samples = [300.04, 100, 200];
    expect(summarize(samples)).toEqual({ n: 3, median: 200, p95: 300, min: 100, max: 300, mean: 200 });
    expect(samples).toEqual([300.04, 100, 200]);
  });

  it('refuses empty or non-finite samples instead of reporting a figure', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });

  it('has no ratio to a floor of zero', () => {
    expect(ratio(250, 200)).toBe(1.25);
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(120, 0)).toBeNull();
  });
});
