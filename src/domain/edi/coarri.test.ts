import { describe, expect, it } from 'vitest';
import type { Discharge, Load } from './intents.js';
import { mapMessage } from './map-message.js';
import { hasSamples, intentsOf, messageOf, messagesOf, sample, samplesTitle } from './testing/samples.js';

const COARRI = 'COARRI:D:95B:UN:ITG13';
const HEADER = [
  'BGM+44+35961879700001+9',
  'TDT+20+031W+1+13+COS:172:20+++3ERX3:103::COSCO AFRICA',
  'LOC+11+ITGOA:139:6+VTE:TER:ZZZ',
  'DTM+132:201602020000:203',
  'NAD+CF+COE:172:20',
];
const BOX = [
  'EQD+CN+FCIU9908030+45G1:102:5++3+5',
  'TMD+3',
  'DTM+203:201602030913:203',
  'LOC+9+TRKMX:139:6',
  'LOC+147+380886::6',
  'MEA+AAE+T+KGM:4000',
  'MEA+AAE+G+KGM:8914',
];

describe('COARRI D.95B', () => {
  it('reports a discharge per EQD: the box, the vessel call, when, and where it stood on board', () => {
    const intents = intentsOf(mapMessage(messageOf(COARRI, [...HEADER, ...BOX, 'CNT+16:1'])));
    expect(intents).toEqual([
      {
        kind: 'Discharge',
        source: {
          messageType: 'COARRI',
          messageRef: 'M1',
          position: expect.objectContaining({ segment: 8, tag: 'EQD' }),
          messageFunction: 'original',
        },
        containerNumber: 'FCIU9908030',
        sizeType: '45G1',
        sizeTypeAsSent: '45G1',
        fullEmpty: 'full',
        grossMassKg: 8914,
        vessel: {
          callKey: '3ERX3/031W',
          vesselId: '3ERX3',
          vesselIdList: '103',
          vesselName: 'COSCO AFRICA',
          voyage: '031W',
          carrier: 'COS',
        },
        at: '2016-02-03T09:13:00.000Z',
        stowage: { cell: '380886', bay: 38, row: 8, tier: 86 },
        line: 'COE',
      } satisfies Discharge,
    ]);
  });

  it('reads the local time of the terminal in its zone', () => {
    const [intent] = intentsOf(
      mapMessage(messageOf(COARRI, [...HEADER, ...BOX]), { timeZone: 'Europe/Rome' }),
    );
    expect((intent as Discharge).at).toBe('2016-02-03T08:13:00.000Z');
    const summer = BOX.map((s) => (s.startsWith('DTM+203') ? 'DTM+203:201607030913:203' : s));
    const [inSummer] = intentsOf(
      mapMessage(messageOf(COARRI, [...HEADER, ...summer]), { timeZone: 'Europe/Rome' }),
    );
    expect((inSummer as Discharge).at).toBe('2016-07-03T07:13:00.000Z');
  });

  it('reports loads for BGM+46', () => {
    const body = [...HEADER.map((s) => (s.startsWith('BGM') ? 'BGM+46+1+9' : s)), ...BOX];
    const [intent] = intentsOf(mapMessage(messageOf(COARRI, body)));
    expect(intent).toMatchObject({ kind: 'Load', containerNumber: 'FCIU9908030' } satisfies Partial<Load>);
  });

  it('refuses another report (a restow) naming the BGM', () => {
    const body = [...HEADER.map((s) => (s.startsWith('BGM') ? 'BGM+98+1+9' : s)), ...BOX];
    const result = mapMessage(messageOf(COARRI, body));
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.bad_code',
      position: { segment: 3, tag: 'BGM' },
    });
  });

  it('refuses a cancellation (BGM 1225 = 1)', () => {
    const body = [...HEADER.map((s) => (s.startsWith('BGM') ? 'BGM+44+1+1' : s)), ...BOX];
    const result = mapMessage(messageOf(COARRI, body));
    expect(result.ok ? undefined : result.refusal.code).toBe('edi.bad_code');
  });

  it('refuses a move without its time, a bad date and a CNT that does not match the boxes', () => {
    const noTime = mapMessage(messageOf(COARRI, [...HEADER, ...BOX.filter((s) => !s.startsWith('DTM'))]));
    expect(noTime.ok ? undefined : noTime.refusal).toMatchObject({
      code: 'edi.missing_segment',
      position: { segment: 8 },
    });
    const badDate = BOX.map((s) => (s.startsWith('DTM+203') ? 'DTM+203:201602300913:203' : s));
    const refusedDate = mapMessage(messageOf(COARRI, [...HEADER, ...badDate]));
    expect(refusedDate.ok ? undefined : refusedDate.refusal).toMatchObject({
      code: 'edi.bad_datetime',
      position: { segment: 10, tag: 'DTM' },
    });
    const wrongCount = mapMessage(messageOf(COARRI, [...HEADER, ...BOX, 'CNT+16:2']));
    expect(wrongCount.ok ? undefined : wrongCount.refusal).toMatchObject({
      code: 'edi.bad_control_total',
      position: { segment: 15, tag: 'CNT' },
    });
  });

  it('refuses a report that names no vessel call', () => {
    const result = mapMessage(messageOf(COARRI, [HEADER[0]!, HEADER[4]!, ...BOX]));
    expect(result.ok ? undefined : result.refusal.code).toBe('edi.missing_segment');
  });

  it('keeps a size-type the yard does not know and a cell that is not bay-row-tier as sent', () => {
    const odd = BOX.map((s) =>
      s.startsWith('EQD')
        ? 'EQD+CN+FCIU9908030+22K2:102:5++3+5'
        : s.startsWith('LOC+147')
          ? 'LOC+147+471::6'
          : s,
    );
    const [intent] = intentsOf(mapMessage(messageOf(COARRI, [...HEADER, ...odd])));
    expect(intent).toMatchObject({ sizeTypeAsSent: '22K2', stowageAsSent: '471' });
    expect(intent).not.toHaveProperty('sizeType');
    expect(intent).not.toHaveProperty('stowage');
  });
});

describe('COARRI D.00B', () => {
  it('reads the D.00B groups (RFF, TDT with LOC groups, EQD with LOC groups)', () => {
    const body = [
      'BGM+46+LOADREP1+9',
      'DTM+137:202603011200:203',
      'RFF+VON:031W',
      'TDT+20+031W+1++COS:172:20+++9234567:146::COSCO AFRICA',
      'LOC+9+BEANR:139:6',
      'NAD+CF+COS:160:166',
      'EQD+CN+FCIU9908030+45G1:102:5++2+5',
      'RFF+BN:4001234567',
      'DTM+203:202603011130:203',
      'LOC+147+0120384::5',
      'MEA+AAE+VGM+KGM:21500',
      'CNT+16:1',
    ];
    const [intent] = intentsOf(mapMessage(messageOf('COARRI:D:00B:UN:SMDG20', body)));
    expect(intent).toMatchObject({
      kind: 'Load',
      containerNumber: 'FCIU9908030',
      bookingReference: '4001234567',
      grossMassKg: 21500,
      vessel: { callKey: '9234567/031W', vesselIdList: '146' },
      at: '2026-03-01T11:30:00.000Z',
      stowage: { bay: 12, row: 3, tier: 84 },
      line: 'COS',
    });
  });
});

describe.skipIf(!hasSamples)(samplesTitle('COARRI conformance samples'), { timeout: 120_000 }, () => {
  it('reports the 2 discharges and 19 loads of the small sample', () => {
    const results = messagesOf(sample('D95BCOARRI.edi')).map((m) => intentsOf(mapMessage(m)));
    expect(results.map((intents) => intents.map((i) => i.kind))).toEqual([
      ['Discharge', 'Discharge'],
      Array(19).fill('Load'),
    ]);
  });

  it('reports every one of the 828 moves of the full sample', () => {
    const intents = messagesOf(sample('full/D95BCOARRI-full.edi')).flatMap((m) => intentsOf(mapMessage(m)));
    expect(intents).toHaveLength(828);
  });
});
