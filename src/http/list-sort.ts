import { Type } from 'typebox';
import type { ListSort } from '../app/access/identity.ports.js';
import { AppError } from '../app/errors.js';
import type { CsvValue } from './csv.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

/**
 * Lists a person sorts (issue 14): `sort` names the column, `direction` the way. A page's cursor carries the order
 * it was made in with the last row's value in that column and its id, so the next page goes on in the same order
 * exactly, however many rows share a value; a cursor of another order is refused (400 `input.invalid`) rather than
 * read as a place in this one.
 */
export function sortQuery<C extends string>(columns: readonly C[], defaultColumn: C) {
  return {
    sort: Type.Optional(
      Type.Union(
        columns.map((column) => Type.Literal(column)),
        { description: `The column to sort by (default ${defaultColumn})` },
      ),
    ),
    direction: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'asc (the default) or desc' }),
    ),
  };
}

/** The order a request asks for, and where its cursor left off in that order. */
export function listSortOf<C extends string>(
  query: { sort?: string; direction?: 'asc' | 'desc'; cursor?: string },
  defaultColumn: C,
): ListSort<C> {
  const by = (query.sort ?? defaultColumn) as C;
  const direction = query.direction ?? 'asc';
  if (query.cursor === undefined) return { by, direction };
  const [cursorBy, cursorDirection, key, id] = decodeCursor(query.cursor, 4) as [
    string,
    string,
    string,
    string,
  ];
  if (cursorBy !== by || cursorDirection !== direction) {
    throw new AppError('input.invalid', 'the cursor belongs to another order of this list: start again', {
      cursor: query.cursor,
    });
  }
  return { by, direction, after: { key, id } };
}

/**
 * One page of `rows`, read with one more than the page; the cursor names the order and the page's last row by its
 * value in the sort column (`keyOf`) and its id (`idOf`).
 */
export function sortedPageOf<T, C extends string>(
  rows: readonly T[],
  limit: number,
  sort: ListSort<C>,
  keyOf: (row: T, by: C) => string,
  idOf: (row: T) => string,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodeCursor([sort.by, sort.direction, keyOf(last, sort.by), idOf(last)])
        : null,
  };
}

/**
 * Every page of a list as CSV records, from the one already read: each next page read only when the previous one
 * has been sent (for `sendCsv`).
 */
export async function* csvPages<T>(
  first: { page: readonly T[]; nextCursor: string | null },
  next: (cursor: string) => Promise<{ page: readonly T[]; nextCursor: string | null }>,
  record: (row: T) => readonly CsvValue[],
): AsyncGenerator<readonly (readonly CsvValue[])[]> {
  let current = first;
  yield current.page.map(record);
  while (current.nextCursor !== null) {
    current = await next(current.nextCursor);
    yield current.page.map(record);
  }
}

/** A yes/no filter as a query parameter: `true`/`1` or `false`/`0`. */
export const YesNo = (description: string) =>
  Type.Optional(
    Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')], {
      description,
    }),
  );

/** The yes/no a `YesNo` parameter says, or undefined when absent. */
export const yesNo = (value: string | undefined): boolean | undefined =>
  value === undefined ? undefined : value === 'true' || value === '1';

/** A "contains" filter: text a person types, trimmed by the client; at most 100 characters. */
export const Contains = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 100, description }));
