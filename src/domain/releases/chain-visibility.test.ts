import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import {
  type ChainViewer,
  partiesThatHoldOrHeld,
  releaseChainView,
  releaseChainVisibility,
} from './chain-visibility.js';
import { initialReleaseState, releaseDecider } from './release.js';
import {
  accepted,
  at,
  f1Desk,
  h1Planner,
  heldByF1,
  issued,
  lineDesk,
  offered,
  offeredToH2,
  revoked,
} from './testing/release-histories.js';

const viewer = (
  orgId: string,
  orgKind: ChainViewer['orgKind'],
  ...roles: ChainViewer['roles']
): ChainViewer => ({
  orgId,
  orgKind,
  roles,
});
const line = viewer('org-maeu', 'shipping_line', 'release_desk');
const otherLine = viewer('org-mscu', 'shipping_line', 'release_desk');
const customs = viewer('org-customs', 'customs', 'customs_officer');
const customsInvestigator = viewer('org-customs', 'customs', 'investigator');
const police = viewer('org-police', 'port_police', 'investigator');
const f1 = viewer('org-f1', 'forwarder', 'release_desk');
const f2 = viewer('org-f2', 'forwarder', 'release_desk');
const h1 = viewer('org-h1', 'haulier', 'haulier_planner');
const h2 = viewer('org-h2', 'haulier', 'haulier_planner');
const outsider = viewer('org-x', 'haulier', 'haulier_planner');
const h1Driver = viewer('org-h1', 'haulier', 'driver');
const gateClerk = viewer('org-psa', 'terminal_operator', 'gate_clerk');
const admin = viewer('org-admin', 'port_administration', 'administrator');

// Line → F1 → F2 → H1, and H1 has offered the right to H2.
const state = foldEvents(releaseDecider, offeredToH2);
const linksSeenBy = (who: ChainViewer) => releaseChainView(state, who)?.chain.map((link) => link.orgId);

describe('who sees a release chain', () => {
  it.each([
    ['the line that issued it', line, 'full'],
    ['a customs officer', customs, 'full'],
    ['a customs investigator', customsInvestigator, 'full'],
    ['a police investigator', police, 'full'],
    ['the first holder', f1, 'neighbours'],
    ['a holder in the middle', f2, 'neighbours'],
    ['the current holder', h1, 'neighbours'],
    ['the party offered it', h2, 'neighbours'],
    ['another line', otherLine, 'none'],
    ['a party outside the chain', outsider, 'none'],
    ["the holder's driver (no release.read)", h1Driver, 'none'],
    ['a gate clerk', gateClerk, 'none'],
    ['an administrator', admin, 'none'],
  ] as const)('%s: %s', (_, who, expected) => {
    expect(releaseChainVisibility(who, state)).toBe(expected);
    if (expected === 'none') expect(releaseChainView(state, who)).toBeUndefined();
    else expect(releaseChainView(state, who)?.visibility).toBe(expected);
  });

  it('nobody sees a release that was never issued', () => {
    expect(releaseChainVisibility(customs, initialReleaseState())).toBe('none');
    expect(releaseChainView(initialReleaseState(), line)).toBeUndefined();
  });
});

describe('what each party sees', () => {
  it('the line, customs and police see every link, the holder, the offer and the reasons', () => {
    for (const who of [line, customs, police]) {
      const view = releaseChainView(state, who)!;
      expect(view.chain).toEqual([
        { position: 1, orgId: 'org-f1', from: 'org-maeu', acceptedAt: at(5) },
        { position: 2, orgId: 'org-f2', from: 'org-f1', acceptedAt: at(12) },
        { position: 3, orgId: 'org-h1', from: 'org-f2', acceptedAt: at(22) },
      ]);
      expect(view.holder).toBe('org-h1');
      expect(view.offer).toEqual({ from: 'org-h1', to: 'org-h2', offeredAt: at(30) });
      expect(view).toMatchObject({ blockReason: null, revokeReason: null, rightVersion: 4 });
    }
  });

  it('a party sees only its predecessor, its successor and itself', () => {
    expect(linksSeenBy(f1)).toEqual(['org-f1', 'org-f2']);
    expect(linksSeenBy(f2)).toEqual(['org-f1', 'org-f2', 'org-h1']);
    expect(linksSeenBy(h1)).toEqual(['org-f2', 'org-h1']);
    expect(linksSeenBy(h2)).toEqual(['org-h1']);
  });

  it("never names a predecessor's predecessor through a link's `from`", () => {
    // H1 sees F2's link, but F2 got the right from F1, whom H1 may not see.
    expect(releaseChainView(state, h1)!.chain).toEqual([
      { position: 2, orgId: 'org-f2', from: null, acceptedAt: at(12) },
      { position: 3, orgId: 'org-h1', from: 'org-f2', acceptedAt: at(22) },
    ]);
    expect(releaseChainView(state, h2)!.chain.map((link) => link.from)).toEqual([null]);
  });

  it('the holder is told only to those who see its link; the offer only to its two ends', () => {
    const f1View = releaseChainView(state, f1)!;
    expect('holder' in f1View).toBe(false);
    expect(f1View.offer).toBeNull();
    expect(releaseChainView(state, f2)!.holder).toBe('org-h1');
    expect(releaseChainView(state, f2)!.offer).toBeNull();
    expect(releaseChainView(state, h1)!.offer).toMatchObject({ from: 'org-h1', to: 'org-h2' });
    expect(releaseChainView(state, h2)!.offer).toMatchObject({ from: 'org-h1', to: 'org-h2' });
  });

  it('the line reasons are for full viewers only', () => {
    const view = releaseChainView(state, h1)!;
    expect('blockReason' in view).toBe(false);
    expect('revokeReason' in view).toBe(false);
  });

  it('a party with two positions sees around both', () => {
    // Line → F1 → H1 → F1 → H2: H2 sees F1 (its predecessor) but not H1.
    const handedBack = foldEvents(releaseDecider, [
      ...heldByF1,
      offered(f1Desk, 'org-h1', 10),
      accepted(h1Planner, 'org-f1', 3, 11),
      offered(h1Planner, 'org-f1', 12),
      accepted(f1Desk, 'org-h1', 4, 13),
      offered(f1Desk, 'org-h2', 14),
      accepted({ userId: 'u-h2', orgId: 'org-h2', orgKind: 'haulier' }, 'org-f1', 5, 15),
    ]);
    expect(releaseChainView(handedBack, f1)?.chain.map((l) => l.position)).toEqual([1, 2, 3, 4]);
    expect(releaseChainView(handedBack, h2)?.chain.map((l) => [l.position, l.orgId])).toEqual([
      [3, 'org-f1'],
      [4, 'org-h2'],
    ]);
  });

  it('before anyone accepted, the first party offered it sees the offer from the line', () => {
    const offeredOnly = foldEvents(releaseDecider, [issued, offered(lineDesk, 'org-f1', 1)]);
    const view = releaseChainView(offeredOnly, f1)!;
    expect(view).toMatchObject({ visibility: 'neighbours', chain: [], holder: null });
    expect(view.offer).toEqual({ from: 'org-maeu', to: 'org-f1', offeredAt: at(1) });
  });

  it('after a revoke, each cut-off party learns it was cut off, and the line learns whom it cut off', () => {
    const afterRevoke = foldEvents(releaseDecider, [...offeredToH2, revoked('org-h1', 'org-h2', 5, 40)]);
    expect(releaseChainView(afterRevoke, line)).toMatchObject({
      revoked: true,
      revokedAt: at(40),
      revokeReason: 'release issued to the wrong consignee',
      cutOff: ['org-h1', 'org-h2'],
      holder: null,
      offer: null,
    });
    expect(releaseChainView(afterRevoke, h1)).toMatchObject({
      revoked: true,
      cutOff: ['org-h1'],
      holder: null,
    });
    expect(releaseChainView(afterRevoke, h2)).toMatchObject({ revoked: true, cutOff: ['org-h2'] });
    expect(releaseChainView(afterRevoke, h2)?.chain.map((l) => l.orgId)).toEqual(['org-h1']);
    expect(releaseChainView(afterRevoke, f1)).toMatchObject({ revoked: true, cutOff: [] });
  });

  it('views are plain JSON', () => {
    for (const who of [line, f2, h2]) {
      const view = releaseChainView(state, who);
      expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
    }
  });
});

describe('partiesThatHoldOrHeld', () => {
  it('lists every party that accepted the right, in order, once each, and not one only offered it', () => {
    expect(partiesThatHoldOrHeld(state)).toEqual(['org-f1', 'org-f2', 'org-h1']);
    expect(partiesThatHoldOrHeld(initialReleaseState())).toEqual([]);
    expect(
      partiesThatHoldOrHeld(foldEvents(releaseDecider, [issued, offered(lineDesk, 'org-f1', 1)])),
    ).toEqual([]);
  });

  it('keeps past holders after a revoke, and a party that held twice once', () => {
    const afterRevoke = foldEvents(releaseDecider, [...offeredToH2, revoked('org-h1', 'org-h2', 5, 40)]);
    expect(partiesThatHoldOrHeld(afterRevoke)).toEqual(['org-f1', 'org-f2', 'org-h1']);
    const handedBack = foldEvents(releaseDecider, [
      ...heldByF1,
      offered(f1Desk, 'org-h1', 10),
      accepted(h1Planner, 'org-f1', 3, 11),
      offered(h1Planner, 'org-f1', 12),
      accepted(f1Desk, 'org-h1', 4, 13),
    ]);
    expect(partiesThatHoldOrHeld(handedBack)).toEqual(['org-f1', 'org-h1']);
  });
});
