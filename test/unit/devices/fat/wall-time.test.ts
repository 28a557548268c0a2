import { describe, expect, test } from 'vitest';
import { ZoneClock, fatTimestamp, fatWallTime } from '../../../../src/devices/fat/wall-time.js';

const wall = (iso: string) => Date.parse(`${iso}Z`); // the wall time's fields, as Date.UTC gives them
const fatDate = (y: number, m: number, d: number) => ((y - 1980) << 9) | (m << 5) | d;
const fatTime = (h: number, mi: number, s: number) => (h << 11) | (mi << 5) | (s >> 1);

describe('ZoneClock', () => {
  test('UTC is the identity', () => {
    const clock = new ZoneClock('UTC');
    expect(clock.toUtc(wall('2021-03-28T02:30:00'))).toBe(wall('2021-03-28T02:30:00'));
  });

  test('Europe/Paris: +1 h in winter, +2 h in summer', () => {
    const clock = new ZoneClock('Europe/Paris');
    expect(new Date(clock.toUtc(wall('2020-01-15T12:00:00'))).toISOString()).toBe('2020-01-15T11:00:00.000Z');
    expect(new Date(clock.toUtc(wall('2020-07-15T12:00:00'))).toISOString()).toBe('2020-07-15T10:00:00.000Z');
  });

  test('a wall time in the spring-forward gap moves forward by the gap', () => {
    const clock = new ZoneClock('Europe/Paris'); // 2021-03-28 02:00 → 03:00
    expect(new Date(clock.toUtc(wall('2021-03-28T02:30:00'))).toISOString()).toBe('2021-03-28T01:30:00.000Z');
    expect(new Date(clock.toUtc(wall('2021-03-28T01:59:58'))).toISOString()).toBe('2021-03-28T00:59:58.000Z');
    expect(new Date(clock.toUtc(wall('2021-03-28T03:00:00'))).toISOString()).toBe('2021-03-28T01:00:00.000Z');
  });

  test('a repeated wall time in the fall-back overlap is its first occurrence', () => {
    const clock = new ZoneClock('Europe/Paris'); // 2021-10-31 03:00 → 02:00
    expect(new Date(clock.toUtc(wall('2021-10-31T02:30:00'))).toISOString()).toBe('2021-10-31T00:30:00.000Z');
    expect(new Date(clock.toUtc(wall('2021-10-31T03:00:00'))).toISOString()).toBe('2021-10-31T02:00:00.000Z');
  });

  test('other shapes of zone: half-hour offsets, the southern hemisphere, the Americas', () => {
    expect(new Date(new ZoneClock('Asia/Kolkata').toUtc(wall('2010-06-01T05:30:00'))).toISOString()).toBe(
      '2010-06-01T00:00:00.000Z',
    );
    const sydney = new ZoneClock('Australia/Sydney'); // DST in January: +11 h
    expect(new Date(sydney.toUtc(wall('2015-01-01T11:00:00'))).toISOString()).toBe(
      '2015-01-01T00:00:00.000Z',
    );
    const newYork = new ZoneClock('America/New_York'); // 2019-03-10 02:00 → 03:00
    expect(new Date(newYork.toUtc(wall('2019-03-10T02:15:00'))).toISOString()).toBe(
      '2019-03-10T07:15:00.000Z',
    );
    expect(new Date(newYork.toUtc(wall('2019-11-03T01:30:00'))).toISOString()).toBe(
      '2019-11-03T05:30:00.000Z',
    );
  });

  test('the cached day offsets give the same answers as a fresh clock', () => {
    const cached = new ZoneClock('Europe/Berlin');
    for (let day = 0; day < 400; day++) {
      for (const hour of [0, 2, 3, 12, 23]) {
        const t = Date.UTC(2022, 0, 1 + day, hour, 30);
        expect(cached.toUtc(t)).toBe(new ZoneClock('Europe/Berlin').toUtc(t));
      }
    }
  });

  test('an unknown zone is a RangeError', () => {
    expect(() => new ZoneClock('Nowhere/Atlantis')).toThrow(RangeError);
  });
});

describe('fatWallTime', () => {
  test('decodes the fields with 2-second resolution', () => {
    expect(fatWallTime(fatDate(2021, 7, 14), fatTime(10, 20, 31))).toBe(wall('2021-07-14T10:20:30'));
    expect(fatWallTime(fatDate(2107, 12, 31), fatTime(23, 59, 58))).toBe(wall('2107-12-31T23:59:58'));
  });

  test('a zero date is 1980-01-01; impossible fields are clamped, not rolled over', () => {
    expect(fatWallTime(0, 0)).toBe(wall('1980-01-01T00:00:00'));
    expect(fatWallTime(fatDate(2001, 2, 31), 0)).toBe(wall('2001-02-28T00:00:00'));
    expect(fatWallTime(fatDate(2001, 0, 0), fatTime(31, 63, 62))).toBe(wall('2001-01-01T23:59:58'));
    expect(fatWallTime(fatDate(2001, 15, 1), 0)).toBe(wall('2001-12-01T00:00:00'));
  });

  test('fatTimestamp reads the wall time in the clock’s zone', () => {
    const date = fatTimestamp(new ZoneClock('Europe/Paris'), fatDate(2021, 7, 14), fatTime(12, 0, 0));
    expect(date.toISOString()).toBe('2021-07-14T10:00:00.000Z');
  });
});
