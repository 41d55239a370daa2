import { Type } from 'typebox';
import { AppError } from '../app/errors.js';

/**
 * Keyset pages of the lists that grow with the port's history (issue 13). A page is at most `limit` rows; the
 * cursor names the last row of the page before, by the columns the list is ordered by, so the next page starts
 * right after it whatever was added meanwhile. A client asking for more than the maximum is refused with 400
 * `request.invalid` by the schema, rather than silently given less.
 */
export function pageQuery(args: { max: number; default: number; rows: string }) {
  return {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: args.max,
        default: args.default,
        description: `${args.rows} per page`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 400,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'The `nextCursor` of the previous page',
      }),
    ),
  };
}

export const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'Pass as `cursor` for the next page; null on the last page',
});

/** The cursor after `parts`, the ordering columns of a page's last row: opaque to clients. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** The ordering columns a cursor names; 400 `input.invalid` for anything `encodeCursor` did not make. */
export function decodeCursor(cursor: string, arity: number): string[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== arity || !parts.every((part) => typeof part === 'string')) {
    throw new AppError('input.invalid', 'not a page cursor of this list', { cursor });
  }
  return parts as string[];
}

/**
 * One page from `rows`, read with one more than the page: whether a next page exists, without counting.
 * `keyOf` gives the ordering columns of a row, for the cursor.
 */
export function pageOf<T>(
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => readonly string[],
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? encodeCursor(keyOf(page.at(-1)!)) : null };
}
