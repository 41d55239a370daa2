import { describe, expect, it } from 'vitest';
import {
  codecoMessages,
  edifactMinute,
  type GateMove,
  MAX_BOXES_PER_MESSAGE,
  normaliseLocode,
  type OutSegment,
} from './write-codeco.js';

const parties = { sender: 'PORTLEDGER', recipient: 'MSCU', portLocode: 'BEANR' };

const gateIn: GateMove = {
  direction: 'in',
  auditIndex: 12,
  containerNumber: 'MSCU1234566',
  sizeType: '45G1',
  fullEmpty: 'full',
  line: 'MSCU',
  terminal: 'T1',
  at: '2030-03-04T06:07:08.123Z',
  truckPlate: '1-ABC-123',
  carrierBookingReference: 'BK-MSCU-123456',
  transportDocumentReference: null,
};

const gateOut: GateMove = {
  ...gateIn,
  direction: 'out',
  auditIndex: 40,
  containerNumber: 'CSQU3054383',
  sizeType: '22G1',
  fullEmpty: 'empty',
  at: '2030-03-05T23:59:59.999Z',
  truckPlate: null,
  carrierBookingReference: null,
  transportDocumentReference: 'MSCUB123456',
};

/** A segment as EDIFACT text with the default separators, to read the expectations at a glance. */
const text = (s: OutSegment) => [s.tag, ...s.elements.map((e) => e.join(':'))].join('+');

describe('codecoMessages (SMDG CODECO 2.0, D.95B)', () => {
  it('writes one gate-in report (BGM 34) and one gate-out report (BGM 36), in log order', () => {
    const messages = codecoMessages([gateOut, gateIn], parties);
    expect(messages.map((m) => m.segments.map(text))).toEqual([
      [
        'BGM+34+GI12-12+9',
        'NAD+MS+PORTLEDGER',
        'NAD+MR+MSCU',
        'NAD+CF+MSCU:160:166',
        'EQD+CN+MSCU1234566+45G1:102:5++2+5',
        'RFF+BN:BK-MSCU-123456',
        'DTM+7:203003040607:203',
        'LOC+165+BEANR:139:6+T1:TER:ZZZ',
        'TDT+1++3+31++++1-ABC-123',
        'CNT+16:1',
      ],
      [
        'BGM+36+GO40-40+9',
        'NAD+MS+PORTLEDGER',
        'NAD+MR+MSCU',
        'NAD+CF+MSCU:160:166',
        'EQD+CN+CSQU3054383+22G1:102:5++3+4',
        'RFF+BM:MSCUB123456',
        'DTM+7:203003052359:203',
        'LOC+165+BEANR:139:6+T1:TER:ZZZ',
        'TDT+1++3+31',
        'CNT+16:1',
      ],
    ]);
    expect(messages.map((m) => [m.type, m.version, m.release, m.agency, m.auditIndexes])).toEqual([
      ['CODECO', 'D', '95B', 'UN', [12]],
      ['CODECO', 'D', '95B', 'UN', [40]],
    ]);
  });

  it('puts at most MAX_BOXES_PER_MESSAGE boxes in one message, the count in CNT', () => {
    const many = Array.from({ length: MAX_BOXES_PER_MESSAGE + 2 }, (_, i) => ({ ...gateIn, auditIndex: i }));
    const messages = codecoMessages(many, parties);
    expect(messages.map((m) => m.auditIndexes.length)).toEqual([MAX_BOXES_PER_MESSAGE, 2]);
    expect(messages.map((m) => text(m.segments.at(-1) as OutSegment))).toEqual([
      `CNT+16:${MAX_BOXES_PER_MESSAGE}`,
      'CNT+16:2',
    ]);
    expect(text(messages[1]?.segments[0] as OutSegment)).toBe(
      `BGM+34+GI${MAX_BOXES_PER_MESSAGE}-${MAX_BOXES_PER_MESSAGE + 1}+9`,
    );
  });

  it('sends a move voided after it was reported as a cancellation (BGM 1225 = 1) of its own', () => {
    const messages = codecoMessages([gateIn, { ...gateIn, auditIndex: 50, cancels: 3 }], parties);
    expect(messages.map((m) => text(m.segments[0] as OutSegment))).toEqual([
      'BGM+34+GI12-12+9',
      'BGM+34+GIX50-50+1',
    ]);
    expect(messages[1]?.segments.map(text)).toContain('EQD+CN+MSCU1234566+45G1:102:5++2+5');
  });

  it('speaks for one line only', () => {
    expect(() => codecoMessages([gateIn, { ...gateIn, auditIndex: 13, line: 'MAEU' }], parties)).toThrow(
      /one line/,
    );
  });

  it('writes nothing for no moves', () => {
    expect(codecoMessages([], parties)).toEqual([]);
  });
});

describe('EDIFACT values', () => {
  it('writes an instant to the minute (format 203) on the terminal’s wall clock, and refuses anything else', () => {
    expect(edifactMinute('2030-12-31T23:59:59.999Z')).toBe('203012312359');
    expect(edifactMinute('2030-12-31T23:59:59.999Z', 'Europe/Brussels')).toBe('203101010059');
    // Summer time: UTC+2.
    expect(edifactMinute('2030-07-01T06:00:00.000Z', 'Europe/Brussels')).toBe('203007010800');
    expect(() => edifactMinute('2030-12-31T23:59:59+01:00')).toThrow(RangeError);
    expect(() => edifactMinute('yesterday')).toThrow(RangeError);
  });

  it('normalises a UN/LOCODE and refuses a place name', () => {
    expect(normaliseLocode(' beanr ')).toBe('BEANR');
    expect(normaliseLocode('NLRTM')).toBe('NLRTM');
    expect(normaliseLocode('Antwerp')).toBeUndefined();
    expect(normaliseLocode('BE-ANR')).toBeUndefined();
  });
});
