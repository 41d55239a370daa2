/**
 * The console's client-networks editor (web/src/access/org-networks.ts) against the domain's own check
 * (src/domain/detection/networks.ts): the field a refusal names is read back to the row and column the person typed
 * it in, and the rows the console sends are the list the server accepts.
 */
import { describe, expect, it } from 'vitest';
import { checkDeclaredNetworks } from '../../src/domain/index.js';
import {
  checkRows,
  coordinateOf,
  type NetworkRow,
  problemPlace,
  problemSentence,
  rowsOf,
} from '../../web/src/access/org-networks.js';

const row = (key: number, cidr: string, place: string, lat: string, lon: string): NetworkRow => ({
  key,
  cidr,
  place,
  lat,
  lon,
});

describe('client networks in the console', () => {
  it('reads the cell the domain check names, for each column', () => {
    const good = { cidr: '192.0.2.0/24', place: 'Antwerp', lat: 51.22, lon: 4.4 };
    const cases = [
      [{ ...good, cidr: '192.0.2.1/24' }, 'cidr'],
      [{ ...good, place: ' ' }, 'place'],
      [{ ...good, lat: 91 }, 'lat'],
      [{ ...good, lon: -181 }, 'lon'],
    ] as const;
    for (const [bad, column] of cases) {
      const checked = checkDeclaredNetworks([{ ...good, cidr: '10.0.0.0/8' }, bad]);
      expect(checked.ok).toBe(false);
      if (checked.ok) continue;
      const problem = {
        code: 'input.invalid',
        detail: `${checked.field} ${checked.problem}`,
        details: { field: checked.field },
      };
      expect(problemPlace(problem)).toEqual({ row: 1, column });
      expect(problemSentence(problem.detail)).toBe(checked.problem);
    }
  });

  it("reads the cell of the route schema's refusal, and leaves a refusal of the whole list to the list", () => {
    const refusal = { code: 'request.invalid', detail: 'body/networks/3/lat must be <= 90' };
    expect(problemPlace(refusal)).toEqual({ row: 3, column: 'lat' });
    expect(problemSentence(refusal.detail)).toBe('must be <= 90');
    expect(
      problemPlace({ code: 'request.invalid', detail: 'body/networks must NOT have more than 200 items' }),
    ).toEqual({ row: undefined, column: undefined });
    expect(problemPlace({ code: 'auth.step_up_required', detail: 'x' })).toEqual({
      row: undefined,
      column: undefined,
    });
  });

  it('sends what the domain accepts, with a decimal comma read as a point', () => {
    const checked = checkRows([
      row(1, ' 192.0.2.0/24 ', 'Antwerp ', '51,2194', '4.4025'),
      row(2, '2001:db8:1::/48', 'Rotterdam', '51.92', '4,48'),
    ]);
    expect(checked).toEqual({
      ok: true,
      networks: [
        { cidr: '192.0.2.0/24', place: 'Antwerp', lat: 51.2194, lon: 4.4025 },
        { cidr: '2001:db8:1::/48', place: 'Rotterdam', lat: 51.92, lon: 4.48 },
      ],
    });
    if (checked.ok) expect(checkDeclaredNetworks(checked.networks).ok).toBe(true);
  });

  it('names blank cells, coordinates that are not numbers and a range listed twice, and sends nothing', () => {
    expect(
      checkRows([
        row(1, '', 'Antwerp', 'north', ''),
        row(2, '10.0.0.0/8', '', '1', '2'),
        row(3, '10.0.0.0/8', 'x', '1', '2'),
      ]),
    ).toEqual({
      ok: false,
      problems: {
        '0:cidr': 'blank',
        '0:lat': 'notNumber',
        '0:lon': 'blank',
        '1:place': 'blank',
        '2:cidr': 'twice',
      },
    });
    expect(coordinateOf('1e3')).toBeUndefined();
  });

  it('writes coordinates back with a decimal comma in Dutch, and reads them as the same numbers', () => {
    const declared = [{ cidr: '192.0.2.0/24', place: 'Antwerp', lat: 51.2194, lon: -4.4 }];
    const [dutch] = rowsOf(declared, true);
    expect([dutch?.lat, dutch?.lon]).toEqual(['51,2194', '-4,4']);
    expect(checkRows(rowsOf(declared, true))).toEqual({ ok: true, networks: declared });
    expect(checkRows(rowsOf(declared))).toEqual({ ok: true, networks: declared });
    expect(coordinateOf('-0.5')).toBe(-0.5);
  });
});
