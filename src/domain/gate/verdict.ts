/**
 * The gate-out verdict (issue 4, MISSION §3 Gate-out): may this driver, in this truck, now, take this box?
 *
 * A pure function of facts the caller reads in one transaction: the opened pickup credential (or why it did not
 * open), what the gate read (badge reference, plate), the visit, the release right, the booking, the four green
 * lights and the freeze flag. It evaluates every check and lists every one that failed, never just the first,
 * because a refused attempt raises an alert, and an investigator (or the detection engine) needs to see at once
 * that the attacker's driver came with a copied credential *and* the wrong badge *and* before the slot.
 *
 * Fail closed: a check that cannot be evaluated fails. Without a credential that opened, the checks about the
 * credential (`credential.visit`, `credential.unused`, `credential.current`) fail too; without a booking in
 * force, the checks against the booking fail.
 */
import {
  activeBooking,
  type BookingState,
  normaliseTruckPlate,
  type PickupCredentialClaims,
  type SlotConfig,
  type SlotWindow,
  slotWindow,
  terminalTime,
} from '../appointments/index.js';
import { DomainError } from '../errors.js';
import { instantMs, integer } from '../pickup-fields.js';
import type { VisitStatus } from '../visits/index.js';

/** Every check of the gate, in the order a verdict lists them. */
export const gateChecks = [
  'credential.not_a_pass',
  'pass.device_signature',
  'pass.fresh',
  'pass.printed_disabled',
  'credential.signature',
  'credential.visit',
  'credential.unused',
  'credential.current',
  'driver.badge',
  'truck.plate',
  'slot.window',
  'right.holder',
  'lights.green',
  'visit.in_yard',
  'gate.terminal',
  'visit.not_frozen',
] as const;

/**
 * One check of the gate:
 * - `credential.not_a_pass` — what was scanned has the form of a pickup pass at all (`plp1.…` or `plc1.…`, or another
 *   version of either): an empty field, a web address or any other text is said to be no pass, rather than a pass
 *   whose signature failed (issue 14);
 * - `pass.device_signature` — a rotating pass (`plp1.`) is signed by the active device of the driver its
 *   credential names (issue 10, row C: a screenshot, a copy from a file or a typed badge number opens nothing);
 * - `pass.fresh` — its time step is the gate's current one or one either side, so a pass captured a minute
 *   earlier is refused;
 * - `pass.printed_disabled` — a printed `plc1.` credential is presented while the terminal has switched the
 *   printed fallback off (`PORTLEDGER_PRINTED_PASS`): someone is presenting a copy;
 * - `credential.signature` — the credential opened: well formed, signed by a known key;
 * - `credential.visit` — it was issued for this visit;
 * - `credential.unused` — its id has not been used at the gate;
 * - `credential.current` — not superseded: its right version and booking version are the current ones, and its
 *   id is not on the superseded list;
 * - `driver.badge` — the badge read is the driver the booking (and the credential) names;
 * - `truck.plate` — the plate read, normalised, is the booked (and credential's) truck;
 * - `slot.window` — now is inside the booked slot, grace included;
 * - `right.holder` — the booking was made by the organisation holding the release right now;
 * - `lights.green` — every green light is green;
 * - `visit.in_yard` — the box is in the yard;
 * - `gate.terminal` — the organisation of the kiosk or clerk presenting the pass runs the terminal where the box
 *   stands: a genuine pass at another operator's gate lets nothing out there;
 * - `visit.not_frozen` — the visit is not frozen by an investigation.
 */
export type GateCheck = (typeof gateChecks)[number];

/**
 * A failed check and why, in words that carry no personal data (they go into audit leaves). A failed `slot.window`
 * also says how early or late the truck came ({@link GateTiming}), which decides whether the refusal is an alert.
 */
export type FailedCheck = { check: GateCheck; reason: string; timing?: GateTiming };

/**
 * How far outside its gate window a truck came (issue 14): `early` by the whole minutes until the window opens
 * (rounded up), or `late` by the whole minutes since it closed (rounded down); `withinLead` when that is no more
 * than the terminal's lead (`PORTLEDGER_GATE_TIMING_LEAD_MINUTES`). Early or late within the lead is a driver on
 * the road, not an attack; a pass used long after its window is worth a look.
 */
export type GateTiming = { side: 'early' | 'late'; minutes: number; withinLead: boolean };

/** The lead when the caller gives none: the demo terminal's grace, as the setting's default. */
export const DEFAULT_TIMING_LEAD_MINUTES = 30;

/** One green light as `src/domain/releases/green-lights.ts` reports it (structural, so the two stay decoupled). */
export type GateLight = { light: string; green: boolean; reasons: string[] };

/** `openPickupCredential`'s result (src/audit), structurally. */
export type OpenedCredential =
  | { readonly ok: true; readonly payload: PickupCredentialClaims }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** The booking in force, as the gate needs it; `null` when the visit has none. */
export type GateBookingFacts = {
  bookingVersion: number;
  driverBadgeRef: string;
  truckPlate: string;
  /** The organisation that last named the driver, slot and truck. */
  nominatedBy: string;
  /** The slot widened by the grace (`slotWindow`). */
  window: SlotWindow;
  /** The terminal's IANA time zone, in which an early driver is told when to come back (issue 10, row G). */
  timeZone?: string;
};

/**
 * What was scanned: a rotating pass from the driver's phone, with why its device signature or its freshness
 * failed (absent when it passed); or the printed credential, with whether the terminal still accepts it.
 */
export type GatePass =
  | { kind: 'rotating'; deviceSignature?: string; fresh?: string }
  | { kind: 'printed'; printedAllowed: boolean }
  | { kind: 'not_a_pass'; looksLike: NotAPass };

/** What a scanned text that is no pickup pass looks like: nothing, a web address, or other text. */
export type NotAPass = 'empty' | 'url' | 'text';

// A pass of either kind, in any version: `plp1.` (rotating), `plc1.` (printed), `plc2.`… (a version we refuse).
const PASS_FORM = /^pl[cp]\d+\./;
const URL_FORM = /^([a-z][a-z0-9+.-]*:|www\.)/i;

/**
 * Whether a scanned text is no pickup pass at all, and what it looks like; `undefined` when it has the form of one
 * (whose signature the gate then checks). Surrounding blanks, as a scanner may add, are ignored.
 *
 * @example
 * ```ts
 * notAPass('https://example.com/track?c=MSCU1234565'); // 'url'
 * notAPass('plc1.eyJ…'); // undefined
 * ```
 */
export function notAPass(scanned: unknown): NotAPass | undefined {
  if (typeof scanned !== 'string' || scanned.trim() === '') return 'empty';
  const text = scanned.trim();
  if (PASS_FORM.test(text)) return undefined;
  return URL_FORM.test(text) ? 'url' : 'text';
}

/** Everything the gate decides on. */
export type GateInput = {
  pass: GatePass;
  credential: OpenedCredential;
  /** What the gate read: the keyed hash of the badge on the card, and the truck's plate as read. */
  presented: { badgeRef: string; truckPlate: string };
  now: string;
  /** The visit, with the terminal its box stands at (`null` when it stands at none). */
  visit: { visitRef: string; status: VisitStatus; terminal: string | null };
  /** The terminals run by the organisation of the kiosk's API token or of the clerk who presents the pass. */
  gateTerminals: readonly string[];
  release: { rightVersion: number; holder: string | null };
  booking: GateBookingFacts | null;
  /** Credential ids the gate has accepted before, and ids voided by a change. */
  credentialIds: { used: readonly string[]; superseded: readonly string[] };
  lights: readonly GateLight[];
  frozen: boolean;
  /**
   * How many minutes before its window opens or after it closes a truck refused only for its timing is still told
   * when to come (early) or to rebook (late) without an alert; {@link DEFAULT_TIMING_LEAD_MINUTES} when absent.
   */
  timingLeadMinutes?: number;
};

/** The verdict: accepted, or refused with every failed check, in {@link gateChecks} order. */
export type GateVerdict = { accepted: true } | { accepted: false; failed: FailedCheck[] };

const INVALID = 'gate.input_invalid';
const MINUTE_MS = 60_000;

/**
 * The booking facts of {@link GateInput} from a folded appointment stream and the terminal's grace; `null` when
 * the visit has no booking in force.
 *
 * @example
 * ```ts
 * gateBookingFacts(foldEvents(bookingDecider, stored), slotConfig)?.window.start; // '2025-03-01T07:30:00.000Z'
 * ```
 */
export function gateBookingFacts(
  state: BookingState,
  grace: Pick<SlotConfig, 'graceBeforeMinutes' | 'graceAfterMinutes'> & Partial<Pick<SlotConfig, 'timeZone'>>,
): GateBookingFacts | null {
  const booking = activeBooking(state);
  if (booking === undefined) return null;
  return {
    bookingVersion: state.bookingVersion,
    driverBadgeRef: booking.driverBadgeRef,
    truckPlate: booking.truckPlate,
    nominatedBy: booking.nominatedBy.orgId,
    window: slotWindow({ start: booking.slotStart, end: booking.slotEnd }, grace),
    ...(grace.timeZone === undefined ? {} : { timeZone: grace.timeZone }),
  };
}

/**
 * How early or late the truck is against its booked gate window; `undefined` when it is inside the window or there is
 * no booking (`slot.window` then fails for want of one).
 *
 * @example
 * ```ts
 * gateTiming({ ...input, now: '2025-03-01T07:27:00Z' }); // { side: 'early', minutes: 3, withinLead: true } when the window opens at 07:30
 * ```
 */
export function gateTiming(
  input: Pick<GateInput, 'now' | 'booking' | 'timingLeadMinutes'>,
): GateTiming | undefined {
  if (input.booking === null) return undefined;
  const now = instantMs(INVALID, 'now', input.now);
  const window = checkWindow(input.booking.window);
  const lead = integer(
    INVALID,
    'timingLeadMinutes',
    input.timingLeadMinutes ?? DEFAULT_TIMING_LEAD_MINUTES,
    0,
    24 * 60,
  );
  if (now < window.start) {
    const minutes = Math.ceil((window.start - now) / MINUTE_MS);
    return { side: 'early', minutes, withinLead: minutes <= lead };
  }
  if (now >= window.end) {
    const minutes = Math.floor((now - window.end) / MINUTE_MS);
    return { side: 'late', minutes, withinLead: minutes < lead };
  }
  return undefined;
}

/**
 * The gate-out verdict. Throws `gate.input_invalid` only when the caller's own facts are malformed (a bad `now`,
 * window or version); what the driver brings (credential, badge, plate) never makes it throw.
 *
 * @example
 * ```ts
 * const verdict = gateVerdict({ credential: openPickupCredential(scanned, keys), presented, now, visit, release,
 *   booking, credentialIds, lights, frozen });
 * if (!verdict.accepted) verdict.failed.map((f) => f.check); // ['driver.badge', 'slot.window']
 * ```
 */
export function gateVerdict(input: GateInput): GateVerdict {
  const now = instantMs(INVALID, 'now', input.now);
  const booking = input.booking;
  const window = booking === null ? null : checkWindow(booking.window);
  const rightVersion = version('release.rightVersion', input.release.rightVersion);
  const bookingVersion = booking === null ? null : version('booking.bookingVersion', booking.bookingVersion);
  for (const [i, light] of input.lights.entries()) {
    if (
      typeof light?.light !== 'string' ||
      typeof light.green !== 'boolean' ||
      !Array.isArray(light.reasons)
    ) {
      throw new DomainError(INVALID, `lights[${i}] must be { light, green, reasons }`, {
        field: `lights[${i}]`,
      });
    }
  }

  const credential = input.credential.ok ? input.credential.payload : null;
  const noCredential = 'no credential that opened';
  const noBooking = 'the visit has no booking in force';
  const pass = input.pass;
  const reasons: Record<GateCheck, string | undefined> = {
    'pass.device_signature': pass?.kind === 'rotating' ? pass.deviceSignature : undefined,
    'pass.fresh':
      pass?.kind === 'rotating'
        ? pass.deviceSignature !== undefined
          ? "no pass signed by the driver's device"
          : pass.fresh
        : undefined,
    'credential.not_a_pass':
      pass?.kind === 'not_a_pass' ? `what was scanned is not a pickup pass (${pass.looksLike})` : undefined,
    'pass.printed_disabled':
      pass?.kind === 'rotating' || pass?.kind === 'not_a_pass'
        ? undefined
        : pass?.kind === 'printed' && pass.printedAllowed
          ? undefined
          : 'the printed pass is switched off at this terminal: the driver shows the pass on his enrolled phone',
    'credential.signature': input.credential.ok
      ? undefined
      : `${input.credential.code}: ${input.credential.message}`,
    'credential.visit':
      credential === null
        ? noCredential
        : credential.visitRef === input.visit.visitRef
          ? undefined
          : 'issued for another visit',
    'credential.unused':
      credential === null
        ? noCredential
        : input.credentialIds.used.includes(credential.credentialId)
          ? 'already used at the gate'
          : undefined,
    'credential.current':
      credential === null ? noCredential : supersededBy(credential, rightVersion, bookingVersion, input),
    'driver.badge':
      booking === null
        ? noBooking
        : input.presented.badgeRef !== booking.driverBadgeRef
          ? 'the badge is not the nominated driver'
          : credential !== null && credential.driverBadgeRef !== input.presented.badgeRef
            ? 'the credential names another driver'
            : undefined,
    'truck.plate': plateReason(input.presented.truckPlate, booking, credential),
    'slot.window':
      window === null
        ? noBooking
        : now < window.start
          ? `before the slot window: come back at ${terminalTime(booking!.window.start, booking!.timeZone, input.now)}, when it opens`
          : now >= window.end
            ? `after the slot window, which closed at ${terminalTime(booking!.window.end, booking!.timeZone, input.now)}`
            : undefined,
    'right.holder':
      input.release.holder === null
        ? 'nobody holds the release right'
        : booking === null
          ? noBooking
          : booking.nominatedBy !== input.release.holder
            ? 'the booking was not made by the current holder of the release right'
            : undefined,
    'lights.green':
      input.lights.length === 0
        ? 'no green lights given'
        : input.lights.some((light) => !light.green)
          ? input.lights
              .filter((light) => !light.green)
              .map((light) => `${light.light}: ${light.reasons.join('; ') || 'not green'}`)
              .join(' | ')
          : undefined,
    'visit.in_yard': input.visit.status === 'in_yard' ? undefined : `the visit is ${input.visit.status}`,
    'gate.terminal': terminalReason(input.visit.terminal, input.gateTerminals),
    'visit.not_frozen': input.frozen ? 'the visit is frozen' : undefined,
  };
  const timing = gateTiming(input);
  const failed = gateChecks.flatMap((check): FailedCheck[] => {
    const reason = reasons[check];
    if (reason === undefined) return [];
    return check === 'slot.window' && timing !== undefined
      ? [{ check, reason, timing }]
      : [{ check, reason }];
  });
  return failed.length === 0 ? { accepted: true } : { accepted: false, failed };
}

function supersededBy(
  credential: PickupCredentialClaims,
  rightVersion: number,
  bookingVersion: number | null,
  input: GateInput,
): string | undefined {
  const why: string[] = [];
  if (credential.rightVersion !== rightVersion) {
    why.push(`issued for right version ${credential.rightVersion}, the right is at version ${rightVersion}`);
  }
  if (bookingVersion === null) why.push('the visit has no booking in force');
  else if (credential.bookingVersion !== bookingVersion) {
    why.push(
      `issued for booking version ${credential.bookingVersion}, the booking is at version ${bookingVersion}`,
    );
  }
  if (input.credentialIds.superseded.includes(credential.credentialId)) why.push('superseded');
  return why.length === 0 ? undefined : why.join('; ');
}

/** Fail closed: a box at no terminal, or a gate whose organisation runs no terminal, is not this gate's box. */
function terminalReason(terminal: unknown, gateTerminals: unknown): string | undefined {
  if (typeof terminal !== 'string' || terminal === '') return 'the box stands at no terminal';
  if (!Array.isArray(gateTerminals) || !gateTerminals.includes(terminal)) {
    return "the box is not at a terminal this gate's organisation runs";
  }
  return undefined;
}

function plateReason(
  presented: unknown,
  booking: GateBookingFacts | null,
  credential: PickupCredentialClaims | null,
): string | undefined {
  const plate = normaliseTruckPlate(presented);
  if (plate === undefined) return 'the plate could not be read';
  if (booking === null) return 'the visit has no booking in force';
  if (plate !== normaliseTruckPlate(booking.truckPlate)) return 'the truck is not the booked truck';
  if (credential !== null && plate !== normaliseTruckPlate(credential.truckPlate)) {
    return 'the credential names another truck';
  }
  return undefined;
}

function checkWindow(window: SlotWindow): { start: number; end: number } {
  const start = instantMs(INVALID, 'booking.window.start', window?.start);
  const end = instantMs(INVALID, 'booking.window.end', window?.end);
  if (start >= end) {
    throw new DomainError(INVALID, 'booking.window must start before it ends', { field: 'booking.window' });
  }
  return { start, end };
}

function version(field: string, value: unknown): number {
  return integer(INVALID, field, value, 0, Number.MAX_SAFE_INTEGER);
}
