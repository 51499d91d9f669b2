import { describe, expect, it } from 'vitest';
import { addWorkingHours, localDate } from '../../src/reception/working-time.js';

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
