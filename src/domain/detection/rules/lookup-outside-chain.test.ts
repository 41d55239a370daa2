import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import { eventLog } from '../testing/event-log.js';
import { alertsOver, orgFacts, portFacts, visitFacts } from '../testing/port-facts.js';
import { lookupOutsideChainRule } from './lookup-outside-chain.js';

const facts = portFacts({
  organisations: [
    orgFacts('org-line', 'shipping_line'),
    orgFacts('org-fwd', 'forwarder'),
    orgFacts('org-haul', 'haulier'),
    orgFacts('org-op1', 'terminal_operator', ['T1']),
    orgFacts('org-op2', 'terminal_operator', ['T2']),
    orgFacts('org-other-fwd', 'forwarder'),
    orgFacts('org-other-haul', 'haulier'),
    orgFacts('org-customs', 'customs'),
    orgFacts('org-police', 'port_police'),
  ],
  visits: [
    visitFacts('V1', {
      terminal: 'T1',
      inYard: true,
      chainOrgs: ['org-line', 'org-fwd', 'org-haul'],
      liveRelease: true,
    }),
    // Not released yet: its line is known by its carrier code only.
    visitFacts('V2', { containerNumber: 'MAEU7654321', line: 'MAEU', terminal: 'T1', inYard: true }),
  ],
});

const viewed = (userId: string, orgId: string, visitRefs: string[]): JsonObject => ({
  userId,
  orgId,
  routes: ['visit'],
  visitRefs,
  terminals: [],
  firstAt: '',
  lastAt: '',
  ip: '192.0.2.10',
});

describe('lookup.outside_chain', () => {
  it('fires when two organisations outside the chain look the box up within a day, once per window', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('views-u1', 'PositionsViewed', viewed('u1', 'org-other-fwd', ['V1']));
    log.after(180).add('views-u2', 'PositionsViewed', viewed('u2', 'org-op2', ['V1', 'V2']));
    log.after(60).add('views-u3', 'PositionsViewed', viewed('u3', 'org-other-haul', ['V1']));
    const alerts = alertsOver(lookupOutsideChainRule, log.events, facts);
    expect(alerts).toEqual([
      {
        rule: 'lookup.outside_chain',
        severity: 'medium',
        subject: { kind: 'visit', id: 'V1' },
        terminal: 'T1',
        orgId: null,
        summary:
          'MSCU1234565 (visit V1) was looked up by 2 organisations outside its release chain within 24 h: org-other-fwd, org-op2.',
        evidence: [0, 1],
        raisedBy: 1,
      },
    ]);
  });

  it('stays quiet on the chain, the terminal, customs, the police and the line before release', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('organisation-org-maeu', 'OrganisationRegistered', {
      orgId: 'org-maeu',
      code: 'MAEU',
      kind: 'shipping_line',
      name: 'Maersk',
      terminals: [],
    });
    for (const [user, org, refs] of [
      ['u1', 'org-line', ['V1']],
      ['u2', 'org-fwd', ['V1']],
      ['u3', 'org-haul', ['V1']],
      ['u4', 'org-op1', ['V1', 'V2']],
      ['u5', 'org-customs', ['V1', 'V2']],
      ['u6', 'org-police', ['V1', 'V2']],
      ['u7', 'org-maeu', ['V2']],
    ] as const) {
      log.after(5).add(`views-${user}`, 'PositionsViewed', viewed(user, org, [...refs]));
    }
    expect(alertsOver(lookupOutsideChainRule, log.events, facts)).toEqual([]);
  });

  it('stays quiet when the outside look-ups are days apart (a mistyped search now and then)', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('views-u1', 'PositionsViewed', viewed('u1', 'org-other-fwd', ['V1']));
    log.after(2 * 24 * 60).add('views-u2', 'PositionsViewed', viewed('u2', 'org-other-haul', ['V1']));
    log.after(3 * 24 * 60).add('views-u1', 'PositionsViewed', viewed('u1', 'org-other-fwd', ['V1']));
    expect(alertsOver(lookupOutsideChainRule, log.events, facts)).toEqual([]);
    expect(alertsOver(lookupOutsideChainRule, log.events, facts, { windowHours: 24 * 7 })).toHaveLength(1);
  });
});
