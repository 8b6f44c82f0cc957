import { isWindowOpen, localSecondsOfDay, nextWindowOpening } from '../../../src/campaigns/quiet-hours';

const window = { start: '08:00', end: '21:00' };
const at = (iso: string) => new Date(iso);

describe('quiet hours in the recipient’s own time zone', () => {
  it('reads local wall-clock time in a zone', () => {
    expect(localSecondsOfDay('America/New_York', at('2026-07-01T12:00:00Z'))).toBe(8 * 3600);
    expect(localSecondsOfDay('Asia/Dubai', at('2026-07-01T12:00:00Z'))).toBe(16 * 3600);
  });

  it('is open between start and end and closed outside', () => {
    expect(isWindowOpen(window, ['America/New_York'], at('2026-07-01T12:00:00Z'))).toBe(true); // 08:00 local
    expect(isWindowOpen(window, ['America/New_York'], at('2026-07-01T11:59:59Z'))).toBe(false); // 07:59:59
    expect(isWindowOpen(window, ['America/New_York'], at('2026-07-02T01:00:00Z'))).toBe(false); // 21:00
  });

  it('handles a window that wraps past midnight', () => {
    const night = { start: '22:00', end: '06:00' };
    expect(isWindowOpen(night, ['UTC'], at('2026-07-01T23:00:00Z'))).toBe(true);
    expect(isWindowOpen(night, ['UTC'], at('2026-07-01T05:00:00Z'))).toBe(true);
    expect(isWindowOpen(night, ['UTC'], at('2026-07-01T12:00:00Z'))).toBe(false);
  });

  it('requires the window to be open in every zone when the zone is not known', () => {
    const usZones = ['America/New_York', 'America/Los_Angeles'];
    // 08:30 in New York is 05:30 in Los Angeles: still closed for a number that could be in either.
    expect(isWindowOpen(window, usZones, at('2026-07-01T12:30:00Z'))).toBe(false);
    expect(isWindowOpen(window, usZones, at('2026-07-01T15:00:00Z'))).toBe(true);
  });

  it('sends anything when no window is set or no zone is known', () => {
    expect(isWindowOpen(null, ['UTC'], at('2026-07-01T03:00:00Z'))).toBe(true);
    expect(isWindowOpen(window, [], at('2026-07-01T03:00:00Z'))).toBe(true);
  });

  it('finds the next opening across zones', () => {
    const next = nextWindowOpening(window, ['America/New_York', 'America/Los_Angeles'], at('2026-07-01T12:30:00Z'));
    expect(new Date(next).toISOString()).toBe('2026-07-01T15:00:00.000Z'); // 08:00 in Los Angeles
    expect(nextWindowOpening(window, ['UTC'], at('2026-07-01T10:00:00Z'))).toBe(at('2026-07-01T10:00:00Z').getTime());
  });
});
