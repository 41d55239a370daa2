/** The lists the server answers a page at a time, read whole where the console needs all of one (issue 13). */
import { apiGet } from './api.js';

/** The most rows the server gives in one page of these lists (`limit` above it is 400 `request.invalid`). */
const PAGE = 500;
/** A guard against a server that kept answering a next page: 50,000 rows is no list a person picks from. */
const MOST_PAGES = 100;

/**
 * Every row of a keyset-paged list (`GET …?limit=&cursor=` answering `{ [key]: rows, nextCursor }`), following
 * `nextCursor` until the last page: for the pickers that offer all of a list, such as a haulier's drivers, the party
 * directory or the organisations. The server bounds each request; the console asks for as many pages as there are.
 *
 * @example
 * const drivers = await allPages<Driver>('/v1/drivers', 'drivers');
 */
export async function allPages<T>(path: string, key: string): Promise<T[]> {
  const rows: T[] = [];
  const join = path.includes('?') ? '&' : '?';
  let cursor: string | null = null;
  for (let pages = 0; pages < MOST_PAGES; pages += 1) {
    const url: string = `${path}${join}limit=${PAGE}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const page = await apiGet<Record<string, unknown> & { nextCursor?: string | null }>(url);
    rows.push(...((page[key] as T[] | undefined) ?? []));
    cursor = page.nextCursor ?? null;
    if (cursor === null) break;
  }
  return rows;
}
