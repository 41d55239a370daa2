import { describe, expect, it } from 'vitest';
import type { AnnounceBox } from './intents.js';
import { mapMessage } from './map-message.js';
import { hasSamples, intentsOf, messageOf, messagesOf, sample, samplesTitle } from './testing/samples.js';

const BAPLIE = 'BAPLIE:D:95B:UN:SMDG20';
const HEADER = [
  'BGM++391651645',
  'DTM+137:201604140307:203',
  'TDT+20+042+++:172:182+++VRIB3:103:ZZZ:OOCL BEIJING',
  'LOC+5+USLGB:139:6',
  'DTM+178:201604140000:203',
];

function cell(stowage: string, eqd: string, discharge = 'CNYTN'): string[] {
  return [
    `LOC+147+${stowage}::5`,
    'MEA+WT++KGM:24000',
    'LOC+9+USLGB:139:6',
    `LOC+11+${discharge}:139:6`,
    'RFF+BM:1',
    eqd,
    'NAD+CA+OOL:172:20',
  ];
}

describe('BAPLIE D.95B (SMDG 2.x)', () => {
  it('announces each stowed box on the vessel call, with its cell, line and full/empty', () => {
    const body = [
      ...HEADER,
      ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5'),
      ...cell('0060886', 'EQD+CN+MOEU0710945+L5G1+++4', 'BEANR'),
    ];
    const intents = intentsOf(mapMessage(messageOf(BAPLIE, body)));
    expect(intents).toHaveLength(2);
    expect(intents[0]).toEqual({
      kind: 'AnnounceBox',
      source: {
        messageType: 'BAPLIE',
        messageRef: 'M1',
        position: expect.objectContaining({ segment: 5 + 5 + 3, tag: 'EQD' }),
        messageFunction: 'original',
      },
      containerNumber: 'OOLU8803217',
      sizeType: '45G0',
      sizeTypeAsSent: '4500',
      line: 'OOL',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'VRIB3/042' },
      vessel: {
        callKey: 'VRIB3/042',
        vesselId: 'VRIB3',
        vesselIdList: '103',
        vesselName: 'OOCL BEIJING',
        voyage: '042',
      },
      stowage: { cell: '0380518', bay: 38, row: 5, tier: 18 },
      portOfLoading: 'USLGB',
      portOfDischarge: 'CNYTN',
      grossMassKg: 24000,
    } satisfies AnnounceBox);
    expect(intents[1]).toMatchObject({
      containerNumber: 'MOEU0710945',
      sizeType: 'L5G1',
      fullEmpty: 'empty',
    });
  });

  it('announces only the boxes to be discharged at the port of call, when the caller names it', () => {
    const body = [
      ...HEADER,
      ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5'),
      ...cell('0060886', 'EQD+CN+MOEU0710945+L5G1+++4', 'BEANR'),
    ];
    const intents = intentsOf(mapMessage(messageOf(BAPLIE, body), { portOfCall: 'BEANR' }));
    expect(intents.map((i) => (i as AnnounceBox).containerNumber)).toEqual(['MOEU0710945']);
  });

  it('writes ISO 6346:1984 numeric size-types in the 1995 form', () => {
    const body = [
      ...HEADER,
      ...cell('0380518', 'EQD+CN+OOLU8803217+2210+++5'),
      ...cell('0380318', 'EQD+CN+OOLU9416634+4351+++5'),
      ...cell('0100882', 'EQD+CN+OOLU7278095+4530+++5'),
    ];
    const intents = intentsOf(mapMessage(messageOf(BAPLIE, body))) as AnnounceBox[];
    expect(intents.map((i) => [i.sizeTypeAsSent, i.sizeType])).toEqual([
      ['2210', '22V0'],
      ['4351', '42U1'],
      ['4530', '45R0'],
    ]);
  });

  it('refuses the message at the EQD of a box whose check digit is wrong, naming the right digit', () => {
    const body = [
      ...HEADER,
      ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5'),
      ...cell('0380318', 'EQD+CN+CBHU1234567+22G1+++5'),
    ];
    const result = mapMessage(messageOf(BAPLIE, body));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal).toMatchObject({
      code: 'edi.container_number',
      position: { segment: 5 + 7 + 5 + 3, tag: 'EQD' },
      messageRef: 'M1',
      messageType: 'BAPLIE',
    });
    expect(result.refusal.reason).toContain('check digit');
    expect(result.refusal.reason).toContain('is 1, not 7');
    expect(result.refusals).toHaveLength(1);
  });

  it('lists every faulty box, so the sender can fix them at once', () => {
    const body = [
      ...HEADER,
      ...cell('0380518', 'EQD+CN+CBHU1234567+22G1+++5'),
      ...cell('0380318', 'EQD+CN+OOLU9416634+99X1+++5'),
      ...cell('0100882', 'EQD+CN+OOLU7278095+4500+++7'),
    ];
    const result = mapMessage(messageOf(BAPLIE, body));
    expect(result.ok ? [] : result.refusals.map((r) => [r.code, r.position.segment])).toEqual([
      ['edi.container_number', 13],
      ['edi.size_type', 20],
      ['edi.bad_code', 27],
    ]);
  });

  it('refuses a box stowed twice', () => {
    const body = [
      ...HEADER,
      ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5'),
      ...cell('0380318', 'EQD+CN+OOLU8803217+4500+++5'),
    ];
    const result = mapMessage(messageOf(BAPLIE, body));
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.bad_code',
      position: { segment: 20 },
    });
    expect(result.ok ? '' : result.refusal.reason).toContain('already stowed by EQD segment 13');
  });

  it('refuses an unknown segment, and a known one out of place, at its position', () => {
    const unknown = [...HEADER, ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5'), 'XYZ+1'];
    const refusedUnknown = mapMessage(messageOf(BAPLIE, unknown));
    expect(refusedUnknown.ok ? undefined : refusedUnknown.refusal).toMatchObject({
      code: 'edi.unknown_segment',
      position: { segment: 15, tag: 'XYZ' },
    });
    const outOfPlace = [...HEADER, ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5'), 'BGM++2'];
    const refusedOutOfPlace = mapMessage(messageOf(BAPLIE, outOfPlace));
    expect(refusedOutOfPlace.ok ? undefined : refusedOutOfPlace.refusal).toMatchObject({
      code: 'edi.segment_out_of_place',
      position: { segment: 15, tag: 'BGM' },
    });
  });

  it('refuses a plan that names no vessel call, and a stowage group without its mandatory RFF', () => {
    const noTdt = ['BGM++1', 'DTM+137:201604140307:203', ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5')];
    const refused = mapMessage(messageOf(BAPLIE, noTdt));
    expect(refused.ok ? undefined : refused.refusal.code).toBe('edi.missing_segment');
    const noRff = [
      ...HEADER,
      ...cell('0380518', 'EQD+CN+OOLU8803217+4500+++5').filter((s) => !s.startsWith('RFF')),
    ];
    const refusedRff = mapMessage(messageOf(BAPLIE, noRff));
    expect(refusedRff.ok ? undefined : refusedRff.refusal).toMatchObject({
      code: 'edi.missing_segment',
      position: { segment: 12, tag: 'EQD' },
    });
    expect(refusedRff.ok ? '' : refusedRff.refusal.reason).toContain('mandatory RFF');
  });

  it('refuses BAPLIE 3 (D.13B) and another association code, naming what is taken', () => {
    const result = mapMessage(messageOf('BAPLIE:D:13B:UN:SMDG31', HEADER));
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.unsupported_version',
      position: { segment: 2, tag: 'UNH' },
    });
    expect(result.ok ? '' : result.refusal.reason).toContain(
      'D:95B:UN (SMDG15, SMDG20, SMDG21, SMDG22 or none)',
    );
  });
});

// The full plan is 19,839 segments: generous time on a loaded machine.
describe.skipIf(!hasSamples)(samplesTitle('BAPLIE conformance samples'), { timeout: 120_000 }, () => {
  it('announces the 3 boxes of the small sample', () => {
    const [message] = messagesOf(sample('D95BBAPLIE.edi'));
    const intents = intentsOf(mapMessage(message!)) as AnnounceBox[];
    expect(intents.map((i) => [i.containerNumber, i.sizeType, i.line, i.fullEmpty, i.stowage?.cell])).toEqual(
      [
        ['OOLU4293959', '42G0', 'OOL', 'empty', '0780690'],
        ['MOEU0710945', 'L5G1', 'MOL', 'empty', '0060886'],
        ['OOLU8757889', '45G0', 'OOL', 'full', '0100114'],
      ],
    );
    expect(intents[0]!.source.position).toEqual({ segment: 15, offset: 331, tag: 'EQD' });
  });

  it('announces every one of the 2,799 boxes of the full plan (at least 1,000), each once, at its EQD', () => {
    const [message] = messagesOf(sample('full/D95BBAPLIE-full.edi'));
    const intents = intentsOf(mapMessage(message!)) as AnnounceBox[];
    expect(intents.length).toBeGreaterThanOrEqual(1000);
    expect(intents).toHaveLength(2799);
    expect(new Set(intents.map((i) => i.containerNumber)).size).toBe(2799);
    expect(intents.every((i) => i.kind === 'AnnounceBox' && i.source.position.tag === 'EQD')).toBe(true);
    expect(new Set(intents.map((i) => i.arrival.mode === 'vessel' && i.arrival.vesselCall))).toEqual(
      new Set(['VRIB3/042']),
    );
  });
});
