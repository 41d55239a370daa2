/**
 * The gate-out transaction (issue 4; MISSION §1, "their own drivers collected the boxes early"): the gate clerk
 * or a kiosk submits the scanned credential, the badge read from the card and the truck plate. Everything the
 * verdict needs is read in one write transaction; the verdict is recorded either way (`GateAttemptAccepted` or
 * `GateAttemptRefused` on the attempt's own `gate-<attemptId>` stream); a refusal also appends `GateAlertRaised`
 * to the `alerts` stream; an acceptance gates the box out (DCSA `GTOT`) and consumes the credential in the same
 * transaction, so a credential can never let two trucks through.
 */
import {
  isPickupPassText,
  openPickupCredential,
  parsePickupPass,
  pickupPassCounter,
  verifyPickupPass,
} from '../../audit/index.js';
import {
  bookingDecider,
  type FailedCheck,
  type GateCheck,
  type GateInput,
  type GatePass,
  gateAttemptEvents,
  gateBookingFacts,
  gateCheckReasons,
  gateChecks,
  gateVerdict,
  greenLights,
  normaliseTruckPlate,
  notAPass,
  type PickupCredentialClaims,
  type YardSlot,
} from '../../domain/index.js';
import type { SecretSealer } from '../access/security.ports.js';
import {
  ALERTS_STREAM,
  printedPassAlertRecord,
  raiseGateAlert,
  terminalOfOperator,
} from '../alerts/index.js';
import {
  activeDeviceInLog,
  appointmentStreamId,
  driversStreamId,
  foldBooking,
  type PickupDeps,
  releaseFacts,
} from '../appointments/index.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import type { JsonObject, LedgerReads, StoredEvent } from '../ports.js';
import { pickupStreamId, releaseStreamId } from '../releases/index.js';
import {
  executeVisitCommand,
  foldVisit,
  gateAttemptStreamId,
  type TerminalLayouts,
  visitStreamId,
} from '../visits/index.js';
import type { PickupCredentialRecord } from './gate.ports.js';
import { admitAtGate, type GateThrottle } from './gate-throttle.js';

/** Where an attempt whose credential did not open is recorded: we cannot tell which visit it aimed at. */
export const UNIDENTIFIED_VISIT = 'unidentified';

export interface GateDeps {
  readonly ledger: Ledger;
  readonly sealer: SecretSealer;
  readonly pickup: PickupDeps;
  readonly terminals: TerminalLayouts;
  /**
   * Counts genuine attempts per credential (issue 10, row G). The kiosk's own count is the caller's, before the
   * transaction; here only a pass that proved genuine counts against its credential, so junk passes naming a
   * driver's credential id cannot block his pickup.
   */
  readonly throttle?: GateThrottle | undefined;
  /**
   * Minutes before its window opens or after it closes within which a truck refused for its timing alone raises
   * no alert (`PORTLEDGER_GATE_TIMING_LEAD_MINUTES`, issue 14); the domain's default when absent.
   */
  readonly timingLeadMinutes?: number | undefined;
}

/** What the gate read. Attacker-controlled: each field is checked by the verdict, none throws. */
export interface GatePresentation {
  readonly credential: string;
  readonly badge: string;
  readonly truckPlate: string;
}

/**
 * How a check came out. The verdict evaluates every check; `not_checked` is what an answer says of a check it does
 * not report (`gate-answer.ts`): the pass did not authenticate its presenter, so the gate tells nothing else.
 * `not_applicable` is a check about another kind of pass: a printed credential has no phone signature and no time
 * step, a phone's pass is not printed (issue 13's outside attacker read a printed pass's "signed by the driver's
 * phone: passed" as a phone having signed it).
 */
export type GateCheckState = 'passed' | 'failed' | 'not_checked' | 'not_applicable';

/** The checks that say nothing about a pass of each kind: they are about the other kind. */
const NOT_APPLICABLE_TO: Readonly<Record<GatePass['kind'], ReadonlySet<GateCheck>>> = {
  printed: new Set<GateCheck>(['pass.device_signature', 'pass.fresh']),
  rotating: new Set<GateCheck>(['pass.printed_disabled']),
  not_a_pass: new Set<GateCheck>(),
};

/** Why a check failed, as a code and its parameters (`gateCheckReasons`), without the English sentence. */
export interface GateCheckWhy {
  readonly code: string;
  readonly params: Readonly<Record<string, string | number>>;
}

function whyOf(reason: GateCheckWhy | undefined): GateCheckWhy | null {
  return reason === undefined ? null : { code: reason.code, params: { ...reason.params } };
}

/** The answer at the gate: every check ticked or crossed. */
export interface GateTransactionResult {
  readonly attemptId: string;
  readonly accepted: boolean;
  readonly visitRef: string;
  /** The container number of the box the credential names; `null` when it names none. */
  readonly containerNumber: string | null;
  /**
   * Where the truck goes for the box (issue 14): its yard position as it stood when the gate let it out; `null` when
   * the gate refused, and for whoever may not see yard positions (`gate-answer.ts`).
   */
  readonly yardPosition: YardSlot | null;
  /**
   * `passed` is true when the check passed or does not apply to this kind of pass (`not_applicable`); a check not
   * checked is not passed (fail closed). `reason` is a sentence for
   * the gate clerk with the facts (the badge and plate read, the window on the terminal's clock); the log keeps the
   * verdict's own wording.
   */
  readonly checks: readonly {
    check: GateCheck;
    passed: boolean;
    state: GateCheckState;
    reason: string | null;
    /**
     * The same reason as a stable code and its parameters (issue 14), for a console to say in its person's language;
     * `null` when the check passed or does not apply.
     */
    why: GateCheckWhy | null;
  }[];
  /** Index of the verdict event in the audit log. */
  readonly index: number;
}

/**
 * Runs one gate-out transaction.
 *
 * @example
 * ```ts
 * const result = await gateTransaction(deps, 'gate-clerk-7', { credential, badge: 'ANR-000123', truckPlate: '1-ABC-123' });
 * result.checks.filter((c) => !c.passed).map((c) => c.check); // ['driver.badge', 'slot.window']
 * ```
 */
export async function gateTransaction(
  deps: GateDeps,
  operator: string,
  presented: GatePresentation,
  known: {
    /**
     * The terminals the operator's organisation runs, when the caller has them already (the HTTP route resolved the
     * kiosk's token or the clerk's session, and its organisation, to authorise the request): the transaction then
     * does not read the token or user and the organisation again (issue 13: two of the verdict's statements).
     */
    readonly gateTerminals?: readonly string[];
  } = {},
): Promise<GateTransactionResult> {
  // Outside the transaction: pure work on attacker-controlled input, no reason to hold the log lock for it.
  // A rotating pass from the driver's phone names its credential by id; a printed credential carries its claims.
  // Blanks a scanner adds around the text are not part of the pass; text that is no pass at all is said to be so.
  const scanned = typeof presented.credential === 'string' ? presented.credential.trim() : '';
  const nonPass = notAPass(scanned);
  const rotating = isPickupPassText(scanned);
  const parsedPass = rotating ? parsePickupPass(scanned) : undefined;
  const opened = rotating ? undefined : openPickupCredential(scanned, deps.pickup.verifiers);
  const refs =
    typeof presented.badge === 'string' && presented.badge.trim() !== ''
      ? deps.sealer.badgeRefs(presented.badge)
      : [];
  return deps.ledger.write(async (context) => {
    const { tx } = context;
    const now = context.now.toISOString();
    // The table only says which visit a rotating pass's credential belongs to; what the credential is (issued for
    // which versions, voided or not) is read from that visit's log below. A DBA who edits the table changes neither.
    const passRow = parsedPass?.ok ? await tx.gate.getCredential(parsedPass.credentialId) : undefined;
    const visitRef = opened?.ok ? opened.payload.visitRef : (passRow?.visitRef ?? UNIDENTIFIED_VISIT);
    const record = visitRef !== UNIDENTIFIED_VISIT ? await tx.getVisit(visitRef) : undefined;
    // The visit's four streams in one read (issue 13: one statement where there were four); the transaction keeps
    // them, so a gate-out below folds the visit's stream without reading it again.
    const visitStreams = record
      ? await tx.readStreams([
          pickupStreamId(visitRef),
          visitStreamId(visitRef),
          appointmentStreamId(visitRef),
          releaseStreamId(visitRef),
        ])
      : new Map<string, StoredEvent[]>();
    const streamOf = (streamId: string) => visitStreams.get(streamId) ?? [];
    const credentialEvents = streamOf(pickupStreamId(visitRef));
    const passRecord =
      parsedPass?.ok === true ? credentialInLog(credentialEvents, parsedPass.credentialId) : undefined;
    const visitState = record ? foldVisit(streamOf(visitStreamId(visitRef))) : undefined;
    const bookingState = record
      ? foldBooking(streamOf(appointmentStreamId(visitRef)))
      : bookingDecider.initialState();
    const release = record
      ? await releaseFacts({ readStream: async (streamId) => streamOf(streamId) }, visitRef)
      : undefined;
    const terminal = bookingState.booking?.terminal;
    const config = terminal === undefined ? undefined : deps.pickup.slots.get(terminal);
    const booking = config ? gateBookingFacts(bookingState, config) : null;
    const claims: PickupCredentialClaims | undefined = opened?.ok
      ? opened.payload
      : passRecord && record
        ? claimsOfRecord(passRecord, bookingState)
        : undefined;
    const credentialId = claims?.credentialId;
    const logged = credentialId === undefined ? undefined : credentialInLog(credentialEvents, credentialId);
    const pass =
      nonPass === undefined
        ? await checkPass(context, deps, { rotating, parsedPass, passRecord, bookingState })
        : { pass: { kind: 'not_a_pass', looksLike: nonPass } as GatePass, deviceId: null };
    // Only a genuine pass counts against its credential: one the driver's active phone signed (in whichever step,
    // so real replays are still limited), or a printed credential the log's key signed where the terminal accepts
    // them. Past the limit: 429 and this transaction records nothing.
    const genuine =
      pass.deviceId !== null ||
      (pass.pass.kind === 'printed' && pass.pass.printedAllowed && opened?.ok === true);
    if (genuine) await admitAtGate(deps.throttle, { credential: scanned }, context.now);
    // A credential we signed but never recorded is not one we issued for this booking: superseded.
    const superseded = credentialId !== undefined && (logged === undefined || logged.status === 'void');
    const input: GateInput = {
      pass: pass.pass,
      credential: claims
        ? { ok: true, payload: claims }
        : opened && !opened.ok
          ? { ok: false, code: opened.code, message: opened.message }
          : parsedPass && !parsedPass.ok
            ? { ok: false, code: parsedPass.code, message: parsedPass.message }
            : {
                ok: false,
                code: 'credential.unknown',
                message: 'no pickup credential with this id was issued',
              },
      presented: {
        badgeRef: refs.find((ref) => ref === booking?.driverBadgeRef) ?? refs[0] ?? '',
        truckPlate: presented.truckPlate,
      },
      now,
      // From the log: the terminal the box stands at, and the terminals the presenting kiosk's or clerk's
      // organisation runs; a genuine pass at another operator's gate lets nothing out (`gate.terminal`).
      visit: {
        visitRef,
        status: visitState?.visit?.status ?? 'announced',
        terminal: visitState?.visit?.slot?.terminal ?? null,
      },
      gateTerminals: known.gateTerminals ?? (await gateTerminalsOf(tx, operator)),
      release: { rightVersion: release?.rightVersion ?? 0, holder: release?.holder ?? null },
      booking,
      credentialIds: {
        // A visit's box leaves once, on the one accepted attempt: its credential is spent when the log says it left.
        used: logged && visitState?.visit?.status === 'gated_out' ? [logged.credentialId] : [],
        superseded: superseded ? [credentialId] : [],
      },
      lights:
        visitState && release
          ? greenLights({ visit: visitState, release: release.state, at: now }).lights
          : [],
      // A freeze stops the box whoever presents what: only a two-person unfreeze lets it go.
      frozen: (visitState?.visit?.frozen ?? null) !== null,
      ...(deps.timingLeadMinutes === undefined ? {} : { timingLeadMinutes: deps.timingLeadMinutes }),
    };
    const verdict = gateVerdict(input);
    // Read before the gate-out below takes the box off its slot: where the truck goes for it.
    const yardPosition = verdict.accepted ? (visitState?.visit?.slot ?? null) : null;
    const attemptId = Buffer.from(context.ids.randomBytes(12)).toString('base64url');
    const [attempt, alert] = gateAttemptEvents({ attemptId, input, verdict });
    const toNew = ({ type, ...data }: { type: string }) => ({
      type,
      data: { ...(data as JsonObject), operator } as JsonObject,
    });
    // The attempt says how the pass came (phone or print) and which enrolled device signed it.
    const attemptEvent = toNew(attempt!);
    const [appended] = await context.append(gateAttemptStreamId(attemptId), 0, [
      { ...attemptEvent, data: { ...attemptEvent.data, pass: pass.pass.kind, deviceId: pass.deviceId } },
    ]);
    if (alert !== undefined && alert.type === 'GateAlertRaised') {
      await raiseGateAlert(context, { type: alert.type, data: toNew(alert).data }, record, operator);
    }
    if (verdict.accepted && logged) {
      await executeVisitCommand(context, deps.terminals, visitRef, {
        type: 'GateOutContainer',
        truckPlate: normaliseTruckPlate(presented.truckPlate) ?? presented.truckPlate,
        // The decider lets the box out only on this verdict, read back from the log in this transaction.
        gateAttemptId: attemptId,
      });
      await tx.gate.putCredential({ ...logged, status: 'used', closedAt: now });
      if (pass.pass.kind === 'printed') {
        // The printed fallback let a box out: allowed by the terminal, and worth a look every time.
        const [raised] = await context.appendAtEnd(ALERTS_STREAM, [
          {
            type: 'PrintedPassAlertRaised',
            data: {
              rule: 'gate.printed_pass',
              attemptId,
              visitRef,
              credentialId: logged.credentialId,
              operator,
              at: now,
            },
          },
        ]);
        // The box has left: the alert belongs to the terminal of the gate (clerk or kiosk), as a refusal's would.
        await tx.putAlertRecord(
          printedPassAlertRecord(raised!, {
            containerNumber: record?.containerNumber ?? null,
            terminal: await terminalOfOperator(tx, operator),
          }),
        );
        await tx.adjustOpenAlerts(visitRef, 1);
      }
    }
    const failed = new Map<GateCheck, FailedCheck>(
      verdict.accepted ? [] : verdict.failed.map((f) => [f.check, f] as const),
    );
    const reasons = gateCheckReasons(input, verdict, {
      badge: typeof presented.badge === 'string' ? presented.badge : '',
      truckPlate: typeof presented.truckPlate === 'string' ? presented.truckPlate : '',
    });
    return {
      attemptId,
      accepted: verdict.accepted,
      visitRef,
      containerNumber: record?.containerNumber ?? null,
      yardPosition: yardPosition === null ? null : { ...yardPosition },
      checks: gateChecks.map((check) => ({
        check,
        passed: !failed.has(check),
        state: failed.has(check)
          ? ('failed' as const)
          : NOT_APPLICABLE_TO[pass.pass.kind].has(check)
            ? ('not_applicable' as const)
            : ('passed' as const),
        reason: failed.has(check) ? (reasons.get(check)?.sentence ?? failed.get(check)!.reason) : null,
        why: failed.has(check) ? whyOf(reasons.get(check)) : null,
      })),
      index: appended!.index,
    };
  });
}

/**
 * A credential as the visit's `pickup-<visitRef>` stream has it: issued there (for which booking and right
 * versions, when) and voided there or not. Undefined when the stream never issued it. The gate decides on this, not
 * on the `pickup_credential` table (issue 13's outside attacker voided a driver's pickup with one UPDATE).
 */
function credentialInLog(
  events: readonly StoredEvent[],
  credentialId: string,
): PickupCredentialRecord | undefined {
  let found: PickupCredentialRecord | undefined;
  for (const { type, data } of events) {
    if (type === 'PickupCredentialIssued' && data.credentialId === credentialId) {
      found = {
        credentialId,
        visitRef: String(data.visitRef),
        bookingVersion: Number(data.bookingVersion),
        rightVersion: Number(data.rightVersion),
        status: 'active',
        issuedAt: String(data.at),
        closedAt: null,
      };
    } else if (
      found &&
      type === 'PickupCredentialsVoided' &&
      Array.isArray(data.credentialIds) &&
      data.credentialIds.includes(credentialId)
    ) {
      found = { ...found, status: 'void', closedAt: typeof data.at === 'string' ? data.at : null };
    }
  }
  return found;
}

/**
 * The terminals run by the organisation of whoever presents the pass: the kiosk's API token (`token:<tokenId>`) or
 * the signed-in clerk. Anyone else (an organisation that is no terminal operator, an unknown operator) runs none.
 */
async function gateTerminalsOf(
  tx: Pick<LedgerReads, 'identity'>,
  operator: string,
): Promise<readonly string[]> {
  const orgId = operator.startsWith('token:')
    ? (await tx.identity.listApiTokens({ tokenId: operator.slice('token:'.length) }))[0]?.orgId
    : (await tx.identity.getUser(operator))?.orgId;
  const org = orgId === undefined ? undefined : await tx.identity.getOrganisation(orgId);
  return org?.kind === 'terminal_operator' ? org.terminals : [];
}

/**
 * The claims a rotating pass stands for: the credential issued for the booking, as recorded when it was issued
 * (visit, versions) with the driver, truck and slot of the booking it was issued for. A booking changed since has
 * another version, and the verdict's `credential.current` refuses it.
 */
function claimsOfRecord(
  record: PickupCredentialRecord,
  bookingState: ReturnType<typeof foldBooking>,
): PickupCredentialClaims | undefined {
  const booking = bookingState.booking;
  if (booking === null) return undefined;
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  return {
    v: 1,
    credentialId: record.credentialId,
    visitRef: record.visitRef,
    driverBadgeRef: booking.driverBadgeRef,
    truckPlate: booking.truckPlate,
    slotId: booking.slotId,
    windowStart: seconds(booking.slotStart),
    windowEnd: seconds(booking.slotEnd),
    rightVersion: record.rightVersion,
    bookingVersion: record.bookingVersion,
    issuedAt: seconds(record.issuedAt),
  };
}

/**
 * The pass checks (issue 10, row C). A rotating pass must verify under the ACTIVE device key of the driver the
 * booking names (his haulier's driver record, linked to his account), for the gate's current 30-second step or
 * one either side; a pending, rejected or revoked device signs nothing the gate accepts. A printed credential is
 * accepted only while the terminal allows the fallback.
 */
async function checkPass(
  context: WriteContext,
  deps: GateDeps,
  scan: {
    rotating: boolean;
    parsedPass: ReturnType<typeof parsePickupPass> | undefined;
    passRecord: PickupCredentialRecord | undefined;
    bookingState: ReturnType<typeof foldBooking>;
  },
): Promise<{ pass: GatePass; deviceId: string | null }> {
  if (!scan.rotating || scan.parsedPass === undefined) {
    return { pass: { kind: 'printed', printedAllowed: deps.pickup.printedPass }, deviceId: null };
  }
  const refused = (deviceSignature: string) => ({
    pass: { kind: 'rotating', deviceSignature } as GatePass,
    deviceId: null,
  });
  if (!scan.parsedPass.ok) return refused(`${scan.parsedPass.code}: ${scan.parsedPass.message}`);
  const booking = scan.bookingState.booking;
  if (scan.passRecord === undefined || booking === null) {
    return refused('no pickup credential with this id was issued');
  }
  // From the log, not the read models: the account the haulier linked to this badge, and that account's phone
  // a planner confirmed. A database administrator who edits `driver` or `driver_device` changes neither.
  const userId = await driverAccountInLog(context, booking.nominatedBy.orgId, booking.driverBadgeRef);
  const device = userId ? await activeDeviceInLog(context.tx, userId) : undefined;
  if (device === undefined) {
    return refused("the nominated driver has no confirmed device: his haulier's planner confirms it");
  }
  const verified = verifyPickupPass(scan.parsedPass, {
    publicKey: device.publicKey,
    currentCounter: pickupPassCounter(context.now.getTime()),
  });
  if (verified.ok) return { pass: { kind: 'rotating' }, deviceId: device.deviceId };
  if (verified.code === 'pass.stale') {
    return {
      pass: { kind: 'rotating', fresh: `${verified.code}: ${verified.message}` },
      deviceId: device.deviceId,
    };
  }
  return refused(`${verified.code}: ${verified.message}`);
}

/** The console account the haulier last linked to this badge reference, from its `drivers-<orgId>` stream. */
async function driverAccountInLog(
  context: WriteContext,
  orgId: string,
  badgeRef: string,
): Promise<string | undefined> {
  const events = await context.tx.readStream(driversStreamId(orgId));
  const last = events.findLast(
    (e) => (e.type === 'DriverRegistered' || e.type === 'DriverUpdated') && e.data.badgeRef === badgeRef,
  );
  return typeof last?.data.userId === 'string' ? last.data.userId : undefined;
}
