/**
 * The one definition of the bytes of an event's audit leaf. Anything that hashes, stores or checks a leaf goes
 * through `encodeLogEntry`, so the bytes cannot drift between writer and verifier.
 */
import { bytesEqual, decodeUtf8Strict } from './bytes.js';
import { canonicalBytes, isCanonicalJsonText } from './canonical-json.js';
import { AuditError } from './errors.js';
import type { JsonObject } from './json.js';

/** An event as the audit log records it. */
export interface LogEntry {
  /** Global 0-based position of the event; also its leaf index in the Merkle tree. */
  readonly index: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  /** ISO 8601 instant. */
  readonly recordedAt: string;
  readonly data: JsonObject;
}

/** Version of the leaf encoding; a new layout gets a new number rather than changing old leaves' meaning. */
const ENTRY_VERSION = 1;

const WIRE_KEYS = ['at', 'data', 'id', 'index', 'stream', 'type', 'v', 'version'] as const;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(why: string): never {
  throw new AuditError('audit.entry_malformed', `log entry ${why}`);
}

function assertEntryShape(entry: LogEntry): void {
  if (!isCount(entry.index)) malformed('index must be a safe integer ≥ 0');
  if (!isCount(entry.streamVersion)) malformed('streamVersion must be a safe integer ≥ 0');
  for (const field of ['eventId', 'streamId', 'type', 'recordedAt'] as const) {
    if (typeof entry[field] !== 'string') malformed(`${field} must be a string`);
  }
  if (!isJsonObject(entry.data)) malformed('data must be a JSON object');
}

/**
 * The canonical bytes of an audit leaf: the RFC 8785 UTF-8 text of
 * `{"v":1,"index":…,"id":…,"stream":…,"version":…,"type":…,"at":…,"data":…}` (members then sorted by JCS).
 *
 * @throws AuditError `audit.entry_malformed` for a field of the wrong type, `audit.not_canonicalizable` when
 * `data` is not plain JSON.
 * @example const leaf = leafHash(encodeLogEntry(entry));
 */
export function encodeLogEntry(entry: LogEntry): Uint8Array {
  assertEntryShape(entry);
  return canonicalBytes({
    v: ENTRY_VERSION,
    index: entry.index,
    id: entry.eventId,
    stream: entry.streamId,
    version: entry.streamVersion,
    type: entry.type,
    at: entry.recordedAt,
    data: entry.data,
  });
}

/**
 * Parses leaf bytes back into an entry, strictly: valid UTF-8, exactly the fields above with the right types,
 * `v` = 1, and bytes identical to the entry's own encoding, so a leaf has one and only one byte form.
 *
 * @throws AuditError `audit.entry_malformed` or `audit.entry_not_canonical`.
 */
export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  if (!(bytes instanceof Uint8Array)) malformed('is not bytes');
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) malformed('is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    malformed('is not JSON');
  }
  if (!isJsonObject(parsed)) malformed('is not a JSON object');
  const keys = Object.keys(parsed).sort();
  if (keys.length !== WIRE_KEYS.length || keys.some((key, i) => key !== WIRE_KEYS[i])) {
    malformed(`must have exactly the members ${WIRE_KEYS.join(', ')}`);
  }
  const wire = parsed as Record<(typeof WIRE_KEYS)[number], unknown>;
  if (wire.v !== ENTRY_VERSION) malformed(`version must be ${ENTRY_VERSION}`);
  const entry = {
    index: wire.index,
    eventId: wire.id,
    streamId: wire.stream,
    streamVersion: wire.version,
    type: wire.type,
    recordedAt: wire.at,
    data: wire.data,
  } as LogEntry;
  assertEntryShape(entry);
  // A leaf whose text JSON.stringify gives back, members in order, is its own canonical encoding; any other is
  // encoded again and compared, which says why it is not.
  if (isCanonicalJsonText(text, parsed)) return entry;
  let reencoded: Uint8Array;
  try {
    reencoded = encodeLogEntry(entry);
  } catch (error) {
    if (error instanceof AuditError) malformed(`cannot be canonicalised: ${error.message}`);
    throw error;
  }
  if (!bytesEqual(reencoded, bytes)) {
    throw new AuditError('audit.entry_not_canonical', 'log entry bytes are not in RFC 8785 canonical form');
  }
  return entry;
}

/** An entry's fields other than its data, as an event row holds them. */
export type LogEntryHeader = Omit<LogEntry, 'data'>;

/**
 * The text around the data in a leaf. The wire members in RFC 8785 order are at, data, id, index, stream, type, v,
 * version, and JCS writes strings and safe integers exactly as ECMAScript's JSON.stringify does (RFC 8785
 * §3.2.2.2, §3.2.2.3): so a leaf is this prefix, the canonical text of the data, and this suffix.
 */
function leafFraming(header: LogEntryHeader): { prefix: string; suffix: string } {
  return {
    prefix: `{"at":${JSON.stringify(header.recordedAt)},"data":`,
    suffix:
      `,"id":${JSON.stringify(header.eventId)},"index":${header.index},"stream":${JSON.stringify(header.streamId)}` +
      `,"type":${JSON.stringify(header.type)},"v":${ENTRY_VERSION},"version":${header.streamVersion}}`,
  };
}

/**
 * The text of the data member inside `leaf`, when the leaf's other members are exactly `header`'s; undefined
 * otherwise. A writer stores this text as the row's data, so that a verifier can hold a row to its leaf by comparing
 * strings ({@link leafSaysRow}) instead of re-encoding every row.
 */
export function leafDataText(header: LogEntryHeader, leaf: Uint8Array): string | undefined {
  if (!isCount(header.index) || !isCount(header.streamVersion)) return undefined;
  const text = decodeUtf8Strict(leaf);
  if (text === undefined) return undefined;
  const { prefix, suffix } = leafFraming(header);
  if (text.length < prefix.length + suffix.length || !text.startsWith(prefix) || !text.endsWith(suffix)) {
    return undefined;
  }
  return text.slice(prefix.length, text.length - suffix.length);
}

/**
 * Whether a row stored as `header` and the data text `dataText` says exactly what `leaf` says. True only for rows
 * whose data text is the leaf's own (what the writer stores); false says nothing by itself, and the caller then
 * compares the slow way: the row's data parsed and re-encoded ({@link encodeLogEntry}).
 */
export function leafSaysRow(header: LogEntryHeader, dataText: string, leaf: Uint8Array): boolean {
  return leafDataText(header, leaf) === dataText;
}
