import { describe, expect, it } from 'vitest';
import type { GateIn } from './intents.js';
import { mapMessage } from './map-message.js';
import { hasSamples, intentsOf, messageOf, messagesOf, sample, samplesTitle } from './testing/samples.js';

const CODECO = 'CODECO:D:95B:UN:ITG14';
const body = (bgm: string, tdt = 'TDT+1++3+31++++1ABC123:146') => [
  bgm,
  'NAD+MS+ITPIALOMA',
  'NAD+CF+COS:160:166',
  'EQD+CN+CBHU1234561+22G1:6346:306++2+5',
  'RFF+BN:4006531400',
  'DTM+7:201701020800:203',
  'MEA+AAE+G+KGM:15400',
  'SEL+1234567:CA',
  tdt,
  'CNT+16:1',
];

describe('CODECO D.95B', () => {
  it('reports a gate-in (BGM+34) with the box, when, the truck and the line', () => {
    const intents = intentsOf(mapMessage(messageOf(CODECO, body('BGM+34+GATEIN1+9'))));
    expect(intents).toEqual([
      {
        kind: 'GateIn',
        source: expect.objectContaining({
          messageType: 'CODECO',
          position: expect.objectContaining({ segment: 6 }),
        }),
        containerNumber: 'CBHU1234561',
        sizeType: '22G1',
        sizeTypeAsSent: '22G1',
        fullEmpty: 'full',
        grossMassKg: 15400,
        bookingReference: '4006531400',
        at: '2017-01-02T08:00:00.000Z',
        truckPlate: '1ABC123',
        line: 'COS',
      } satisfies GateIn,
    ]);
  });

  it('reports a gate-out for BGM+36 and refuses any other report', () => {
    const [out] = intentsOf(mapMessage(messageOf(CODECO, body('BGM+36+GATEOUT1+9'))));
    expect(out).toMatchObject({ kind: 'GateOut', containerNumber: 'CBHU1234561' });
    const other = mapMessage(messageOf(CODECO, body('BGM+270+X+9')));
    expect(other.ok ? undefined : other.refusal).toMatchObject({
      code: 'edi.bad_code',
      position: { tag: 'BGM' },
    });
  });

  it('refuses a report without its mandatory CNT', () => {
    const result = mapMessage(messageOf(CODECO, body('BGM+34+GATEIN1+9').slice(0, -1)));
    expect(result.ok ? undefined : result.refusal).toMatchObject({ code: 'edi.missing_segment' });
    expect(result.ok ? '' : result.refusal.reason).toContain('CNT');
  });
});

describe.skipIf(!hasSamples)(samplesTitle('CODECO conformance sample'), () => {
  it('refuses the generator sample at its EQD: CBHU1234567 has a wrong check digit', () => {
    const [message] = messagesOf(sample('generator-samples/CODECO.edi'));
    const result = mapMessage(message!);
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.container_number',
      position: { segment: 7, tag: 'EQD' },
      messageType: 'CODECO',
    });
    expect(result.ok ? '' : result.refusal.reason).toContain('check digit of CBHU123456 is 1, not 7');
  });

  it('maps the same sample as a gate-in once the digit is right', () => {
    const [message] = messagesOf(
      sample('generator-samples/CODECO.edi').replaceAll('CBHU1234567', 'CBHU1234561'),
    );
    expect(intentsOf(mapMessage(message!))).toMatchObject([
      { kind: 'GateIn', containerNumber: 'CBHU1234561', at: '2017-01-02T08:00:00.000Z', line: 'COS' },
    ]);
  });
});
