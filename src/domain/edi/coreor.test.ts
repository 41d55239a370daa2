import { describe, expect, it } from 'vitest';
import type { IssueReleaseIntent } from './intents.js';
import { mapMessage } from './map-message.js';
import { intentsOf, messageOf } from './testing/samples.js';

// No COREOR sample exists in the php-edifact repositories (../shared/conformance/README.md): this one is written
// from the UN D.95B COREOR segment table (§4.3.1) and the SMDG COREOR guide's usage of it.
const COREOR = 'COREOR:D:95B:UN';
const HEADER = [
  'BGM+129+REL20260001+9',
  'RFF+RE:PIN77881',
  'TDT+20+031W+1++MSC:172:20+++9234567:146::MSC ANNA',
  'LOC+11+BEANR:139:6',
  'DTM+132:202603011200:203',
  'NAD+CF+MSC:160:20',
  'NAD+FW+FWD01:160:ZZZ',
  'DTM+400:202603020000:203',
  'DTM+405:202603152359:203',
];

describe('COREOR D.95B', () => {
  it('orders the release of each box to the named party, under the release reference, for its validity', () => {
    const body = [...HEADER, 'EQD+CN+MSKU9070323+45G1:102:5', 'RFF+BM:MEDUAB123456', 'CNT+16:1'];
    const intents = intentsOf(mapMessage(messageOf(COREOR, body), { timeZone: 'Europe/Brussels' }));
    expect(intents).toEqual([
      {
        kind: 'IssueRelease',
        source: {
          messageType: 'COREOR',
          messageRef: 'M1',
          position: expect.objectContaining({ segment: 12, tag: 'EQD' }),
          messageFunction: 'original',
        },
        containerNumber: 'MSKU9070323',
        sizeType: '45G1',
        line: 'MSC',
        partyCode: 'FWD01',
        partyRole: 'FW',
        releaseReference: 'PIN77881',
        billOfLading: 'MEDUAB123456',
        vessel: {
          callKey: '9234567/031W',
          vesselId: '9234567',
          vesselIdList: '146',
          vesselName: 'MSC ANNA',
          voyage: '031W',
          carrier: 'MSC',
        },
        validFrom: '2026-03-01T23:00:00.000Z',
        validUntil: '2026-03-15T22:59:00.000Z',
      } satisfies IssueReleaseIntent,
    ]);
  });

  it("takes a box's own release reference and consignee before the header's", () => {
    const body = [
      ...HEADER,
      'EQD+CN+MSKU9070323+45G1:102:5',
      'RFF+RE:PIN99',
      'NAD+CN+CONS7:160:ZZZ',
      'DTM+405:202603202359:203',
      'CNT+16:1',
    ];
    const [intent] = intentsOf(mapMessage(messageOf(COREOR, body)));
    expect(intent).toMatchObject({
      partyCode: 'CONS7',
      partyRole: 'CN',
      releaseReference: 'PIN99',
      validUntil: '2026-03-20T23:59:00.000Z',
    });
  });

  it('refuses a release to nobody, and an EQD without its mandatory RFF', () => {
    const noParty = HEADER.filter((s) => !s.startsWith('NAD+FW') && !s.startsWith('DTM+4'));
    const refused = mapMessage(
      messageOf(COREOR, [...noParty, 'EQD+CN+MSKU9070323+45G1:102:5', 'RFF+BM:X1', 'CNT+16:1']),
    );
    expect(refused.ok ? undefined : refused.refusal).toMatchObject({
      code: 'edi.missing_segment',
      position: { segment: 9, tag: 'EQD' },
    });
    expect(refused.ok ? '' : refused.refusal.reason).toContain('released to nobody');
    const noRff = mapMessage(messageOf(COREOR, [...HEADER, 'EQD+CN+MSKU9070323+45G1:102:5', 'CNT+16:1']));
    expect(noRff.ok ? undefined : noRff.refusal).toMatchObject({
      code: 'edi.missing_segment',
      position: { tag: 'EQD' },
    });
  });

  it('refuses a release of a box whose check digit is wrong', () => {
    const result = mapMessage(
      messageOf(COREOR, [...HEADER, 'EQD+CN+CBHU1234567+22G1', 'RFF+BM:X1', 'CNT+16:1']),
    );
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.container_number',
      position: { segment: 12, tag: 'EQD' },
    });
  });
});
