/**
 * Wall-clock conversions for one IANA time zone, built on Intl alone. Formatting is the costly
 * step, so offsets are cached: per UTC day when the offset is the same at both ends of it (no
 * zone changes twice in a day), else per quarter hour, since every real zone changes offset on
 * a quarter-hour boundary.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;
const BUCKET = 15 * MINUTE;

const clocks = new Map<string, ZoneClock>();

export function zoneClock(timeZone: string): ZoneClock {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = new ZoneClock(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

/** Whether Intl knows the zone; the names it accepts are the IANA ones (and their aliases). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  if (clocks.has(name)) return true;
  try {
    zoneClock(name);
    return true;
  } catch {
    return false;
  }
}

export class ZoneClock {
  readonly #format: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();
  readonly #starts = new Map<number, number>();
  /** null: the offset changes during that UTC day. */
  readonly #days = new Map<number, number | null>();

  constructor(readonly timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Milliseconds to add to a UTC instant to read the zone's wall clock. */
  offsetAt(instant: number): number {
    const day = Math.floor(instant / DAY);
    let whole = this.#days.get(day);
    if (whole === undefined) {
      const start = this.#boundary(day);
      whole = start === this.#boundary(day + 1) ? start : null;
      this.#days.set(day, whole);
    }
    if (whole !== null) return whole;
    const bucket = Math.floor(instant / BUCKET);
    const known = this.#offsets.get(bucket);
    if (known !== undefined) return known;
    const offset = this.#compute(bucket * BUCKET);
    this.#offsets.set(bucket, offset);
    return offset;
  }

  /** The offset at the start of UTC day `day`. */
  #boundary(day: number): number {
    let known = this.#starts.get(day);
    if (known === undefined) {
      if (this.#starts.size > 100_000) this.#clear();
      known = this.#compute(day * DAY);
      this.#starts.set(day, known);
    }
    return known;
  }

  #clear(): void {
    this.#starts.clear();
    this.#days.clear();
    this.#offsets.clear();
  }

  /** Days since 1970-01-01 of the zone's calendar date at `instant`. */
  dayOf(instant: number): number {
    return Math.floor((instant + this.offsetAt(instant)) / DAY);
  }

  /**
   * The instant the zone's clock reads `minute` minutes after the start of local day `day`
   * (minute may pass 1440 for a range that ends the next morning). A wall time skipped by a
   * spring-forward change maps to the same distance after the change; a time repeated by a
   * fall-back change maps to its first occurrence.
   */
  instantOf(day: number, minute: number): number {
    const wall = day * DAY + minute * MINUTE;
    const o1 = this.offsetAt(wall);
    const guess = wall - o1;
    const o2 = this.offsetAt(guess);
    if (o1 === o2) return guess;
    const second = wall - o2;
    const o3 = this.offsetAt(second);
    if (o2 === o3) return second;
    return wall - Math.min(o2, o3);
  }

  #compute(instant: number): number {
    const parts = this.#format.formatToParts(instant);
    const n = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour') % 24, n('minute'), n('second'));
    return wall - instant;
  }
}

export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);
