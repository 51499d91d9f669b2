/**
 * Working-time arithmetic for reminders: "4 working hours after" a moment, counted only inside the
 * policy's working hours on its workdays, in the unit's time zone. Pure: `from` in, instant out.
 */
export interface WorkingHours {
  start: string; // HH:mm
  end: string; // HH:mm
  workdays: number[]; // 1 = Monday … 7 = Sunday
}

const formats = new Map<string, Intl.DateTimeFormat>();
/** The zone's offset from UTC (ms) in each quarter hour asked about; ICU's formatToParts is slow. */
const offsets = new Map<string, number>();
const QUARTER = 15 * 60_000;

function offsetAt(at: Date, timeZone: string): number {
  // Every zone changes its offset on a quarter hour of UTC, so one reading holds for the whole quarter.
  const key = `${timeZone} ${Math.floor(at.getTime() / QUARTER)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    let f = formats.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
      formats.set(timeZone, f);
    }
    const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
    offset = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(at.getTime() / 1000) * 1000;
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** Wall-clock parts of an instant in a time zone. */
export function zonedParts(at: Date, timeZone: string) {
  const local = new Date(at.getTime() + offsetAt(at, timeZone));
  const weekday = ((local.getUTCDay() + 6) % 7) + 1; // 1 = Monday … 7 = Sunday
  return { date: local.toISOString().slice(0, 10), minutes: local.getUTCHours() * 60 + local.getUTCMinutes(), seconds: local.getUTCSeconds(), weekday };
}

/** The instant of a wall-clock date and minute in a time zone (handles any fixed or DST offset). */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  const guess = new Date(`${date}T00:00:00Z`).getTime() + minutes * 60_000;
  let t = guess;
  for (let i = 0; i < 3; i++) {
    const p = zonedParts(new Date(t), timeZone);
    const shown = new Date(`${p.date}T00:00:00Z`).getTime() + p.minutes * 60_000 + p.seconds * 1000;
    t += guess - shown;
  }
  return new Date(t);
}

const toMin = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function addWorkingHours(from: Date, hours: number, wh: WorkingHours, timeZone: string): Date {
  const start = toMin(wh.start);
  const end = toMin(wh.end);
  let left = Math.round(hours * 60);
  let { date, minutes, weekday } = zonedParts(from, timeZone);
  for (let guard = 0; guard < 3700; guard++) {
    if (wh.workdays.includes(weekday) && minutes < end) {
      const from0 = Math.max(minutes, start);
      const room = end - from0;
      if (left <= room) return zonedInstant(date, from0 + left, timeZone);
      left -= room;
    }
    date = nextDate(date);
    weekday = (weekday % 7) + 1;
    minutes = 0;
  }
  return new Date(from.getTime() + hours * 3_600_000);
}

/** Today's date (YYYY-MM-DD) in the unit's time zone. */
export const localDate = (at: Date, timeZone: string) => zonedParts(at, timeZone).date;
