/**
 * Which permissions can let a box leave the port (issue 10, row B), worked out from what the commands do rather
 * than from the policy table's `sensitive` flag, so that a test can hold the flag to it.
 *
 * - {@link wayOutFacts} are the facts the gate decides on: the four green lights, the freeze, whether the box has
 *   left, who holds or is offered the right to collect it, and the booked driver, truck and slot.
 * - {@link waysOpened} names what one change of those facts opened: a light turned green, a freeze was lifted, the
 *   box left, or the party or driver who may collect changed.
 * - {@link commandWaysOut} says, per domain command, which of those its events can open; `box-exits.test.ts`
 *   checks the claim against the deciders (a witness history for each way claimed, and for the commands that
 *   claim none, random histories in which they never open one).
 * - {@link permissionCommands} says which domain commands each command permission authorises, including the
 *   effects of the two-person changes it requests or approves; {@link mayLetABoxOut} joins the two.
 *
 * A permission that may let a box out must be sensitive: used only from a passkey session (MISSION §1).
 */

import type { ApprovalCommand, UserCommand } from '../access/index.js';
import { type ApprovalKind, approvalKinds, type Permission, permissions, policy } from '../access/index.js';
import type { BookingCommand, BookingState } from '../appointments/index.js';
import type { ReleaseCommand, ReleaseState } from '../releases/index.js';
import { type GreenLightName, greenLightNames, greenLights } from '../releases/index.js';
import type { VisitCommand, VisitState } from '../visits/index.js';

/** A command of the cargo deciders: visits, releases, appointments. */
export type CargoCommandName = VisitCommand['type'] | ReleaseCommand['type'] | BookingCommand['type'];

/**
 * A command carried out by a use case with no decider of its own (drivers, alerts, checkpoints, organisations,
 * tokens); named here so that every permission says what it authorises.
 */
export type EdgeCommandName =
  | 'RegisterDriver'
  | 'EnrolDriverDevice'
  | 'ConfirmDriverDevice'
  | 'RejectDriverDevice'
  | 'AcknowledgeAlert'
  | 'AssignAlert'
  | 'CloseAlert'
  | 'CosignCheckpoint'
  | 'RegisterOrganisation'
  | 'CreateToken'
  | 'RevokeToken'
  | 'RecordYardSurvey';

/** Every command a permission can authorise. */
export type DomainCommandName =
  | CargoCommandName
  | ApprovalCommand['type']
  | UserCommand['type']
  | EdgeCommandName;

/** A way out a change can open. */
export type WayOut =
  /** One of the four lights went from red to green. */
  | 'light_turned_green'
  /** A freeze was lifted: the gate no longer refuses the box for it. */
  | 'freeze_lifted'
  /** The box left the port (GTOT, LOAD). */
  | 'box_left'
  /** Another party holds or is offered the right to collect, or another driver, truck or slot is booked. */
  | 'collector_changed';

/** The facts the gate decides on, at one instant. */
export type WayOutFacts = {
  readonly lights: { readonly [L in GreenLightName]: boolean };
  readonly frozen: boolean;
  readonly left: boolean;
  readonly holder: string | null;
  readonly offeredTo: string | null;
  /** Driver badge, truck and slot of the booking in force; `null` when none is. */
  readonly pickup: string | null;
};

/**
 * The gate's facts of one box from its three streams, at `at`.
 *
 * @example
 * ```ts
 * wayOutFacts({ visit, release, booking, at: '2025-03-01T09:00:00.000Z' }).lights.customs_release; // true
 * ```
 */
export function wayOutFacts(facts: {
  visit: VisitState;
  release: ReleaseState;
  booking: BookingState;
  at: string;
}): WayOutFacts {
  const { lights } = greenLights({ visit: facts.visit, release: facts.release, at: facts.at });
  const green = Object.fromEntries(
    greenLightNames.map((name) => [name, lights.find((light) => light.light === name)?.green === true]),
  ) as { [L in GreenLightName]: boolean };
  const visit = facts.visit.visit;
  const release = facts.release.release;
  const booking = facts.booking.booking;
  return {
    lights: green,
    frozen: visit?.frozen != null,
    left: visit?.status === 'gated_out' || visit?.status === 'loaded',
    holder: release?.holder ?? null,
    offeredTo: release?.offer?.to ?? null,
    pickup:
      booking?.status === 'booked'
        ? `${booking.driverBadgeRef}|${booking.truckPlate}|${booking.slotId}`
        : null,
  };
}

/**
 * What a change of the gate's facts opened, in {@link WayOut} order; empty when it only closed ways or changed
 * nothing the gate decides on.
 *
 * @example
 * ```ts
 * waysOpened(held, lifted); // ['light_turned_green']
 * ```
 */
export function waysOpened(before: WayOutFacts, after: WayOutFacts): WayOut[] {
  const opened = new Set<WayOut>();
  if (greenLightNames.some((name) => !before.lights[name] && after.lights[name])) {
    opened.add('light_turned_green');
  }
  if (before.frozen && !after.frozen) opened.add('freeze_lifted');
  if (!before.left && after.left) opened.add('box_left');
  const newParty = (was: string | null, is: string | null) => is !== null && is !== was;
  if (
    newParty(before.holder, after.holder) ||
    newParty(before.offeredTo, after.offeredTo) ||
    newParty(before.pickup, after.pickup)
  ) {
    opened.add('collector_changed');
  }
  return (['light_turned_green', 'freeze_lifted', 'box_left', 'collector_changed'] as const).filter((way) =>
    opened.has(way),
  );
}

/**
 * The ways out each cargo command's events can open. Checked against the deciders by `box-exits.test.ts`.
 * Commands that only stop a box, record where it stands, or take a right back open none.
 */
export const commandWaysOut: { readonly [C in CargoCommandName]: readonly WayOut[] } = {
  AnnounceVisit: [],
  // The "discharge confirmed" light: the box is in the yard.
  DischargeContainer: ['light_turned_green'],
  GateInContainer: ['light_turned_green'],
  MoveContainer: [],
  CorrectPosition: [],
  PlaceHold: [],
  LiftHold: ['light_turned_green'],
  GateOutContainer: ['box_left'],
  LoadContainer: ['box_left'],
  FreezeVisit: [],
  UnfreezeVisit: ['freeze_lifted'],
  // Voiding a hold placement turns its light green; voiding a departure puts the box back in the yard.
  VoidEvent: ['light_turned_green'],
  IssueRelease: ['light_turned_green', 'collector_changed'],
  BlockRelease: [],
  UnblockRelease: ['light_turned_green'],
  RevokeRelease: [],
  // A new validity period can start now.
  UpdateValidity: ['light_turned_green'],
  OfferTransfer: ['collector_changed'],
  AcceptTransfer: ['collector_changed'],
  DenyTransfer: [],
  WithdrawOffer: [],
  BookSlot: ['collector_changed'],
  RebookSlot: ['collector_changed'],
  ChangeDriver: ['collector_changed'],
  CancelBooking: [],
};

/**
 * Use-case commands with no decider, and what they open: registering a driver puts a badge on the haulier's list
 * that a booking can then name, and confirming a driver's phone lets its passes through the gate. Alert handling,
 * cosigning, organisations and tokens open no way out.
 */
export const edgeCommandWaysOut: { readonly [C in EdgeCommandName]: readonly WayOut[] } = {
  RegisterDriver: ['collector_changed'],
  // A phone signs nothing the gate accepts until its haulier confirms it; the confirmation decides who collects.
  EnrolDriverDevice: [],
  ConfirmDriverDevice: ['collector_changed'],
  RejectDriverDevice: [],
  AcknowledgeAlert: [],
  AssignAlert: [],
  CloseAlert: [],
  CosignCheckpoint: [],
  RegisterOrganisation: [],
  CreateToken: [],
  RevokeToken: [],
  // A survey raises alerts; it moves no box and turns no light (issue 15).
  RecordYardSurvey: [],
};

/** The command a granted two-person change of each kind applies (`approvals.usecases.ts`, `applyGranted`). */
export const approvalEffects: { readonly [K in ApprovalKind]: readonly DomainCommandName[] } = {
  'yard.correction': ['CorrectPosition'],
  'pickup.change': ['RebookSlot', 'ChangeDriver'],
  'visit.void': ['VoidEvent'],
  'role.grant': ['GrantRole'],
  'passkeys.reset': ['ResetPasskeys'],
  'visit.unfreeze': ['UnfreezeVisit'],
  'hold.lift': ['LiftHold'],
};

/** A permission of kind `command` in the policy table. */
export type CommandPermission = {
  [P in Permission]: (typeof policy)[P]['kind'] extends 'command' ? P : never;
}[Permission];

const requesting = (kind: ApprovalKind): DomainCommandName[] => ['RequestApproval', ...approvalEffects[kind]];

/**
 * The domain commands each command permission authorises, directly or as the effect of a two-person change it
 * asks for; `approval.decide` authorises the effect of every kind it can grant. A new command permission must be
 * added here, or this file does not compile.
 */
export const permissionCommands: { readonly [P in CommandPermission]: readonly DomainCommandName[] } = {
  'visit.announce': ['AnnounceVisit'],
  'visit.discharge': ['DischargeContainer'],
  'visit.gate_in': ['GateInContainer'],
  'visit.move': ['MoveContainer'],
  'visit.correct_position': requesting('yard.correction'),
  'visit.load': ['LoadContainer'],
  'visit.gate_out': ['GateOutContainer'],
  'visit.hold.place': ['PlaceHold'],
  'visit.hold.lift': ['LiftHold', ...requesting('hold.lift')],
  // A selection for scan is a customs hold.
  'visit.scan.select': ['PlaceHold'],
  'visit.void.request': requesting('visit.void'),
  'visit.freeze': ['FreezeVisit'],
  'visit.unfreeze.request': requesting('visit.unfreeze'),
  'release.issue': ['IssueRelease', 'UpdateValidity'],
  'release.transfer': ['OfferTransfer', 'WithdrawOffer'],
  'release.accept': ['AcceptTransfer'],
  'release.deny': ['DenyTransfer'],
  'release.revoke': ['RevokeRelease'],
  'release.block': ['BlockRelease', 'UnblockRelease'],
  'driver.nominate': ['RegisterDriver'],
  'driver.device.enrol': ['EnrolDriverDevice'],
  'driver.device.confirm': ['ConfirmDriverDevice', 'RejectDriverDevice'],
  'appointment.book': ['BookSlot'],
  'appointment.change': ['RebookSlot', 'ChangeDriver', 'CancelBooking', ...requesting('pickup.change')],
  'approval.decide': [
    'ApproveRequest',
    'RejectRequest',
    ...approvalKinds.flatMap((kind) => approvalEffects[kind]),
  ],
  'alert.manage': ['AcknowledgeAlert', 'AssignAlert', 'CloseAlert'],
  'checkpoint.witness': ['CosignCheckpoint'],
  'account.passkeys.manage': ['AddPasskey', 'RemovePasskey'],
  'org.manage': ['RegisterOrganisation'],
  'user.manage': ['RegisterUser', 'IssueEnrolmentLink', 'RevokeRole', 'UnlockAccount'],
  'role.grant.request': requesting('role.grant'),
  'passkeys.reset.request': requesting('passkeys.reset'),
  'token.manage': ['CreateToken', 'RevokeToken'],
  // Subscriptions (issue 16) are rows beside their events, decided by their use cases: no domain command.
  'subscription.manage': [],
  'enrolment.confirm': ['ConfirmPasskey', 'RejectPasskey'],
  'yard.survey': ['RecordYardSurvey'],
  // An interchange runs the console's own commands, each checked against the sender's rights (issue 17).
  'edi.import': ['AnnounceVisit', 'LoadContainer', 'IssueRelease'],
};

/**
 * The ways out a command can open: from {@link commandWaysOut} or {@link edgeCommandWaysOut}; none for the
 * approval and user commands, which change who may act, not where a box may go.
 *
 * @example
 * ```ts
 * waysOutOf('LiftHold'); // ['light_turned_green']
 * waysOutOf('PlaceHold'); // []
 * ```
 */
export function waysOutOf(command: DomainCommandName): readonly WayOut[] {
  if (Object.hasOwn(commandWaysOut, command)) return commandWaysOut[command as CargoCommandName];
  if (Object.hasOwn(edgeCommandWaysOut, command)) return edgeCommandWaysOut[command as EdgeCommandName];
  return [];
}

/**
 * Whether `permission` authorises a command that can let a box leave: turn a light green, lift a freeze, take the
 * box out, or change who may collect it.
 *
 * @example
 * ```ts
 * mayLetABoxOut('visit.hold.lift'); // true
 * mayLetABoxOut('visit.hold.place'); // false
 * ```
 */
export function mayLetABoxOut(permission: CommandPermission): boolean {
  return permissionCommands[permission].some((command) => waysOutOf(command).length > 0);
}

/** The command permissions of the policy table, in table order. */
export const commandPermissions = permissions.filter(
  (permission): permission is CommandPermission => policy[permission].kind === 'command',
);
