/**
 * Lists a person works with (issue 14): the server filters, sorts and pages them, and gives every page of the filter
 * as CSV. A page shows the first page of the current filter and order and loads the next on request; the column
 * headers sort (with `aria-sort`), and the CSV link always names the filter on screen.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiGet } from './api.js';
import { Button } from './components.js';
import { messageOf } from './errors.js';

export type SortDirection = 'asc' | 'desc';

/** The filter and order of one list as its query parameters name them; empty filters are left out. */
export interface ListQuery {
  readonly filters: Readonly<Record<string, string>>;
  readonly sort: string;
  readonly direction: SortDirection;
}

/** The query string of a list's filter and order: what the JSON pages and the CSV link share. */
export function listSearch(query: ListQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query.filters))
    if (value.trim() !== '') params.set(name, value.trim());
  params.set('sort', query.sort);
  params.set('direction', query.direction);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params.toString();
}

/** The order after a click on a column's header: the same column turns round, another starts ascending. */
export function nextSort(query: ListQuery, column: string): ListQuery {
  return query.sort === column
    ? { ...query, direction: query.direction === 'asc' ? 'desc' : 'asc' }
    : { ...query, sort: column, direction: 'asc' };
}

/**
 * The rows of `path` (answering `{ [key]: rows, nextCursor }`) for `query`: the first page, then more on request.
 * A change of filter or order, or of `reloadKey`, reads the first page again; an answer to an older query is dropped.
 */
export function useServerList<T>(path: string, key: string, query: ListQuery, reloadKey: unknown = 0) {
  const [rows, setRows] = useState<T[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [loadingMore, setLoadingMore] = useState(false);
  const search = listSearch(query);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for the same query again on purpose
  useEffect(() => {
    let current = true;
    apiGet<Record<string, unknown> & { nextCursor?: string | null }>(`${path}?${search}`).then(
      (page) => {
        if (!current) return;
        setRows((page[key] as T[] | undefined) ?? []);
        setNextCursor(page.nextCursor ?? null);
        setError(undefined);
      },
      (failure: unknown) => {
        if (current) setError(messageOf(failure));
      },
    );
    return () => {
      current = false;
    };
  }, [path, key, search, reloadKey]);

  const loadMore = useCallback(async () => {
    if (nextCursor === null) return;
    setLoadingMore(true);
    try {
      const page = await apiGet<Record<string, unknown> & { nextCursor?: string | null }>(
        `${path}?${search}&cursor=${encodeURIComponent(nextCursor)}`,
      );
      setRows((before) => [...(before ?? []), ...((page[key] as T[] | undefined) ?? [])]);
      setNextCursor(page.nextCursor ?? null);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setLoadingMore(false);
    }
  }, [path, key, search, nextCursor]);

  return {
    rows,
    error,
    hasMore: nextCursor !== null,
    loadingMore,
    loadMore,
    csvHref: `${path}?${listSearch(query, { format: 'csv' })}`,
  };
}

/** A column header that sorts the list by its column: a button inside, the order told by `aria-sort`. */
export function SortHeader({
  column,
  label,
  query,
  onSort,
}: {
  column: string;
  label: string;
  query: ListQuery;
  onSort: (query: ListQuery) => void;
}) {
  const { t } = useTranslation();
  const active = query.sort === column;
  const ascending = query.direction === 'asc';
  return (
    <th scope="col" aria-sort={active ? (ascending ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(nextSort(query, column))}
        title={t('lists.sortBy', { column: label })}
      >
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (ascending ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

/** "Load more" under a list while the server has a next page, and the CSV of the filter on screen. */
export function ListFooter({
  hasMore,
  loadingMore,
  loadMore,
  csvHref,
  filename,
}: {
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
  csvHref: string;
  filename: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="list-footer">
      {hasMore ? (
        <Button busy={loadingMore} busyLabel={t('loadingMore')} onClick={() => void loadMore()}>
          {t('loadMore')}
        </Button>
      ) : null}
      <a className="csv-link" href={csvHref} download={filename}>
        {t('lists.csv')}
      </a>
    </div>
  );
}
