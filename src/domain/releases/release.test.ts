import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import { deciderSpec } from '../testing/decider-spec.js';
import type { IssueRelease, ReleaseCommand } from './release.commands.js';
import type { ReleaseEvent } from './release.events.js';
import { cutOffParties, initialReleaseState, releaseDecider } from './release.js';
import {
  accepted,
  at,
  blocked,
  denied,
  f1Desk,
  f2Desk,
  h1Planner,
  h2Planner,
  heldByF1,
  heldByH1,
  issued,
  lineDesk,
  offered,
  offeredToH2,
  otherLineDesk,
  releaseId,
  revoked,
  unblocked,
  validityUpdated,
  visitRef,
  withdrawn,
  xDesk,
} from './testing/release-histories.js';

const spec = deciderSpec(releaseDecider);

const issue: IssueRelease = {
  type: 'IssueRelease',
  at: at(1),
  by: lineDesk,
  releaseId,
  visitRef,
  line: 'MAEU',
  validFrom: at(0),
  validUntil: at(600),
  firstParty: 'org-f1',
};
const offer = (by: typeof f1Desk, to: string, minute: number): ReleaseCommand => ({
  type: 'OfferTransfer',
  at: at(minute),
  by,
  to,
});
const accept = (by: typeof f1Desk, minute: number): ReleaseCommand => ({
  type: 'AcceptTransfer',
  at: at(minute),
  by,
});
const deny = (by: typeof f1Desk, minute: number, reason?: string): ReleaseCommand => ({
  type: 'DenyTransfer',
  at: at(minute),
  by,
  ...(reason === undefined ? {} : { reason }),
});
const withdraw = (by: typeof f1Desk, minute: number): ReleaseCommand => ({
  type: 'WithdrawOffer',
  at: at(minute),
  by,
});
const block = (minute: number, by = lineDesk): ReleaseCommand => ({
  type: 'BlockRelease',
  at: at(minute),
  by,
  reason: 'freight unpaid',
});
const unblock = (minute: number, by = lineDesk): ReleaseCommand => ({
  type: 'UnblockRelease',
  at: at(minute),
  by,
});
const revoke = (minute: number, by = lineDesk): ReleaseCommand => ({
  type: 'RevokeRelease',
  at: at(minute),
  by,
  reason: 'release issued to the wrong consignee',
});
const updateValidity = (
  validFrom: string,
  validUntil: string,
  minute: number,
  by = lineDesk,
): ReleaseCommand => ({
  type: 'UpdateValidity',
  at: at(minute),
  by,
  validFrom,
  validUntil,
});

describe('issuing a release', () => {
  it('records the release and offers it to the first party, who does not hold it until it accepts', () => {
    const state = spec
      .given([])
      .when(issue)
      .then([issued, offered(lineDesk, 'org-f1', 1)]);
    expect(state.release).toMatchObject({
      releaseId,
      visitRef,
      line: 'MAEU',
      lineOrgId: 'org-maeu',
      holder: null,
      chain: [],
      offer: { from: 'org-maeu', to: 'org-f1', offeredAt: at(1) },
      block: null,
      revocation: null,
      rightVersion: 1,
    });
    expect(state.version).toBe(2);
  });

  it('normalises the line, the visit reference and the instants', () => {
    spec
      .given([])
      .when({
        ...issue,
        line: ' maeu ',
        visitRef: visitRef.toLowerCase(),
        at: '2025-03-01T09:01:00+01:00',
        by: { ...lineDesk, orgCode: 'maeu' },
      })
      .then([issued, offered(lineDesk, 'org-f1', 1)]);
  });

  it('refuses a second issue on the same stream', () => {
    spec.given([issued]).when(issue).thenFails('release.already_issued', { releaseId });
  });

  it.each([
    ['a forwarder', { ...issue, by: f1Desk }],
    ['another line', { ...issue, by: otherLineDesk }],
    ['a line whose code is not known', { ...issue, by: { ...lineDesk, orgCode: undefined } }],
    ['a forwarder claiming the carrier code', { ...issue, by: { ...f1Desk, orgCode: 'MAEU' } }],
  ])('refuses an issue by %s (release.not_line)', (_, command) => {
    spec.given([]).when(command).thenFails('release.not_line', { line: 'MAEU' });
  });

  it.each([
    ['releaseId', { releaseId: 'rel 1' }],
    ['line', { line: 'M' }],
    ['validFrom', { validFrom: 'tomorrow' }],
    ['validUntil', { validUntil: '2025-03-01T18:00:00' }],
    ['firstParty', { firstParty: '' }],
    ['firstParty', { firstParty: 'org-maeu' }],
    ['at', { at: 'now' }],
    ['by.userId', { by: { ...lineDesk, userId: 'u\n1' } }],
    ['by.orgKind', { by: { ...lineDesk, orgKind: 'bank' } }],
  ])('refuses a bad %s (release.command_invalid)', (field, patch) => {
    spec
      .given([])
      .when({ ...issue, ...patch } as ReleaseCommand)
      .thenFails('release.command_invalid', { field });
  });

  it('refuses a malformed visit reference', () => {
    spec
      .given([])
      .when({ ...issue, visitRef: 'V-123' })
      .thenFails('visit.reference_invalid');
  });

  it.each([
    ['an empty interval', { validFrom: at(60), validUntil: at(60) }],
    ['a reversed interval', { validFrom: at(60), validUntil: at(30) }],
    ['a period that has already ended', { validFrom: at(-120), validUntil: at(0) }],
  ])('refuses %s (release.validity_invalid)', (_, patch) => {
    spec
      .given([])
      .when({ ...issue, ...patch })
      .thenFails('release.validity_invalid');
  });
});

describe('passing the right along the chain', () => {
  it('the first party accepts and holds the right; the right version moves on', () => {
    const state = spec
      .given([issued, offered(lineDesk, 'org-f1', 1)])
      .when(accept(f1Desk, 5))
      .then([accepted(f1Desk, 'org-maeu', 2, 5)]);
    expect(state.release).toMatchObject({
      holder: 'org-f1',
      chain: [{ orgId: 'org-f1', from: 'org-maeu', acceptedAt: at(5) }],
      offer: null,
      rightVersion: 2,
    });
  });

  it('the holder offers, the next party accepts, and the chain keeps every holder in order', () => {
    const state = spec
      .given([...heldByF1, offered(f1Desk, 'org-f2', 10), accepted(f2Desk, 'org-f1', 3, 12)])
      .when(offer(f2Desk, 'org-h1', 20))
      .then([offered(f2Desk, 'org-h1', 20)]);
    expect(state.release?.rightVersion).toBe(3);
    const after = spec
      .given([...heldByH1.slice(0, -1)])
      .when(accept(h1Planner, 22))
      .then([heldByH1.at(-1)!]);
    expect(after.release?.chain.map((link) => [link.orgId, link.from, link.acceptedAt])).toEqual([
      ['org-f1', 'org-maeu', at(5)],
      ['org-f2', 'org-f1', at(12)],
      ['org-h1', 'org-f2', at(22)],
    ]);
    expect(after.release?.holder).toBe('org-h1');
  });

  it('a denied offer leaves the right with the sender, who may offer it again', () => {
    const state = spec
      .given([...heldByF1, offered(f1Desk, 'org-h1', 10)])
      .when(deny(h1Planner, 11, 'no truck free this week'))
      .then([denied(h1Planner, 'org-f1', 11, 'no truck free this week')]);
    expect(state.release).toMatchObject({ holder: 'org-f1', offer: null, rightVersion: 2 });
    spec
      .given([...heldByF1, offered(f1Desk, 'org-h1', 10), denied(h1Planner, 'org-f1', 11)])
      .when(offer(f1Desk, 'org-h2', 12))
      .then([offered(f1Desk, 'org-h2', 12)]);
  });

  it('when the first party denies, the line names another', () => {
    const history = [issued, offered(lineDesk, 'org-f1', 1), denied(f1Desk, 'org-maeu', 3)];
    const state = spec
      .given(history)
      .when(offer(lineDesk, 'org-f2', 4))
      .then([offered(lineDesk, 'org-f2', 4)]);
    expect(state.release?.holder).toBeNull();
    spec
      .given([...history, offered(lineDesk, 'org-f2', 4)])
      .when(deny(f2Desk, 5))
      .then([denied(f2Desk, 'org-maeu', 5)]);
  });

  it('a right may be handed back to an earlier holder', () => {
    const history = [...heldByF1, offered(f1Desk, 'org-h1', 10), accepted(h1Planner, 'org-f1', 3, 11)];
    const state = spec
      .given([...history, offered(h1Planner, 'org-f1', 12)])
      .when(accept(f1Desk, 13))
      .then([accepted(f1Desk, 'org-h1', 4, 13)]);
    expect(state.release?.chain.map((link) => link.orgId)).toEqual(['org-f1', 'org-h1', 'org-f1']);
  });

  it.each([
    ['an organisation outside the chain', xDesk],
    ['the next party before it accepted', h1Planner],
    ['the line once the first party holds', lineDesk],
  ])('%s cannot transfer the right (release.not_holder)', (_, by) => {
    spec
      .given([...heldByF1, offered(f1Desk, 'org-h1', 10)])
      .when(offer(by, 'org-h2', 11))
      .thenFails('release.not_holder', { orgId: by.orgId });
  });

  it('a former holder cannot transfer the right it passed on (release.not_holder)', () => {
    spec
      .given(heldByH1)
      .when(offer(f1Desk, 'org-x', 30))
      .thenFails('release.not_holder', { orgId: 'org-f1' });
  });

  it('one offer at a time (release.offer_pending)', () => {
    spec
      .given(offeredToH2)
      .when(offer(h1Planner, 'org-x', 31))
      .thenFails('release.offer_pending', {
        offeredTo: 'org-h2',
      });
  });

  it('a party cannot be offered the right it already holds (release.already_holder)', () => {
    spec
      .given(heldByF1)
      .when(offer(f1Desk, 'org-f1', 10))
      .thenFails('release.already_holder', { to: 'org-f1' });
  });

  it('the right is not offered back to the line, which revokes instead (release.command_invalid)', () => {
    spec
      .given(heldByF1)
      .when(offer(f1Desk, 'org-maeu', 10))
      .thenFails('release.command_invalid', { field: 'to' });
    spec
      .given([issued, offered(lineDesk, 'org-f1', 1), withdrawn(lineDesk, 'org-f1', 2)])
      .when(offer(lineDesk, 'org-maeu', 3))
      .thenFails('release.command_invalid', { field: 'to' });
  });

  it.each([
    ['the sender', 'accepts', h1Planner, accept],
    ['an outsider', 'accepts', xDesk, accept],
    ['the sender', 'denies', h1Planner, deny],
    ['an earlier holder', 'denies', f2Desk, deny],
  ] as const)(
    'only the offered party accepts or denies: %s %s (release.not_offered_party)',
    (_, _verb, by, act) => {
      spec.given(offeredToH2).when(act(by, 31)).thenFails('release.not_offered_party', { orgId: by.orgId });
    },
  );

  it.each([
    ['accept', accept],
    ['deny', deny],
  ] as const)('nothing to %s without an offer (release.no_offer)', (_, act) => {
    spec.given(heldByH1).when(act(h2Planner, 31)).thenFails('release.no_offer');
  });

  it('refuses a malformed `to` or deny reason (release.command_invalid)', () => {
    spec
      .given(heldByF1)
      .when(offer(f1Desk, 'org h1', 10))
      .thenFails('release.command_invalid', { field: 'to' });
    spec
      .given(offeredToH2)
      .when(deny(h2Planner, 31, ' '))
      .thenFails('release.command_invalid', { field: 'reason' });
  });
});

describe('withdrawing an offer', () => {
  it('the sender withdraws before acceptance, and keeps the right', () => {
    const state = spec
      .given(offeredToH2)
      .when(withdraw(h1Planner, 31))
      .then([withdrawn(h1Planner, 'org-h2', 31)]);
    expect(state.release).toMatchObject({ holder: 'org-h1', offer: null, rightVersion: 4 });
  });

  it('the line withdraws its offer to the first party', () => {
    const state = spec
      .given([issued, offered(lineDesk, 'org-f1', 1)])
      .when(withdraw(lineDesk, 2))
      .then([withdrawn(lineDesk, 'org-f1', 2)]);
    expect(state.release).toMatchObject({ holder: null, offer: null, chain: [] });
  });

  it('not after acceptance (release.no_offer)', () => {
    spec
      .given([...heldByF1, offered(f1Desk, 'org-h1', 10), accepted(h1Planner, 'org-f1', 3, 11)])
      .when(withdraw(f1Desk, 12))
      .thenFails('release.no_offer', { acceptedBy: 'org-h1', acceptedAt: at(11) });
  });

  it.each([
    ['the offered party', h2Planner],
    ['the line', lineDesk],
    ['an earlier holder', f2Desk],
  ])('only the sender withdraws, not %s (release.not_sender)', (_, by) => {
    spec.given(offeredToH2).when(withdraw(by, 31)).thenFails('release.not_sender', { orgId: by.orgId });
  });
});

describe('blocking', () => {
  it('the line blocks; the holder keeps the right, but it changes version', () => {
    const state = spec
      .given(heldByH1)
      .when(block(30))
      .then([blocked(5, 30)]);
    expect(state.release).toMatchObject({ holder: 'org-h1', rightVersion: 5, block: { blockedAt: at(30) } });
  });

  it('no transfer while blocked: no offer and no acceptance (release.blocked)', () => {
    spec
      .given([...heldByH1, blocked(5, 30)])
      .when(offer(h1Planner, 'org-h2', 31))
      .thenFails('release.blocked');
    spec
      .given([...offeredToH2, blocked(5, 31)])
      .when(accept(h2Planner, 32))
      .thenFails('release.blocked');
  });

  it('while blocked, an offer may still be denied or withdrawn: nothing changes hands', () => {
    spec
      .given([...offeredToH2, blocked(5, 31)])
      .when(deny(h2Planner, 32))
      .then([denied(h2Planner, 'org-h1', 32)]);
    spec
      .given([...offeredToH2, blocked(5, 31)])
      .when(withdraw(h1Planner, 32))
      .then([withdrawn(h1Planner, 'org-h2', 32)]);
  });

  it('the line unblocks, with a new right version; the pending offer may then be accepted', () => {
    const history = [...offeredToH2, blocked(5, 31)];
    const state = spec
      .given(history)
      .when(unblock(40))
      .then([unblocked(6, 40)]);
    expect(state.release?.block).toBeNull();
    spec
      .given([...history, unblocked(6, 40)])
      .when(accept(h2Planner, 41))
      .then([accepted(h2Planner, 'org-h1', 7, 41)]);
  });

  it('refuses blocking twice and unblocking what is not blocked', () => {
    spec
      .given([...heldByH1, blocked(5, 30)])
      .when(block(31))
      .thenFails('release.already_blocked');
    spec.given(heldByH1).when(unblock(31)).thenFails('release.not_blocked');
  });

  it.each([
    ['the holder blocks', block(30, h1Planner)],
    ['another line blocks', block(30, otherLineDesk)],
    ['the holder unblocks', unblock(30, h1Planner)],
  ])('only the line that issued: %s (release.not_line)', (_, command) => {
    spec.given(heldByH1).when(command).thenFails('release.not_line');
  });

  it('a block needs a reason', () => {
    spec
      .given(heldByH1)
      .when({ ...block(30), reason: '' } as ReleaseCommand)
      .thenFails('release.command_invalid', { field: 'reason' });
  });
});

describe('revoking', () => {
  it('a revoked right cuts off the holder and the party it was offered to, and says whom', () => {
    const state = spec
      .given(offeredToH2)
      .when(revoke(40))
      .then([revoked('org-h1', 'org-h2', 5, 40)]);
    expect(state.release).toMatchObject({
      holder: null,
      offer: null,
      rightVersion: 5,
      revocation: {
        revokedAt: at(40),
        reason: 'release issued to the wrong consignee',
        cutOffHolder: 'org-h1',
        cutOffOffer: 'org-h2',
      },
    });
    expect(cutOffParties(state)).toEqual(['org-h1', 'org-h2']);
    expect(state.release?.chain.map((link) => link.orgId)).toEqual(['org-f1', 'org-f2', 'org-h1']);
  });

  it('before anyone accepted, it cuts off the first party offered it', () => {
    const state = spec
      .given([issued, offered(lineDesk, 'org-f1', 1)])
      .when(revoke(2))
      .then([revoked(null, 'org-f1', 2, 2)]);
    expect(cutOffParties(state)).toEqual(['org-f1']);
  });

  it('a blocked right may be revoked', () => {
    spec
      .given([...heldByH1, blocked(5, 30)])
      .when(revoke(40))
      .then([revoked('org-h1', null, 6, 40)]);
  });

  it.each([
    ['the holder', h1Planner],
    ['an earlier holder', f1Desk],
    ['another line', otherLineDesk],
  ])('only the line revokes, not %s (release.not_line)', (_, by) => {
    spec.given(heldByH1).when(revoke(40, by)).thenFails('release.not_line');
  });

  it.each([
    ['offer', offer(h1Planner, 'org-h2', 41)],
    ['accept', accept(h2Planner, 41)],
    ['deny', deny(h2Planner, 41)],
    ['withdraw', withdraw(h1Planner, 41)],
    ['block', block(41)],
    ['unblock', unblock(41)],
    ['revoke', revoke(41)],
    ['update validity', updateValidity(at(0), at(900), 41)],
  ])('nothing after a revoke: %s (release.revoked)', (_, command) => {
    spec
      .given([...offeredToH2, revoked('org-h1', 'org-h2', 5, 40)])
      .when(command)
      .thenFails('release.revoked');
  });

  it('a revoked release is not issued again on its stream (release.already_issued)', () => {
    spec
      .given([...heldByH1, revoked('org-h1', null, 5, 40)])
      .when(issue)
      .thenFails('release.already_issued');
  });

  it('cuts off nobody while standing', () => {
    expect(cutOffParties(foldEvents(releaseDecider, heldByH1))).toEqual([]);
    expect(cutOffParties(initialReleaseState())).toEqual([]);
  });
});

describe('validity', () => {
  it('the line changes the validity, with a new right version and the previous period kept', () => {
    const state = spec
      .given(heldByH1)
      .when(updateValidity(at(60), at(1200), 30))
      .then([validityUpdated(at(60), at(1200), { validFrom: at(0), validUntil: at(600) }, 5, 30)]);
    expect(state.release).toMatchObject({ validFrom: at(60), validUntil: at(1200), rightVersion: 5 });
  });

  it('refuses an update that changes nothing (release.validity_unchanged)', () => {
    spec
      .given(heldByH1)
      .when(updateValidity(at(0), at(600), 30))
      .thenFails('release.validity_unchanged');
  });

  it('refuses an improper interval (release.validity_invalid)', () => {
    spec
      .given(heldByH1)
      .when(updateValidity(at(600), at(60), 30))
      .thenFails('release.validity_invalid');
    spec
      .given(heldByH1)
      .when(updateValidity(at(0), at(30), 30))
      .thenFails('release.validity_invalid');
  });

  it('only the line changes it (release.not_line)', () => {
    spec
      .given(heldByH1)
      .when(updateValidity(at(0), at(1200), 30, h1Planner))
      .thenFails('release.not_line');
  });
});

describe('the right version', () => {
  it('changes on every change of holder, block, unblock, validity and revoke, and on nothing else', () => {
    const history: ReleaseEvent[] = [
      issued,
      offered(lineDesk, 'org-f1', 1),
      accepted(f1Desk, 'org-maeu', 2, 5),
      offered(f1Desk, 'org-h1', 10),
      denied(h1Planner, 'org-f1', 11),
      offered(f1Desk, 'org-h2', 12),
      withdrawn(f1Desk, 'org-h2', 13),
      offered(f1Desk, 'org-h1', 14),
      accepted(h1Planner, 'org-f1', 3, 15),
      blocked(4, 20),
      unblocked(5, 21),
      validityUpdated(at(0), at(900), { validFrom: at(0), validUntil: at(600) }, 6, 22),
      revoked('org-h1', null, 7, 23),
    ];
    // Replaying the history through `decide` proves every version was the decider's own.
    let state = initialReleaseState();
    const versions: number[] = [];
    const commands: ReleaseCommand[] = [
      issue,
      accept(f1Desk, 5),
      offer(f1Desk, 'org-h1', 10),
      deny(h1Planner, 11),
      offer(f1Desk, 'org-h2', 12),
      withdraw(f1Desk, 13),
      offer(f1Desk, 'org-h1', 14),
      accept(h1Planner, 15),
      block(20),
      unblock(21),
      updateValidity(at(0), at(900), 22),
      revoke(23),
    ];
    const produced: ReleaseEvent[] = [];
    for (const command of commands) {
      for (const event of releaseDecider.decide(command, state)) {
        produced.push(event);
        state = releaseDecider.evolve(state, event);
        versions.push(state.release!.rightVersion);
      }
    }
    expect(produced).toEqual(history);
    expect(versions).toEqual([1, 1, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7]);
  });
});

describe('an empty stream', () => {
  it.each([
    ['offer', offer(f1Desk, 'org-h1', 1)],
    ['accept', accept(f1Desk, 1)],
    ['deny', deny(f1Desk, 1)],
    ['withdraw', withdraw(lineDesk, 1)],
    ['block', block(1)],
    ['unblock', unblock(1)],
    ['revoke', revoke(1)],
    ['update validity', updateValidity(at(0), at(60), 1)],
  ])('has no release to %s (release.not_found)', (_, command) => {
    spec.given([]).when(command).thenFails('release.not_found');
  });

  it('refuses an unknown command type', () => {
    spec
      .given(heldByF1)
      .when({ type: 'StealRelease', at: at(1), by: xDesk } as unknown as ReleaseCommand)
      .thenFails('release.command_invalid', { field: 'type' });
  });
});
