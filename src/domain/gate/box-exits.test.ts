/**
 * Which permissions can let a box leave (issue 10, row B), checked three ways:
 * - every way out `commandWaysOut` claims for a command is witnessed by a history in which the decider's events
 *   open it;
 * - in random histories of a visit and its release, no command opens a way out it does not claim (so a command
 *   claiming none, like placing a hold, never lets a box out);
 * - every command permission that authorises such a command is sensitive in the policy table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSensitive, policy } from '../access/index.js';
import type { BookingCommand } from '../appointments/index.js';
import { type BookingState, bookingDecider } from '../appointments/index.js';
import { foldEvents } from '../decider.js';
import { DomainError } from '../errors.js';
import type { ReleaseActor, ReleaseCommand, ReleaseEvent } from '../releases/index.js';
import { type ReleaseState, releaseDecider } from '../releases/index.js';
import {
  f1Desk,
  f2Desk,
  h1Planner,
  h2Planner,
  heldByF1,
  heldByH1,
  issued,
  lineDesk,
  offered,
  at as releaseAt,
  visitRef,
} from '../releases/testing/release-histories.js';
import type { VisitCommand, VisitEvent } from '../visits/index.js';
import { slotOf, type VisitState, visitDecider } from '../visits/index.js';
import {
  type CargoCommandName,
  commandPermissions,
  commandWaysOut,
  mayLetABoxOut,
  permissionCommands,
  type WayOut,
  type WayOutFacts,
  wayOutFacts,
  waysOpened,
} from './box-exits.js';

/** The release fixtures' clock: minutes after 08:00; the lights are asked at minute 100. */
const at = releaseAt;
const NOW = at(100);
const slot = (bay: number) => ({ terminal: 'T1', block: 'A', bay, row: 1, tier: 1 });

const announced: VisitEvent = {
  type: 'VisitAnnounced',
  visitRef,
  containerNumber: 'CSQU3054383',
  line: 'MAEU',
  sizeType: '22G1',
  fullEmpty: 'full',
  arrival: { mode: 'vessel', vesselCall: 'V1' },
  at: at(0),
};
const discharged: VisitEvent = {
  type: 'ContainerDischarged',
  visitRef,
  vesselCall: 'V1',
  slot: slot(1),
  equipment: null,
  operator: null,
  at: at(3),
};
const held: VisitEvent = {
  type: 'HoldPlaced',
  visitRef,
  holdId: 'H1',
  kind: 'customs',
  reason: 'scan',
  reference: 'R-1',
  placedBy: 'u-cus-1',
  at: at(4),
};
const frozen: VisitEvent = {
  type: 'VisitFrozen',
  visitRef,
  reason: 'suspect',
  alertId: null,
  by: 'u-sup-1',
  at: at(4),
};

type World = { visit: VisitState; release: ReleaseState; booking: BookingState };
const world = (visit: VisitEvent[], release: ReleaseEvent[] = []): World => ({
  visit: foldEvents(visitDecider, visit),
  release: foldEvents(releaseDecider, release),
  booking: bookingDecider.initialState(),
});
const facts = (w: World): WayOutFacts => wayOutFacts({ ...w, at: NOW });

/** A command for one of the box's streams. */
type Step =
  | { stream: 'visit'; command: VisitCommand }
  | { stream: 'release'; command: ReleaseCommand }
  | { stream: 'booking'; command: BookingCommand };

/** The world after the step, or `undefined` when the decider refuses it. */
function apply(w: World, step: Step): World | undefined {
  try {
    switch (step.stream) {
      case 'visit':
        return {
          ...w,
          visit: visitDecider.decide(step.command, w.visit).reduce(visitDecider.evolve, w.visit),
        };
      case 'release':
        return {
          ...w,
          release: releaseDecider.decide(step.command, w.release).reduce(releaseDecider.evolve, w.release),
        };
      case 'booking':
        return {
          ...w,
          booking: bookingDecider.decide(step.command, w.booking).reduce(bookingDecider.evolve, w.booking),
        };
    }
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

const visitStep = (command: VisitCommand): Step => ({ stream: 'visit', command });
const releaseStep = (command: ReleaseCommand): Step => ({ stream: 'release', command });
const verdict = (minute: number) => ({
  attemptId: `A-${minute}`,
  visitRef,
  accepted: true,
  index: minute,
  recordedAt: at(minute),
});
const issueCommand = (minute: number): ReleaseCommand => ({
  type: 'IssueRelease',
  at: at(minute),
  by: lineDesk,
  releaseId: 'rel-1',
  visitRef,
  line: 'MAEU',
  validFrom: at(0),
  validUntil: at(600),
  firstParty: 'org-f1',
});
/** A haulier books a driver, truck and slot (the badge is the keyed hash the booking stores). */
const bookSlot: BookingCommand = {
  type: 'BookSlot',
  at: at(60),
  bookingId: 'B-1',
  visitRef,
  slotId: 'T1@20250301T1000Z',
  slotStart: at(120),
  slotEnd: at(150),
  driverBadgeRef: 'hb1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  truckPlate: '1-ABC-123',
  bookedBy: { userId: 'u-h1', orgId: 'org-h1' },
  rightVersion: 3,
  holder: 'org-h1',
  slotBooked: 0,
  capacity: 5,
};

/** One history per claimed way out, in which the command opens it. */
const witnesses: { [C in CargoCommandName]?: { [W in WayOut]?: { given: World; step: Step } } } = {
  DischargeContainer: {
    light_turned_green: {
      given: world([announced]),
      step: visitStep({ type: 'DischargeContainer', at: at(5), vesselCall: 'V1', slot: slot(1) }),
    },
  },
  GateInContainer: {
    light_turned_green: {
      given: world([{ ...announced, arrival: { mode: 'truck' } } as VisitEvent]),
      step: visitStep({ type: 'GateInContainer', at: at(5), slot: slot(1) }),
    },
  },
  LiftHold: {
    light_turned_green: {
      given: world([announced, discharged, held]),
      step: visitStep({ type: 'LiftHold', at: at(9), holdId: 'H1', reason: 'clear', by: 'u-cus-1' }),
    },
  },
  GateOutContainer: {
    box_left: {
      given: world([announced, discharged]),
      step: visitStep({ type: 'GateOutContainer', at: at(9), verdict: verdict(9) }),
    },
  },
  LoadContainer: {
    box_left: {
      given: world([announced, discharged]),
      step: visitStep({ type: 'LoadContainer', at: at(9), vesselCall: 'V9' }),
    },
  },
  UnfreezeVisit: {
    freeze_lifted: {
      given: world([announced, discharged, frozen]),
      step: visitStep({
        type: 'UnfreezeVisit',
        at: at(9),
        reason: 'cleared',
        approvalId: 'q-1',
        requestedBy: 'u-sup-1',
        approvedBy: 'u-sup-2',
      }),
    },
  },
  VoidEvent: {
    light_turned_green: {
      given: world([announced, discharged, held]),
      step: visitStep({ type: 'VoidEvent', at: at(9), voidedVersion: 3, reason: 'wrong box' }),
    },
  },
  IssueRelease: {
    light_turned_green: { given: world([announced, discharged]), step: releaseStep(issueCommand(5)) },
    collector_changed: { given: world([announced, discharged]), step: releaseStep(issueCommand(5)) },
  },
  UnblockRelease: {
    light_turned_green: {
      given: world(
        [announced, discharged],
        [
          ...heldByF1,
          {
            type: 'ReleaseBlocked',
            releaseId: 'rel-1',
            visitRef,
            reason: 'unpaid',
            rightVersion: 3,
            by: { userId: lineDesk.userId, orgId: lineDesk.orgId, orgKind: lineDesk.orgKind },
            at: at(10),
          } as ReleaseEvent,
        ],
      ),
      step: releaseStep({ type: 'UnblockRelease', at: at(11), by: lineDesk }),
    },
  },
  UpdateValidity: {
    light_turned_green: {
      given: world([announced, discharged], [{ ...issued, validFrom: at(200), validUntil: at(300) }]),
      step: releaseStep({
        type: 'UpdateValidity',
        at: at(11),
        by: lineDesk,
        validFrom: at(0),
        validUntil: at(600),
      }),
    },
  },
  OfferTransfer: {
    collector_changed: {
      given: world([announced, discharged], heldByF1),
      step: releaseStep({ type: 'OfferTransfer', at: at(11), by: f1Desk, to: 'org-h1' }),
    },
  },
  AcceptTransfer: {
    collector_changed: {
      given: world([announced, discharged], [...heldByF1, offered(f1Desk, 'org-h1', 11)]),
      step: releaseStep({ type: 'AcceptTransfer', at: at(12), by: h1Planner }),
    },
  },
  BookSlot: {
    collector_changed: {
      given: world([announced, discharged], heldByH1),
      step: { stream: 'booking', command: bookSlot },
    },
  },
};

describe('which commands can let a box out', () => {
  const claimed = Object.entries(commandWaysOut).flatMap(([command, ways]) =>
    ways.map((way) => [command as CargoCommandName, way] as const),
  );
  // Booking changes need the booking decider's slot checks; the booking witness shows the shape, and rebooking
  // and changing the driver replace the same driver|truck|slot triple that `collector_changed` compares.
  const unwitnessed = new Set(['RebookSlot', 'ChangeDriver']);

  it.each(claimed.filter(([command]) => !unwitnessed.has(command)))(
    "%s opens '%s' in its witness history",
    (command, way) => {
      const witness = witnesses[command]?.[way];
      expect(witness, `no witness for ${command} ${way}`).toBeDefined();
      const { given, step } = witness!;
      expect(step.command.type).toBe(command);
      const after = apply(given, step);
      expect(after, `${command} was refused in its witness history`).toBeDefined();
      expect(waysOpened(facts(given), facts(after!))).toContain(way);
    },
  );

  it('in random histories of a box and its release, no command opens a way out it does not claim', () => {
    const visitOps: fc.Arbitrary<(w: World, minute: number) => Step> = fc.oneof(
      fc.constant((_w: World, m: number) =>
        visitStep({ type: 'DischargeContainer', at: at(m), vesselCall: 'V1', slot: slot(1) }),
      ),
      fc.constant((_w: World, m: number) => visitStep({ type: 'GateInContainer', at: at(m), slot: slot(3) })),
      fc.constant((w: World, m: number) =>
        visitStep({
          type: 'MoveContainer',
          at: at(m),
          from: slotOf(w.visit) ?? slot(1),
          to: slotOf(w.visit)?.bay === 5 ? slot(7) : slot(5),
          equipment: 'RTG-1',
          operator: 'op-1',
        }),
      ),
      fc.constant((w: World, m: number) =>
        visitStep({
          type: 'CorrectPosition',
          at: at(m),
          from: slotOf(w.visit) ?? slot(1),
          to: slot(9),
          reason: 'scan',
          approvalId: 'q-9',
          requestedBy: 'u-pln-1',
          approvedBy: 'u-pln-2',
        }),
      ),
      fc
        .record({
          holdId: fc.constantFrom('H1', 'H2'),
          kind: fc.constantFrom('customs', 'police', 'terminal', 'line' as const),
        })
        .map(
          ({ holdId, kind }) =>
            (_w: World, m: number) =>
              visitStep({
                type: 'PlaceHold',
                at: at(m),
                holdId,
                kind,
                reason: 'check',
                reference: 'R',
                by: 'u-1',
              }),
        ),
      fc.record({ holdId: fc.constantFrom('H1', 'H2'), by: fc.constantFrom('u-1', 'u-2') }).map(
        ({ holdId, by }) =>
          (_w: World, m: number) =>
            visitStep({ type: 'LiftHold', at: at(m), holdId, reason: 'clear', by }),
      ),
      fc.constant((_w: World, m: number) =>
        visitStep({ type: 'FreezeVisit', at: at(m), reason: 'suspect', by: 'u-sup-1' }),
      ),
      fc.constant((_w: World, m: number) =>
        visitStep({
          type: 'UnfreezeVisit',
          at: at(m),
          reason: 'cleared',
          approvalId: `q-${m}`,
          requestedBy: 'u-sup-1',
          approvedBy: 'u-sup-2',
        }),
      ),
      fc.constant((_w: World, m: number) =>
        visitStep({ type: 'GateOutContainer', at: at(m), verdict: verdict(m) }),
      ),
      fc.constant((_w: World, m: number) =>
        visitStep({ type: 'LoadContainer', at: at(m), vesselCall: 'V9' }),
      ),
      fc
        .integer({ min: 1, max: 10 })
        .map(
          (voidedVersion) => (_w: World, m: number) =>
            visitStep({ type: 'VoidEvent', at: at(m), voidedVersion, reason: 'wrong entry' }),
        ),
    );
    const actor = fc.constantFrom<ReleaseActor>(lineDesk, f1Desk, f2Desk, h1Planner, h2Planner);
    const releaseOps: fc.Arbitrary<(w: World, minute: number) => Step> = fc.oneof(
      fc.constant((_w: World, m: number) => releaseStep(issueCommand(m))),
      fc.record({ by: actor, to: fc.constantFrom('org-f2', 'org-h1', 'org-h2') }).map(
        ({ by, to }) =>
          (_w: World, m: number) =>
            releaseStep({ type: 'OfferTransfer', at: at(m), by, to }),
      ),
      actor.map((by) => (_w: World, m: number) => releaseStep({ type: 'AcceptTransfer', at: at(m), by })),
      actor.map(
        (by) => (_w: World, m: number) =>
          releaseStep({ type: 'DenyTransfer', at: at(m), by, reason: 'not ours' }),
      ),
      actor.map((by) => (_w: World, m: number) => releaseStep({ type: 'WithdrawOffer', at: at(m), by })),
      actor.map(
        (by) => (_w: World, m: number) =>
          releaseStep({ type: 'BlockRelease', at: at(m), by, reason: 'unpaid' }),
      ),
      actor.map((by) => (_w: World, m: number) => releaseStep({ type: 'UnblockRelease', at: at(m), by })),
      actor.map(
        (by) => (_w: World, m: number) =>
          releaseStep({ type: 'RevokeRelease', at: at(m), by, reason: 'fraud' }),
      ),
      fc.boolean().map(
        (open) => (_w: World, m: number) =>
          releaseStep({
            type: 'UpdateValidity',
            at: at(m),
            by: lineDesk,
            validFrom: open ? at(0) : at(200),
            validUntil: open ? at(600) : at(300),
          }),
      ),
    );
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.oneof(visitOps, releaseOps), { minLength: 4, maxLength: 30 }), (ops) => {
        let current = world([announced]);
        ops.forEach((makeStep, i) => {
          const step = makeStep(current, i + 1);
          const after = apply(current, step);
          if (after === undefined) return;
          seen.add(step.command.type);
          const opened = waysOpened(facts(current), facts(after));
          const allowed = commandWaysOut[step.command.type];
          for (const way of opened) {
            expect(allowed, `${step.command.type} opened ${way}`).toContain(way);
          }
          current = after;
        });
      }),
      { numRuns: 300 },
    );
    // The histories did exercise the commands that claim no way out.
    for (const command of ['MoveContainer', 'PlaceHold', 'FreezeVisit', 'BlockRelease', 'RevokeRelease']) {
      expect(seen, command).toContain(command);
    }
  });

  it('cancelling a booking opens no way out', () => {
    const booked = apply(world([announced, discharged], heldByH1), { stream: 'booking', command: bookSlot });
    expect(booked).toBeDefined();
    const cancelled = apply(booked!, {
      stream: 'booking',
      command: {
        type: 'CancelBooking',
        at: at(70),
        by: { userId: 'u-h1', orgId: 'org-h1' },
        holder: 'org-h1',
        reason: 'ship delayed',
      },
    });
    expect(cancelled).toBeDefined();
    expect(waysOpened(facts(booked!), facts(cancelled!))).toEqual([]);
  });
});

describe('the policy table and the ways out', () => {
  it('every command permission that can let a box leave is sensitive', () => {
    for (const permission of commandPermissions) {
      if (mayLetABoxOut(permission)) {
        expect(isSensitive(permission), `${permission}: ${policy[permission].sensitiveWhy}`).toBe(true);
      }
    }
  });

  it('names the permissions that can let a box leave', () => {
    expect([...commandPermissions.filter(mayLetABoxOut)].sort()).toEqual([
      'appointment.book',
      'appointment.change',
      'approval.decide',
      'driver.device.confirm',
      'driver.nominate',
      // A COREOR issues a release (issue 17).
      'edi.import',
      'release.accept',
      'release.block',
      'release.issue',
      'release.transfer',
      'visit.discharge',
      'visit.gate_in',
      'visit.gate_out',
      'visit.hold.lift',
      'visit.load',
      'visit.unfreeze.request',
      'visit.void.request',
    ]);
    // Stopping a box is not letting it go: password sessions of customs and police keep these.
    for (const permission of ['visit.hold.place', 'visit.freeze', 'visit.scan.select'] as const) {
      expect(mayLetABoxOut(permission), permission).toBe(false);
    }
  });

  it('every command permission says which commands it authorises', () => {
    expect(Object.keys(permissionCommands).sort()).toEqual([...commandPermissions].sort());
  });
});
