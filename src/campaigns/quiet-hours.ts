import type { QuietHoursJson } from '../db/schema';

// A campaign's quietHours is the local-time window in which recipients may be messaged ({start: "08:00", end:
// "21:00"}); outside it a recipient is held until the window opens in their own time zone. Seconds ("08:00:30") are
// accepted so short windows can be tested without waiting minutes.

const DAY = 86_400;
const formatters = new Map<string, Intl.DateTimeFormat>();

function secondsOfDay(hhmmss: string): number {
  const [h, m, s] = hhmmss.split(':').map(Number);
  return h * 3600 + m * 60 + (s ?? 0);
}

/** localSecondsOfDay is the wall-clock time in a zone, as seconds since local midnight. */
export function localSecondsOfDay(zone: string, at: Date): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
}

function openInZone(window: QuietHoursJson, zone: string, at: Date): boolean {
  const now = localSecondsOfDay(zone, at);
  const start = secondsOfDay(window.start);
  const end = secondsOfDay(window.end);
  // A window like 21:00–08:00 wraps past midnight.
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/**
 * isWindowOpen tells whether a recipient may be messaged now. With several candidate zones (the number does not
 * say which) the window must be open in every one of them; with no zone known at all, nothing is held.
 */
export function isWindowOpen(window: QuietHoursJson | null, zones: readonly string[], at: Date): boolean {
  if (!window || zones.length === 0) return true;
  return zones.every((zone) => openInZone(window, zone, at));
}

/** nextWindowOpening is the earliest moment (epoch ms) from `at` at which the window is open in every zone. */
export function nextWindowOpening(window: QuietHoursJson, zones: readonly string[], at: Date): number {
  if (isWindowOpen(window, zones, at)) return at.getTime();
  const start = secondsOfDay(window.start);
  // Each zone opens at its next local start; the first candidate open in every zone wins. DST shifts are covered by
  // also trying one day later.
  const candidates = zones
    .flatMap((zone) => {
      const wait = (start - localSecondsOfDay(zone, at) + DAY) % DAY;
      return [wait, wait + DAY];
    })
    .map((wait) => at.getTime() + wait * 1000)
    .sort((a, b) => a - b);
  const found = candidates.find((t) => isWindowOpen(window, zones, new Date(t)));
  // Windows that never overlap across the zones (a country spanning more hours than the window): try again in an hour.
  return found ?? at.getTime() + 3600_000;
}
