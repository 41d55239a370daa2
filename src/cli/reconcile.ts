import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { recordYardSurvey, type SurveyReport } from '../app/yard/index.js';
import { surveyWalkLimits } from './survey-settings.js';
import { openSystem } from './system.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** The CSV file's limit: a 200,000-row survey is about 10 MB. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** The report in words: counts, then each discrepancy (at most the report's lists), then what was not judged. */
export function surveyReportText(report: SurveyReport): string {
  const { totals, notJudged } = report;
  const lines = [
    `survey ${report.surveyId} of ${report.terminal} recorded at audit index ${report.index}`,
    `  taken ${report.takenFrom} to ${report.takenTo}${report.blocks ? `, blocks ${report.blocks.join(', ')}` : ''}`,
    `  ${report.rowCount} rows, ${report.sighted} boxes seen, ${report.matched} where the log has them`,
    `  missing ${totals.missing}, unknown ${totals.unknown}, misplaced ${totals.misplaced}: ${report.alertsRaised} alerts raised`,
  ];
  const more = (shown: number, total: number) => (total > shown ? [`    … and ${total - shown} more`] : []);
  if (totals.missing > 0) {
    lines.push('missing (the log has it in the yard, the survey did not see it):');
    for (const m of report.missing)
      lines.push(`  ${m.containerNumber}  logged ${m.loggedSlot}  visit ${m.visitRef}`);
    lines.push(...more(report.missing.length, totals.missing));
  }
  if (totals.misplaced > 0) {
    lines.push('misplaced (seen in another slot):');
    for (const m of report.misplaced) {
      lines.push(
        `  ${m.containerNumber}  logged ${m.loggedSlot}  seen ${m.seenSlot} at ${m.seenAt} (line ${m.line})  visit ${m.visitRef}`,
      );
    }
    lines.push(...more(report.misplaced.length, totals.misplaced));
  }
  if (totals.unknown > 0) {
    lines.push('unknown (seen, but the log has no visit of it in this yard):');
    for (const u of report.unknown)
      lines.push(`  ${u.containerNumber}  seen ${u.seenSlot} at ${u.seenAt} (line ${u.line})`);
    lines.push(...more(report.unknown.length, totals.unknown));
  }
  const skipped =
    notJudged.placedAfterSeen +
    notJudged.placedDuringSurvey +
    notJudged.leftAfterSeen +
    notJudged.outsideScope;
  if (skipped > 0) {
    lines.push(
      `not judged: ${notJudged.placedAfterSeen} moved or placed after they were seen, ${notJudged.placedDuringSurvey} placed during the survey and not seen, ${notJudged.leftAfterSeen} gone after they were seen, ${notJudged.outsideScope} outside the blocks surveyed`,
    );
  }
  if (report.frozen.length > 0) {
    lines.push(
      `frozen until two people unfreeze them: ${report.frozen.length} visits (${report.frozen.slice(0, 10).join(', ')}${report.frozen.length > 10 ? ', …' : ''})`,
    );
  }
  lines.push(`sha256 ${report.sha256}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `reconcile --terminal T FILE.csv [--blocks A,B] [--json] [--db URL]` (issue 15): imports a yard survey through
 * the same use case as the API and the console, recorded as done by the operating-system user (the CLI has no
 * session). A bad row refuses the whole file: one line on stderr naming the line, exit 1, nothing written.
 */
export async function reconcileCommand(
  input: { db: string; terminal: string; file: string; blocks?: string; json?: boolean },
  io: Io,
): Promise<number> {
  let csv: string;
  try {
    const bytes = await readFile(input.file);
    if (bytes.byteLength > MAX_FILE_BYTES) {
      io.stderr.write(
        `error: ${input.file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; not a survey\n`,
      );
      return 1;
    }
    csv = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const why = error instanceof TypeError ? 'it is not UTF-8 text' : (error as NodeJS.ErrnoException).code;
    io.stderr.write(`error: cannot read ${input.file}: ${why ?? String(error)}\n`);
    return 1;
  }
  const system = await openSystem({ databaseUrl: input.db });
  try {
    const report = await recordYardSurvey({
      ledger: system.ledger,
      terminals: system.terminals,
      actor: { operator: `cli:${userInfo().username}` },
      terminal: input.terminal.trim().toUpperCase(),
      input: { csv },
      walk: surveyWalkLimits(),
      blocks: input.blocks
        ?.split(',')
        .map((block) => block.trim())
        .filter(Boolean),
    });
    io.stdout.write(input.json ? `${JSON.stringify(report, null, 2)}\n` : surveyReportText(report));
    return 0;
  } finally {
    await system.close();
  }
}
