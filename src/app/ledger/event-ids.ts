/**
 * Event ids ordered by time (issue 13, bulk ingest): a UUID version 7 (RFC 9562 §5.7), 48 bits of Unix milliseconds
 * then 74 random bits. The event table keeps a unique index on the id; with random (version 4) ids every insert
 * lands on a random page of that index, so a batch of 500 events dirties hundreds of pages, each written to the WAL
 * at commit, and the cost grows with the log. Ids that follow the clock land at the end of the index, as the log's
 * own index does. An id says nothing the event's `recordedAt` does not already say.
 */

/** A UUID version 7 for the instant `ms` (Unix milliseconds), from 10 random bytes. */
export function timeOrderedEventId(ms: number, random: Uint8Array): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** 48)
    throw new RangeError(`no UUIDv7 for instant ${ms}`);
  if (random.length < 10) throw new RangeError('a UUIDv7 needs 10 random bytes');
  const bytes = new Uint8Array(16);
  let time = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(random.subarray(0, 10), 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
