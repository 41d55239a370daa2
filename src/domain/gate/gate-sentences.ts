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
  const sentences = new Map<GateCheck, string>();
  if (verdict.accepted) return sentences;
  for (const failed of verdict.failed) sentences.set(failed.check, sentenceFor(failed.check, input, read));
  return sentences;
}

function sentenceFor(check: GateCheck, input: GateInput, read: GateRead): string {
  const booking = input.booking;
  const credential = input.credential.ok ? input.credential.payload : null;
  switch (check) {
    case 'credential.not_a_pass':
      return NOT_A_PASS[input.pass.kind === 'not_a_pass' ? input.pass.looksLike : 'text'];
    case 'pass.device_signature':
      return input.pass.kind === 'rotating' && input.pass.deviceSignature?.includes('no confirmed device')
        ? "The driver has no confirmed phone for pickup passes: his haulier's planner confirms it, then the driver shows the pass again."
        : "The pass is not signed by the driver's confirmed phone: it may be a copy or a screenshot. Nothing leaves.";
    case 'pass.fresh':
      return 'The pass shown is from an earlier moment (a photo or a screenshot?): the driver opens the pass live on his phone and it is scanned again.';
    case 'pass.printed_disabled':
      return 'This terminal does not accept printed passes: the driver shows the pickup pass on his confirmed phone.';
    case 'credential.signature':
      return 'This is not a valid pickup pass: it is not signed by PortLedger. Nothing leaves.';
    case 'credential.visit':
      return 'The pass was issued for another container.';
    case 'credential.unused':
      return 'This pass has already been used at the gate: the container left with it.';
    case 'credential.current':
      return credential === null
        ? 'The pass could not be checked against the booking.'
        : 'This pass is no longer valid: the booking or the release changed after it was issued. The driver needs the pass of the current booking.';
    case 'driver.badge': {
      if (booking === null) return NO_BOOKING;
      const badge = echo(read.badge);
      if (badge === '') return "No badge was read: scan or type the driver's port badge number.";
      const named = input.presented.badgeRef !== booking.driverBadgeRef ? 'the booking' : 'the pass';
      return `The badge read is ${badge}; ${named} names another driver.`;
    }
    case 'truck.plate': {
      const plate = normaliseTruckPlate(read.truckPlate);
      if (plate === undefined) return 'The plate could not be read: type it as it stands on the truck.';
      if (booking === null) return NO_BOOKING;
      const named = plate !== normaliseTruckPlate(booking.truckPlate) ? 'the booking' : 'the pass';
      return `The plate read is ${plate}; ${named} names another truck.`;
    }
    case 'slot.window':
      return windowSentence(input);
    case 'right.holder':
      if (input.release.holder === null) {
        return 'Nobody holds the release of this container now: it was revoked or blocked, and the shipping line or the forwarder has to release it again.';
      }
      if (booking === null) return NO_BOOKING;
      return 'The booking was made by a company that no longer holds the release: the company that holds it now books again.';
    case 'lights.green': {
      const red = input.lights.filter((light) => !light.green);
      const why = red.flatMap((light) => light.reasons).join('; ');
      return why === ''
        ? 'The container is not released for pickup.'
        : `The container is not released for pickup: ${why}.`;
    }
    case 'visit.in_yard':
      return `The container ${STATUS_WORDS[input.visit.status] ?? 'is not in the yard'}: there is nothing to collect.`;
    case 'gate.terminal':
      return input.visit.terminal === null
        ? 'The container does not stand at any terminal: it cannot leave through this gate.'
        : "The container stands at a terminal this gate's company does not run: the driver goes to that terminal's gate.";
    case 'visit.not_frozen':
      return 'The container is frozen by an investigation: nothing leaves until two supervisors unfreeze it.';
  }
}

/** When the window opens, or how long ago it closed, on the terminal's clock with its zone named. */
function windowSentence(input: GateInput): string {
  const booking = input.booking;
  const timing = gateTiming(input);
  if (booking === null || timing === undefined) return NO_BOOKING;
  const now = Date.parse(input.now);
  if (timing.side === 'early') {
    const opens = booking.window.start;
    const wait = durationInWords(Date.parse(opens) - now, 'up');
    return `The gate opens for this slot at ${terminalTime(opens, booking.timeZone, input.now)}, in ${wait}: the truck waits until then.`;
  }
  const closed = booking.window.end;
  const ago = durationInWords(now - Date.parse(closed), 'down');
  return `The gate window of this slot closed at ${terminalTime(closed, booking.timeZone, input.now)}, ${ago} ago: the haulier books a new slot.`;
}

/** What the clerk typed, fit to be said back on one line: trimmed, no control characters, at most 64 characters. */
function echo(text: string): string {
  const printable = [...(typeof text === 'string' ? text : '')].filter((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code > 0x1f && code !== 0x7f;
  });
  return printable.join('').trim().slice(0, 64);
}
