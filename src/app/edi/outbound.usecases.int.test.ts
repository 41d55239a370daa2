import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../../test/support/auth.js';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
} from '../../../test/support/ledger.js';
import { type EdiIntent, mapMessage } from '../../domain/edi/index.js';
import { formatYardSlot, type YardSlot } from '../../domain/index.js';
import { type Interchange, readInterchange, type Segment } from '../../edifact/index.js';
import { addOrganisation } from '../access/index.js';
import { AppError } from '../errors.js';
import type { Clock } from '../ports.js';
import { announceVisit, executeVisitCommand, gateAttemptStreamId, runVisitCommand } from '../visits/index.js';
import { controlReference, exportOutboundInterchange } from './outbound.usecases.js';

const kinds: StoreKind[] = [
  'memory',
  'sqlite',
  ...((await postgresReachable()) ? ['postgres' as const] : []),
];

const slot = (block: string, bay: number, row: number, tier = 1): YardSlot => ({
  terminal: 'T1',
  block,
  bay,
  row,
  tier,
});

/** A gate move as a line reads it back from a CODECO: what was moved, which way, when (to the minute), by which truck. */
interface ReadGateMove {
  containerNumber: string;
  direction: 'in' | 'out';
  at: string;
  truckPlate: string | null;
  terminal: string;
}

interface ReadVesselMove {
  containerNumber: string;
  kind: 'discharge' | 'load';
  at: string;
  vesselCall: string;
  terminal: string;
}

const el = (segment: Segment, i: number, component = 0) => segment.elements[i]?.[component] ?? '';
/** DTM format 203 (CCYYMMDDHHMM) back to an ISO instant, UTC. */
const instant = (value: string) =>
  `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T${value.slice(8, 10)}:${value.slice(10, 12)}Z`;
const minute = (iso: string) => `${iso.slice(0, 16)}Z`;

function read(text: string): Interchange {
  const result = readInterchange(text);
  if (!result.ok) throw new Error(`our own reader refused our interchange: ${JSON.stringify(result.errors)}`);
  return result.interchange;
}

/** The gate moves a CODECO reports, read the way SMDG CODECO 2.0 lays them out (EQD opens each box). */
function gateMovesIn(interchange: Interchange): ReadGateMove[] {
  const moves: ReadGateMove[] = [];
  for (const message of interchange.messages) {
    expect([message.type, message.version, message.release, message.agency]).toEqual([
      'CODECO',
      'D',
      '95B',
      'UN',
    ]);
    const bgm = message.segments.find((s) => s.tag === 'BGM');
    const direction = el(bgm as Segment, 0) === '34' ? 'in' : 'out';
    let current: ReadGateMove | undefined;
    for (const segment of message.segments) {
      if (segment.tag === 'EQD') {
        current = { containerNumber: el(segment, 1), direction, at: '', truckPlate: null, terminal: '' };
        moves.push(current);
      } else if (current && segment.tag === 'DTM' && el(segment, 0) === '7') {
        current.at = instant(el(segment, 0, 1));
      } else if (current && segment.tag === 'LOC' && el(segment, 0) === '165') {
        current.terminal = el(segment, 2);
      } else if (current && segment.tag === 'TDT' && el(segment, 0) === '1') {
        current.truckPlate = el(segment, 7) || null;
      } else if (segment.tag === 'CNT') {
        expect(Number(el(segment, 0, 1))).toBe(message.segments.filter((s) => s.tag === 'EQD').length);
      }
    }
  }
  return moves;
}

/** The discharges and loads a COARRI reports: the vessel in the header TDT+20, each box from its EQD. */
function vesselMovesIn(interchange: Interchange): ReadVesselMove[] {
  const moves: ReadVesselMove[] = [];
  for (const message of interchange.messages) {
    expect([message.type, message.version, message.release]).toEqual(['COARRI', 'D', '95B']);
    const kind =
      el(message.segments.find((s) => s.tag === 'BGM') as Segment, 0) === '44' ? 'discharge' : 'load';
    const tdt = message.segments.find((s) => s.tag === 'TDT' && el(s, 0) === '20') as Segment;
    const vessel = el(tdt, 7);
    const vesselCall = el(tdt, 7, 1) === 'ZZZ' ? vessel : `${vessel}/${el(tdt, 1)}`;
    const loc = message.segments.find((s) => s.tag === 'LOC') as Segment;
    expect(el(loc, 0)).toBe(kind === 'discharge' ? '11' : '9');
    let current: ReadVesselMove | undefined;
    for (const segment of message.segments) {
      if (segment.tag === 'EQD') {
        current = { containerNumber: el(segment, 1), kind, at: '', vesselCall, terminal: el(loc, 2) };
        moves.push(current);
      } else if (current && segment.tag === 'DTM' && el(segment, 0) === '203') {
        current.at = instant(el(segment, 0, 1));
      }
    }
  }
  return moves;
}

describe.each(kinds)('EDI out: CODECO and COARRI from the log (%s)', (kind) => {
  let fixture: TestLedger;
  let now = new Date('2030-03-04T06:00:00.000Z');
  const clock: Clock = { now: () => now };
  const later = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000 + 17_123);
  };
  const moved: {
    gate: {
      containerNumber: string;
      direction: 'in' | 'out';
      at: string;
      truckPlate: string | null;
      slot: YardSlot;
    }[];
    vessel: {
      containerNumber: string;
      kind: 'discharge' | 'load';
      at: string;
      vesselCall: string;
      slot: YardSlot;
    }[];
    maerskGateIn: number;
    voidedGateIn: number;
    voidIndex: number;
  } = { gate: [], vessel: [], maerskGateIn: -1, voidedGateIn: -1, voidIndex: -1 };

  beforeAll(async () => {
    fixture = await openTestLedger(kind, { clock });
    const { ledger } = fixture;
    const auth = testAuthDeps(ledger);
    await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
    await addOrganisation(auth, { orgId: 'maersk', kind: 'shipping_line', name: 'Maersk', code: 'MAEU' });
    await addOrganisation(auth, {
      orgId: 'fwd',
      kind: 'forwarder',
      name: 'Scheldt Forwarding',
      code: 'SCHF',
    });

    const announce = async (containerNumber: string, line: string, arrival: 'truck' | string) =>
      (
        await announceVisit(ledger, testTerminals, {
          containerNumber,
          line,
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: arrival === 'truck' ? { mode: 'truck' } : { mode: 'vessel', vesselCall: arrival },
          carrierBookingReference: `BK-${containerNumber}`,
        })
      ).visit.visitRef;
    const gateIn = async (visitRef: string, containerNumber: string, to: YardSlot, truckPlate: string) => {
      later(3);
      const { events } = await runVisitCommand(ledger, testTerminals, visitRef, {
        type: 'GateInContainer',
        slot: to,
        truckPlate,
      });
      moved.gate.push({ containerNumber, direction: 'in', at: now.toISOString(), truckPlate, slot: to });
      return events[0]?.index ?? -1;
    };

    // MSC: a box in by truck and out again by another; a box off one vessel call and onto another, each `<vessel>/<voyage>`.
    const exportBox = await announce('MSCU1234566', 'MSCU', 'truck');
    await gateIn(exportBox, 'MSCU1234566', slot('A', 3, 2), '1-ABC-123');
    const importBox = await announce('CSQU3054383', 'MSCU', 'C6XY2/030E');
    later(7);
    await runVisitCommand(ledger, testTerminals, importBox, {
      type: 'DischargeContainer',
      vesselCall: 'C6XY2/030E',
      slot: slot('B', 5, 1),
    });
    moved.vessel.push({
      containerNumber: 'CSQU3054383',
      kind: 'discharge',
      at: now.toISOString(),
      vesselCall: 'C6XY2/030E',
      slot: slot('B', 5, 1),
    });

    // Maersk's box comes in between: never in MSC's interchange.
    const maerskBox = await announce('MAEU1234567', 'MAEU', 'truck');
    moved.maerskGateIn = await gateIn(maerskBox, 'MAEU1234567', slot('C', 7, 3), '2-MAE-001');
    moved.gate.pop();

    // An MSC gate-in recorded at the wrong box and voided by a correction: it no longer counts, and is not sent.
    const voidedBox = await announce('MSCU7654329', 'MSCU', 'truck');
    moved.voidedGateIn = await gateIn(voidedBox, 'MSCU7654329', slot('D', 9, 4), '3-VOI-003');
    moved.gate.pop();
    moved.voidIndex = await runVisitCommand(ledger, testTerminals, voidedBox, {
      type: 'VoidEvent',
      voidedVersion: 2,
      reason: 'gated in under the wrong number',
    }).then(({ events }) => events[0]?.index ?? -1);

    // The gate's accepted verdict, recorded in the gate-out's own transaction (issue 10).
    later(45);
    await ledger.write(async (context) => {
      await context.append(gateAttemptStreamId('attempt-1'), 0, [
        { type: 'GateAttemptAccepted', data: { attemptId: 'attempt-1', visitRef: exportBox } },
      ]);
      return executeVisitCommand(context, testTerminals, exportBox, {
        type: 'GateOutContainer',
        gateAttemptId: 'attempt-1',
        truckPlate: '9-XYZ-987',
      });
    });
    moved.gate.push({
      containerNumber: 'MSCU1234566',
      direction: 'out',
      at: now.toISOString(),
      truckPlate: '9-XYZ-987',
      slot: slot('A', 3, 2),
    });

    later(120);
    await runVisitCommand(ledger, testTerminals, importBox, {
      type: 'LoadContainer',
      vesselCall: '9V1234/031W',
    });
    moved.vessel.push({
      containerNumber: 'CSQU3054383',
      kind: 'load',
      at: now.toISOString(),
      vesselCall: '9V1234/031W',
      slot: slot('B', 5, 1),
    });
  }, 60_000);
  afterAll(() => fixture?.cleanup());

  const request = { line: 'MSCU', sender: 'PORTLEDGER', portLocode: 'BEANR' } as const;

  it('round trip: a CODECO we write, read back by our reader, gives the same gate moves, the line’s own only', async () => {
    const size = await fixture.store.logSize();
    const written = await exportOutboundInterchange(fixture.store, clock, { ...request, type: 'CODECO' });
    expect(written).toMatchObject({
      line: 'MSCU',
      type: 'CODECO',
      fromIndex: 0,
      toIndex: size,
      complete: true,
    });
    expect(written.auditIndexes).toHaveLength(2);
    expect(written.auditIndexes).not.toContain(moved.maerskGateIn);
    expect(written.auditIndexes).not.toContain(moved.voidedGateIn);

    const interchange = read(written.interchange ?? '');
    expect(interchange.sender.id).toBe('PORTLEDGER');
    expect(interchange.recipient.id).toBe('MSCU');
    expect(interchange.controlRef).toBe(written.controlRef);
    expect(gateMovesIn(interchange)).toEqual(
      moved.gate.map((move) => ({
        containerNumber: move.containerNumber,
        direction: move.direction,
        at: minute(move.at),
        truckPlate: move.truckPlate,
        terminal: 'T1',
      })),
    );
    // No yard slot leaves the port: not as LOC, not as text anywhere in the interchange.
    const text = written.interchange ?? '';
    for (const move of moved.gate) expect(text).not.toContain(formatYardSlot(move.slot));
    const locs = interchange.messages.flatMap((m) => m.segments.filter((s) => s.tag === 'LOC'));
    expect(locs.map((s) => el(s, 0))).toEqual(['165', '165']);
    expect(text).not.toContain('MAEU1234567');
    expect(text).not.toContain('MSCU7654329');
  });

  it('round trip: a COARRI we write gives the same discharges and loads, no stowage cell or yard slot', async () => {
    const written = await exportOutboundInterchange(fixture.store, clock, { ...request, type: 'COARRI' });
    const interchange = read(written.interchange ?? '');
    expect(vesselMovesIn(interchange)).toEqual(
      moved.vessel.map((move) => ({
        containerNumber: move.containerNumber,
        kind: move.kind,
        at: minute(move.at),
        vesselCall: move.vesselCall,
        terminal: 'T1',
      })),
    );
    const text = written.interchange ?? '';
    for (const move of moved.vessel) expect(text).not.toContain(formatYardSlot(move.slot));
    expect(text).not.toContain('LOC+147');
  });

  it('round trip through the import side: the CODECO and COARRI mappers read back the same moves, on the terminal’s clock', async () => {
    const intentsOf = (text: string | null) =>
      read(text ?? '').messages.flatMap((message) => {
        const mapped = mapMessage(message, { timeZone: 'Europe/Brussels' });
        if (!mapped.ok) throw new Error(`the mapper refused our message: ${JSON.stringify(mapped.refusals)}`);
        return mapped.intents as EdiIntent[];
      });
    const codeco = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      timeZone: 'Europe/Brussels',
    });
    expect(
      intentsOf(codeco.interchange).map((intent) =>
        intent.kind === 'GateIn' || intent.kind === 'GateOut'
          ? {
              kind: intent.kind,
              containerNumber: intent.containerNumber,
              at: intent.at,
              truckPlate: intent.truckPlate ?? null,
              sizeType: intent.sizeType,
              fullEmpty: intent.fullEmpty,
              line: intent.line,
            }
          : intent.kind,
      ),
    ).toEqual(
      moved.gate.map((move) => ({
        kind: move.direction === 'in' ? 'GateIn' : 'GateOut',
        containerNumber: move.containerNumber,
        at: `${move.at.slice(0, 16)}:00.000Z`,
        truckPlate: move.truckPlate,
        sizeType: '22G1',
        fullEmpty: 'full',
        line: 'MSCU',
      })),
    );
    // The DTM carries the Brussels wall clock (UTC+1 in March), which the mapper turns back into the same instant.
    expect(codeco.interchange).toContain(`DTM+7:${moved.gate[0]?.at.slice(0, 4)}`);
    expect(codeco.interchange).not.toContain(
      `DTM+7:${minute(moved.gate[0]?.at ?? '').replace(/[-T:Z]/g, '')}`,
    );

    const coarri = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'COARRI',
      timeZone: 'Europe/Brussels',
    });
    expect(
      intentsOf(coarri.interchange).map((intent) =>
        intent.kind === 'Discharge' || intent.kind === 'Load'
          ? {
              kind: intent.kind,
              containerNumber: intent.containerNumber,
              at: intent.at,
              vesselCall: intent.vessel.callKey,
            }
          : intent.kind,
      ),
    ).toEqual(
      moved.vessel.map((move) => ({
        kind: move.kind === 'discharge' ? 'Discharge' : 'Load',
        containerNumber: move.containerNumber,
        at: `${move.at.slice(0, 16)}:00.000Z`,
        vesselCall: move.vesselCall,
      })),
    );
  });

  it('derives the control reference from the range, so the same range gives the same reference', async () => {
    const size = await fixture.store.logSize();
    const first = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      toIndex: size,
    });
    later(60);
    const again = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      toIndex: size,
    });
    expect(again.controlRef).toBe(first.controlRef);
    expect(again.auditIndexes).toEqual(first.auditIndexes);
    expect(first.controlRef).toMatch(/^\d{14}$/);
    expect(controlReference('PORTLEDGER', 'MSCU', 'COARRI', 0, size)).not.toBe(first.controlRef);
    expect(controlReference('PORTLEDGER', 'MAEU', 'CODECO', 0, size)).not.toBe(first.controlRef);

    // A range after the last move holds nothing for the line: no interchange.
    const empty = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      fromIndex: size,
    });
    expect(empty).toMatchObject({ fromIndex: size, toIndex: size, interchange: null, messages: 0 });
  });

  it('sends a move voided after an earlier range reported it as a cancellation in the range of the void', async () => {
    const before = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      toIndex: moved.voidIndex,
    });
    expect(before.auditIndexes).toContain(moved.voidedGateIn);
    const after = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      fromIndex: moved.voidIndex,
    });
    expect(after.auditIndexes).toContain(moved.voidIndex);
    const messages = read(after.interchange ?? '').messages;
    const bgms = messages.map((m) => m.segments.find((s) => s.tag === 'BGM') as Segment);
    expect(bgms.map((b) => [el(b, 0), el(b, 2)])).toEqual([
      ['34', '1'],
      ['36', '9'],
    ]);
    expect(gateMovesIn(read(after.interchange ?? ''))[0]).toMatchObject({
      containerNumber: 'MSCU7654329',
      direction: 'in',
      truckPlate: '3-VOI-003',
    });
  });

  it('names each terminal by its layout’s UN/LOCODE and SMDG facility code when the layout has them', async () => {
    const { portLocode: _, ...withoutPort } = request;
    const written = await exportOutboundInterchange(fixture.store, clock, {
      ...withoutPort,
      type: 'CODECO',
      terminals: testTerminals,
    });
    const locs = read(written.interchange ?? '').messages.flatMap((m) =>
      m.segments.filter((s) => s.tag === 'LOC'),
    );
    expect(locs.map((s) => s.elements)).toEqual([
      [['165'], ['BEANR', '139', '6'], ['PLT1', 'TER', 'ZZZ']],
      [['165'], ['BEANR', '139', '6'], ['PLT1', 'TER', 'ZZZ']],
    ]);
    const error = await exportOutboundInterchange(fixture.store, clock, {
      ...withoutPort,
      type: 'CODECO',
      terminals: new Map([['T1', {}]]),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'input.invalid', details: { terminal: 'T1' } });
  });

  it('takes a time range as the first and last events the log recorded in it', async () => {
    const gateOutAt = moved.gate[1]?.at ?? '';
    const since = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      since: gateOutAt,
    });
    expect(gateMovesIn(read(since.interchange ?? '')).map((m) => m.direction)).toEqual(['out']);
    const until = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      until: gateOutAt,
    });
    expect(gateMovesIn(read(until.interchange ?? '')).map((m) => m.direction)).toEqual(['in']);
    expect(until.toIndex).toBe(since.fromIndex);
    const after = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      since: '2099-01-01T00:00:00Z',
    });
    expect(after).toMatchObject({ fromIndex: await fixture.store.logSize(), interchange: null });
  });

  it('stops after maxMoves and says where the next export goes on', async () => {
    const first = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      maxMoves: 1,
    });
    expect(first.complete).toBe(false);
    expect(first.auditIndexes).toHaveLength(1);
    expect(first.toIndex).toBe((first.auditIndexes[0] ?? 0) + 1);
    const rest = await exportOutboundInterchange(fixture.store, clock, {
      ...request,
      type: 'CODECO',
      fromIndex: first.toIndex,
    });
    expect(rest.complete).toBe(true);
    expect(gateMovesIn(read(rest.interchange ?? '')).map((m) => m.direction)).toEqual(['out']);
  });

  it('refuses an unknown line, a party that is not a line, a bad UN/LOCODE and a range outside the log', async () => {
    const refused = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).code;
    };
    expect(
      await refused(
        exportOutboundInterchange(fixture.store, clock, { ...request, type: 'CODECO', line: 'NOPE' }),
      ),
    ).toBe('org.not_found');
    expect(
      await refused(
        exportOutboundInterchange(fixture.store, clock, { ...request, type: 'CODECO', line: 'SCHF' }),
      ),
    ).toBe('org.not_found');
    expect(
      await refused(
        exportOutboundInterchange(fixture.store, clock, {
          ...request,
          type: 'CODECO',
          portLocode: 'Antwerp',
        }),
      ),
    ).toBe('input.invalid');
    expect(
      await refused(
        exportOutboundInterchange(fixture.store, clock, {
          ...request,
          type: 'CODECO',
          fromIndex: (await fixture.store.logSize()) + 5,
        }),
      ),
    ).toBe('audit.index_out_of_range');
    expect(
      await refused(
        exportOutboundInterchange(fixture.store, clock, { ...request, type: 'CODECO', since: 'yesterday' }),
      ),
    ).toBe('input.invalid');
    expect(
      await refused(
        exportOutboundInterchange(fixture.store, clock, {
          ...request,
          type: 'CODECO',
          timeZone: 'Mars/Olympus',
        }),
      ),
    ).toBe('input.invalid');
  });
});
