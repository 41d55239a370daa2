import { describe, expect, it } from 'vitest';
import { durationInWords, terminalTime, terminalWallClock } from './terminal-time.js';

describe("the terminal's clock in words", () => {
  it('says a time on the terminal clock with its zone named, across daylight saving time', () => {
    // Antwerp is UTC+1 in winter (CET) and UTC+2 in summer (CEST).
    expect(terminalTime('2030-03-04T08:30:00Z', 'Europe/Brussels')).toBe(
      '2030-03-04 09:30 (Europe/Brussels)',
    );
    expect(terminalTime('2030-07-04T08:30:00Z', 'Europe/Brussels')).toBe(
      '2030-07-04 10:30 (Europe/Brussels)',
    );
  });

  it('leaves the date out when it is the same terminal day as the reference, and not otherwise', () => {
    expect(terminalTime('2030-03-04T08:30:00Z', 'Europe/Brussels', '2030-03-04T08:27:00Z')).toBe(
      '09:30 (Europe/Brussels)',
    );
    // 23:30 UTC on the 3rd is already the 4th in Antwerp: the same terminal day as 08:30 UTC on the 4th.
    expect(terminalTime('2030-03-04T08:30:00Z', 'Europe/Brussels', '2030-03-03T23:30:00Z')).toBe(
      '09:30 (Europe/Brussels)',
    );
    expect(terminalTime('2030-03-04T08:30:00Z', 'Europe/Brussels', '2030-03-03T22:30:00Z')).toBe(
      '2030-03-04 09:30 (Europe/Brussels)',
    );
  });

  it('falls back to UTC, named, for a zone it does not know', () => {
    expect(terminalTime('2030-03-04T08:30:00Z', 'Mars/Olympus')).toBe('2030-03-04 08:30 (UTC)');
    expect(terminalTime('2030-03-04T08:30:00Z', undefined)).toBe('2030-03-04 08:30 (UTC)');
    expect(terminalWallClock('not a time', 'Europe/Brussels')).toBeUndefined();
  });

  it.each<[number, 'up' | 'down', string]>([
    [20_000, 'down', 'less than a minute'],
    [20_000, 'up', '1 minute'],
    [150_000, 'down', '2 minutes'],
    [150_000, 'up', '3 minutes'],
    [60 * 60_000, 'down', '1 hour'],
    [65 * 60_000, 'down', '1 hour 5 minutes'],
    [(2 * 1440 + 120) * 60_000, 'down', '2 days 2 hours'],
    [-3 * 60_000, 'down', '3 minutes'],
  ])('says %i ms rounded %s as "%s"', (ms, round, words) => {
    expect(durationInWords(ms, round)).toBe(words);
  });
});
