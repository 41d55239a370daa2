/**
 * `portledger rebuild-read-models` (issue 10, row E): puts every checked read-model table back to what the log folds
 * to. The log is the record and stays untouched; a derived row the log does not explain is removed, a missing one
 * written, a differing one replaced — each with the writer's own store method, from the projection's rows, which
 * are the writers' own functions (`read-model-projection.ts`). Refused while the log fails its own check: a
 * rebuild from a tampered log would launder the tampering into the read models.
 */
import { canonicalBytes, type NoteVerifier } from '../audit/index.js';
import { checkLogIntegrity, type IntegrityFailure } from './integrity.usecases.js';
import type { JsonValue, LedgerStore, LedgerWriteTx, OccupiedCell } from './ports.js';
import { READ_MODEL_TABLES, type ReadModelRecords, type ReadModelTable } from './read-model.ports.js';
import { compareSubject, foldUpTo, identityFacts } from './read-model-check.js';
import { keyedByAlert, ReadModelProjection } from './read-model-projection.js';

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
    }
  | { readonly ok: false; readonly refusal: 'log_failed'; readonly failure: IntegrityFailure }
  | { readonly ok: false; readonly refusal: 'unsupported' };

const DEFAULT_BATCH = 200;

/** Writes the rows a subject must hold, replacing what it held, with the writers' own store methods. */
async function writeSubject(
  tx: LedgerWriteTx,
  table: ReadModelTable,
  subject: string,
  expected: readonly unknown[],
): Promise<void> {
  const tables = tx.readModels!;
  switch (table) {
    case 'visit': {
      const [row] = expected as ReadModelRecords['visit'][];
      if (row) await tx.upsertVisit(row);
      else await tables.removeRows(table, [subject]);
      return;
    }
    case 'yard_cell': {
      const cells = expected as OccupiedCell[];
      await tables.removeRows(table, [subject]);
      // A slot is one box: whatever row stands where this box stands is wrong, whoever it names.
      await tx.vacateCells(cells);
      await tx.occupyCells(cells, subject);
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
 * Rebuilds every checked read-model table from the log, `batchSize` subjects per transaction. Each transaction first
 * folds what was appended since (the server may be running), so what it writes is what the log says at that moment.
 * Idempotent: a second run finds nothing to change.
 *
 * @example
 * const result = await rebuildReadModels({ store, verifierKey });
 * if (result.ok) console.log(result.changes.alert.inserted);
 */
export async function rebuildReadModels(args: {
  store: LedgerStore;
  verifierKey: string | NoteVerifier;
  batchSize?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}): Promise<RebuildResult> {
  const { store } = args;
  if (!store.readModels) return { ok: false, refusal: 'unsupported' };
  const batchSize = args.batchSize ?? DEFAULT_BATCH;
  const checked = await checkLogIntegrity({
    reads: store,
    verifierKey: args.verifierKey,
    onProgress: (done, total) => args.onProgress?.('checking the log', done, total),
  });
  if (!checked.ok) return { ok: false, refusal: 'log_failed', failure: checked };

  const projection = new ReadModelProjection(identityFacts(store));
  const logSize = await store.logSize();
  await foldUpTo(projection, store, logSize);
  args.onProgress?.('folding the log', logSize, logSize);

  const changes = Object.fromEntries(
    READ_MODEL_TABLES.map((table) => [table, { inserted: 0, updated: 0, removed: 0 }]),
  ) as Record<ReadModelTable, TableChanges>;

  for (const table of READ_MODEL_TABLES) {
    // Every subject the log knows, then every subject the table holds that the log does not.
    const known = projection.subjects(keyedByAlert(table) ? 'alert' : 'visit').map(String);
    const unexplained: string[] = [];
    let after: string | undefined;
    for (;;) {
      const held = await store.readModels.subjectsAfter(table, after, 1000);
      for (const subject of held) if (!projection.knows(table, subject)) unexplained.push(subject);
      if (held.length < 1000) break;
      after = held.at(-1);
    }
    const subjects = [...known, ...unexplained];
    for (let start = 0; start < subjects.length; start += batchSize) {
      const batch = subjects.slice(start, start + batchSize);
      await store.writeTransaction(async (tx) => {
        await foldUpTo(projection, tx, await tx.logSize());
        const stored = new Map<string, unknown[]>();
        for (const record of await tx.readModels!.rowsOf(table, batch)) {
          const subject = keyedByAlert(table)
            ? String((record as { alertId: number }).alertId)
            : (record as { visitRef: string }).visitRef;
          stored.set(subject, [...(stored.get(subject) ?? []), record]);
        }
        for (const subject of batch) {
          const expected = projection.expectedRows(table, subject);
          const held = stored.get(subject) ?? [];
          if (!compareSubject(table, subject, expected, held)) continue;
          countChanges(expected, held, changes[table]);
          await writeSubject(tx, table, subject, expected);
        }
      });
      args.onProgress?.(`rebuilding ${table}`, Math.min(start + batchSize, subjects.length), subjects.length);
    }
  }
  return { ok: true, logSize: projection.size, changes };
}
