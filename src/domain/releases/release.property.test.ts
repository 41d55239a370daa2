import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import { DomainError } from '../errors.js';
import { partiesThatHoldOrHeld } from './chain-visibility.js';
import type { ReleaseActor, ReleaseCommand } from './release.commands.js';
import type { ReleaseEvent } from './release.events.js';
import { initialReleaseState, type ReleaseState, releaseDecider } from './release.js';
import {
  at,
  f1Desk,
  f2Desk,
  h1Planner,
  h2Planner,
  lineDesk,
  otherLineDesk,
  visitRef,
} from './testing/release-histories.js';

const actors: ReleaseActor[] = [lineDesk, otherLineDesk, f1Desk, f2Desk, h1Planner, h2Planner];
const orgIds = [...actors.map((a) => a.orgId), 'org-nobody'];

const command = fc
  .record({
    // Weighted so that chains grow deep before a revoke ends them.
    kind: fc.oneof(
      ...(
        [
          ['IssueRelease', 1],
          ['BlockRelease', 1],
          ['UnblockRelease', 2],
          ['RevokeRelease', 1],
          ['UpdateValidity', 1],
          ['OfferTransfer', 8],
          ['AcceptTransfer', 8],
          ['DenyTransfer', 1],
          ['WithdrawOffer', 1],
        ] as const
      ).map(([type, weight]) => ({ arbitrary: fc.constant(type), weight })),
    ),
    by: fc.constantFrom(...actors),
    // Mostly the party the rules expect, so that chains grow deep; sometimes anyone at all.
    expected: fc.constantFrom(true, true, true, false),
    to: fc.constantFrom(...orgIds),
    from: fc.integer({ min: -60, max: 600 }),
    length: fc.integer({ min: -30, max: 600 }),
  })
  .map(
    ({ kind, by: anyone, expected, to, from, length }) =>
      (state: ReleaseState, minute: number): ReleaseCommand => {
        const base = { at: at(minute), by: expected ? (expectedActor(kind, state) ?? anyone) : anyone };
        switch (kind) {
          case 'IssueRelease':
            return {
              type: kind,
              ...base,
              releaseId: 'rel-p',
              visitRef,
              line: 'MAEU',
              validFrom: at(from),
              validUntil: at(from + length),
              firstParty: to,
            };
          case 'BlockRelease':
          case 'RevokeRelease':
            return { type: kind, ...base, reason: 'because' };
          case 'UpdateValidity':
            return { type: kind, ...base, validFrom: at(from), validUntil: at(from + length) };
          case 'OfferTransfer':
            return { type: kind, ...base, to };
          case 'UnblockRelease':
          case 'AcceptTransfer':
          case 'DenyTransfer':
          case 'WithdrawOffer':
            return { type: kind, ...base };
        }
        throw new Error(`unexpected ${kind}`);
      },
  );

const validIssue: ReleaseCommand = {
  type: 'IssueRelease',
  at: at(-1),
  by: lineDesk,
  releaseId: 'rel-p',
  visitRef,
  line: 'MAEU',
  validFrom: at(0),
  validUntil: at(600),
  firstParty: 'org-f1',
};

function actorOf(orgId: string | undefined): ReleaseActor | undefined {
  return actors.find((actor) => actor.orgId === orgId);
}

/** The party the rules expect to act: the offered party, the sender or holder, or the line. */
function expectedActor(kind: ReleaseCommand['type'], state: ReleaseState): ReleaseActor | undefined {
  const release = state.release;
  switch (kind) {
    case 'AcceptTransfer':
    case 'DenyTransfer':
      return actorOf(release?.offer?.to);
    case 'WithdrawOffer':
      return actorOf(release?.offer?.from);
    case 'OfferTransfer':
      return actorOf(release?.holder ?? release?.lineOrgId);
    default:
      return lineDesk;
  }
}

/** Who holds the right, replayed from the events alone, independently of `evolve`. */
function holdersFromEvents(events: readonly ReleaseEvent[]): Set<string> {
  const holders = new Set<string>();
  for (const event of events) {
    if (event.type === 'ReleaseTransferAccepted') {
      holders.delete(event.from);
      holders.add(event.to);
    }
    if (event.type === 'ReleaseRevoked') holders.clear();
  }
  return holders;
}

function checkInvariants(state: ReleaseState, events: readonly ReleaseEvent[]): void {
  const release = state.release;
  const holders = holdersFromEvents(events);
  expect(holders.size).toBeLessThanOrEqual(1);
  if (release === null) {
    expect(events).toEqual([]);
    return;
  }
  // One holder at most, and it is the last link of the chain.
  expect([...holders]).toEqual(release.holder === null ? [] : [release.holder]);
  if (release.holder !== null) {
    expect(release.chain.at(-1)?.orgId).toBe(release.holder);
    expect(partiesThatHoldOrHeld(state)).toContain(release.holder);
  }
  if (release.revocation === null) expect(release.holder).toBe(release.chain.at(-1)?.orgId ?? null);
  // Each link was accepted from the link before it (the line for the first).
  release.chain.forEach((link, i) => {
    expect(link.from).toBe(i === 0 ? release.lineOrgId : release.chain[i - 1]!.orgId);
  });
  // An offer comes from the holder (or the line before anyone holds) and never to the holder or the line.
  if (release.offer !== null) {
    expect(release.offer.from).toBe(release.holder ?? release.lineOrgId);
    expect(release.offer.to).not.toBe(release.holder);
    expect(release.offer.to).not.toBe(release.lineOrgId);
  }
  expect(Date.parse(release.validFrom)).toBeLessThan(Date.parse(release.validUntil));
}

describe('release decider properties', () => {
  it('no sequence of commands leaves two holders, a holder outside the chain, or an event after a revoke', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(command, { minLength: 1, maxLength: 80, size: 'max' }),
        (issueFirst, ops) => {
          let state = initialReleaseState();
          const events: ReleaseEvent[] = [];
          // Most random sequences never issue; half the runs start from an issued release to reach deep chains.
          if (issueFirst) {
            for (const event of releaseDecider.decide(validIssue, state)) {
              state = releaseDecider.evolve(state, event);
              events.push(event);
            }
          }
          ops.forEach((op, step) => {
            const before = state.release;
            let produced: ReleaseEvent[];
            try {
              produced = releaseDecider.decide(op(state, step), state);
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
              expect(error.code.startsWith('release.')).toBe(true);
              return;
            }
            expect(before?.revocation ?? null).toBeNull();
            expect(JSON.parse(JSON.stringify(produced))).toStrictEqual(produced);
            for (const event of produced) {
              state = releaseDecider.evolve(state, event);
              events.push(event);
            }
            // The right version never goes back, and moves exactly when the right changes.
            const changed =
              before !== null &&
              (before.holder !== state.release?.holder ||
                before.block !== state.release?.block ||
                before.revocation !== state.release?.revocation ||
                before.validFrom !== state.release?.validFrom ||
                before.validUntil !== state.release?.validUntil);
            if (before !== null) {
              expect(state.release!.rightVersion).toBe(before.rightVersion + (changed ? 1 : 0));
            }
            checkInvariants(state, events);
          });
          expect(foldEvents(releaseDecider, events)).toEqual(state);
        },
      ),
      { numRuns: 500 },
    );
  });
});
