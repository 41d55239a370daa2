import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readInterchange } from '../../edifact/index.js';
import { mapMessage, supportedMessages } from './map-message.js';
import {
  edifactSamplesDir,
  hasSamples,
  interchangeOf,
  messageOf,
  sample,
  samplesTitle,
} from './testing/samples.js';

describe('mapMessage', () => {
  it('refuses a message type PortLedger does not take, at its UNH, saying why and what is taken', () => {
    const result = mapMessage(messageOf('VERMAS:D:16A:UN:SMDG10', ['BGM+749+V1+5']));
    expect(result.ok ? undefined : result.refusal).toMatchObject({
      code: 'edi.unsupported_message',
      position: { segment: 2, tag: 'UNH' },
      messageType: 'VERMAS',
    });
    expect(result.ok ? '' : result.refusal.reason).toContain('verified gross mass');
    expect(result.ok ? '' : result.refusal.reason).toContain(supportedMessages());
  });

  it('refuses a directory release it has no segment table for', () => {
    const result = mapMessage(messageOf('COARRI:D:21A:UN', ['BGM+44+1+9']));
    expect(result.ok ? undefined : result.refusal).toMatchObject({ code: 'edi.unsupported_version' });
    expect(result.ok ? '' : result.refusal.reason).toContain('D:95B:UN, D:00B:UN');
  });

  it('says at once when the caller’s time zone is not one', () => {
    const message = messageOf('CODECO:D:95B:UN', ['BGM+34+G1+9']);
    expect(() => mapMessage(message, { timeZone: 'Europe/Atlantis' })).toThrow(RangeError);
  });

  it('lists what it takes', () => {
    expect(supportedMessages()).toBe(
      'BAPLIE D.95B, COARRI D.95B/D.00B, CODECO D.95B, COPARN D.00B, COPINO D.95B/D.00B, COREOR D.95B',
    );
  });
});

// What each sample becomes: imported (how many intents) or refused, by the reader or by the mapper, and why.
const EXPECTED: Readonly<Record<string, string>> = {
  'D95BBAPLIE.edi': 'BAPLIE ok 3',
  'D95BCOARRI.edi': 'COARRI ok 2 | COARRI ok 19',
  'full/D95BBAPLIE-full.edi': 'BAPLIE ok 2799',
  'full/D95BCOARRI-full.edi': 'COARRI ok 2 | COARRI ok 19 | COARRI ok 477 | COARRI ok 330',
  'generator-samples/CODECO.edi': 'CODECO edi.container_number 7',
  'generator-samples/COPARN.edi': 'COPARN edi.container_number 14',
  'generator-samples/COPINO.edi': 'COPINO edi.container_number 12',
  'generator-samples/COPRAR.edi': 'COPRAR edi.unsupported_message 2',
  'generator-samples/ORDERS.edi': 'ORDERS edi.unsupported_message 2',
};

function outcome(relative: string): string {
  const read = readInterchange(sample(relative));
  if (!read.ok) return `reader ${read.errors[0]?.code} ${read.errors[0]?.segment}`;
  return read.interchange.messages
    .map((message) => {
      const result = mapMessage(message);
      return result.ok
        ? `${message.type} ok ${result.intents.length}`
        : `${message.type} ${result.refusal.code} ${result.refusal.position.segment}`;
    })
    .join(' | ');
}

describe.skipIf(!hasSamples)(samplesTitle('every EDIFACT conformance sample'), { timeout: 120_000 }, () => {
  const files = hasSamples
    ? [
        ...readdirSync(edifactSamplesDir).filter((f) => f.endsWith('.edi')),
        ...readdirSync(join(edifactSamplesDir, 'full')).map((f) => `full/${f}`),
        ...readdirSync(join(edifactSamplesDir, 'generator-samples')).map((f) => `generator-samples/${f}`),
      ]
    : [];

  it.each(files)('%s is imported or refused with a precise reason', (relative) => {
    const result = outcome(relative);
    const expected = EXPECTED[relative];
    if (expected !== undefined) {
      expect(result).toBe(expected);
    } else {
      // VERMAS, COHAOR (not taken) and WESTIM (not UN/EDIFACT): refused by the reader or as not taken, never mapped.
      expect(result).toMatch(/^reader [a-z_]+ \d+$|^[A-Z]{6} edi\.unsupported_message 2$/);
    }
  });
});

// Small valid messages of every type taken, to mutate.
const VALID: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    'BAPLIE:D:95B:UN:SMDG20',
    [
      'BGM++1',
      'DTM+137:201604140307:203',
      'TDT+20+042+++:172:182+++VRIB3:103:ZZZ:OOCL BEIJING',
      'LOC+5+USLGB:139:6',
      'DTM+178:201604140000:203',
      'LOC+147+0380518::5',
      'MEA+WT++KGM:24000',
      'LOC+11+CNYTN:139:6',
      'RFF+BM:1',
      'EQD+CN+OOLU8803217+4500+++5',
      'NAD+CA+OOL:172:20',
    ],
  ],
  [
    'COARRI:D:95B:UN:ITG13',
    [
      'BGM+44+1+9',
      'TDT+20+031W+1+13+COS:172:20+++3ERX3:103::COSCO AFRICA',
      'NAD+CF+COE:172:20',
      'EQD+CN+FCIU9908030+45G1:102:5++3+5',
      'DTM+203:201602030913:203',
      'LOC+147+380886::6',
      'CNT+16:1',
    ],
  ],
  [
    'CODECO:D:95B:UN',
    ['BGM+34+G1+9', 'NAD+CF+COS', 'EQD+CN+CBHU1234561+22G1++2+5', 'DTM+7:201701020800:203', 'CNT+16:1'],
  ],
  [
    'COREOR:D:95B:UN',
    [
      'BGM+129+R1+9',
      'RFF+RE:PIN1',
      'TDT+20+031W+1++MSC:172:20+++9234567:146::MSC ANNA',
      'NAD+FW+FWD01',
      'EQD+CN+MSKU9070323+45G1',
      'RFF+BM:B1',
      'CNT+16:1',
    ],
  ],
  [
    'COPINO:D:95B:UN',
    [
      'BGM+661+P1+9',
      'TDT+1++3+31+HAUL1+++1ABC123',
      'NAD+MS+HAUL1',
      'EQD+CN+MSKU9070323+45G1++3+5',
      'CNT+16:1',
    ],
  ],
  [
    'COPARN:D:00B:UN:SMDG20',
    [
      'BGM+126+A1+9',
      'TDT+20+0002W+++COS+++XNOE:146',
      'NAD+CF+COS',
      'EQD+CN+MSKU9070323+45G1++3+5',
      'CNT+16:1',
    ],
  ],
];

describe('mutated messages (the unknown-segment and bad-check-digit mutations of the acceptance)', {
  timeout: 120_000,
}, () => {
  it('maps each valid message to intents', () => {
    for (const [identifier, body] of VALID) {
      expect(mapMessage(messageOf(identifier, body)).ok, identifier).toBe(true);
    }
  });

  it('refuses an unknown segment anywhere in the body at its position, and never throws', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.nat(), ([identifier, body], at) => {
        const index = at % (body.length + 1);
        const mutated = [...body.slice(0, index), 'XQZ+1', ...body.slice(index)];
        const result = mapMessage(messageOf(identifier, mutated));
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.refusals).toContainEqual(
          expect.objectContaining({
            code: 'edi.unknown_segment',
            position: expect.objectContaining({ segment: index + 3, tag: 'XQZ' }),
          }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a changed check digit at the EQD, and never throws', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.integer({ min: 1, max: 9 }), ([identifier, body], shift) => {
        const eqdIndex = body.findIndex((s) => s.startsWith('EQD'));
        const eqd = body[eqdIndex]!;
        const digit = Number(eqd[17]);
        const mutatedEqd = `${eqd.slice(0, 17)}${(digit + shift) % 10}${eqd.slice(18)}`;
        const mutated = body.map((s, i) => (i === eqdIndex ? mutatedEqd : s));
        const result = mapMessage(messageOf(identifier, mutated));
        expect(result.ok ? undefined : result.refusal).toMatchObject({
          code: 'edi.container_number',
          position: { segment: eqdIndex + 3, tag: 'EQD' },
        });
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on dropped, repeated or swapped segments nor on changed characters', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('repeat' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('char' as const),
        at: fc.nat(),
        offset: fc.nat(),
        char: fc.constantFrom(...'0123456789ABZ:+ '.split('')),
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        ([identifier, body], mutations) => {
          let segments = [...body];
          for (const m of mutations) {
            if (segments.length === 0) break;
            const i = m.at % segments.length;
            if (m.kind === 'drop') segments = segments.filter((_, j) => j !== i);
            else if (m.kind === 'repeat') segments.splice(i, 0, segments[i]!);
            else if (m.kind === 'swap' && i + 1 < segments.length) {
              [segments[i], segments[i + 1]] = [segments[i + 1]!, segments[i]!];
            } else if (m.kind === 'char') {
              const s = segments[i]!;
              const o = 3 + (m.offset % Math.max(1, s.length - 3));
              segments[i] = `${s.slice(0, o)}${m.char}${s.slice(o + 1)}`;
            }
          }
          const read = readInterchange(interchangeOf(identifier, segments));
          if (!read.ok) return;
          for (const message of read.interchange.messages) {
            const result = mapMessage(message);
            if (!result.ok) {
              expect(result.refusal.reason.length).toBeGreaterThan(0);
              expect(result.refusal.position.segment).toBeGreaterThanOrEqual(2);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
