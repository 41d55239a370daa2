import { describe, expect, it } from 'vitest';
import { DAY_MS, peopleFacts, runRule, TestLog } from '../testing/people.js';
import { activityFirstInRoleRule as rule } from './activity-first-in-role.js';

const START = Date.parse('2026-03-02T08:00:00.000Z');
const facts = peopleFacts(
  [
    { orgId: 'org-fwd', kind: 'forwarder' },
    { orgId: 'org-line', kind: 'shipping_line' },
  ],
  [
    { userId: 'u-clerk', orgId: 'org-fwd', roles: ['release_desk'] },
    { userId: 'u-clerk2', orgId: 'org-fwd', roles: ['release_desk'] },
    { userId: 'u-both', orgId: 'org-fwd', roles: ['release_desk', 'forwarder_admin'] },
    { userId: 'u-lineadm', orgId: 'org-line', roles: ['release_desk'] },
  ],
);
const by = (userId: string, orgId: string) => ({ userId, orgId, orgKind: 'x' });

/** Four weeks of the usual: forwarder clerks accept rights, the line's desk revokes them now and then. */
function usual(log: TestLog): void {
  for (let d = 0; d < 28; d++) {
    log.add(START + d * DAY_MS, 'release-V1', 'ReleaseTransferAccepted', {
      visitRef: 'V1',
      by: by('u-clerk', 'org-fwd'),
    });
    if (d % 7 === 0)
      log.add(START + d * DAY_MS + 1, 'release-V2', 'ReleaseRevoked', {
        visitRef: 'V2',
        by: by('u-lineadm', 'org-line'),
      });
  }
}

describe('activity.first_in_role', () => {
  it("fires when a forwarder's clerk does what only lines' desks have done", () => {
    const log = new TestLog();
    usual(log);
    const odd = log.add(START + 29 * DAY_MS, 'release-V3', 'ReleaseRevoked', {
      visitRef: 'V3',
      by: by('u-clerk2', 'org-fwd'),
    });
    // Once known for the role, not again.
    log.add(START + 30 * DAY_MS, 'release-V4', 'ReleaseRevoked', {
      visitRef: 'V4',
      by: by('u-clerk', 'org-fwd'),
    });
    expect(runRule(rule, log.events, facts)).toEqual([
      {
        rule: 'activity.first_in_role',
        severity: 'medium',
        subject: { kind: 'user', id: 'u-clerk2' },
        terminal: null,
        orgId: 'org-fwd',
        summary:
          'u-clerk2 did ReleaseRevoked, which no one holding their role (forwarder:release_desk) has done before.',
        evidence: [odd.index],
      },
    ]);
  });

  it('leaves alone the warm-up, what nobody has done yet, sign-ins, and a second role that has done it', () => {
    const log = new TestLog();
    // In the warm-up a clerk blocks a release for the first time: learning.
    log.add(START, 'release-V1', 'ReleaseTransferAccepted', { visitRef: 'V1', by: by('u-clerk', 'org-fwd') });
    log.add(START + 2 * DAY_MS, 'release-V9', 'ReleaseBlocked', {
      visitRef: 'V9',
      by: by('u-clerk', 'org-fwd'),
    });
    usual(log);
    // A survey, new to everyone: a new process, not a person out of their role.
    log.add(START + 29 * DAY_MS, 'survey-T1', 'YardSurveyRecorded', { terminal: 'T1', by: 'u-clerk' });
    // A sign-in is no action in a role.
    log.signIn(START + 29 * DAY_MS, 'u-clerk2', '10.0.0.1');
    log.add(START + 29 * DAY_MS + 1, 'token-t1', 'TokenCreated', {
      tokenId: 't1',
      orgId: 'org-fwd',
      createdBy: 'u-both',
    });
    log.add(START + 30 * DAY_MS, 'token-t2', 'TokenCreated', {
      tokenId: 't2',
      orgId: 'org-fwd',
      createdBy: 'u-both',
    });
    expect(runRule(rule, log.events, facts)).toEqual([]);
  });
});
