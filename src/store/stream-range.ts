import type { StoredEvent, StreamRange } from '../app/ports.js';

/**
 * The stream versions a `StreamRange` names, checked: `fromVersion` is 1-based, `limit` counts events. Every adapter
 * reads a range through here, so that they agree on what a range means.
 */
export function streamRangeBounds(range: StreamRange): { fromVersion: number; limit: number | undefined } {
  const { fromVersion = 1, limit } = range;
  if (!Number.isSafeInteger(fromVersion) || fromVersion < 1) {
    throw new RangeError(`a stream range starts at version 1 or later, not ${fromVersion}`);
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new RangeError(`a stream range reads zero or more events, not ${limit}`);
  }
  return { fromVersion, limit };
}

/** The events of a whole stream (in stream order) that a range names. */
export function sliceStream(events: readonly StoredEvent[], range: StreamRange): StoredEvent[] {
  const { fromVersion, limit } = streamRangeBounds(range);
  const start = fromVersion - 1;
  return events.slice(start, limit === undefined ? undefined : start + limit);
}

/**
 * Whether a range read returned the stream up to its end, so that its version is known: fewer events than the
 * limit (or no limit), and at least one event unless the range started at the first version.
 */
export function rangeReachedEnd(events: readonly StoredEvent[], range: StreamRange): boolean {
  const { fromVersion, limit } = streamRangeBounds(range);
  if (limit !== undefined && events.length >= limit) return false;
  return events.length > 0 || fromVersion === 1;
}
