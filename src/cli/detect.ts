/**
 * `portledger detect`: runs the detection engine (issue 15) by hand, from its stored place, for the evaluation and
 * for operators (a server started with `PORTLEDGER_DETECTION=off`, or a log imported whole). It stores its place
 * and its alerts exactly as the server's engine does, so a server may take over at any time; if one moves on
 * meanwhile, this one reads the stored place again and goes on from there.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { detectionEngine, runDetectionOnce } from '../app/detection/index.js';
import { ConcurrencyError } from '../app/ports.js';
import { readDetectionSettings } from './detection-settings.js';
import { progressBar } from './progress.js';
import { openSystem } from './system.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export interface DetectOptions {
  db: string;
  once?: boolean;
  batch?: number;
  learn?: boolean;
  json?: boolean;
}

/** Another engine moving on is not a failure; this many in a row is (two engines fighting over one log). */
const MAX_CONFLICTS = 20;

export async function detectCommand(options: DetectOptions, io: Io): Promise<number> {
  const settings = readDetectionSettings();
  const system = await openSystem({ databaseUrl: options.db });
  const engine = detectionEngine(settings.core);
  const progress = progressBar(io.stderr, 'detect');
  let applied = 0;
  let alerts = 0;
  const frozen: string[] = [];
  let faults = 0;
  let position = 0;
  let conflicts = 0;
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof runDetectionOnce>>;
      try {
        result = await runDetectionOnce({
          ledger: system.ledger,
          engine,
          ...(options.batch !== undefined ? { batch: options.batch } : {}),
          ...(options.learn ? { learnOnly: true } : {}),
        });
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || ++conflicts > MAX_CONFLICTS) throw error;
        continue;
      }
      conflicts = 0;
      applied += result.applied;
      alerts += result.alertIds.length;
      frozen.push(...result.frozen);
      position = result.position;
      for (const fault of result.faults) {
        faults += 1;
        io.stderr.write(`detection rule ${fault.rule} failed on event ${fault.index}: ${fault.message}\n`);
      }
      progress.update(position, Math.max(await system.store.logSize(), position));
      if (options.once || result.applied === 0) break;
    }
  } finally {
    progress.stop();
    await system.close();
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ position, applied, alerts, frozen, faults })}\n`);
  } else if (options.learn) {
    io.stdout.write(
      `detection learned from ${applied} event(s) without raising alerts and stands at index ${position}\n`,
    );
  } else {
    io.stdout.write(
      `detection read ${applied} event(s) and stands at index ${position}: ${alerts} alert(s) raised, ${frozen.length} visit(s) frozen${faults > 0 ? `, ${faults} rule fault(s)` : ''}\n`,
    );
  }
  return 0;
}

/**
 * Moves the detection engine through the whole log without raising alerts (`--learn`), and returns where it
 * stands. The demo calls it on its seeded set-up: the seed passes its release rights on and books today's slots
 * in the same minute, which is the Antwerp pattern to a rule, and is not what the demo's port should alert on.
 */
export async function learnFromLog(
  ledger: Parameters<typeof runDetectionOnce>[0]['ledger'],
  core: ReturnType<typeof readDetectionSettings>['core'],
): Promise<number> {
  const engine = detectionEngine(core);
  for (;;) {
    const result = await runDetectionOnce({ ledger, engine, learnOnly: true });
    if (result.applied === 0) return result.position;
  }
}

function positiveInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${name} must be a whole number above 0`);
    }
    return Number(value);
  };
}

export function registerDetectCommand(
  program: Command,
  run: <T>(command: (input: T, io: Io) => Promise<number | undefined>) => (input: T) => Promise<void>,
  dbOption: () => Option,
): void {
  program
    .command('detect')
    .description(
      'run the detection engine from its stored place: record each alert the rules raise and freeze visits on high ones, as the server does; until caught up with the log, or one batch with --once',
    )
    .addOption(dbOption())
    .addOption(new Option('--once', 'one batch, then exit').conflicts('untilCaughtUp'))
    .option('--until-caught-up', 'batch after batch until no event is left (the default)')
    .option('--batch <n>', 'events per batch (default 2000)', positiveInteger('--batch'))
    .option(
      '--learn',
      'learn from the log without raising alerts: for history from before detection ran (an existing log, a seeded set-up)',
    )
    .option('--json', 'print what it did as JSON')
    .action(run(detectCommand));
}
