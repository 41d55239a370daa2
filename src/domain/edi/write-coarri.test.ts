import { describe, expect, it } from 'vitest';
import { coarriMessages, type VesselMove } from './write-coarri.js';
import type { OutSegment } from './write-codeco.js';

const parties = { sender: 'PORTLEDGER', recipient: 'MSCU', portLocode: 'BEANR' };

const discharge: VesselMove = {
  kind: 'discharge',
  auditIndex: 7,
  containerNumber: 'MSCU1234566',
  sizeType: '45G1',
  fullEmpty: 'full',
  line: 'MSCU',
  terminal: 'T1',
  vesselCall: 'VC1',
  at: '2030-03-04T06:07:08.123Z',
  carrierBookingReference: null,
  transportDocumentReference: 'MSCUB123456',
};

const load: VesselMove = {
  ...discharge,
  kind: 'load',
  auditIndex: 30,
  containerNumber: 'CSQU3054383',
  fullEmpty: 'empty',
  vesselCall: '9V1234/031W',
  at: '2030-03-06T10:00:00.000Z',
  carrierBookingReference: 'BK-1',
  transportDocumentReference: null,
};

const text = (s: OutSegment) => [s.tag, ...s.elements.map((e) => e.join(':'))].join('+');

describe('coarriMessages (SMDG COARRI, D.95B)', () => {
  it('writes a discharge report (BGM 44) and a loading report (BGM 46), vessel and terminal in the header', () => {
    const messages = coarriMessages([load, discharge], parties);
    expect(messages.map((m) => m.segments.map(text))).toEqual([
      [
        'BGM+44+DI7-7+9',
        'TDT+20+VC1+1++MSCU:172:166+++VC1:ZZZ',
        'LOC+11+BEANR:139:6+T1:TER:ZZZ',
        'NAD+MS+PORTLEDGER',
        'NAD+MR+MSCU',
        'NAD+CF+MSCU:160:166',
        'EQD+CN+MSCU1234566+45G1:102:5++3+5',
        'RFF+BM:MSCUB123456',
        'DTM+203:203003040607:203',
        'CNT+16:1',
      ],
      [
        'BGM+46+LO30-30+9',
        'TDT+20+031W+1++MSCU:172:166+++9V1234',
        'LOC+9+BEANR:139:6+T1:TER:ZZZ',
        'NAD+MS+PORTLEDGER',
        'NAD+MR+MSCU',
        'NAD+CF+MSCU:160:166',
        'EQD+CN+CSQU3054383+45G1:102:5++2+4',
        'RFF+BN:BK-1',
        'DTM+203:203003061000:203',
        'CNT+16:1',
      ],
    ]);
  });

  it('writes one message per vessel call and terminal, and no stowage cell or yard slot', () => {
    const moves: VesselMove[] = [
      discharge,
      { ...discharge, auditIndex: 8, containerNumber: 'CSQU3054383' },
      { ...discharge, auditIndex: 9, vesselCall: 'VC2' },
      { ...discharge, auditIndex: 10, terminal: 'T2' },
    ];
    const messages = coarriMessages(moves, parties);
    expect(messages.map((m) => m.auditIndexes)).toEqual([[7, 8], [9], [10]]);
    const all = messages.flatMap((m) => m.segments.map(text));
    expect(all.filter((s) => s.startsWith('LOC+147'))).toEqual([]);
    expect(all.filter((s) => s.startsWith('CNT'))).toEqual(['CNT+16:2', 'CNT+16:1', 'CNT+16:1']);
  });
});
