/**
 * What the gate clerk reads for each crossed check (issue 14, item 9): one plain sentence with the facts the clerk
 * has in front of him — the badge and the plate he just read, the time the window opens on the terminal's clock —
 * and what happens next. The verdict's `reason` is the record's wording, kept free of personal data because it goes
 * into the audit log; these sentences go only into the answer at the lane (and so may repeat what the clerk typed),
 * and the answer is still cut to what the caller may know (`src/app/gate/gate-answer.ts`).
 */
import { durationInWords, normaliseTruckPlate, terminalTime } from '../appointments/index.js';
import { type GateCheck, type GateInput, type GateVerdict, gateTiming, type NotAPass } from './verdict.js';

/** What the gate read, as typed or scanned: echoed back to whoever typed it, never recorded. */
export type GateRead = { readonly badge: string; readonly truckPlate: string };

const NO_BOOKING = 'No pickup is booked for this container: its haulier books a slot first.';

const NOT_A_PASS: Record<NotAPass, string> = {
  empty: "Nothing was scanned: scan the QR code of the pickup pass on the driver's phone.",
  url: "What was scanned is a web address, not a pickup pass: scan the QR code of the pickup pass on the driver's phone.",
  text: "What was scanned is not a pickup pass: scan the QR code of the pickup pass on the driver's phone.",
};

const STATUS_WORDS: Record<string, string> = {
  announced: 'has not arrived in the port yet',
  gated_out: 'has already left the port',
  loaded: 'has been loaded onto a vessel',
  cancelled: 'has a cancelled visit',
};

/**
 * Why a crossed check failed, as a stable code with its parameters (issue 14): the console says it in the person's
 * language from its catalogue (`gate:reasons.<code>`); `sentence` is the English one the answer's `reason` carries
 * for API users. Parameters are the facts a sentence names: what the clerk read (`badge`, `plate`), the instant a
 * window opens or closed (`at`, ISO 8601) on the terminal's clock (`timeZone`) and how far off it is (`minutes`), the
 * lights that are red (`red`, their codes, comma-separated) or the box's `status`.
 */
export interface GateCheckReason {
  readonly code: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly sentence: string;
}

/**
 * A sentence for each check the verdict crossed, in words a gate clerk understands.
 *
 * @example
 * ```ts
 * gateCheckSentences(input, verdict, { badge: 'ANR-000124', truckPlate: '1-ABC-123' }).get('driver.badge');
 * // 'The badge read is ANR-000124; the booking names another driver.'
 * ```
 */
export function gateCheckSentences(
  input: GateInput,
  verdict: GateVerdict,
  read: GateRead,
): Map<GateCheck, string> {
  return new Map([...gateCheckReasons(input, verdict, read)].map(([check, why]) => [check, why.sentence]));
}

/**
 * The reason of each check the verdict crossed: its code and parameters, and its English sentence.
 *
 * @example
 * ```ts
 * gateCheckReasons(input, verdict, { badge: 'ANR-000124', truckPlate: '1-ABC-123' }).get('driver.badge');
 * // { code: 'badge.booking_names_another', params: { badge: 'ANR-000124' }, sentence: 'The badge read is …' }
 * ```
 */
export function gateCheckReasons(
  input: GateInput,
  verdict: GateVerdict,
  read: GateRead,
): Map<GateCheck, GateCheckReason> {
  const reasons = new Map<GateCheck, GateCheckReason>();
  if (verdict.accepted) return reasons;
  for (const failed of verdict.failed) reasons.set(failed.check, reasonFor(failed.check, input, read));
  return reasons;
}

const why = (
  code: string,
  sentence: string,
  params: Record<string, string | number> = {},
): GateCheckReason => ({
  code,
  params,
  sentence,
});

const noBooking = () => why('booking.none', NO_BOOKING);

function reasonFor(check: GateCheck, input: GateInput, read: GateRead): GateCheckReason {
  const booking = input.booking;
  const credential = input.credential.ok ? input.credential.payload : null;
  switch (check) {
    case 'credential.not_a_pass': {
      const looksLike = input.pass.kind === 'not_a_pass' ? input.pass.looksLike : 'text';
      return why(`not_a_pass.${looksLike}`, NOT_A_PASS[looksLike]);
    }
    case 'pass.device_signature':
      return input.pass.kind === 'rotating' && input.pass.deviceSignature?.includes('no confirmed device')
        ? why(
            'phone.none',
            "The driver has no confirmed phone for pickup passes: his haulier's planner confirms it, then the driver shows the pass again.",
          )
        : why(
            'phone.not_signed',
            "The pass is not signed by the driver's confirmed phone: it may be a copy or a screenshot. Nothing leaves.",
          );
    case 'pass.fresh':
      return why(
        'pass.earlier',
        'The pass shown is from an earlier moment (a photo or a screenshot?): the driver opens the pass live on his phone and it is scanned again.',
      );
    case 'pass.printed_disabled':
      return why(
        'printed.off',
        'This terminal does not accept printed passes: the driver shows the pickup pass on his confirmed phone.',
      );
    case 'credential.signature':
      return why(
        'credential.forged',
        'This is not a valid pickup pass: it is not signed by PortLedger. Nothing leaves.',
      );
    case 'credential.visit':
      return why('credential.other_box', 'The pass was issued for another container.');
    case 'credential.unused':
      return why(
        'credential.used',
        'This pass has already been used at the gate: the container left with it.',
      );
    case 'credential.current':
      return credential === null
        ? why('credential.unchecked', 'The pass could not be checked against the booking.')
        : why(
            'credential.replaced',
            'This pass is no longer valid: the booking or the release changed after it was issued. The driver needs the pass of the current booking.',
          );
    case 'driver.badge': {
      if (booking === null) return noBooking();
      const badge = echo(read.badge);
      if (badge === '')
        return why('badge.none', "No badge was read: scan or type the driver's port badge number.");
      const named = input.presented.badgeRef !== booking.driverBadgeRef ? 'booking' : 'pass';
      return why(
        `badge.${named}_names_another`,
        `The badge read is ${badge}; the ${named} names another driver.`,
        {
          badge,
        },
      );
    }
    case 'truck.plate': {
      const plate = normaliseTruckPlate(read.truckPlate);
      if (plate === undefined)
        return why('plate.unreadable', 'The plate could not be read: type it as it stands on the truck.');
      if (booking === null) return noBooking();
      const named = plate !== normaliseTruckPlate(booking.truckPlate) ? 'booking' : 'pass';
      return why(
        `plate.${named}_names_another`,
        `The plate read is ${plate}; the ${named} names another truck.`,
        {
          plate,
        },
      );
    }
    case 'slot.window':
      return windowReason(input);
    case 'right.holder':
      if (input.release.holder === null) {
        return why(
          'right.nobody',
          'Nobody holds the release of this container now: it was revoked or blocked, and the shipping line or the forwarder has to release it again.',
        );
      }
      if (booking === null) return noBooking();
      return why(
        'right.former_holder',
        'The booking was made by a company that no longer holds the release: the company that holds it now books again.',
      );
    case 'lights.green': {
      const red = input.lights.filter((light) => !light.green);
      const reasons = red.flatMap((light) => light.reasons).join('; ');
      const params = { red: red.map((light) => light.light).join(',') };
      return reasons === ''
        ? why('lights.red', 'The container is not released for pickup.', params)
        : why('lights.red', `The container is not released for pickup: ${reasons}.`, params);
    }
    case 'visit.in_yard':
      return why(
        'visit.not_in_yard',
        `The container ${STATUS_WORDS[input.visit.status] ?? 'is not in the yard'}: there is nothing to collect.`,
        { status: input.visit.status },
      );
    case 'gate.terminal':
      return input.visit.terminal === null
        ? why(
            'terminal.none',
            'The container does not stand at any terminal: it cannot leave through this gate.',
          )
        : why(
            'terminal.other',
            "The container stands at a terminal this gate's company does not run: the driver goes to that terminal's gate.",
          );
    case 'visit.not_frozen':
      return why(
        'visit.frozen',
        'The container is frozen by an investigation: nothing leaves until two supervisors unfreeze it.',
      );
  }
}

const zoneOf = (booking: { timeZone?: string }): Record<string, string> =>
  booking.timeZone === undefined ? {} : { timeZone: booking.timeZone };

/** When the window opens, or how long ago it closed, on the terminal's clock with its zone named. */
function windowReason(input: GateInput): GateCheckReason {
  const booking = input.booking;
  const timing = gateTiming(input);
  if (booking === null || timing === undefined) return noBooking();
  const now = Date.parse(input.now);
  if (timing.side === 'early') {
    const opens = booking.window.start;
    const wait = Date.parse(opens) - now;
    return why(
      'window.early',
      `The gate opens for this slot at ${terminalTime(opens, booking.timeZone, input.now)}, in ${durationInWords(wait, 'up')}: the truck waits until then.`,
      { at: opens, ...zoneOf(booking), minutes: Math.ceil(wait / 60_000) },
    );
  }
  const closed = booking.window.end;
  const ago = now - Date.parse(closed);
  return why(
    'window.closed',
    `The gate window of this slot closed at ${terminalTime(closed, booking.timeZone, input.now)}, ${durationInWords(ago, 'down')} ago: the haulier books a new slot.`,
    { at: closed, ...zoneOf(booking), minutes: Math.floor(ago / 60_000) },
  );
}

/** What the clerk typed, fit to be said back on one line: trimmed, no control characters, at most 64 characters. */
function echo(text: string): string {
  const printable = [...(typeof text === 'string' ? text : '')].filter((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code > 0x1f && code !== 0x7f;
  });
  return printable.join('').trim().slice(0, 64);
}
