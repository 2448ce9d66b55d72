/** Duration statistics in seconds; null when there is no sample. */
export interface DurationStats {
  median: number | null;
  p90: number | null;
  average: number | null;
  count: number;
}

/** Collects samples as they stream by, then sorts once: 200,000 numbers sort in a few milliseconds. */
export class Samples {
  #values = new Float64Array(1024);
  #n = 0;

  static of(values: Array<number | null>): Samples {
    const s = new Samples();
    s.#values = new Float64Array(Math.max(1, values.length));
    for (const v of values) if (v !== null) s.#values[s.#n++] = v;
    return s;
  }

  /** From a JSON array of numbers, as SQLite's json_group_array gives it. */
  static ofJson(json: string): Samples {
    return Samples.of(JSON.parse(json) as Array<number | null>);
  }

  add(value: number | null): void {
    if (value === null) return;
    if (this.#n === this.#values.length) {
      const grown = new Float64Array(Math.max(1024, this.#values.length * 2));
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#n++] = value;
  }

  get count(): number {
    return this.#n;
  }

  /**
   * Nearest rank: the p-quantile is the smallest sample with at least p of all samples at or
   * below it, so every figure is a real ticket's time (the median of 4 samples is the 2nd).
   */
  stats(): DurationStats {
    const n = this.#n;
    if (n === 0) return { median: null, p90: null, average: null, count: 0 };
    const sorted = this.#values.subarray(0, n).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * n) - 1)] ?? null;
    return { median: rank(0.5), p90: rank(0.9), average: Math.round(sum / n), count: n };
  }
}

export const rate = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
