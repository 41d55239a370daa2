import {
  type ProjectionUpgrade,
  type RebuildResult,
  rebuildIfProjectionChanged,
  rebuildReadModels,
} from '../app/audit/index.js';
import { READ_MODEL_TABLES } from '../app/audit/read-model.ports.js';
import { refillPartnerEvents } from '../app/partners/index.js';
import { progressBar } from './progress.js';
import { openSystem, type System } from './system.js';

/** What a rebuild changed, one line per table that changed; the whole report when nothing did. */
function report(result: Extract<RebuildResult, { ok: true }>): string {
  const lines = READ_MODEL_TABLES.flatMap((table) => {
    const { inserted, updated, removed } = result.changes[table];
    if (inserted + updated + removed === 0) return [];
    return [`${table}: ${inserted} inserted, ${updated} updated, ${removed} removed`];
  });
  if (result.fromVersion !== result.version) {
    lines.push(`projection version: ${result.fromVersion ?? 'none'} recorded before, ${result.version} now`);
  }
  if (lines.length === 0) {
    return `the read models already equal the log (${result.logSize} events): nothing to change\n`;
  }
  return `rebuilt the read models from the log (${result.logSize} events):\n${lines.map((line) => `  ${line}\n`).join('')}`;
}

/**
 * `rebuild-read-models [--db URL]`: recomputes every checked read-model table from the log (issue 10, row E). Exit 1
 * with one line while the log fails its own check; otherwise exit 0 with what changed per table. A progress bar
 * runs on stderr when it is a terminal.
 */
export async function rebuildReadModelsCommand(
  options: { db: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  let progress: ReturnType<typeof progressBar> | undefined;
  let phase = '';
  try {
    const result = await rebuildReadModels({
      ledger: system.ledger,
      verifierKey: system.verifierKey,
      reason: 'command',
      onProgress: (label, done, total) => {
        if (label !== phase) {
          progress?.stop();
          progress = progressBar(io.stderr, label);
          phase = label;
        }
        progress?.update(done, total);
      },
    });
    progress?.stop();
    if (result.ok) {
      io.stdout.write(report(result));
      // The DCSA events (issue 16) are only ever inserted: the missing ones are written, none replaced.
      const refill = await refillPartnerEvents({ ledger: system.ledger, terminals: system.terminals });
      io.stdout.write(`partner_event: ${refill.inserted} inserted (${refill.scanned} events read)\n`);
      return 0;
    }
    if (result.refusal === 'unsupported') {
      io.stderr.write('rebuild-read-models refused: this store keeps no read-model tables to rebuild\n');
      return 1;
    }
    const { failure } = result;
    io.stderr.write(
      `rebuild-read-models refused: the log itself fails its check at index ${failure.firstBadIndex} (${failure.code}): ${failure.reason}\n`,
    );
    return 1;
  } finally {
    progress?.stop();
    await system.close();
  }
}

/**
 * At `serve`/`demo` start, before the first integrity check and before the server takes writes: rebuilds the read
 * models from the log when the database records another projection version than this release's, and says so in
 * one line (stdout when rebuilt, stderr when refused because the log fails its own check). Silent otherwise.
 */
export async function rebuildReadModelsOnStart(
  system: Pick<System, 'ledger' | 'verifierKey'>,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<ProjectionUpgrade> {
  const upgrade = await rebuildIfProjectionChanged({
    ledger: system.ledger,
    verifierKey: system.verifierKey,
  });
  const built = (fromVersion: number | undefined, version: number) =>
    `the read models were built by projection version ${fromVersion ?? 'none'}, this release builds version ${version}`;
  if (upgrade.status === 'rebuilt') {
    const { result } = upgrade;
    const changed = READ_MODEL_TABLES.flatMap((table) => {
      const { inserted, updated, removed } = result.changes[table];
      const parts = [
        ...(inserted ? [`${inserted} inserted`] : []),
        ...(updated ? [`${updated} updated`] : []),
        ...(removed ? [`${removed} removed`] : []),
      ];
      return parts.length > 0 ? [`${table} ${parts.join(', ')}`] : [];
    });
    io.stdout.write(
      `${built(upgrade.fromVersion, upgrade.version)}: rebuilt them from the log (${result.logSize} events): ${changed.length > 0 ? changed.join('; ') : 'no row differed'} (ReadModelsRebuilt, audit index ${result.eventIndex})\n`,
    );
  } else if (upgrade.status === 'refused') {
    const { failure } = upgrade;
    io.stderr.write(
      `${built(upgrade.fromVersion, upgrade.version)}, but the log itself fails its check at index ${failure.firstBadIndex} (${failure.code}): ${failure.reason}; the read models are not rebuilt from it and /readyz answers 503\n`,
    );
  }
  return upgrade;
}
