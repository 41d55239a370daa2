import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../json.js';
import { eventLog } from '../testing/event-log.js';
import { alertsOver, orgFacts, personFacts, portFacts } from '../testing/port-facts.js';
import { lookupBulkRule } from './lookup-bulk.js';

const facts = portFacts({
  organisations: [orgFacts('org-t1', 'terminal_operator', ['T1']), orgFacts('org-fwd', 'forwarder')],
  people: [
    personFacts('u-clerk', 'org-t1', ['gate_clerk']),
    personFacts('u-fwd', 'org-fwd', ['release_desk']),
  ],
});

const refs = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `V-${String(from + i).padStart(4, '0')}`);

const viewed = (
  userId: string,
  visitRefs: string[],
  extra: { terminals?: string[]; routes?: string[]; orgId?: string } = {},
): JsonObject => ({
  userId,
  orgId: extra.orgId ?? (userId === 'u-fwd' ? 'org-fwd' : 'org-t1'),
  routes: extra.routes ?? ['visit'],
  visitRefs,
  terminals: extra.terminals ?? [],
  firstAt: '',
  lastAt: '',
  ip: '192.0.2.10',
});

const settings = { limit: 5, windowMinutes: 10 };

describe('lookup.bulk', () => {
  it('fires when a person is shown more distinct boxes than the limit within the window, naming the events', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z', 40);
    for (const visitRefs of [refs(0, 2), refs(2, 4), refs(4, 5)]) {
      log.add('views-u-fwd', 'PositionsViewed', viewed('u-fwd', visitRefs));
      log.after(2);
    }
    log.add('views-u-fwd', 'PositionsViewed', viewed('u-fwd', refs(5, 6)));
    expect(alertsOver(lookupBulkRule, log.events, facts, settings)).toEqual([
      {
        rule: 'lookup.bulk',
        severity: 'high',
        subject: { kind: 'user', id: 'u-fwd' },
        terminal: null,
        orgId: 'org-fwd',
        summary: 'u-fwd was shown the yard positions of 6 containers within 6 minutes (limit 5 in 10).',
        evidence: [40, 41, 42, 43],
        raisedBy: 43,
      },
    ]);
  });

  it('one batch of a list read above the limit fires at once; one alert covers its window, the next window raises again', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('views-u-fwd', 'PositionsViewed', viewed('u-fwd', refs(0, 50), { routes: ['visit.list'] }));
    // Still reading within the same window: no second alert.
    log.after(5).add('views-u-fwd', 'PositionsViewed', viewed('u-fwd', refs(50, 100)));
    // The next window: counted afresh.
    log.after(6).add('views-u-fwd', 'PositionsViewed', viewed('u-fwd', refs(100, 103)));
    log.after(1).add('views-u-fwd', 'PositionsViewed', viewed('u-fwd', refs(103, 106)));
    const alerts = alertsOver(lookupBulkRule, log.events, facts, settings);
    expect(alerts.map((alert) => [alert.raisedBy, alert.evidence])).toEqual([
      [0, [0]],
      [3, [2, 3]],
    ]);
  });

  it('does not fire on the yard map’s daily use: a map load names its terminal, not its boxes', () => {
    const log = eventLog('2026-03-02T06:00:00.000Z');
    for (let load = 0; load < 200; load++) {
      log.add(
        'views-u-clerk',
        'PositionsViewed',
        viewed('u-clerk', [], { terminals: ['T1'], routes: ['yard.map'] }),
      );
      log.after(3);
    }
    expect(alertsOver(lookupBulkRule, log.events, facts, settings)).toEqual([]);
  });

  it('does not fire just under the limit, nor on the same boxes shown again and again', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('views-u-clerk', 'PositionsViewed', viewed('u-clerk', refs(0, 3)));
    log.after(4).add('views-u-clerk', 'PositionsViewed', viewed('u-clerk', refs(3, 5)));
    for (let i = 0; i < 50; i++) {
      log.after(0.1).add('views-u-clerk', 'PositionsViewed', viewed('u-clerk', refs(0, 5)));
    }
    expect(alertsOver(lookupBulkRule, log.events, facts, settings)).toEqual([]);
  });

  it('does not fire on a steady day of honest look-ups: what left the window no longer counts', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    // Four new boxes every 9 minutes all day: never more than 8 within any 10 minutes.
    for (let i = 0; i < 60; i++) {
      log.add('views-u-clerk', 'PositionsViewed', viewed('u-clerk', refs(i * 4, i * 4 + 4)));
      log.after(9);
    }
    expect(alertsOver(lookupBulkRule, log.events, facts, { limit: 8, windowMinutes: 10 })).toEqual([]);
    // The same day with a tighter limit fires: the near miss above is a near miss.
    expect(
      alertsOver(lookupBulkRule, log.events, facts, { limit: 7, windowMinutes: 10 }).length,
    ).toBeGreaterThan(0);
  });

  it('counts each person apart, keeps its state bounded, and drops people whose window emptied', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    for (let person = 0; person < 300; person++) {
      log.add(`views-u-${person}`, 'PositionsViewed', viewed(`u-${person}`, refs(0, 5)));
    }
    log.after(30).add('views-u-clerk', 'PositionsViewed', viewed('u-clerk', refs(0, 1)));
    expect(alertsOver(lookupBulkRule, log.events, facts, settings)).toEqual([]);
    let state = lookupBulkRule.initialState();
    const effective = { ...lookupBulkRule.defaults, ...settings };
    for (const event of log.events) state = lookupBulkRule.step(state, event, facts, effective).state;
    expect(Object.keys(state.people)).toEqual(['u-clerk']);
  });

  it('leaves other events alone', () => {
    const log = eventLog('2026-03-02T08:00:00.000Z');
    log.add('visit-V1', 'ContainerDischarged', { visitRef: 'V1' });
    expect(alertsOver(lookupBulkRule, log.events, facts, settings)).toEqual([]);
  });
});
