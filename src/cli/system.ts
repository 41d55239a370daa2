import { randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type AuthDeps, defaultAuthSettings } from '../app/access/index.js';
import { type PickupDeps, pickupDepsFor } from '../app/appointments/index.js';
import type { EntryMacRule } from '../app/audit/index.js';
import { AppError } from '../app/errors.js';
import {
  CheckpointKeeper,
  createLedger,
  type Ledger,
  type StreamMacRule,
  timeOrderedEventId,
  withAuthenticatedStreams,
} from '../app/ledger/index.js';
import type { Clock, IdSource, Leadership, LedgerStore } from '../app/ports.js';
import type { TerminalLayouts } from '../app/visits/index.js';
import { entryAuthenticatorFor, verifierKeyString } from '../audit/index.js';
import { readSetting } from '../config/settings.js';
import { demoSlotConfig, demoTerminal } from '../demo/demo-port.js';
import { argon2idHasher } from '../security/passwords.js';
import { aesGcmSealer } from '../security/sealer.js';
import { randomTokens } from '../security/tokens.js';
import { rfc6238Totp } from '../security/totp.js';
import { simpleWebAuthn } from '../security/webauthn.js';
import { openLedgerStore } from '../store/open-store.js';
import { checkpointFile } from './checkpoint-file.js';
import { loadOrCreateDataKeys } from './data-keys.js';
import { loadOrCreateSigner } from './signing-key.js';

/** The composition root: the one place that wires stores, clock, ids and keys into the use cases. */
export interface System {
  readonly ledger: Ledger;
  readonly store: LedgerStore;
  readonly terminals: TerminalLayouts;
  readonly databaseUrl: string;
  readonly keyFile: string;
  /** The verifier key string (C2SP note `name+keyid+base64`) of the log's checkpoints. */
  readonly verifierKey: string;
  readonly signerCreated: boolean;
  /**
   * The checkpoint kept outside the database (issue 11), and the rollback or fork found against it; undefined with
   * `sqlite::memory:`, whose log dies with the process.
   */
  readonly keeper: CheckpointKeeper | undefined;
  /** Which entries must carry their writer's MAC, and its key (issue 13). */
  readonly entryMacs: EntryMacRule;
  /**
   * Calls `listener` with the index of each entry a use case or the checkpoint signer refused for want of its
   * writer's MAC (`serve` then checks the whole log at once). Returns the function that removes the listener.
   */
  onUnauthenticatedEntry(listener: (index: number) => void): () => void;
  /** The identity layer: passwords, TOTP, sealing, tokens and the WebAuthn relying party of `publicUrl`. */
  readonly auth: AuthDeps;
  readonly publicUrl: string;
  /**
   * Appointment slots and the pickup credential key. The log's Ed25519 key signs credentials too: a credential
   * signs the text `plc1.<payload>`, which has no newline, while a checkpoint note always ends in one, so neither
   * signature can pass for the other; and a credential names its key id, so a dedicated gate key can take over
   * later by adding it here and keeping the log key among the verifiers until the last credential lapses.
   */
  readonly gate: PickupDeps;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

export const systemIds: IdSource = {
  // Ordered by time (UUIDv7): each append lands at the end of the event-id index (issue 13).
  eventId: () => timeOrderedEventId(Date.now(), randomBytes(10)),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
};

export function resolveDatabaseUrl(flag: string | undefined): string {
  return flag ?? readSetting('database') ?? 'sqlite:./data/portledger.db';
}

export function defaultKeyFile(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:') {
    return join(dirname(resolve(databaseUrl.slice('sqlite:'.length))), 'log.key');
  }
  return resolve('data', 'log.key');
}

export async function openSystem(args: {
  databaseUrl?: string;
  clock?: Clock;
  ids?: IdSource;
  env?: NodeJS.ProcessEnv;
  /** The URL people open; defaults to PORTLEDGER_PUBLIC_URL, then http://localhost:PORT. */
  publicUrl?: string;
  /** Which process signs checkpoints when several share the database (issue 13); absent: this one. */
  leadership?: Leadership;
}): Promise<System> {
  const env = args.env ?? process.env;
  const databaseUrl = resolveDatabaseUrl(args.databaseUrl);
  const logOrigin = readSetting('origin', env) ?? 'portledger.local/log';
  const keyFile = readSetting('signingKeyFile', env) ?? defaultKeyFile(databaseUrl);
  const { signer, created } = loadOrCreateSigner({
    keyString: readSetting('signingKey', env),
    keyFile,
    origin: logOrigin,
  });
  const dataKeys = loadOrCreateDataKeys({
    keysText: readSetting('dataKeys', env),
    keyFile: readSetting('dataKeyFile', env) ?? join(dirname(keyFile), 'data.key'),
  });
  const publicUrl =
    args.publicUrl ??
    readSetting('publicUrl', env) ??
    `http://localhost:${readSetting('port', env) ?? '8080'}`;
  const webOrigin = new URL(publicUrl).origin;
  const linkHours = enrolmentLinkHours(readSetting('enrolmentLinkHours', env));
  const opened = await openLedgerStore(databaseUrl);
  const verifierKey = verifierKeyString(signer);
  const authenticator = entryAuthenticatorFor(signer);
  const refusedListeners = new Set<(index: number) => void>();
  const entryMacs: EntryMacRule & StreamMacRule = {
    authenticator,
    requiredFrom: await entryMacsFrom(opened, databaseUrl, keyFile),
    onRefused: (index) => {
      for (const listener of refusedListeners) listener(index);
    },
  };
  // No decision is folded from an entry a PortLedger process did not write (issue 13).
  const store = withAuthenticatedStreams(opened, entryMacs);
  const keptFile = keptCheckpointPath(databaseUrl, keyFile, env);
  const keeper = keptFile
    ? await CheckpointKeeper.open({ file: checkpointFile(keptFile), reads: store, verifier: verifierKey })
    : undefined;
  const ledger = createLedger({
    store,
    clock: args.clock ?? systemClock,
    ids: args.ids ?? systemIds,
    log: { origin: signer.name, signer, authenticator, entryMacs, ...(keeper ? { guard: keeper } : {}) },
    checkpointIntervalMs: Number(readSetting('checkpointIntervalMs', env) ?? 1000),
    ...(args.leadership ? { leadership: args.leadership } : {}),
  });
  const auth: AuthDeps = {
    ledger,
    settings: {
      ...defaultAuthSettings,
      enrolmentLinkTtlMs: linkHours * 3_600_000,
    },
    security: {
      passwords: argon2idHasher(),
      totp: rfc6238Totp(),
      sealer: aesGcmSealer(dataKeys),
      tokens: randomTokens(),
      webauthn: simpleWebAuthn({
        rpId: new URL(webOrigin).hostname,
        rpName: 'PortLedger',
        origins: [webOrigin],
      }),
    },
  };
  return {
    ledger,
    store,
    auth,
    publicUrl: webOrigin,
    gate: pickupDepsFor({
      signer,
      slots: [demoSlotConfig],
      sensitivityHours: Number(readSetting('pickupSensitiveHours', env) ?? 24),
      printedPass: printedPassSetting(readSetting('printedPass', env)),
    }),
    terminals: new Map([[demoTerminal.terminal, demoTerminal]]),
    databaseUrl,
    keyFile,
    verifierKey,
    signerCreated: created,
    keeper,
    entryMacs,
    onUnauthenticatedEntry(listener) {
      refusedListeners.add(listener);
      return () => refusedListeners.delete(listener);
    },
    async close() {
      await ledger.close();
      await keeper?.flush();
      await store.close();
    },
  };
}

/**
 * `PORTLEDGER_CHECKPOINT_FILE`, else `log.checkpoint` beside the signing key; none for a log in memory, which dies
 * with the process (and whose key file is the shared `./data/log.key`).
 */
export function keptCheckpointPath(
  databaseUrl: string,
  keyFile: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const configured = readSetting('checkpointFile', env);
  if (configured) return resolve(configured);
  const inMemory = databaseUrl === 'sqlite::memory:' || databaseUrl === 'memory:';
  return inMemory ? undefined : join(dirname(keyFile), 'log.checkpoint');
}

/**
 * From which index every entry carries its writer's MAC (issue 13): recorded once, outside the database, beside the
 * signing key (`log.entry-macs-from`), as the log's size when a release that writes MACs first opened it: 0 for a
 * new log. A database administrator cannot move it; a log in memory is always new.
 */
async function entryMacsFrom(store: LedgerStore, databaseUrl: string, keyFile: string): Promise<number> {
  if (databaseUrl === 'sqlite::memory:' || databaseUrl === 'memory:') return 0;
  const file = join(dirname(keyFile), 'log.entry-macs-from');
  const read = () => {
    const text = readFileSync(file, 'utf8').trim();
    const from = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(from)) {
      throw new AppError(
        'input.invalid',
        `${file} must hold one whole number (an index of the log), not ${text}`,
      );
    }
    return from;
  };
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const size = await store.logSize();
  mkdirSync(dirname(file), { recursive: true });
  // Written whole to a file of its own, then linked in place: the link fails if another process recorded it first
  // (its value is kept), and a crash leaves either no file or the whole number, never a torn one.
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temporary, `${size}\n`, { mode: 0o644, flush: true });
  try {
    linkSync(temporary, file);
    return size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return read();
  } finally {
    unlinkSync(temporary);
  }
}

/** `PORTLEDGER_ENROLMENT_LINK_HOURS`: a whole number of hours, at least one. */
function enrolmentLinkHours(text: string | undefined): number {
  const hours = Number(text ?? '24');
  if (!Number.isSafeInteger(hours) || hours < 1) {
    throw new AppError(
      'input.invalid',
      `PORTLEDGER_ENROLMENT_LINK_HOURS must be a whole number of hours, at least 1: ${text}`,
    );
  }
  return hours;
}

/** `PORTLEDGER_PRINTED_PASS`: `on` or `off`; anything else stops the start rather than guess which was meant. */
function printedPassSetting(value: string | undefined): boolean {
  if (value === undefined || value === 'off') return false;
  if (value === 'on') return true;
  throw new AppError('input.invalid', `PORTLEDGER_PRINTED_PASS must be on or off: ${value}`);
}
