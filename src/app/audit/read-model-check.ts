/**
 * Holds the read models against the log (issue 10, row E): a database administrator who edits or deletes a row of a
 * derived table — an alert, a visit's yard slot — changes what people see without touching the log, so the
 * append-only checks (`integrity.usecases.ts`) would never notice. Here every checked table (`READ_MODEL_TABLES`)
 * is compared, field by field after a JSON round trip, with what `ReadModelProjection` folds from the log.
 *
 * Incremental, with a bounded amount of work per cycle (`keysPerCycle`):
 * - the watermark is the number of events folded; each cycle folds only what was appended since;
 * - the subjects those events touched are queued, and at most `keysPerCycle` of them are compared per cycle;
 * - a rolling cursor compares the next `keysPerCycle` subjects the log knows (wrapping), and another walks the
 *   subjects each table holds in its own key order, so an edited old row or a row the log never wrote is found
 *   within ⌈subjects / keysPerCycle⌉ cycles;
 * - every table's row count is compared with the expected count each cycle, so a deleted row shows at once (the
 *   subject is then found by walking that one table).
 *
 * The comparison runs inside a store transaction, which holds the log head: no writer can commit events and their
 * rows between what the check folds and what it reads.
 */
import { canonicalBytes } from '../../audit/index.js';
import { terminalOfOperator } from '../alerts/index.js';
import type { JsonValue, LedgerReads, LedgerStore, StoredEvent } from '../ports.js';
import { READ_MODEL_TABLES, type ReadModelTable, type ReadModelTableReads } from './read-model.ports.js';
import {
  keyedByAlert,
  type ProjectionFacts,
  ReadModelProjection,
  type TouchedSubjects,
} from './read-model-projection.js';

/** One row that is not what the log folds to. */
export interface ReadModelMismatch {
  readonly table: ReadModelTable;
  /** The alert id or visit reference whose rows differ. */
  readonly subject: string;
  /** The row's key: the alert id, the visit reference, or for a row among several the subject and the row's key. */
  readonly key: string;
  /** The first differing field (a JSON path into `view` or `evidence` where it can be named); null for a whole row. */
  readonly field: string | null;
  /** The latest event the row derives from: the evidence of what it should say. */
  readonly lastIndex: number;
  readonly reason: string;
}

export type ReadModelCheckResult =
  | { readonly ok: true; readonly watermark: number; readonly keysChecked: number }
  | { readonly ok: false; readonly watermark: number; readonly mismatch: ReadModelMismatch };

const FOLD_BATCH = 2000;

/** A value as it comes back from the database: `undefined` dropped, numbers and strings as JSON has them. */
function normalise(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

function sameJson(a: JsonValue, b: JsonValue): boolean {
  const left = canonicalBytes(a);
  const right = canonicalBytes(b);
  return left.length === right.length && left.every((byte, i) => byte === right[i]);
}

/** The path of the first difference between two JSON values, below `path`. */
function firstDifference(expected: JsonValue, stored: JsonValue, path: string): string {
  const isObject = (v: JsonValue): v is Record<string, JsonValue> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(expected) && isObject(stored)) {
    for (const key of [...new Set([...Object.keys(expected), ...Object.keys(stored)])].sort()) {
      const e = expected[key] ?? null;
      const s = stored[key] ?? null;
      if (!sameJson(e, s)) return firstDifference(e, s, `${path}.${key}`);
    }
  }
  if (Array.isArray(expected) && Array.isArray(stored) && expected.length === stored.length) {
    for (const [i, e] of expected.entries()) {
      if (!sameJson(e, stored[i]!)) return firstDifference(e, stored[i]!, `${path}[${i}]`);
    }
  }
  return path;
}

const short = (value: JsonValue) => {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** The tables whose subject (a visit) can hold several rows, each with a key of its own. */
const SEVERAL_ROWS_PER_SUBJECT: ReadonlySet<ReadModelTable> = new Set([
  'yard_cell',
  'release_party',
  'pickup_credential',
]);

/** The key of one row among a subject's several (a yard cell, a release party, a pickup credential). */
function rowKey(table: ReadModelTable, row: Record<string, JsonValue>): string {
  if (table === 'yard_cell') {
    return `${row.visitRef} ${row.terminal}/${row.block}/${row.bay}/${row.row}/${row.tier}`;
  }
  if (table === 'release_party') return `${row.visitRef} ${row.orgId}`;
  if (table === 'pickup_credential') return `${row.visitRef} ${row.credentialId}`;
  return String(row.visitRef ?? row.alertId);
}

/**
 * The first difference between the rows the log folds to and the rows stored for one subject, or undefined.
 * Pure; exported for the rebuild, which counts what it changes with the same rule.
 */
export function compareSubject(
  table: ReadModelTable,
  subject: string,
  expectedRows: readonly unknown[],
  storedRows: readonly unknown[],
): Omit<ReadModelMismatch, 'lastIndex' | 'subject'> | undefined {
  const expected = expectedRows.map(normalise) as Record<string, JsonValue>[];
  const stored = storedRows.map(normalise) as Record<string, JsonValue>[];
  if (expected.length <= 1 && stored.length <= 1) {
    const [e] = expected;
    const [s] = stored;
    if (!e && !s) return undefined;
    // A row among several (a yard cell, a pickup credential) is named by its own key, even when it is the only one.
    const keyOf = (row: Record<string, JsonValue>) =>
      SEVERAL_ROWS_PER_SUBJECT.has(table) ? rowKey(table, row) : subject;
    if (!s) return { table, key: keyOf(e!), field: null, reason: `the row is missing` };
    if (!e)
      return { table, key: keyOf(s), field: null, reason: 'the row is there, but no event explains it' };
    for (const field of [...new Set([...Object.keys(e), ...Object.keys(s)])]) {
      const ev = e[field] ?? null;
      const sv = s[field] ?? null;
      if (!sameJson(ev, sv)) {
        const path = firstDifference(ev, sv, field);
        return {
          table,
          key: keyOf(e),
          field: path,
          reason: `${path} is ${short(pick(sv, path.slice(field.length)))}, the log says ${short(pick(ev, path.slice(field.length)))}`,
        };
      }
    }
    return undefined;
  }
  const text = (row: Record<string, JsonValue>) => new TextDecoder().decode(canonicalBytes(row));
  const storedTexts = new Set(stored.map(text));
  const expectedTexts = new Set(expected.map(text));
  const missing = expected.find((row) => !storedTexts.has(text(row)));
  if (missing) return { table, key: rowKey(table, missing), field: null, reason: 'the row is missing' };
  const extra = stored.find((row) => !expectedTexts.has(text(row)));
  if (extra) {
    return {
      table,
      key: rowKey(table, extra),
      field: null,
      reason: 'the row is there, but no event explains it',
    };
  }
  if (expected.length !== stored.length) {
    return {
      table,
      key: subject,
      field: null,
      reason: `${stored.length} rows, the log says ${expected.length}`,
    };
  }
  return undefined;
}

/** The value at a path suffix such as `.slot.bay` or `[2].label`, for the message. */
function pick(value: JsonValue, path: string): JsonValue {
  let current: JsonValue = value;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (current === null || typeof current !== 'object') return null;
    current = (Array.isArray(current) ? current[Number(part)] : current[part]) ?? null;
  }
  return current;
}

/** Groups stored records by subject. */
function bySubject(table: ReadModelTable, records: readonly unknown[]): Map<string, unknown[]> {
  const groups = new Map<string, unknown[]>();
  for (const record of records) {
    const subject = keyedByAlert(table)
      ? String((record as { alertId: number }).alertId)
      : (record as { visitRef: string }).visitRef;
    const group = groups.get(subject) ?? [];
    group.push(record);
    groups.set(subject, group);
  }
  return groups;
}

/** Folds `reads`' events from the projection's watermark to `size`, in batches. */
export async function foldUpTo(
  projection: ReadModelProjection,
  reads: Pick<LedgerReads, 'readEvents'>,
  size: number,
  onTouched?: (touched: TouchedSubjects) => void,
  /** Awaited between batches, outside a transaction, so that a long fold lets requests run (issue 13). */
  pause?: () => Promise<void>,
): Promise<void> {
  let first = true;
  while (projection.size < size) {
    if (!first) await pause?.();
    first = false;
    const events: StoredEvent[] = await reads.readEvents(
      projection.size,
      Math.min(FOLD_BATCH, size - projection.size),
    );
    if (events.length === 0) throw new Error(`read-model check: event ${projection.size} cannot be read`);
    // Applied first: `onTouched?.(…)` alone would skip evaluating its argument when there is no listener.
    const touched = await projection.apply(events);
    onTouched?.(touched);
  }
}

/** The facts the projection asks of the identity tables, as the alert writers ask them, remembered. */
export function identityFacts(reads: LedgerReads): ProjectionFacts {
  const orgs = new Map<string, string>();
  const terminals = new Map<string, string | null>();
  return {
    async orgOfUser(userId) {
      if (!orgs.has(userId)) orgs.set(userId, (await reads.identity.getUser(userId))?.orgId ?? '');
      return orgs.get(userId)!;
    },
    async terminalOfOperator(operator) {
      if (!terminals.has(operator)) terminals.set(operator, await terminalOfOperator(reads, operator));
      return terminals.get(operator)!;
    },
  };
}

/** Compares the given subjects of one table; the first mismatch, if any. */
async function compareSubjects(
  projection: ReadModelProjection,
  tables: ReadModelTableReads,
  table: ReadModelTable,
  subjects: readonly string[],
): Promise<ReadModelMismatch | undefined> {
  if (subjects.length === 0) return undefined;
  const stored = bySubject(table, await tables.rowsOf(table, subjects));
  for (const subject of subjects) {
    const found = compareSubject(
      table,
      subject,
      projection.expectedRows(table, subject),
      stored.get(subject) ?? [],
    );
    if (found) return { ...found, subject, lastIndex: projection.lastIndexOf(table, subject) };
  }
  return undefined;
}

/** The subject a count mismatch is about: walks the whole table (only ever on a failure). */
async function findByWalking(
  projection: ReadModelProjection,
  tables: ReadModelTableReads,
  table: ReadModelTable,
  batch: number,
): Promise<ReadModelMismatch | undefined> {
  const seen = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const subjects = await tables.subjectsAfter(table, after, batch);
    const found = await compareSubjects(projection, tables, table, subjects);
    if (found) return found;
    for (const subject of subjects) seen.add(subject);
    if (subjects.length < batch) break;
    after = subjects.at(-1);
  }
  const kind = keyedByAlert(table) ? 'alert' : 'visit';
  const missing = projection
    .subjects(kind)
    .map(String)
    .filter((subject) => !seen.has(subject) && projection.expectedRows(table, subject).length > 0);
  for (let i = 0; i < missing.length; i += batch) {
    const found = await compareSubjects(projection, tables, table, missing.slice(i, i + batch));
    if (found) return found;
  }
  return undefined;
}

/**
 * The integrity watch's read-model check: one projection of the log, kept between cycles, and the cursors of the
 * rolling comparison.
 *
 * @example
 * const check = new ReadModelCheck({ store, keysPerCycle: 500 });
 * const result = await check.run();
 * if (!result.ok) console.error(`${result.mismatch.table} ${result.mismatch.key}: ${result.mismatch.reason}`);
 */
export class ReadModelCheck {
  private readonly projection: ReadModelProjection;
  private readonly store: LedgerStore;
  private readonly keysPerCycle: number;
  private readonly pending = { visit: new Set<string>(), alert: new Set<string>() };
  private readonly rolling = { visit: 0, alert: 0 };
  private readonly storedCursor = new Map<ReadModelTable, string | undefined>();
  /** The row the last cycle found wrong: compared first, so a failure holds until the row is right again. */
  private suspect: { table: ReadModelTable; subject: string } | undefined;

  constructor(args: { store: LedgerStore; keysPerCycle: number }) {
    this.store = args.store;
    if (!Number.isSafeInteger(args.keysPerCycle) || args.keysPerCycle < 1) {
      throw new Error(
        `read-model check: keys per cycle must be a positive integer, not ${args.keysPerCycle}`,
      );
    }
    this.keysPerCycle = args.keysPerCycle;
    this.projection = new ReadModelProjection(identityFacts(args.store));
  }

  /** The number of events folded and verified against. */
  get watermark(): number {
    return this.projection.size;
  }

  private queue(touched: TouchedSubjects): void {
    for (const visitRef of touched.visitRefs) this.pending.visit.add(visitRef);
    for (const alertId of touched.alertIds) this.pending.alert.add(alertId);
  }

  private take(kind: 'visit' | 'alert'): string[] {
    const taken: string[] = [];
    for (const subject of this.pending[kind]) {
      if (taken.length >= this.keysPerCycle) break;
      taken.push(subject);
    }
    for (const subject of taken) this.pending[kind].delete(subject);
    const all = this.projection.subjects(kind);
    const slice = Math.min(this.keysPerCycle, all.length);
    for (let i = 0; i < slice; i++) taken.push(String(all[(this.rolling[kind] + i) % all.length]));
    this.rolling[kind] = all.length === 0 ? 0 : (this.rolling[kind] + slice) % all.length;
    return [...new Set(taken)];
  }

  /** One cycle. Undefined when the store keeps no read-model tables it can show (the memory store). */
  async run(): Promise<ReadModelCheckResult | undefined> {
    if (!this.store.readModels) return undefined;
    // The bulk of the fold, outside the transaction: writers are not held up by it.
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    await foldUpTo(this.projection, this.store, await this.store.logSize(), (t) => this.queue(t), pause);
    await this.projection.countRows(pause);
    return this.store.writeTransaction(async (tx) => {
      const tables = tx.readModels;
      if (!tables) return undefined;
      await foldUpTo(this.projection, tx, await tx.logSize(), (t) => this.queue(t));
      const watermark = this.projection.size;
      const fail = (mismatch: ReadModelMismatch): ReadModelCheckResult => {
        this.suspect = { table: mismatch.table, subject: mismatch.subject };
        return { ok: false, watermark, mismatch };
      };
      let keysChecked = 0;
      if (this.suspect) {
        const { table, subject } = this.suspect;
        const found =
          subject === '*' ? undefined : await compareSubjects(this.projection, tables, table, [subject]);
        if (found) return fail(found);
        this.suspect = undefined;
      }

      for (const table of READ_MODEL_TABLES) {
        const stored = await tables.countRows(table);
        const expected = this.projection.expectedCount(table);
        if (stored !== expected) {
          const found = await findByWalking(this.projection, tables, table, this.keysPerCycle);
          return fail(
            found ?? {
              table,
              subject: '*',
              key: '*',
              field: null,
              lastIndex: watermark - 1,
              reason: `${stored} rows, the log says ${expected}`,
            },
          );
        }
      }

      const visits = this.take('visit');
      const alerts = this.take('alert');
      for (const table of READ_MODEL_TABLES) {
        const subjects = keyedByAlert(table) ? alerts : visits;
        const found = await compareSubjects(this.projection, tables, table, subjects);
        if (found) return fail(found);
        keysChecked += subjects.length;

        const after = this.storedCursor.get(table);
        const held = await tables.subjectsAfter(table, after, this.keysPerCycle);
        this.storedCursor.set(table, held.length < this.keysPerCycle ? undefined : held.at(-1));
        const heldFound = await compareSubjects(this.projection, tables, table, held);
        if (heldFound) return fail(heldFound);
        keysChecked += held.length;
      }
      return { ok: true, watermark, keysChecked };
    });
  }
}
