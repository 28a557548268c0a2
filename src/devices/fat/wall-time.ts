const DAY = 86_400_000;
const MAX_CACHED_DAYS = 4096;

/**
 * Converts local wall-clock times of one IANA time zone to UTC, with Intl only. A wall time is
 * given as the milliseconds Date.UTC would return for its fields. Ambiguous times (the hour
 * repeated when clocks go back) resolve to the earlier instant; times that do not exist (the
 * hour skipped when clocks go forward) are moved forward by the gap, as Temporal's
 * 'compatible' disambiguation does. Days far from any transition are cached.
 */
export class ZoneClock {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  /** Day number → the zone's constant UTC offset over that day, or null near a transition. */
  readonly #dayOffsets = new Map<number, number | null>();

  /** Throws RangeError when `timeZone` is not a time zone Intl knows. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
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

  /** The zone's offset from UTC (ms, east positive) at a UTC instant. */
  offsetAt(instant: number): number {
    const whole = Math.floor(instant / 1000) * 1000;
    const field: Record<string, number> = {};
    for (const part of this.#format.formatToParts(whole)) {
      if (part.type !== 'literal') field[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      field.year ?? 1970,
      (field.month ?? 1) - 1,
      field.day ?? 1,
      field.hour ?? 0,
      field.minute ?? 0,
      field.second ?? 0,
    );
    return wall - whole;
  }

  /** The UTC instant (ms) of a wall time given as Date.UTC of its fields. */
  toUtc(wall: number): number {
    const day = Math.floor(wall / DAY);
    let offset = this.#dayOffsets.get(day);
    if (offset === undefined) {
      // Offsets ±14 h: this window holds the whole local day and its neighbours' instants.
      const before = this.offsetAt((day - 2) * DAY);
      const after = this.offsetAt((day + 3) * DAY);
      offset = before === after ? before : null;
      if (this.#dayOffsets.size >= MAX_CACHED_DAYS) this.#dayOffsets.clear();
      this.#dayOffsets.set(day, offset);
    }
    return offset !== null ? wall - offset : this.#nearTransition(wall);
  }

  #nearTransition(wall: number): number {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    const candidates = [wall - before, wall - after].filter((t) => t + this.offsetAt(t) === wall);
    if (candidates.length > 0) return Math.min(...candidates);
    return wall - before; // in a gap: the wall time as it reads on the clock before the jump
  }
}

const clamp = (n: number, low: number, high: number) => Math.min(high, Math.max(low, n));

/**
 * The wall time (as Date.UTC of its fields) of a FAT date and time: date bits 15–9 year since
 * 1980, 8–5 month, 4–0 day; time bits 15–11 hour, 10–5 minute, 4–0 seconds / 2 (so 2-second
 * resolution). A zero date (never set) is 1980-01-01; out-of-range fields are clamped, never
 * rolled into the next month or day.
 */
export function fatWallTime(date: number, time: number): number {
  if (date === 0) return Date.UTC(1980, 0, 1);
  const year = 1980 + (date >> 9);
  const month = clamp((date >> 5) & 0x0f, 1, 12);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = clamp(date & 0x1f, 1, daysInMonth);
  const hour = clamp(time >> 11, 0, 23);
  const minute = clamp((time >> 5) & 0x3f, 0, 59);
  const second = clamp((time & 0x1f) * 2, 0, 58);
  return Date.UTC(year, month - 1, day, hour, minute) + second * 1000;
}

/** A FAT date and time read as local wall time in `clock`'s zone, as a UTC Date. */
export function fatTimestamp(clock: ZoneClock, date: number, time: number): Date {
  return new Date(clock.toUtc(fatWallTime(date, time)));
}
