import { describe, expect, it } from 'vitest';
import { addWorkingHours, localDate, zonedParts } from '../../src/lib/working-time.js';

const wh = { start: '08:30', end: '17:30', workdays: [1, 2, 3, 4, 5] };
const tz = 'Asia/Shanghai';
const at = (local: string) => new Date(`${local}+08:00`);

describe('working-time arithmetic for reminders', () => {
  it('adds hours inside one working day', () => {
    expect(addWorkingHours(at('2026-11-23T09:00:00'), 4, wh, tz)).toEqual(at('2026-11-23T13:00:00'));
  });

  it('carries what does not fit into the next working morning', () => {
    expect(addWorkingHours(at('2026-11-23T16:00:00'), 4, wh, tz)).toEqual(at('2026-11-24T11:00:00'));
  });

  it('starts counting at 08:30 for a request filed before office hours', () => {
    expect(addWorkingHours(at('2026-11-23T06:00:00'), 1, wh, tz)).toEqual(at('2026-11-23T09:30:00'));
  });

  it('skips the weekend: Friday afternoon plus 4 hours is Monday morning', () => {
    expect(addWorkingHours(at('2026-11-27T16:30:00'), 4, wh, tz)).toEqual(at('2026-11-30T11:30:00'));
  });

  it('reads 24 working hours as well over two working days', () => {
    expect(addWorkingHours(at('2026-11-23T09:00:00'), 24, wh, tz)).toEqual(at('2026-11-25T15:00:00'));
  });

  it('tells the local date in the unit’s time zone, not UTC', () => {
    expect(localDate(new Date('2026-11-22T17:00:00Z'), tz)).toBe('2026-11-23');
  });
});

describe('zonedParts', () => {
  it('reads the same wall clock as Intl in zones with DST and with half- and quarter-hour offsets, across their transitions', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns'];
    const start = Date.UTC(2026, 0, 1);
    for (const timeZone of zones) {
      const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short' });
      // Every 97 minutes and 13 seconds through a year: around every transition, at odd moments of the quarter hour.
      for (let t = start; t < start + 366 * 86_400_000; t += 97 * 60_000 + 13_000) {
        const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
        const got = zonedParts(new Date(t), timeZone);
        expect(got, `${timeZone} ${new Date(t).toISOString()}`).toEqual({
          date: `${p.year}-${p.month}-${p.day}`,
          minutes: Number(p.hour) * 60 + Number(p.minute),
          seconds: Number(p.second),
          weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday) + 1,
        });
      }
    }
  });
});
