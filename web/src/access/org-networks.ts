/**
 * An organisation's declared client networks as the console edits them (issue 15): rows of text as typed, the list
 * sent to `PUT /v1/admin/orgs/{orgId}/networks`, and which row and column a 400 problem names, so that its detail is
 * shown beside that input. Pure: no React, no fetch.
 */

/** One declared network, as the server answers and stores it. */
export interface DeclaredNetwork {
  cidr: string;
  place: string;
  lat: number;
  lon: number;
}

/** The answer of `GET`/`PUT /v1/admin/orgs/{orgId}/networks`. */
export interface OrganisationNetworks {
  orgId: string;
  networks: DeclaredNetwork[];
  setBy: string | null;
  setAt: string | null;
}

export const NETWORK_COLUMNS = ['cidr', 'place', 'lat', 'lon'] as const;
export type NetworkColumn = (typeof NETWORK_COLUMNS)[number];

/** A row of the editor: what the person typed, and a key that stays with the row when others are removed. */
export interface NetworkRow {
  key: number;
  cidr: string;
  place: string;
  lat: string;
  lon: string;
}

/** Where a problem points: a cell (`row` from 0, in the order sent), or the list as a whole. */
export type ProblemPlace = { row: number; column: NetworkColumn } | { row: undefined; column: undefined };

let nextKey = 0;
/** A fresh row key; keys only have to differ within one page. */
export const rowKey = () => {
  nextKey += 1;
  return nextKey;
};

/**
 * The rows of a declared list, coordinates written as the person reads numbers (`decimalComma` in Dutch: 51,2194);
 * {@link coordinateOf} reads either back.
 */
export function rowsOf(networks: readonly DeclaredNetwork[], decimalComma = false): NetworkRow[] {
  const degrees = (value: number) => (decimalComma ? String(value).replace('.', ',') : String(value));
  return networks.map((n) => ({
    key: rowKey(),
    cidr: n.cidr,
    place: n.place,
    lat: degrees(n.lat),
    lon: degrees(n.lon),
  }));
}

/**
 * A typed coordinate as a number: a decimal comma is accepted (Dutch keyboards and habits write 51,22). `undefined`
 * when the text is not a number at all; the range is the server's to judge.
 *
 * @example
 * ```ts
 * coordinateOf('51,22'); // 51.22
 * coordinateOf(' -4.4 '); // -4.4
 * coordinateOf('north'); // undefined
 * ```
 */
export function coordinateOf(text: string): number | undefined {
  const normalised = text.trim().replace(',', '.');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(normalised)) return undefined;
  const value = Number(normalised);
  return Number.isFinite(value) ? value : undefined;
}

/** What is wrong with a row before it is sent: blank text or a coordinate that is not a number. */
export type LocalProblem = 'blank' | 'notNumber' | 'twice';

/**
 * The list to send, or the first things wrong with the rows by `row:column` (nothing is sent while any is). The
 * server checks everything again (CIDR syntax, ranges, duplicates); this only spares a round trip for what the
 * person can see at once.
 */
export function checkRows(
  rows: readonly NetworkRow[],
): { ok: true; networks: DeclaredNetwork[] } | { ok: false; problems: Record<string, LocalProblem> } {
  const problems: Record<string, LocalProblem> = {};
  const networks: DeclaredNetwork[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const cidr = row.cidr.trim();
    const place = row.place.trim();
    if (cidr === '') problems[`${index}:cidr`] = 'blank';
    else if (seen.has(cidr.toLowerCase())) problems[`${index}:cidr`] = 'twice';
    seen.add(cidr.toLowerCase());
    if (place === '') problems[`${index}:place`] = 'blank';
    const lat = coordinateOf(row.lat);
    const lon = coordinateOf(row.lon);
    if (row.lat.trim() === '') problems[`${index}:lat`] = 'blank';
    else if (lat === undefined) problems[`${index}:lat`] = 'notNumber';
    if (row.lon.trim() === '') problems[`${index}:lon`] = 'blank';
    else if (lon === undefined) problems[`${index}:lon`] = 'notNumber';
    if (lat !== undefined && lon !== undefined) networks.push({ cidr, place, lat, lon });
  });
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, networks };
}

const isColumn = (text: string | undefined): text is NetworkColumn =>
  (NETWORK_COLUMNS as readonly string[]).includes(text ?? '');

/**
 * The cell a 400 problem of the networks route names: `input.invalid` carries `details.field` (`networks[2].lat`,
 * from the domain's check); a request the route's schema refused (`request.invalid`) names it in its detail as
 * Fastify words it (`body/networks/2/lat must be <= 90`). Anything else is about the list as a whole.
 *
 * @example
 * ```ts
 * problemPlace({ code: 'input.invalid', details: { field: 'networks[2].cidr' } }); // { row: 2, column: 'cidr' }
 * problemPlace({ code: 'request.invalid', detail: 'body/networks/0/lat must be <= 90' }); // { row: 0, column: 'lat' }
 * ```
 */
export function problemPlace(problem: Record<string, unknown>): ProblemPlace {
  const whole = { row: undefined, column: undefined };
  let match: RegExpExecArray | null = null;
  if (problem.code === 'input.invalid') {
    const field = (problem.details as { field?: unknown } | undefined)?.field;
    if (typeof field === 'string') match = /^networks\[(\d+)\]\.(\w+)$/.exec(field);
  } else if (problem.code === 'request.invalid' && typeof problem.detail === 'string') {
    match = /^body\/networks\/(\d+)\/(\w+)\b/.exec(problem.detail);
  }
  if (!match || !isColumn(match[2])) return whole;
  return { row: Number(match[1]), column: match[2] };
}

/**
 * The server's sentence without the field path it starts with, since it is shown beside that field:
 * "networks[0].cidr is not a CIDR range (…)" → "is not a CIDR range (…)".
 */
export function problemSentence(detail: string): string {
  return detail.replace(/^(networks\[\d+\]\.\w+|body\/networks\/\d+\/\w+)\s+/, '');
}
