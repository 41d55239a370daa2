/**
 * Holds the read models against the log (issue 10, row E): a database administrator who edits or deletes a row of a
 * derived table — an alert, a visit's yard slot — changes what people see without touching the log, so the
 * append-only checks (`integrity.usecases.ts`) would never notice. Here every checked table (`READ_MODEL_TABLES`)
 * is compared, field by field after a JSON round trip, with what the log folds to (`read-model-projection.ts`).
 *
 * Incremental, with an amount of work per cycle set by `keysPerCycle` and not by the size of the tables or of the
 * log (issue 13):
 * - the watermark is the number of events folded; each cycle folds only what was appended since, and a new watch
 *   starts at the log's size without folding what came before;
 * - the subjects those events touched are queued, and at most `keysPerCycle` of them are compared per cycle;
 * - a rolling cursor walks the log, at most `10 × keysPerCycle` entries a cycle, and compares the subjects born in
 *   them (a visit at the first event of each of its streams, an alert at its raise): every subject the log knows,
 *   once a sweep of the log, with no list of them kept;
 * - another cursor walks the subjects each table holds in its own key order, so a row the log never wrote is found
 *   within ⌈subjects / keysPerCycle⌉ cycles;
 * - each table's row count, kept by the store as its rows change, is compared with the count the log's events
 *   explain (`ReadModelExpectations`): a row inserted or deleted while the watch runs is found at its next cycle,
 *   and named by walking for it outside the write lock.
 *
 * The comparisons run outside the write lock, at the size the cycle folded to: a writer may commit between the fold
 * and the read of a row, so a difference found there is a candidate, compared again inside a store transaction,
 * which holds the log head (no writer can commit events and their rows between what is folded and what is read). A
 * subject a writer touched meanwhile is queued, and compared next cycle. Inside the lock a cycle folds the few
 * events since, reads the kept counts and confirms its candidates: no table is counted or walked there.
 */
import { canonicalBytes } from '../../audit/index.js';
import { ALERTS_STREAM, terminalOfOperator } from '../alerts/index.js';
import type { JsonValue, LedgerReads, LedgerStore, StoredEvent } from '../ports.js';
import { READ_MODEL_TABLES, type ReadModelTable, type ReadModelTableReads } from './read-model.ports.js';
import {
  keyedByAlert,
  type ProjectionFacts,
  ReadModelExpectations,
  SubjectReader,
  storedCounts,
  subjectBornAt,
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

/** Folds `reads`' events from the expectations' size to `size`, in batches. */
export async function foldUpTo(
  expectations: ReadModelExpectations,
  reads: Pick<LedgerReads, 'readEvents'>,
  size: number,
  onTouched?: (touched: TouchedSubjects) => void,
  /** Awaited between batches, outside a transaction, so that a long fold lets requests run (issue 13). */
  pause?: () => Promise<void>,
  /** The reads of the transaction the fold runs in, for the subjects it touches (see `apply`). */
  subjects?: SubjectReader,
): Promise<void> {
  let first = true;
  while (expectations.size < size) {
    if (!first) await pause?.();
    first = false;
    const events: StoredEvent[] = await reads.readEvents(
      expectations.size,
      Math.min(FOLD_BATCH, size - expectations.size),
    );
    if (events.length === 0) throw new Error(`read-model check: event ${expectations.size} cannot be read`);
    // Applied first: `onTouched?.(…)` alone would skip evaluating its argument when there is no listener.
    const touched = await expectations.apply(events, subjects);
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

export type SubjectKind = 'visit' | 'alert';

const kindOf = (table: ReadModelTable): SubjectKind => (keyedByAlert(table) ? 'alert' : 'visit');

/** The tables whose rows belong to a subject of this kind. */
export const tablesOf = (kind: SubjectKind): readonly ReadModelTable[] =>
  READ_MODEL_TABLES.filter((table) => kindOf(table) === kind);

/** What the log says one subject's rows are in each of its tables, and the latest event they derive from. */
export interface ExpectedSubject {
  rows(table: ReadModelTable): unknown[];
  lastIndex(table: ReadModelTable): number;
}

/**
 * Folds one subject as of `size` (`expectations` must be folded to `size`: the yard map's flags follow it).
 * Exported for the rebuild, which writes what this says.
 */
export async function expectedSubject(
  reader: SubjectReader,
  expectations: ReadModelExpectations,
  kind: SubjectKind,
  subject: string,
  size: number,
): Promise<ExpectedSubject> {
  const none = size - 1;
  if (kind === 'alert') {
    const alert = await reader.alert(Number(subject), size);
    return { rows: (table) => alert.rows(table), lastIndex: () => alert.lastIndex ?? none };
  }
  const visit = await reader.visit(subject, size);
  return {
    rows: (table) => (table === 'visit_flag' ? expectations.flagRows(subject) : visit.rows(table)),
    lastIndex: (table) => visit.lastIndexOf(table) ?? none,
  };
}

/**
 * Compares subjects of one kind with the rows `tables` hold for them, in `only` those tables when given; every
 * difference, in table order. Each subject is folded once; `pause` is awaited every so many.
 */
async function compareSubjects(args: {
  reader: SubjectReader;
  expectations: ReadModelExpectations;
  tables: ReadModelTableReads;
  kind: SubjectKind;
  subjects: readonly string[];
  only?: readonly ReadModelTable[];
  folded?: Map<string, ExpectedSubject>;
  pause?: () => Promise<void>;
}): Promise<ReadModelMismatch[]> {
  const { reader, expectations, tables, kind, subjects, pause } = args;
  if (subjects.length === 0) return [];
  const size = expectations.size;
  const folded = args.folded ?? new Map<string, ExpectedSubject>();
  for (const [i, subject] of subjects.entries()) {
    if (i > 0 && i % 100 === 0) await pause?.();
    const key = `${kind} ${subject}`;
    if (!folded.has(key)) folded.set(key, await expectedSubject(reader, expectations, kind, subject, size));
  }
  const found: ReadModelMismatch[] = [];
  for (const table of args.only ?? tablesOf(kind)) {
    const stored = bySubject(table, await tables.rowsOf(table, subjects));
    for (const subject of subjects) {
      const expected = folded.get(`${kind} ${subject}`)!;
      const differs = compareSubject(table, subject, expected.rows(table), stored.get(subject) ?? []);
      if (differs) found.push({ ...differs, subject, lastIndex: expected.lastIndex(table) });
    }
  }
  return found;
}

/** Pages of the subjects a table holds, in its key order. */
async function* heldSubjects(tables: ReadModelTableReads, table: ReadModelTable, batch: number) {
  let after: string | undefined;
  for (;;) {
    const page = await tables.subjectsAfter(table, after, batch);
    if (page.length > 0) yield page;
    if (page.length < batch) return;
    after = page.at(-1);
  }
}

/** Pages of the alerts the `alerts` stream raised (every alert but a lock-out, which its person's stream raises). */
async function* raisedAlerts(reads: Pick<LedgerReads, 'readStreamRange'>, batch: number) {
  for (let fromVersion = 1; ; fromVersion += batch) {
    const page = await reads.readStreamRange(ALERTS_STREAM, { fromVersion, limit: batch });
    const raised = page
      .filter((event) => subjectBornAt(event)?.kind === 'alert')
      .map((event) => String(event.index));
    if (raised.length > 0) yield raised;
    if (page.length < batch) return;
  }
}

/** Pages of the subjects of one kind born in the log's entries [from, to). */
async function* bornSubjects(
  reads: Pick<LedgerReads, 'readLogRows'>,
  kind: SubjectKind,
  from: number,
  to: number,
  batch: number,
) {
  const PAGE = 2000;
  let subjects = new Set<string>();
  for (let start = from; start < to; start += PAGE) {
    const rows = await reads.readLogRows(start, Math.min(PAGE, to - start));
    for (const row of rows) {
      const born = subjectBornAt(row);
      if (born?.kind === 'visit' && kind === 'visit') subjects.add(born.visitRef);
      if (born?.kind === 'alert' && kind === 'alert') subjects.add(born.alertId);
      if (subjects.size >= batch) {
        yield [...subjects];
        subjects = new Set();
      }
    }
    if (rows.length === 0) break;
  }
  if (subjects.size > 0) yield [...subjects];
}

/** Log entries the rolling walk reads per cycle, per subject it may compare. */
const ENTRIES_PER_KEY = 10;

/**
 * The integrity watch's read-model check: what the log's events explain (`ReadModelExpectations`), kept between
 * cycles, and the cursors of the rolling comparison.
 *
 * @example
 * const check = new ReadModelCheck({ store, keysPerCycle: 500 });
 * const result = await check.run();
 * if (!result.ok) console.error(`${result.mismatch.table} ${result.mismatch.key}: ${result.mismatch.reason}`);
 */
export class ReadModelCheck {
  private readonly store: LedgerStore;
  private readonly keysPerCycle: number;
  private readonly facts: ProjectionFacts;
  private readonly reader: SubjectReader;
  private readonly expectations: ReadModelExpectations;
  private started = false;
  private readonly pending = { visit: new Set<string>(), alert: new Set<string>() };
  /** The next log index the rolling walk reads from. */
  private logCursor = 0;
  private readonly storedCursor = new Map<ReadModelTable, string | undefined>();
  /** The row the last cycle found wrong: compared first, so a failure holds until the row is right again. */
  private suspect: { table: ReadModelTable; subject: string } | undefined;
  /** The last count that differed and what was reported for it, so that a standing one is not walked for again. */
  private countFailure:
    | { table: ReadModelTable; difference: number; mismatch: ReadModelMismatch }
    | undefined;

  constructor(args: { store: LedgerStore; keysPerCycle: number }) {
    this.store = args.store;
    if (!Number.isSafeInteger(args.keysPerCycle) || args.keysPerCycle < 1) {
      throw new Error(
        `read-model check: keys per cycle must be a positive integer, not ${args.keysPerCycle}`,
      );
    }
    this.keysPerCycle = args.keysPerCycle;
    this.facts = identityFacts(args.store);
    this.reader = new SubjectReader(args.store, this.facts);
    this.expectations = new ReadModelExpectations(this.reader);
  }

  /** The number of events folded and verified against. */
  get watermark(): number {
    return this.expectations.size;
  }

  private queue(touched: TouchedSubjects): void {
    for (const visitRef of touched.visitRefs) this.pending.visit.add(visitRef);
    for (const alertId of touched.alertIds) this.pending.alert.add(alertId);
  }

  private takePending(kind: SubjectKind): string[] {
    const taken: string[] = [];
    for (const subject of this.pending[kind]) {
      if (taken.length >= this.keysPerCycle) break;
      taken.push(subject);
    }
    for (const subject of taken) this.pending[kind].delete(subject);
    return taken;
  }

  /**
   * The subjects born in the next entries of the log, from the rolling cursor: at most `keysPerCycle` of each kind,
   * from at most `ENTRIES_PER_KEY × keysPerCycle` entries, wrapping at `size`.
   */
  private async nextBorn(size: number): Promise<{ visit: string[]; alert: string[] }> {
    const born = { visit: new Set<string>(), alert: new Set<string>() };
    const budget = Math.min(size, ENTRIES_PER_KEY * this.keysPerCycle);
    let read = 0;
    let cursor = this.logCursor >= size ? 0 : this.logCursor;
    walk: while (read < budget) {
      if (cursor >= size) cursor = 0;
      const rows = await this.store.readLogRows(cursor, Math.min(2000, size - cursor, budget - read));
      if (rows.length === 0) break;
      for (const row of rows) {
        const subject = subjectBornAt(row);
        const kind = subject?.kind;
        if (kind && born[kind].size >= this.keysPerCycle) break walk;
        if (subject?.kind === 'visit') born.visit.add(subject.visitRef);
        if (subject?.kind === 'alert') born.alert.add(subject.alertId);
        cursor = row.index + 1;
        read += 1;
      }
    }
    this.logCursor = cursor;
    return { visit: [...born.visit], alert: [...born.alert] };
  }

  /** This cycle's comparisons, outside the write lock: the differences found, to confirm inside it. */
  private async compareOutside(
    pause: () => Promise<void>,
  ): Promise<{ candidates: ReadModelMismatch[]; keys: number }> {
    const tables = this.store.readModels!;
    const common = { reader: this.reader, expectations: this.expectations, tables, pause };
    const folded = new Map<string, ExpectedSubject>();
    const born = await this.nextBorn(this.expectations.size);
    const candidates: ReadModelMismatch[] = [];
    let keys = 0;
    for (const kind of ['visit', 'alert'] as const) {
      const subjects = [...new Set([...this.takePending(kind), ...born[kind]])];
      candidates.push(...(await compareSubjects({ ...common, kind, subjects, folded })));
      keys += subjects.length;
    }
    for (const table of READ_MODEL_TABLES) {
      const after = this.storedCursor.get(table);
      const held = await tables.subjectsAfter(table, after, this.keysPerCycle);
      this.storedCursor.set(table, held.length < this.keysPerCycle ? undefined : held.at(-1));
      const kind = kindOf(table);
      candidates.push(...(await compareSubjects({ ...common, kind, subjects: held, only: [table], folded })));
      keys += held.length;
      await pause();
    }
    return { candidates, keys };
  }

  /** One subject of one table compared inside a write transaction: the difference, if it holds there. */
  private async confirm(
    tx: LedgerReads,
    candidate: { table: ReadModelTable; subject: string },
  ): Promise<ReadModelMismatch | undefined> {
    const [found] = await compareSubjects({
      reader: new SubjectReader(tx, this.facts),
      expectations: this.expectations,
      tables: tx.readModels!,
      kind: kindOf(candidate.table),
      subjects: [candidate.subject],
      only: [candidate.table],
    });
    return found;
  }

  /**
   * The row behind a count that differs, found by walking outside the write lock (only ever on a failure): the
   * subjects the table holds, then those its kind's other sources name (the visits the `visit` table holds, the
   * alerts the `alerts` stream raised), then every subject born in the log; each difference is confirmed inside the
   * lock.
   */
  private async nameCountMismatch(
    table: ReadModelTable,
    /** Differences this cycle already found in the table, tried first. */
    found: readonly ReadModelMismatch[],
    pause: () => Promise<void>,
  ): Promise<ReadModelMismatch | undefined> {
    const tables = this.store.readModels!;
    const kind = kindOf(table);
    // A failure's walk, not a cycle's share of the comparison: pages of its own size.
    const batch = 500;
    const confirmed = async (candidate: ReadModelMismatch) =>
      this.store.writeTransaction(async (tx) => {
        await foldUpTo(
          this.expectations,
          tx,
          await tx.logSize(),
          (t) => this.queue(t),
          undefined,
          new SubjectReader(tx, this.facts),
        );
        return this.confirm(tx, candidate);
      });
    for (const candidate of found) {
      const mismatch = await confirmed(candidate);
      if (mismatch) return mismatch;
    }
    const sources = [
      heldSubjects(tables, table, batch),
      kind === 'visit' ? heldSubjects(tables, 'visit', batch) : raisedAlerts(this.store, batch),
      bornSubjects(this.store, kind, 0, this.expectations.size, batch),
    ];
    for (const source of sources) {
      for await (const subjects of source) {
        await pause();
        const candidates = await compareSubjects({
          reader: this.reader,
          expectations: this.expectations,
          tables,
          kind,
          subjects,
          only: [table],
          pause,
        });
        for (const candidate of candidates) {
          const mismatch = await confirmed(candidate);
          if (mismatch) return mismatch;
        }
      }
    }
    return undefined;
  }

  /** One cycle. Undefined when the store keeps no read-model tables it can show (the memory store). */
  async run(): Promise<ReadModelCheckResult | undefined> {
    if (!this.store.readModels) return undefined;
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    if (!this.started) {
      await this.expectations.start(this.store, await this.store.logSize(), pause);
      this.started = true;
    }
    // The fold and the comparisons, outside the transaction: writers are not held up by them.
    await foldUpTo(this.expectations, this.store, await this.store.logSize(), (t) => this.queue(t), pause);
    const { candidates, keys } = await this.compareOutside(pause);

    const fail = (mismatch: ReadModelMismatch): ReadModelCheckResult => {
      this.suspect = { table: mismatch.table, subject: mismatch.subject };
      return { ok: false, watermark: this.expectations.size, mismatch };
    };
    type Verdict =
      | { readonly kind: 'ok' }
      | { readonly kind: 'row'; readonly mismatch: ReadModelMismatch }
      | {
          readonly kind: 'count';
          readonly table: ReadModelTable;
          readonly stored: number;
          readonly expected: number;
        };
    const verdict = await this.store.writeTransaction(async (tx): Promise<Verdict | undefined> => {
      const tables = tx.readModels;
      if (!tables) return undefined;
      await foldUpTo(
        this.expectations,
        tx,
        await tx.logSize(),
        (t) => this.queue(t),
        undefined,
        new SubjectReader(tx, this.facts),
      );
      // Once a cycle, the changes the database recorded since are folded into its counts: a count read stays O(1).
      await tables.settleCounts();
      if (!this.expectations.counted) this.expectations.setCounts(await storedCounts(tables));
      if (this.suspect && this.suspect.subject !== '*') {
        const mismatch = await this.confirm(tx, this.suspect);
        if (mismatch) return { kind: 'row', mismatch };
        this.suspect = undefined;
      }
      // A count first: a row inserted or deleted past the writers is the clearest sign, and holds until it is named.
      for (const table of READ_MODEL_TABLES) {
        const stored = await tables.countRows(table);
        const expected = this.expectations.expectedCount(table)!;
        if (stored !== expected) return { kind: 'count', table, stored, expected };
      }
      for (const candidate of candidates) {
        const mismatch = await this.confirm(tx, candidate);
        if (mismatch) return { kind: 'row', mismatch };
      }
      return { kind: 'ok' };
    });
    if (!verdict) return undefined;
    if (verdict.kind === 'row') return fail(verdict.mismatch);
    if (verdict.kind === 'count') {
      const { table, stored, expected } = verdict;
      const unnamed: ReadModelMismatch = {
        table,
        subject: '*',
        key: '*',
        field: null,
        lastIndex: this.expectations.size - 1,
        reason:
          stored < 0
            ? 'the database keeps no row count of the table: its read_model_count row was deleted'
            : `the database counts ${stored} rows, the log explains ${expected}, and no row names the difference: rows were inserted or deleted past the application with their count triggers dropped, or the count was edited`,
      };
      const known = this.countFailure;
      // The same difference as last cycle (whatever rows came and went since): reported again, not walked for again.
      if (known && known.table === table && known.difference === stored - expected) {
        return fail(known.mismatch.subject === '*' ? unnamed : known.mismatch);
      }
      const mismatch =
        (await this.nameCountMismatch(
          table,
          candidates.filter((candidate) => candidate.table === table),
          pause,
        )) ?? unnamed;
      this.countFailure = { table, difference: stored - expected, mismatch };
      return fail(mismatch);
    }
    this.countFailure = undefined;
    return { ok: true, watermark: this.expectations.size, keysChecked: keys };
  }
}
