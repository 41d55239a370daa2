import { describe, expect, it } from 'vitest';
import { eventsHash, generatePort, SCENARIOS } from './generate.js';

describe('the detection evaluation port', () => {
  const port = generatePort('7', 21);

  it('is the same port for the same seed, and another for another seed', () => {
    expect(eventsHash(generatePort('7', 21).events)).toBe(eventsHash(port.events));
    expect(eventsHash(generatePort('8', 21).events)).not.toBe(eventsHash(port.events));
  });

  it('keeps the labels outside the log: no event names an incident or a scenario', () => {
    expect(port.labels.length).toBeGreaterThan(0);
    const log = port.events.map((e) => JSON.stringify(e)).join('\n');
    for (const label of port.labels) expect(log).not.toContain(label.id);
    for (const scenario of SCENARIOS) expect(log).not.toContain(scenario);
    expect(log).not.toMatch(/incident|label/i);
  });

  it('labels subjects the log knows, within the period, with a window that opens before it closes', () => {
    const streams = new Set(port.events.map((e) => e.streamId));
    for (const label of port.labels) {
      const stream =
        label.subject.kind === 'visit' ? `visit-${label.subject.id}` : `user-${label.subject.id}`;
      expect(streams.has(stream), label.id).toBe(true);
      expect(Date.parse(label.from)).toBeLessThan(Date.parse(label.to));
      expect(label.from >= port.startAt && label.to <= port.endAt).toBe(true);
    }
  });

  it('writes events in time order, each with its instant as its `at`', () => {
    for (let i = 1; i < port.events.length; i++) {
      expect(port.events[i]!.at).toBeGreaterThanOrEqual(port.events[i - 1]!.at);
    }
    const withAt = port.events.filter((e) => typeof e.data.at === 'string');
    expect(withAt.length).toBeGreaterThan(port.events.length / 2);
    for (const event of withAt) expect(event.data.at).toBe(new Date(event.at).toISOString());
  });

  it('has about 20 organisations and 200 people, honest mistakes among the work', () => {
    expect(port.world.orgs.length).toBeGreaterThanOrEqual(18);
    expect(port.world.people.length).toBeGreaterThanOrEqual(180);
    const types = new Set(port.events.map((e) => e.type));
    for (const type of [
      'LoginSucceeded',
      'LoginFailed',
      'PositionsViewed',
      'ContainerDischarged',
      'ContainerMoved',
      'ContainerPositionCorrected',
      'ContainerGatedOut',
      'ReleaseTransferAccepted',
      'SlotBooked',
      'SlotRebooked',
      'ApprovalGranted',
      'OrganisationNetworksSet',
    ]) {
      expect(types.has(type), type).toBe(true);
    }
  });
});
