import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command, Option } from 'commander';
import { type EdiImportAnswer, importInterchange } from '../app/edi/index.js';
import { progressBar } from './progress.js';
import { openSystem } from './system.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Run = <T>(command: (input: T, io: Io) => Promise<number | undefined>) => (input: T) => Promise<void>;

/** An interchange's size limit: the full 2,799-box BAPLIE is 384 KB; a whole vessel's of 24,000 boxes ~3.5 MB. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** One line per message, then the CONTRL file or text. */
export function importAnswerText(file: string, answer: EdiImportAnswer): string {
  const lines: string[] = [];
  const head = `${file}: ${answer.outcome} interchange ${answer.sender}/${answer.controlRef}`;
  if (answer.outcome === 'applied') {
    lines.push(`${head} as ${answer.interchangeId}, receipt at audit index ${answer.receiptIndex}`);
  } else if (answer.outcome === 'duplicate') {
    lines.push(
      `${head}: already received as ${answer.interchangeId} on ${answer.receivedAt} (audit index ${answer.receiptIndex}); nothing changed`,
    );
  } else {
    lines.push(`${head}: ${answer.refusal?.code}: ${answer.refusal?.reason}`);
  }
  for (const error of answer.syntaxErrors ?? []) {
    lines.push(`  syntax ${error.code} at segment ${error.segment}, byte ${error.offset}: ${error.message}`);
  }
  for (const message of answer.messages) {
    const events = message.eventIndexes;
    const range = events.length > 0 ? ` (events ${events[0]}…${events.at(-1)}, ${events.length})` : '';
    const where =
      message.refusal?.segment !== undefined
        ? ` at segment ${message.refusal.segment} (${message.refusal.tag ?? '?'}), byte ${message.refusal.offset}`
        : '';
    lines.push(
      `  ${message.type} ${message.ref}: ${message.outcome}${
        message.refusal
          ? ` ${message.refusal.code}${where}: ${message.refusal.reason}`
          : `: ${message.summary}`
      }${range}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `edi import [--db URL] [--as ORG] [--contrl-dir DIR] [--json] FILE…` (issue 17): applies each interchange whole or
 * not at all, for the organisation `--as` names (its id or code) or else the UNB sender's, through the same use case
 * as `POST /v1/edi/interchanges`. Prints one line per message and writes the CONTRL next to the file (or to
 * `--contrl-dir`); exit 1 when any interchange was refused, and one line on stderr for a file it cannot read.
 */
export async function ediImportCommand(
  input: { db?: string; as?: string; files: string[]; json?: boolean; contrlDir?: string },
  io: Io,
): Promise<number> {
  const texts: { file: string; text: string }[] = [];
  for (const file of input.files) {
    try {
      const bytes = await readFile(file);
      if (bytes.byteLength > MAX_FILE_BYTES) {
        io.stderr.write(
          `error: ${file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; not an interchange\n`,
        );
        return 1;
      }
      // One character per byte (ISO 8859-1): the reader's offsets are byte offsets (src/edifact).
      texts.push({ file, text: bytes.toString('latin1') });
    } catch (error) {
      io.stderr.write(
        `error: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
      );
      return 1;
    }
  }
  const system = await openSystem(input.db === undefined ? {} : { databaseUrl: input.db });
  let refused = false;
  try {
    for (const { file, text } of texts) {
      const bar = progressBar(io.stderr, file);
      const answer = await importInterchange(
        { ledger: system.ledger, terminals: system.terminals },
        {
          text,
          ...(input.as === undefined ? {} : { as: input.as }),
          by: `cli:${userInfo().username}`,
          onProgress: ({ done, total }) => bar.update(done, total),
        },
      );
      bar.stop();
      if (answer.outcome === 'refused') refused = true;
      const contrlPath = `${input.contrlDir ? `${input.contrlDir.replace(/\/$/, '')}/${file.split('/').pop()}` : file}.contrl.edi`;
      await writeFile(contrlPath, answer.contrl, 'latin1');
      if (input.json) io.stdout.write(`${JSON.stringify({ file, contrlPath, ...answer })}\n`);
      else io.stdout.write(`${importAnswerText(file, answer)}  CONTRL written to ${contrlPath}\n`);
    }
    return refused ? 1 : 0;
  } finally {
    await system.close();
  }
}

export function registerEdiCommands(program: Command, run: Run, dbOption: () => Option): void {
  const edi = program.command('edi').description('UN/EDIFACT interchanges (SMDG container messages)');
  edi
    .command('import')
    .description(
      'apply UN/EDIFACT interchanges whole or not at all, for one organisation, and write a CONTRL acknowledgement of each',
    )
    .addOption(dbOption())
    .option(
      '--as <org>',
      'the organisation (id or code) the interchanges speak for (default: the UNB sender)',
    )
    .option(
      '--contrl-dir <dir>',
      'where to write the CONTRL files (default: beside each file, FILE.contrl.edi)',
    )
    .option('--json', 'print one JSON answer per file')
    .argument('<files...>', 'the interchanges')
    .action(
      async (files: string[], options: { db?: string; as?: string; json?: boolean; contrlDir?: string }) => {
        await run(ediImportCommand)({ ...options, files });
      },
    );
}
