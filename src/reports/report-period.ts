import { InvalidInput } from '../domain-errors';
import type { ReportPeriod } from '../db/message-figures';

// Reports count days and hours in the business unit's time zone: a bare date means that day's local midnight, and a
// period given as dates takes in the whole of its last day.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** MAX_REPORT_DAYS bounds a report's period, so one request cannot ask for every figure ever kept. */
export const MAX_REPORT_DAYS = 400;
/**
 * MAX_HOURLY_DAYS bounds a report per hour: hours are read from every quarter hour of the period (10,000,000 messages
 * over 90 days took 12 s per hour, a week 70 ms), and more than a month of hours is no longer a view of hours.
 */
export const MAX_HOURLY_DAYS = 31;

/** isTimeZone tells whether the runtime (and so PostgreSQL's IANA data) knows an IANA time zone name. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function offsetMs(timeZone: string, at: Date): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')!.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000 : 0;
}

/** localMidnight is the moment a calendar day (YYYY-MM-DD) starts in a time zone. */
export function localMidnight(date: string, timeZone: string): Date {
  const utc = Date.parse(`${date}T00:00:00Z`);
  // The offset at the guess may differ from the one at the true midnight across a DST change: one correction settles it.
  const guess = utc - offsetMs(timeZone, new Date(utc));
  return new Date(utc - offsetMs(timeZone, new Date(guess)));
}

/** localDate is the calendar day (YYYY-MM-DD) a moment falls on in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function moment(value: string, field: 'from' | 'to', timeZone: string): Date {
  if (DATE.test(value)) {
    if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidInput(`${value} is not a date`, field);
    const start = localMidnight(value, timeZone);
    // A date as the end of a period includes that day.
    return field === 'to'
      ? localMidnight(localDate(new Date(start.getTime() + DAY_MS * 1.5), timeZone), timeZone)
      : start;
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new InvalidInput('expected a date (YYYY-MM-DD) or an ISO 8601 date-time', field);
  return at;
}

/**
 * reportPeriod reads a report's from and to (dates in the business unit's time zone, or date-times) as [from, to);
 * without them, the last 7 days up to and including today.
 */
export function reportPeriod(
  query: { from?: string; to?: string; groupBy?: string },
  timeZone: string,
  now: Date = new Date(),
): ReportPeriod {
  const to = moment(query.to ?? localDate(now, timeZone), 'to', timeZone);
  const from = query.from
    ? moment(query.from, 'from', timeZone)
    : localMidnight(localDate(new Date(to.getTime() - 6.5 * DAY_MS), timeZone), timeZone);
  if (from.getTime() >= to.getTime()) throw new InvalidInput('must be before to', 'from');
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * DAY_MS)
    throw new InvalidInput(`a report covers at most ${MAX_REPORT_DAYS} days`, 'from');
  if (query.groupBy === 'hour' && to.getTime() - from.getTime() > MAX_HOURLY_DAYS * DAY_MS)
    throw new InvalidInput(`a report per hour covers at most ${MAX_HOURLY_DAYS} days`, 'from');
  const midnight = (at: Date) => localMidnight(localDate(at, timeZone), timeZone).getTime() === at.getTime();
  return { from, to, timeZone, wholeDays: midnight(from) && midnight(to) };
}
