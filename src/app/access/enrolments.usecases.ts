/**
 * Confirming passkeys registered through enrolment links (issue 10, row D). A one-time link can be stolen on its
 * way (MISSION §1), and the secrets file of the demo holds every link a thief would want; so the passkey a link
 * registers is pending until a second person who knows its holder confirms it, having seen the device, the time
 * and the network it came from:
 *
 * - in the console, a terminal supervisor of the same terminal organisation or a port administrator, with a
 *   passkey session and a fresh step-up (`enrolmentConfirmRefusal` decides who, never the person themselves);
 * - at the machine, the operator (`portledger enrolment confirm --by-operator`): the root of trust for the very
 *   first administrator of an installation and for the demo.
 *
 * Whoever holds a link can enrol first, and the device, label and user agent are theirs to choose; so confirming
 * needs the pairing code the enrolment page showed the person (`enrolmentCode`), which the confirmer asks them for
 * and types. A wrong code is refused (`enrolment.code_mismatch`) and recorded as an `EnrolmentCodeMismatch` auth
 * event; after five, the enrolment can only be rejected (`enrolment.locked`). The confirmer's list never shows it.
 *
 * Each confirmation and rejection ends the person's sessions (a change of their credentials), and is an auth event
 * on the person's `auth-` stream (with IP and user agent) and a
 * `PasskeyConfirmed` / `PasskeyRejected` event of the user decider, written with the `enrolment` row.
 */
import { ENROLMENT_CODE_ATTEMPTS, enrolmentConfirmRefusal } from '../../domain/index.js';
import { AppError } from '../errors.js';
import type { WriteContext } from '../ledger/index.js';
import type { LedgerReads } from '../ports.js';
import {
  type AuthDeps,
  type Authenticated,
  type RequestMeta,
  requireStepUp,
  runUserCommand,
} from './auth.usecases.js';
import { enrolmentCodeMatches } from './enrolment-code.js';
import type { EnrolmentRecord, IdentityReads, UserRecord } from './identity.ports.js';

/** What a confirmer is shown of one enrolment. */
export interface EnrolmentView {
  readonly enrolmentId: string;
  readonly status: EnrolmentRecord['status'];
  readonly person: {
    readonly userId: string;
    readonly username: string;
    readonly displayName: string;
    readonly orgId: string;
    readonly orgName: string;
    readonly roles: readonly string[];
  };
  /** When the passkey was registered. */
  readonly registeredAt: string;
  /** The network it came from. */
  readonly ip: string;
  /** The device: the browser's user agent, and the authenticator's AAGUID with its name when known. */
  readonly device: {
    readonly userAgent: string;
    readonly aaguid: string;
    readonly authenticator: string | null;
  };
  /** Other link enrolments of the same person, any status: more than none is a warning sign. */
  readonly otherEnrolments: number;
  /** Wrong pairing codes typed to confirm it so far. */
  readonly wrongCodes: number;
  /** After {@link ENROLMENT_CODE_ATTEMPTS} wrong codes it can only be rejected. */
  readonly locked: boolean;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

/**
 * A few authenticators by AAGUID (FIDO Metadata Service; passkey-authenticator-aaguids community list), so that a
 * confirmer reads a name rather than a GUID. An unknown one shows its GUID only.
 */
const AUTHENTICATOR_NAMES: Readonly<Record<string, string>> = {
  '00000000-0000-0000-0000-000000000000': 'unidentified authenticator (no attestation)',
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Password Manager',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome on Mac',
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'iCloud Keychain',
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  'cb69481e-8ff7-4039-93ec-0a2729a154a8': 'YubiKey 5 Series',
  'ee882879-721c-4913-9775-3dfcce97072a': 'YubiKey 5 Series',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
};

/** What the views read: the identity read models, and the person's auth stream for the wrong codes. */
type EnrolmentReads = Pick<LedgerReads, 'identity' | 'readStream' | 'readStreamRange'>;

/**
 * The wrong codes typed for this enrolment: its `EnrolmentCodeMismatch` events in the person's auth stream, which
 * holds every login, logout and step-up the person ever made. They all come after the enrolment's own
 * `EnrolmentPending`, so they are read from its version on (issue 13). The version is the enrolment row's, which a
 * database administrator can edit: it is believed only where the log shows this enrolment's `EnrolmentPending` at
 * it (moved on, it would hide wrong codes and lift the lock); otherwise, and for enrolments recorded before the
 * version was kept, the whole stream is read, as before.
 */
async function wrongCodesOf(reads: EnrolmentReads, enrolment: EnrolmentRecord): Promise<number> {
  const stream = `auth-${enrolment.userId}`;
  const began = enrolment.beganAtAuthVersion;
  const since = began === undefined ? [] : await reads.readStreamRange(stream, { fromVersion: began });
  const [first] = since;
  const backed = first?.type === 'EnrolmentPending' && first.data.enrolmentId === enrolment.enrolmentId;
  const events = backed ? since : await reads.readStream(stream);
  return events.filter(
    (event) => event.type === 'EnrolmentCodeMismatch' && event.data.enrolmentId === enrolment.enrolmentId,
  ).length;
}

async function viewOf(
  reads: EnrolmentReads,
  enrolment: EnrolmentRecord,
  person: UserRecord,
): Promise<EnrolmentView> {
  const { identity } = reads;
  const org = await identity.getOrganisation(person.orgId);
  const all = await identity.listEnrolments({ userId: person.userId });
  const wrongCodes = await wrongCodesOf(reads, enrolment);
  return {
    enrolmentId: enrolment.enrolmentId,
    status: enrolment.status,
    person: {
      userId: person.userId,
      username: person.username,
      displayName: person.displayName,
      orgId: person.orgId,
      orgName: org?.name ?? '',
      roles: [...person.roles],
    },
    registeredAt: enrolment.createdAt,
    ip: enrolment.ip,
    device: {
      userAgent: enrolment.userAgent,
      aaguid: enrolment.aaguid,
      authenticator: AUTHENTICATOR_NAMES[enrolment.aaguid] ?? null,
    },
    otherEnrolments: all.length - 1,
    wrongCodes,
    locked: enrolment.status === 'pending' && wrongCodes >= ENROLMENT_CODE_ATTEMPTS,
    decidedBy: enrolment.decidedBy,
    decidedAt: enrolment.decidedAt,
  };
}

/** Pending enrolments whose passkey is still there (a passkey reset may have removed it since). */
async function pendingWithPerson(identity: IdentityReads) {
  const found: { enrolment: EnrolmentRecord; person: UserRecord }[] = [];
  for (const enrolment of await identity.listEnrolments({ status: 'pending' })) {
    const person = await identity.getUser(enrolment.userId);
    if (person && (await identity.getPasskey(enrolment.credentialId))) found.push({ enrolment, person });
  }
  return found;
}

/** The pending enrolments `caller` may confirm or reject, oldest first. Their own never appears. */
export async function listPendingEnrolments(deps: AuthDeps, caller: Authenticated): Promise<EnrolmentView[]> {
  const { store } = deps.ledger;
  const views: EnrolmentView[] = [];
  for (const { enrolment, person } of await pendingWithPerson(store.identity)) {
    const refusal = enrolmentConfirmRefusal({ confirmer: caller.user, person });
    if (refusal === undefined) views.push(await viewOf(store, enrolment, person));
  }
  return views;
}

/** Who decides: a signed-in confirmer, or the operator at the machine (the CLI, on the database). */
export type EnrolmentDecider =
  | { readonly kind: 'person'; readonly auth: Authenticated }
  | { readonly kind: 'operator'; readonly name: string };

/** A confirmation carries the pairing code the person read out; a rejection needs none. */
export type EnrolmentDecision =
  | { readonly decision: 'confirm'; readonly code: string }
  | { readonly decision: 'reject' };

const decidedByOf = (by: EnrolmentDecider) =>
  by.kind === 'person' ? by.auth.user.userId : `operator:${by.name}`;

function lockedError(enrolmentId: string): AppError {
  return new AppError(
    'enrolment.locked',
    `${ENROLMENT_CODE_ATTEMPTS} wrong confirmation codes were typed for enrolment ${enrolmentId}: it can only be rejected now; the person needs a new enrolment link`,
    { attempts: ENROLMENT_CODE_ATTEMPTS },
  );
}

/**
 * Records a wrong pairing code for each of `enrolments` (an `EnrolmentCodeMismatch` auth event of the person, with
 * who typed it and from where), and returns the refusal to throw once the transaction is committed.
 */
async function recordWrongCode(
  context: WriteContext,
  args: {
    enrolments: readonly { enrolment: EnrolmentRecord; wrongCodes: number }[];
    by: EnrolmentDecider;
    meta: RequestMeta;
  },
): Promise<AppError> {
  const { now } = context;
  let attemptsLeft = ENROLMENT_CODE_ATTEMPTS;
  for (const { enrolment, wrongCodes } of args.enrolments) {
    const attempt = wrongCodes + 1;
    attemptsLeft = Math.min(attemptsLeft, ENROLMENT_CODE_ATTEMPTS - attempt);
    await context.appendAtEnd(`auth-${enrolment.userId}`, [
      {
        type: 'EnrolmentCodeMismatch',
        data: {
          enrolmentId: enrolment.enrolmentId,
          credentialId: enrolment.credentialId,
          attempt,
          by: decidedByOf(args.by),
          via: args.by.kind === 'person' ? 'console' : 'operator',
          ip: args.meta.ip,
          userAgent: args.meta.userAgent.slice(0, 300),
          at: now.toISOString(),
        },
      },
    ]);
  }
  return new AppError(
    'enrolment.code_mismatch',
    attemptsLeft > 0
      ? `that is not the confirmation code of this passkey: ask the person for the code their enrolment page shows (${attemptsLeft} ${attemptsLeft === 1 ? 'try' : 'tries'} left). If their link was already used when they opened it, the passkey is not theirs: reject it`
      : `that is not the confirmation code of this passkey, and it was the last try: it can only be rejected now`,
    { attemptsLeft },
  );
}

/**
 * Confirms or rejects a pending enrolment. A person must hold a passkey session with a step-up in the last five
 * minutes (a keylogged password + TOTP session confirms nothing), and be a confirmer of the enrolment's person; one
 * who is not gets `enrolment.not_found`, as if it did not exist. A confirmation needs the passkey's pairing code,
 * which only the one who enrolled it was shown: a wrong one is recorded and refused (`enrolment.code_mismatch`),
 * and after five the enrolment can only be rejected (`enrolment.locked`). A rejected passkey is removed: it never
 * signs in.
 */
export async function decideEnrolment(
  deps: AuthDeps,
  args: EnrolmentDecision & { enrolmentId: string; by: EnrolmentDecider },
  meta: RequestMeta,
): Promise<EnrolmentView> {
  const { by } = args;
  if (by.kind === 'person') {
    if (by.auth.session.method !== 'passkey') {
      throw new AppError(
        'auth.passkey_session_required',
        'confirming a passkey needs a session opened with your own passkey',
      );
    }
    requireStepUp(deps, by.auth);
  }
  // A wrong code's event is committed, then the refusal thrown.
  let refusal: AppError | undefined;
  const view = await deps.ledger.write(async (context) => {
    const { tx } = context;
    const enrolment = await tx.identity.getEnrolment(args.enrolmentId);
    const person = enrolment && (await tx.identity.getUser(enrolment.userId));
    if (!enrolment || !person) throw new AppError('enrolment.not_found', `no enrolment ${args.enrolmentId}`);
    if (by.kind === 'person') {
      const refusal = enrolmentConfirmRefusal({ confirmer: by.auth.user, person });
      if (refusal === 'self') {
        throw new AppError(
          'enrolment.self_confirmation',
          'nobody confirms their own passkey: ask a supervisor of your terminal or a port administrator',
        );
      }
      if (refusal) throw new AppError('enrolment.not_found', `no enrolment ${args.enrolmentId}`);
    }
    const passkey = await tx.identity.getPasskey(enrolment.credentialId);
    if (enrolment.status !== 'pending' || !passkey) {
      throw new AppError('enrolment.not_pending', `enrolment ${args.enrolmentId} is ${enrolment.status}`, {
        status: enrolment.status,
      });
    }
    if (args.decision === 'confirm') {
      const wrongCodes = await wrongCodesOf(tx, enrolment);
      if (wrongCodes >= ENROLMENT_CODE_ATTEMPTS) throw lockedError(enrolment.enrolmentId);
      if (!(await enrolmentCodeMatches(args.code, passkey))) {
        refusal = await recordWrongCode(context, { enrolments: [{ enrolment, wrongCodes }], by, meta });
        return undefined;
      }
    }
    return decideInTx(context, { enrolment, person, decision: args.decision, by, meta });
  });
  if (refusal || !view) throw refusal;
  return view;
}

async function decideInTx(
  context: WriteContext,
  args: {
    enrolment: EnrolmentRecord;
    person: UserRecord;
    decision: 'confirm' | 'reject';
    by: EnrolmentDecider;
    meta: RequestMeta;
  },
): Promise<EnrolmentView> {
  const { tx, now } = context;
  const { enrolment, person, decision, by, meta } = args;
  const decidedBy = decidedByOf(by);
  await runUserCommand(context, person.userId, {
    type: decision === 'confirm' ? 'ConfirmPasskey' : 'RejectPasskey',
    credentialId: enrolment.credentialId,
    by: decidedBy,
  });
  if (decision === 'reject') await tx.identity.removePasskey(enrolment.credentialId);
  // The person's credentials change now, not when the link was used: a pending passkey changed nothing for them
  // (whoever held a stolen link could otherwise end their sessions at will). Confirming it ends every session
  // issued before, as any passkey change does; rejecting a passkey that never signed in does too, as before.
  await tx.identity.putUser({ ...person, securityEpoch: person.securityEpoch + 1 });
  await tx.identity.revokeUserSessions(person.userId, now.toISOString());
  const decided: EnrolmentRecord = {
    ...enrolment,
    status: decision === 'confirm' ? 'confirmed' : 'rejected',
    decidedBy,
    decidedAt: now.toISOString(),
  };
  await tx.identity.putEnrolment(decided);
  await context.appendAtEnd(`auth-${person.userId}`, [
    {
      type: decision === 'confirm' ? 'EnrolmentConfirmed' : 'EnrolmentRejected',
      data: {
        enrolmentId: enrolment.enrolmentId,
        credentialId: enrolment.credentialId,
        by: decidedBy,
        via: by.kind === 'person' ? 'console' : 'operator',
        ip: meta.ip,
        userAgent: meta.userAgent.slice(0, 300),
        at: now.toISOString(),
      },
    },
  ]);
  return viewOf(tx, decided, person);
}

/** Every enrolment, or those of one status, for the operator's `portledger enrolment list`. */
export async function listEnrolmentsForOperator(
  deps: AuthDeps,
  where: { status?: EnrolmentRecord['status'] } = {},
): Promise<EnrolmentView[]> {
  const { store } = deps.ledger;
  const views: EnrolmentView[] = [];
  for (const enrolment of await store.identity.listEnrolments(where)) {
    const person = await store.identity.getUser(enrolment.userId);
    if (person) views.push(await viewOf(store, enrolment, person));
  }
  return views;
}

const OPERATOR_META: RequestMeta = { ip: 'local', userAgent: 'portledger cli' };

/**
 * The operator at the machine confirms (or rejects) a person's pending enrolment. A confirmation needs the pairing
 * code the person's enrolment page shows, and the code picks the enrolment among the person's pending ones; a code
 * that is none of theirs is recorded against each of them and refused (`enrolment.code_mismatch`). `enrolmentId`
 * narrows it to one; a rejection without it needs the person to have only one pending (`enrolment.ambiguous`
 * otherwise: the operator must look and choose).
 */
export async function decideEnrolmentAsOperator(
  deps: AuthDeps,
  args: EnrolmentDecision & { username: string; enrolmentId?: string; operator: string },
): Promise<EnrolmentView> {
  const { store } = deps.ledger;
  const person = await store.identity.findUserByUsername(args.username.trim().toLowerCase());
  if (!person) throw new AppError('auth.user_unknown', `no user ${args.username}`);
  const pending = (await pendingWithPerson(store.identity))
    .map(({ enrolment }) => enrolment)
    .filter((e) => e.userId === person.userId);
  const chosen =
    args.enrolmentId === undefined ? pending : pending.filter((e) => e.enrolmentId === args.enrolmentId);
  if (chosen.length === 0) {
    throw new AppError(
      'enrolment.not_found',
      args.enrolmentId === undefined
        ? `${person.username} has no passkey waiting for confirmation`
        : `${person.username} has no pending enrolment ${args.enrolmentId}`,
    );
  }
  const by: EnrolmentDecider = { kind: 'operator', name: args.operator };
  if (args.decision === 'reject' || chosen.length === 1) {
    if (chosen.length > 1) {
      throw new AppError(
        'enrolment.ambiguous',
        `${person.username} has ${chosen.length} passkeys waiting (${chosen.map((e) => e.enrolmentId).join(', ')}): one may be a thief's; look at each with \`portledger enrolment list\` and pass --id`,
      );
    }
    return decideEnrolment(deps, { ...args, enrolmentId: chosen[0]!.enrolmentId, by }, OPERATOR_META);
  }
  // Several pending and a code: the one whose code it is, among those that still take a code.
  const { code } = args;
  const open: { enrolment: EnrolmentRecord; wrongCodes: number }[] = [];
  for (const enrolment of chosen) {
    const wrongCodes = await wrongCodesOf(store, enrolment);
    if (wrongCodes < ENROLMENT_CODE_ATTEMPTS) open.push({ enrolment, wrongCodes });
  }
  if (open.length === 0) throw lockedError(chosen.map((e) => e.enrolmentId).join(', '));
  for (const { enrolment } of open) {
    const passkey = await store.identity.getPasskey(enrolment.credentialId);
    if (passkey && (await enrolmentCodeMatches(code, passkey)))
      return decideEnrolment(
        deps,
        { decision: 'confirm', code, enrolmentId: enrolment.enrolmentId, by },
        OPERATOR_META,
      );
  }
  const refusal = await deps.ledger.write((context) =>
    recordWrongCode(context, { enrolments: open, by, meta: OPERATOR_META }),
  );
  throw refusal;
}
