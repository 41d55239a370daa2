/**
 * `portledger rebuild-read-models` (issue 10, row E): puts every checked read-model table back to what the log folds
 * to. The log is the record and stays untouched; a derived row the log does not explain is removed, a missing one
 * written, a differing one replaced — each with the writer's own store method, from the projection's rows, which
 * are the writers' own functions (`read-model-projection.ts`). Refused while the log fails its own check: a
 * rebuild from a tampered log would launder the tampering into the read models.
 */
import { canonicalBytes, type NoteVerifier } from '../../audit/index.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type { JsonObject, JsonValue, LedgerWriteTx, OccupiedCell } from '../ports.js';
import { checkLogIntegrity, type IntegrityFailure } from './integrity.usecases.js';
import { READ_MODEL_TABLES, type ReadModelRecords, type ReadModelTable } from './read-model.ports.js';
import {
  compareSubject,
  expectedSubject,
  foldUpTo,
  identityFacts,
  type SubjectKind,
  tablesOf,
} from './read-model-check.js';
import {
  keyedByAlert,
  READ_MODEL_VERSION,
  READ_MODELS_STREAM,
  ReadModelExpectations,
  SubjectReader,
  subjectBornAt,
} from './read-model-projection.js';

/** Why a rebuild ran: `portledger rebuild-read-models`, or a server starting on rows of another projection version. */
export type RebuildReason = 'command' | 'projection_version';

/** What a rebuild changed in one table, in rows. */
export interface TableChanges {
  inserted: number;
  updated: number;
  removed: number;
}

export type RebuildResult =
  | {
      readonly ok: true;
      /** The log size the rebuild folded to. */
      readonly logSize: number;
      readonly changes: Readonly<Record<ReadModelTable, TableChanges>>;
      /** The projection version the database recorded before (undefined when it recorded none). */
      readonly fromVersion: number | undefined;
      /** The projection version the rows are built by now (`READ_MODEL_VERSION`). */
      readonly version: number;
      /** The audit index of the `ReadModelsRebuilt` event; undefined when nothing changed, version included. */
      readonly eventIndex: number | undefined;
    }
  | { readonly ok: false; readonly refusal: 'log_failed'; readonly failure: IntegrityFailure }
  | { readonly ok: false; readonly refusal: 'unsupported' };

const DEFAULT_BATCH = 200;

/**
 * The visit rows and yard cells of one batch of subjects, written together at its end in multi-row statements (bulk
 * ingest's store methods, issue 13) rather than a few statements per subject.
 */
class BatchedWrites {
  readonly visits: ReadModelRecords['visit'][] = [];
  readonly cellSubjects: string[] = [];
  readonly cells: OccupiedCell[] = [];

  async write(tx: LedgerWriteTx): Promise<void> {
    if (this.visits.length > 0) await tx.upsertVisits(this.visits);
    if (this.cellSubjects.length === 0) return;
    await tx.readModels!.removeRows('yard_cell', this.cellSubjects);
    // A slot is one box: whatever row stands where these boxes stand is wrong, whoever it names. The log puts no
    // two boxes in one cell, so the cells of the whole batch go in one statement as each subject's would.
    await tx.vacateCells(this.cells);
    await tx.occupyCellsOf(this.cells.map((cell) => ({ ...cell })));
  }
}

/** Writes the rows a subject must hold, replacing what it held, with the writers' own store methods. */
async function writeSubject(
  tx: LedgerWriteTx,
  table: ReadModelTable,
  subject: string,
  expected: readonly unknown[],
  batched: BatchedWrites,
): Promise<void> {
  const tables = tx.readModels!;
  switch (table) {
    case 'visit': {
      const [row] = expected as ReadModelRecords['visit'][];
      if (row) batched.visits.push(row);
      else await tables.removeRows(table, [subject]);
      return;
    }
    case 'yard_cell': {
      batched.cellSubjects.push(subject);
      for (const cell of expected as OccupiedCell[]) batched.cells.push({ ...cell, visitRef: subject });
      return;
    }
    case 'release': {
      const [row] = expected as ReadModelRecords['release'][];
      if (row) await tx.releases.putRelease(row);
      else await tables.removeRows(table, [subject]);
      return;
    }
    case 'release_party': {
      await tables.removeRows(table, [subject]);
      const parties = (expected as ReadModelRecords['release_party'][]).map((party) => party.orgId);
      if (parties.length > 0) await tx.releases.addReleaseParties(subject, parties);
      return;
    }
    case 'slot_booking': {
      const [row] = expected as ReadModelRecords['slot_booking'][];
      if (row) await tx.gate.putSlotBooking(row);
      else await tx.gate.removeSlotBooking(subject);
      return;
    }
    case 'driver_job': {
      const [row] = expected as ReadModelRecords['driver_job'][];
      if (row) await tx.gate.putDriverJob(row);
      else await tables.removeRows(table, [subject]);
      return;
    }
    case 'pickup_credential': {
      await tables.removeRows(table, [subject]);
      for (const row of expected as ReadModelRecords['pickup_credential'][]) await tx.gate.putCredential(row);
      return;
    }
    case 'gate_alert_group': {
      const [row] = expected as ReadModelRecords['gate_alert_group'][];
      if (row) await tx.gate.putAlertGroup(row);
      else await tables.removeRows(table, [subject]);
      return;
    }
    case 'alert': {
      const [row] = expected as ReadModelRecords['alert'][];
      if (row) await tx.putAlertRecord(row);
      else await tables.removeRows(table, [subject]);
      return;
    }
    case 'visit_flag': {
      const [row] = expected as ReadModelRecords['visit_flag'][];
      await tables.setOpenAlerts(subject, row?.openAlerts ?? 0);
      return;
    }
  }
}

/** Counts rows that differ, as sets of whole rows for tables with several per subject. */
function countChanges(expected: readonly unknown[], stored: readonly unknown[], into: TableChanges): void {
  const text = (row: unknown) =>
    new TextDecoder().decode(canonicalBytes(JSON.parse(JSON.stringify(row)) as JsonValue));
  if (expected.length <= 1 && stored.length <= 1) {
    if (expected.length === 1 && stored.length === 0) into.inserted += 1;
    else if (expected.length === 0 && stored.length === 1) into.removed += 1;
    else into.updated += 1;
    return;
  }
  const storedTexts = new Set(stored.map(text));
  const expectedTexts = new Set(expected.map(text));
  into.inserted += expected.filter((row) => !storedTexts.has(text(row))).length;
  into.removed += stored.filter((row) => !expectedTexts.has(text(row))).length;
}

/**
 * Rebuilds every checked read-model table from the log, `batchSize` subjects per transaction, each folded from its own
 * streams as of that transaction's log size (the server may be running: what a batch writes is what the log says at
 * that moment). Two walks, neither keeping anything per subject between batches, so the memory a rebuild needs does
 * not grow with the port's history (issue 13; before, the whole log was folded in memory first):
 * - the log, a page of entries at a time: every subject born in it (a visit at the first event of each of its
 *   streams, an alert at its raise) is compared with its rows in every table of its kind, and put right;
 * - each table, in its key order: every subject it holds is compared again, so a row the log does not explain goes.
 * Then the yard map's flags of the visits with unresolved alerts. A last transaction records the projection version
 * the rows are now built by (`READ_MODEL_VERSION`) and, when a row or the version changed, appends a
 * `ReadModelsRebuilt` event (`reason`, the versions before and after, the rows changed per table) to the
 * `read-models` stream, so an investigator sees when and why rows changed. Idempotent: a second run finds nothing to
 * change and appends nothing.
 *
 * @example
 * const result = await rebuildReadModels({ ledger, verifierKey, reason: 'command' });
 * if (result.ok) console.log(result.changes.alert.inserted);
 */
export async function rebuildReadModels(args: {
  ledger: Ledger;
  verifierKey: string | NoteVerifier;
  reason?: RebuildReason;
  batchSize?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}): Promise<RebuildResult> {
  const { ledger } = args;
  const { store } = ledger;
  const tables = store.readModels;
  if (!tables) return { ok: false, refusal: 'unsupported' };
  const batchSize = args.batchSize ?? DEFAULT_BATCH;
  const checked = await checkLogIntegrity({
    reads: store,
    verifierKey: args.verifierKey,
    onProgress: (done, total) => args.onProgress?.('checking the log', done, total),
  });
  if (!checked.ok) return { ok: false, refusal: 'log_failed', failure: checked };

  const facts = identityFacts(store);
  const expectations = new ReadModelExpectations(new SubjectReader(store, facts));
  const logSize = await store.logSize();
  await expectations.start(store, logSize);

  const changes = Object.fromEntries(
    READ_MODEL_TABLES.map((table) => [table, { inserted: 0, updated: 0, removed: 0 }]),
  ) as Record<ReadModelTable, TableChanges>;

  /** Puts one batch of subjects right in `only` those tables (every table of their kind when absent). */
  const repair = (kind: SubjectKind, subjects: readonly string[], only?: readonly ReadModelTable[]) =>
    store.writeTransaction(async (tx) => {
      if (subjects.length === 0) return;
      const reader = new SubjectReader(tx, facts);
      await foldUpTo(expectations, tx, await tx.logSize(), undefined, undefined, reader);
      const expected = new Map<string, Awaited<ReturnType<typeof expectedSubject>>>();
      for (const subject of subjects) {
        expected.set(subject, await expectedSubject(reader, expectations, kind, subject, expectations.size));
      }
      const batched = new BatchedWrites();
      for (const table of only ?? tablesOf(kind)) {
        const stored = new Map<string, unknown[]>();
        for (const record of await tx.readModels!.rowsOf(table, subjects)) {
          const subject =
            kind === 'alert'
              ? String((record as { alertId: number }).alertId)
              : (record as { visitRef: string }).visitRef;
          stored.set(subject, [...(stored.get(subject) ?? []), record]);
        }
        for (const subject of subjects) {
          const rows = expected.get(subject)!.rows(table);
          const held = stored.get(subject) ?? [];
          if (!compareSubject(table, subject, rows, held)) continue;
          countChanges(rows, held, changes[table]);
          await writeSubject(tx, table, subject, rows, batched);
        }
      }
      await batched.write(tx);
    });

  // Every subject the log knows, born in its entries: a batch of each kind at a time.
  const PAGE = 2000;
  const born = { visit: new Set<string>(), alert: new Set<string>() };
  const flush = async (kind: SubjectKind, atLeast: number) => {
    if (born[kind].size < atLeast) return;
    await repair(kind, [...born[kind]]);
    born[kind].clear();
  };
  for (let start = 0; start < logSize; start += PAGE) {
    for (const row of await store.readLogRows(start, Math.min(PAGE, logSize - start))) {
      const subject = subjectBornAt(row);
      if (subject?.kind === 'visit') born.visit.add(subject.visitRef);
      if (subject?.kind === 'alert') born.alert.add(subject.alertId);
    }
    await flush('visit', batchSize);
    await flush('alert', batchSize);
    args.onProgress?.('rebuilding from the log', Math.min(start + PAGE, logSize), logSize);
  }
  await flush('visit', 1);
  await flush('alert', 1);

  // Every subject each table holds, in its key order: what the log does not explain goes.
  for (const table of READ_MODEL_TABLES) {
    const kind: SubjectKind = keyedByAlert(table) ? 'alert' : 'visit';
    let after: string | undefined;
    let done = 0;
    for (;;) {
      const held = await tables.subjectsAfter(table, after, batchSize);
      await repair(kind, held, [table]);
      done += held.length;
      args.onProgress?.(`rebuilding ${table}`, done, done);
      if (held.length < batchSize) break;
      after = held.at(-1);
    }
  }
  // The flags of the visits with unresolved alerts (a visit the log named only in an alert has no stream of its own).
  const flagged = expectations.flaggedVisits();
  for (let start = 0; start < flagged.length; start += batchSize) {
    await repair('visit', flagged.slice(start, start + batchSize), ['visit_flag']);
  }

  // The version and the event, after every row, through the ledger, which appends the event with its leaf.
  let recorded:
    | { logSize: number; fromVersion: number | undefined; eventIndex: number | undefined }
    | undefined;
  await ledger.write(async ({ tx, appendAtEnd }: WriteContext) => {
    const fromVersion = await tx.readModels!.projectionVersion();
    const size = await tx.logSize();
    const changed = READ_MODEL_TABLES.some((table) => {
      const { inserted, updated, removed } = changes[table];
      return inserted + updated + removed > 0;
    });
    if (fromVersion === READ_MODEL_VERSION && !changed) {
      recorded = { logSize: size, fromVersion, eventIndex: undefined };
      return;
    }
    await tx.readModels!.recordProjectionVersion(READ_MODEL_VERSION);
    const [event] = await appendAtEnd(READ_MODELS_STREAM, [
      {
        type: 'ReadModelsRebuilt',
        data: {
          reason: args.reason ?? 'command',
          fromVersion: fromVersion ?? null,
          toVersion: READ_MODEL_VERSION,
          logSize: size,
          changes: changes as unknown as JsonObject,
        },
      },
    ]);
    recorded = { logSize: size, fromVersion, eventIndex: event!.index };
  });
  const { fromVersion, eventIndex } = recorded!;
  return {
    ok: true,
    logSize: recorded!.logSize,
    changes,
    fromVersion,
    version: READ_MODEL_VERSION,
    eventIndex,
  };
}

/** What a start did about the read models' projection version. */
export type ProjectionUpgrade =
  | { readonly status: 'current'; readonly version: number }
  | { readonly status: 'unsupported' }
  | {
      readonly status: 'rebuilt';
      readonly fromVersion: number | undefined;
      readonly version: number;
      readonly result: Extract<RebuildResult, { ok: true }>;
    }
  | {
      readonly status: 'refused';
      readonly fromVersion: number | undefined;
      readonly version: number;
      readonly failure: IntegrityFailure;
    };

/**
 * At a server's start, before its first integrity check and before it takes writes: when the database records
 * another projection version than this code's (`READ_MODEL_VERSION`), the rows were built by another release's
 * builders, and the read models are rebuilt from the log, as `portledger rebuild-read-models` does (refused, as it
 * is, while the log fails its own check: the server then stays unready for the log's own reason). At the current
 * version nothing is rebuilt: a row that differs from the log then is tampering, for the integrity watch to raise.
 *
 * @example
 * const upgrade = await rebuildIfProjectionChanged({ ledger, verifierKey });
 * if (upgrade.status === 'rebuilt') console.log(upgrade.result.changes.alert.updated);
 */
export async function rebuildIfProjectionChanged(args: {
  ledger: Ledger;
  verifierKey: string | NoteVerifier;
  onProgress?: (phase: string, done: number, total: number) => void;
}): Promise<ProjectionUpgrade> {
  const tables = args.ledger.store.readModels;
  if (!tables) return { status: 'unsupported' };
  const fromVersion = await tables.projectionVersion();
  if (fromVersion === READ_MODEL_VERSION) return { status: 'current', version: READ_MODEL_VERSION };
  const result = await rebuildReadModels({ ...args, reason: 'projection_version' });
  if (result.ok) return { status: 'rebuilt', fromVersion, version: READ_MODEL_VERSION, result };
  if (result.refusal === 'unsupported') return { status: 'unsupported' };
  return { status: 'refused', fromVersion, version: READ_MODEL_VERSION, failure: result.failure };
}
