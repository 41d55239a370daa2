/**
 * `portledger edi export`: a line's gate moves as a CODECO interchange, or its discharges and loads as a COARRI
 * (issue 17), generated from the log over an audit index range, for the lines that still want EDI. The range read
 * and the interchange control reference are printed; the same range written again has the same reference.
 */
import { writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  exportOutboundInterchange,
  OUTBOUND_MESSAGE_TYPES,
  type OutboundMessageType,
} from '../app/edi/index.js';
import { openSystem, systemClock } from './system.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Run = <T>(command: (input: T, io: Io) => Promise<number | undefined>) => (input: T) => Promise<void>;

export interface EdiExportOptions {
  db?: string;
  line: string;
  type: OutboundMessageType;
  fromIndex?: number;
  toIndex?: number;
  since?: string;
  until?: string;
  out?: string;
  sender: string;
  locode?: string;
  timeZone?: string;
  json?: boolean;
}

/** The sender's identification when none is given: the port's own system. */
export const DEFAULT_EDI_SENDER = 'PORTLEDGER';

/**
 * Writes the interchange to `--out` (or stdout) and one line saying what it holds to stderr (stdout with `--out`);
 * with `--json` that line is JSON. Nothing to report is not an error: it says so and writes no file.
 */
export async function ediExportCommand(options: EdiExportOptions, io: Io): Promise<number> {
  const system = await openSystem(options.db === undefined ? {} : { databaseUrl: options.db });
  try {
    const timeZone = options.timeZone ?? terminalsTimeZone(system.gate.slots);
    const result = await exportOutboundInterchange(system.store, systemClock, {
      line: options.line,
      type: options.type,
      sender: options.sender,
      terminals: system.terminals,
      ...(options.locode === undefined ? {} : { portLocode: options.locode }),
      timeZone,
      ...(options.fromIndex === undefined ? {} : { fromIndex: options.fromIndex }),
      ...(options.toIndex === undefined ? {} : { toIndex: options.toIndex }),
      ...(options.since === undefined ? {} : { since: options.since }),
      ...(options.until === undefined ? {} : { until: options.until }),
    });
    if (result.interchange !== null) {
      if (options.out) await writeFile(options.out, result.interchange, 'latin1');
      else io.stdout.write(result.interchange);
    }
    const summary = options.json
      ? JSON.stringify({ ...result, interchange: undefined, out: options.out ?? null, timeZone })
      : result.interchange === null
        ? `${result.type} for ${result.line}: no move of its boxes in audit indexes [${result.fromIndex}, ${result.toIndex}); nothing written`
        : `${result.type} for ${result.line}: ${result.auditIndexes.length} move(s) in ${result.messages} message(s), audit indexes [${result.fromIndex}, ${result.toIndex}), control reference ${result.controlRef}${options.out ? `, written to ${options.out}` : ''}${result.complete ? '' : `; more moves wait: go on with --from-index ${result.toIndex}`}`;
    (options.out ? io.stdout : io.stderr).write(`${summary}\n`);
    return 0;
  } finally {
    await system.close();
  }
}

/** The time zone every terminal's clock is in (a port's terminals share one); UTC when they differ or none is known. */
function terminalsTimeZone(slots: ReadonlyMap<string, { readonly timeZone: string }>): string {
  const zones = new Set([...slots.values()].map((slot) => slot.timeZone));
  return zones.size === 1 ? ([...zones][0] ?? 'UTC') : 'UTC';
}

function auditIndex(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${name} must be an audit index (a whole number from 0)`);
    }
    return Number(value);
  };
}

/**
 * Adds `export` to the `edi` command group, making the group when `edi import` has not yet (the order of
 * registration in main.ts does not matter).
 */
export function registerEdiExportCommand(program: Command, run: Run, dbOption: () => Option): void {
  const edi =
    program.commands.find((command) => command.name() === 'edi') ??
    program.command('edi').description('UN/EDIFACT interchanges (SMDG container messages)');
  edi
    .command('export')
    .description(
      "write a line's gate moves as a CODECO, or its discharges and loads as a COARRI (SMDG, D.95B), from the log over an audit index range; only the line's own boxes, never a yard slot",
    )
    .addOption(dbOption())
    .requiredOption('--line <code>', "the shipping line's organisation code, e.g. MSCU: the recipient")
    .addOption(
      new Option('--type <type>', 'CODECO (gate moves) or COARRI (discharges and loads)')
        .choices(OUTBOUND_MESSAGE_TYPES)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--from-index <n>', 'the first audit index read (default 0)')
        .argParser(auditIndex('--from-index'))
        .conflicts('since'),
    )
    .addOption(
      new Option('--to-index <n>', 'stop before this audit index (default: the end of the log)')
        .argParser(auditIndex('--to-index'))
        .conflicts('until'),
    )
    .option('--since <instant>', 'from the first event the log recorded at or after this ISO 8601 instant')
    .option('--until <instant>', 'up to the first event the log recorded at or after this ISO 8601 instant')
    .option('--out <file>', 'write the interchange to this file (default: stdout)')
    .option(
      '--locode <code>',
      "the port's UN/LOCODE for the LOC segments, e.g. BEANR, for a terminal whose layout names none",
    )
    .option('--sender <id>', 'the UNB sender identification: the port or terminal', DEFAULT_EDI_SENDER)
    .option(
      '--time-zone <zone>',
      "IANA zone of the times written (SMDG: the terminal's local time; default: the terminals' zone)",
    )
    .option('--json', 'print what was written as JSON')
    .action(run(ediExportCommand));
}
