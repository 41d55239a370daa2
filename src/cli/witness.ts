/**
 * `portledger witness keygen|serve`: a C2SP tlog-witness that someone other than the port's operator runs (the
 * customs authority, the port authority, a shipping line), so that the operator cannot roll the log back or fork
 * it without a witness noticing.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  type Cosigner,
  cosignatureVerifierKeyString,
  cosignerFromSeed,
  encodeCosignerKey,
  parseCosignerKey,
  parseVerifierKey,
} from '../audit/index.js';
import { buildWitnessServer } from '../witness/server.js';
import { openWitnessStateFile } from '../witness/state-file.js';
import { createWitness } from '../witness/witness.js';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Run = <T>(command: (input: T, io: Io) => Promise<number | undefined>) => (input: T) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('--port must be 0 to 65535');
  return Number(value);
}

/** Writes a new cosigner key to `file` (mode 0600), never over an existing one. */
function writeNewKey(file: string, cosigner: Cosigner): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${encodeCosignerKey(cosigner)}\n`, { mode: 0o600, flag: 'wx' });
}

export async function witnessKeygenCommand(options: { name: string; out?: string }, io: Io): Promise<number> {
  const cosigner = cosignerFromSeed(options.name, new Uint8Array(randomBytes(32)));
  if (options.out) {
    try {
      writeNewKey(options.out, cosigner);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      io.stderr.write(`error: ${options.out} exists; a witness key is never overwritten\n`);
      return 1;
    }
  } else {
    io.stdout.write(`${encodeCosignerKey(cosigner)}\n`);
  }
  io.stdout.write(`${cosignatureVerifierKeyString(cosigner)}\n`);
  return 0;
}

/** Reads the witness key; with `name`, creates it on the first start (so `npm start` needs no keygen step). */
export function loadCosigner(file: string, name: string | undefined): Cosigner {
  try {
    return parseCosignerKey(readFileSync(file, 'utf8').trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || name === undefined) throw error;
  }
  const cosigner = cosignerFromSeed(name, new Uint8Array(randomBytes(32)));
  try {
    writeNewKey(file, cosigner);
    return cosigner;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseCosignerKey(readFileSync(file, 'utf8').trim());
  }
}

export async function witnessServeCommand(
  options: { port: number; host: string; key: string; state: string; log: string[]; name?: string },
  io: Io,
): Promise<number> {
  const logs = options.log.map((key) => parseVerifierKey(key.trim()));
  const cosigner = loadCosigner(options.key, options.name);
  const state = await openWitnessStateFile(options.state);
  const witness = createWitness({
    cosigner,
    logs,
    state,
    nowSeconds: () => Math.floor(Date.now() / 1000),
  });
  const server = buildWitnessServer({ witness });
  await server.listen({ port: options.port, host: options.host });
  const address = server.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : options.port;
  io.stdout.write(`witness ${cosigner.name} is listening on http://${options.host}:${boundPort}\n`);
  io.stdout.write(`witness verifier key: ${cosignatureVerifierKeyString(cosigner)}\n`);
  for (const log of logs) {
    const record = state.get(log.name);
    io.stdout.write(
      `log ${log.name}: ${record ? `cosigned up to size ${record.size}` : 'nothing cosigned yet'}\n`,
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await state.close();
  return 0;
}

export function registerWitnessCommands(program: Command, run: Run): void {
  const witness = program
    .command('witness')
    .description('a C2SP tlog-witness that cosigns the log only while it extends what it cosigned before');
  witness
    .command('keygen')
    .description('print a new witness signer key (secret) and its verifier key (cosignature/v1, type 0x04)')
    .requiredOption('--name <name>', 'the witness name, a schema-less URL, e.g. customs.example/witness')
    .option('--out <file>', 'write the signer key to this file (mode 0600) and print only the verifier key')
    .action(run(witnessKeygenCommand));
  witness
    .command('serve')
    .description('serve POST /add-checkpoint (tlog-witness) for the given logs')
    .requiredOption('--port <port>', 'TCP port', port)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .requiredOption('--key <file>', 'the witness signer key file (from `witness keygen --out`)')
    .option('--name <name>', 'create the key file with this witness name when it does not exist')
    .requiredOption(
      '--state <file>',
      'the state file; refused submissions go to <file>.evidence.jsonl beside it',
    )
    .requiredOption(
      '--log <vkey>',
      "a log's verifier key; its name is the log's origin (repeatable)",
      collect,
    )
    .action(run(witnessServeCommand));
}
