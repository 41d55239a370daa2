import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AppError } from '../app/errors.js';
import { ConcurrencyError } from '../app/ports.js';
import { AuditError } from '../audit/index.js';
import { readSetting } from '../config/settings.js';
import { DomainError } from '../domain/index.js';
import { StoreConfigError } from '../store/open-store.js';
import { registerAdminCommands } from './admin.js';
import { registerDetectCommand } from './detect.js';
import { drillCommand } from './drill.js';
import { registerEdiCommands } from './edi.js';
import { registerEdiExportCommand } from './edi-export.js';
import { registerEnrolmentCommands } from './enrolment.js';
import { exportCommand, verifyCommand, verifyDatabaseCommand } from './export-verify.js';
import { registerMonitorCommand } from './monitor.js';
import { proofConsistencyCommand, proofInclusionCommand } from './proof.js';
import { rebuildReadModelsCommand } from './rebuild-read-models.js';
import { reconcileCommand } from './reconcile.js';
import { seedCommand } from './seed.js';
import { serveCommand } from './serve.js';
import { registerWitnessCommands } from './witness.js';

function nonNegativeInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    }
    return Number(value);
  };
}

const LOG_LEVEL_HELP =
  "write the server's JSON log to stderr from this level on: fatal, error, warn, info, debug, trace or silent (env PORTLEDGER_LOG_LEVEL); without it the log goes to PORTLEDGER_LOG_FILE";

const dbOption = () =>
  new Option('--db <url>', 'database: sqlite:PATH or postgres://… (env PORTLEDGER_DB)').default(
    undefined,
    readSetting('database'),
  );

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const run =
    <T>(command: (input: T, io: Io) => Promise<number | undefined>) =>
    async (input: T) => {
      setExitCode((await command(input, io)) ?? 0);
    };
  const program = new Command('portledger')
    .description('PortLedger: container tracking and release on a tamper-evident audit log')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`${text.trim().split('\n')[0]}\n`),
    });

  program
    .command('serve')
    .description('run the HTTP server')
    .addOption(dbOption())
    .option('--port <port>', 'TCP port (env PORT)', nonNegativeInteger('--port'))
    .option('--host <host>', 'interface to bind (env HOST)')
    .option('--seed-demo', 'seed a demo port when the log is empty')
    .option('--log-level <level>', LOG_LEVEL_HELP)
    .action(run(serveCommand));

  program
    .command('demo')
    .description('migrate, seed the demo port on its first run, and serve it with a live simulator')
    .addOption(dbOption())
    .option('--port <port>', 'TCP port (env PORT)', nonNegativeInteger('--port'))
    .option('--host <host>', 'interface to bind (env HOST)')
    .option('--no-simulator', 'keep the port still: no simulated gate-ins and yard moves')
    .option(
      '--no-witnesses',
      'run no witnesses beside the demo (PORTLEDGER_WITNESSES, when set, replaces them)',
    )
    .option('--log-level <level>', LOG_LEVEL_HELP)
    .action(
      run(
        (
          options: {
            db?: string;
            port?: number;
            host?: string;
            simulator: boolean;
            witnesses: boolean;
            logLevel?: string;
          },
          cliIo: Io,
        ) =>
          serveCommand(
            {
              db: options.db,
              port: options.port,
              host: options.host,
              seedDemo: true,
              simulator: options.simulator,
              demoWitnesses: options.witnesses,
              logLevel: options.logLevel,
            },
            cliIo,
          ),
      ),
    );

  program
    .command('drill')
    .description('replay the Antwerp 2011-2013 attack against a running PortLedger and report each step')
    .requiredOption('--url <url>', 'the server, e.g. http://localhost:8080')
    .requiredOption('--secrets <file>', "the stolen secrets: the demo's demo-secrets.json")
    .option(
      '--db <url>',
      "also tamper with the database as a rogue administrator: sqlite:PATH (the log and the read models), or the server's postgres:// URL (the read models) (start the server with a short PORTLEDGER_INTEGRITY_INTERVAL_MS, e.g. 1000, to see its integrity watch catch it in seconds)",
    )
    .option(
      '--alert-token <token>',
      'how the drill sees detection: an API token with alert.read that you create for it (portledger token create --org customs --permission alert.read --label drill), never from the secrets file; every step then reads alerts on GET /v1/alerts with it. Without it, alerts are read from the --db database, or detection is not observed',
    )
    .option(
      '--server-stopped',
      'with --db sqlite:PATH: also cut the log back and fork it with the stolen log.key beside the file, each while the server is stopped: the drill says on stderr when to stop the server and when to start it again, and checks /readyz, verify --db --checkpoint, its own monitor and the witnesses',
    )
    .option('--json', 'print the report as JSON on stdout')
    .option(
      '--out <dir>',
      'where to write drill-report.md, drill-report.json and drill-monitor.json (default: the current folder)',
    )
    .action(run(drillCommand));

  program
    .command('seed')
    .description("add one vessel call's worth of activity through the real use cases")
    .addOption(dbOption())
    .option('--containers <n>', 'boxes in the vessel call', nonNegativeInteger('--containers'), 2000)
    .option('--seed <seed>', 'seed of the deterministic generator', 'portledger')
    .option('--terminal <code>', 'terminal', 'T1')
    .action(run(seedCommand));

  program
    .command('reconcile')
    .description(
      'import a yard survey (CSV: container,slot,seen_at) of one terminal and raise an alert for each box missing, unknown or misplaced; moves nothing',
    )
    .addOption(dbOption())
    .requiredOption('--terminal <code>', 'the terminal surveyed')
    .option(
      '--blocks <list>',
      'the blocks surveyed, comma-separated, when the survey did not cover the whole yard',
    )
    .option('--json', 'print the report as JSON')
    .argument('<file>', 'the survey, a CSV file')
    .action(
      async (file: string, options: { db: string; terminal: string; blocks?: string; json?: boolean }) => {
        await run(reconcileCommand)({ ...options, file });
      },
    );

  program
    .command('export')
    .description('write entries.jsonl, a covering signed checkpoint and log.pub to a folder')
    .addOption(dbOption())
    .requiredOption('--out <dir>', 'output folder')
    .action(run(exportCommand));

  program
    .command('verify')
    .description(
      'recompute the tree of an export (DIR) or of a database (--db) and check its checkpoints; exit 1 naming the first bad index',
    )
    .argument('[dir]', 'folder written by `portledger export`')
    .option('--db <url>', 'check the database itself instead: sqlite:PATH or postgres://…')
    .option(
      '--checkpoint <file>',
      'with --db: a checkpoint note kept earlier, which the log must extend (exit 1 naming rollback or fork)',
    )
    .action(async (dir: string | undefined, options: { db?: string; checkpoint?: string }) => {
      setExitCode(
        dir === undefined && options.db !== undefined
          ? await verifyDatabaseCommand({ db: options.db, checkpoint: options.checkpoint }, io)
          : await verifyCommand(dir ?? '', io),
      );
    });

  program
    .command('rebuild-read-models')
    .description(
      'recompute the read models (alerts, gate alert groups, visits, yard cells, flags, releases, bookings, driver jobs) from the log; refused while the log fails its check',
    )
    .addOption(dbOption())
    .action(run(rebuildReadModelsCommand));

  const proof = program.command('proof').description('print a Merkle proof as JSON');
  proof
    .command('inclusion')
    .description('inclusion proof of one entry (RFC 9162 §2.1.3)')
    .addOption(dbOption())
    .requiredOption('--index <i>', 'leaf index', nonNegativeInteger('--index'))
    .option('--tree-size <n>', 'tree size (default: latest checkpoint)', nonNegativeInteger('--tree-size'))
    .action(run(proofInclusionCommand));
  proof
    .command('consistency')
    .description('consistency proof between two tree sizes (RFC 9162 §2.1.4)')
    .addOption(dbOption())
    .requiredOption('--from <m>', 'older tree size', nonNegativeInteger('--from'))
    .option('--to <n>', 'newer tree size (default: latest checkpoint)', nonNegativeInteger('--to'))
    .action(run(proofConsistencyCommand));

  registerAdminCommands(program, run, dbOption);
  registerEnrolmentCommands(program, run, dbOption);
  registerMonitorCommand(program, run);
  registerDetectCommand(program, run, dbOption);
  registerEdiCommands(program, run, dbOption);
  registerEdiExportCommand(program, run, dbOption);
  registerWitnessCommands(program, run);

  return program;
}

/** The CLI reports a failure in one line on stderr, whatever the underlying error printed. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** Runs the CLI and returns the exit code: 0 success, 1 failure, 2 bad argument. */
export async function main(argv: readonly string[], io: Io = process): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    // A database URL the CLI cannot use is a bad argument too.
    if (error instanceof StoreConfigError) {
      io.stderr.write(`error: ${oneLine(error.message)}\n`);
      return 2;
    }
    if (
      error instanceof DomainError ||
      error instanceof AppError ||
      error instanceof AuditError ||
      error instanceof ConcurrencyError
    ) {
      io.stderr.write(`error: ${error.code}: ${oneLine(error.message)}\n`);
      return 1;
    }
    io.stderr.write(`error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}
