import { describe, expect, it } from 'vitest';
import type { NominateTruck } from './intents.js';
import { mapMessage } from './map-message.js';
import { hasSamples, intentsOf, messageOf, messagesOf, sample, samplesTitle } from './testing/samples.js';

describe('COPINO D.00B (SMDG 2.0)', () => {
  it('nominates the truck and its driver for the pickup of an import box', () => {
    const body = [
      'BGM+661+PN1+9',
      'RFF+RE:REL778',
      'TDT+1++3+31+HAUL1+++1ABC123:146::JANE ROE',
      'DTM+132:202603021000:203',
      'LOC+88+BEANR:139:6',
      'NAD+MS+HAUL1',
      'EQD+CN+MSKU9070323+45G1:102:5++3+5',
      'CNT+16:1',
    ];
    const [intent] = intentsOf(
      mapMessage(messageOf('COPINO:D:00B:UN:SMDG20', body), { timeZone: 'Europe/Brussels' }),
    );
    expect(intent).toEqual({
      kind: 'NominateTruck',
      source: expect.objectContaining({
        messageType: 'COPINO',
        position: expect.objectContaining({ segment: 9 }),
      }),
      containerNumber: 'MSKU9070323',
      sizeType: '45G1',
      releaseReference: 'REL778',
      haulier: 'HAUL1',
      truckPlate: '1ABC123',
      driverName: 'JANE ROE',
      direction: 'pickup',
      windowFrom: '2026-03-02T09:00:00.000Z',
    } satisfies NominateTruck);
  });
});

describe.skipIf(!hasSamples)(samplesTitle('COPINO conformance sample (D.95B, ITG13)'), () => {
  it('refuses the generator sample at its EQD for the check digit', () => {
    const [message] = messagesOf(sample('generator-samples/COPINO.edi'));
    const result = mapMessage(message!);
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.container_number',
      position: { segment: 12, tag: 'EQD' },
    });
  });

  it('nominates the truck once the digit is right', () => {
    const [message] = messagesOf(
      sample('generator-samples/COPINO.edi').replaceAll('CBHU1234567', 'CBHU1234561'),
    );
    expect(intentsOf(mapMessage(message!))).toMatchObject([
      {
        kind: 'NominateTruck',
        containerNumber: 'CBHU1234561',
        bookingReference: '4001234567',
        haulier: 'TRUCKER CORP.',
        truckPlate: 'XA212345',
        driverName: 'JOHN DOE',
        direction: 'delivery',
        windowFrom: '2012-04-26T00:00:00.000Z',
      },
    ]);
  });
});
