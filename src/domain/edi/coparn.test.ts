import { describe, expect, it } from 'vitest';
import type { AnnounceBox } from './intents.js';
import { mapMessage } from './map-message.js';
import { hasSamples, intentsOf, messageOf, messagesOf, sample, samplesTitle } from './testing/samples.js';

const COPARN = 'COPARN:D:00B:UN:SMDG20';
const HEADER = [
  'BGM+126+ANN1+9',
  'DTM+137:201901302054:203',
  'RFF+BN:400123456',
  'TDT+20+0002W+++COS:172:20+++XNOE:146:11:NOE VESSEL',
  'LOC+9+ITGOA:139:6',
  'NAD+CF+COS:160:166',
];

describe('COPARN D.00B (SMDG 2.0)', () => {
  it('announces an import box (status 3) arriving on the vessel call', () => {
    const body = [
      ...HEADER,
      'EQD+CN+MSKU9070323+45G1:102:5++3+5',
      'RFF+BM:BL123',
      'LOC+11+ITGOA:139:6',
      'CNT+16:1',
    ];
    const [intent] = intentsOf(mapMessage(messageOf(COPARN, body)));
    expect(intent).toMatchObject({
      kind: 'AnnounceBox',
      containerNumber: 'MSKU9070323',
      sizeType: '45G1',
      line: 'COS',
      fullEmpty: 'full',
      arrival: { mode: 'vessel', vesselCall: 'XNOE/0002W' },
      bookingReference: '400123456',
      billOfLading: 'BL123',
      portOfDischarge: 'ITGOA',
      documentCode: '126',
    } satisfies Partial<AnnounceBox>);
  });

  it('refuses a box without full/empty indicator, and an import box when no vessel call is named', () => {
    const noIndicator = mapMessage(messageOf(COPARN, [...HEADER, 'EQD+CN+MSKU9070323+45G1:102:5++3']));
    expect(noIndicator.ok ? undefined : noIndicator.refusal).toMatchObject({
      code: 'edi.missing_element',
      position: { segment: 9, tag: 'EQD' },
    });
    const noVessel = HEADER.filter((s) => !s.startsWith('TDT') && !s.startsWith('LOC'));
    const refused = mapMessage(messageOf(COPARN, [...noVessel, 'EQD+CN+MSKU9070323+45G1:102:5++3+5']));
    expect(refused.ok ? undefined : refused.refusal.code).toBe('edi.missing_segment');
  });
});

describe.skipIf(!hasSamples)(samplesTitle('COPARN conformance sample'), () => {
  it('refuses the generator sample at its EQD for the check digit', () => {
    const [message] = messagesOf(sample('generator-samples/COPARN.edi'));
    const result = mapMessage(message!);
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.container_number',
      position: { segment: 14, tag: 'EQD' },
    });
  });

  it('announces the export box (status 2) as coming by truck once the digit is right', () => {
    const [message] = messagesOf(
      sample('generator-samples/COPARN.edi').replaceAll('CBHU1234567', 'CBHU1234561'),
    );
    const [intent] = intentsOf(mapMessage(message!));
    expect(intent).toMatchObject({
      kind: 'AnnounceBox',
      containerNumber: 'CBHU1234561',
      line: 'COS',
      fullEmpty: 'full',
      arrival: { mode: 'truck' },
      vessel: { callKey: 'XNOE/0002W', vesselName: 'NOE VESSEL' },
      bookingReference: '400123456',
      grossMassKg: 11495.14,
      dangerousGoods: [{ imdgClass: '3', unNumber: '1366' }],
      portOfLoading: 'ITGOA',
      portOfDischarge: 'HKHKG',
      source: { messageFunction: 'replacement' },
    });
  });
});
