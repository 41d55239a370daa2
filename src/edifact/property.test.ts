/**
 * Property tests of the UN/EDIFACT syntax layer (issue 17 acceptance):
 * - the writer's output, read back, gives the same interchange (random segments with service characters in data);
 * - mutated valid interchanges (truncation, a wrong UNT or UNZ count, a bad release character, an unknown segment
 *   tag, random byte flips) never make the reader throw, and every error it returns has an in-range position.
 *
 * An unknown segment tag is NOT a syntax error: the reader is syntax-only and accepts any three-letter tag inside a
 * message. Refusing a segment the message does not define is the message mappers' job (src/domain/edi, Task E).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  Element,
  InterchangeInput,
  MessageInput,
  Party,
  ReadResult,
  SegmentInput,
  ServiceChars,
} from './interchange.js';
import { readInterchange } from './read.js';
import { interchangeInput, writeInterchange } from './write.js';

const LEVEL_A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/=\'+:?!"%&*;<>';
const SERVICE = ":+?'*";
const pools: Record<string, string> = {
  UNOA: LEVEL_A + SERVICE.repeat(4),
  UNOB: `${LEVEL_A}abcdefghijklmnopqrstuvwxyz${SERVICE.repeat(4)}`,
  UNOC: `${LEVEL_A}abcxyzéßÆÿ¡|#~${SERVICE.repeat(4)}`,
};

const text = (level: string, minLength = 0, maxLength = 8) =>
  fc.string({ unit: fc.constantFrom(...pools[level]!), minLength, maxLength });
const nonEmpty = (level: string, maxLength = 8) => text(level, 1, maxLength);

const tag = fc
  .tuple(...[0, 1, 2].map(() => fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ')))
  .map((t) => t.join(''))
  .filter((t) => !t.startsWith('UN'));

function party(level: string): fc.Arbitrary<Party> {
  return fc
    .record(
      {
        id: nonEmpty(level),
        qualifier: nonEmpty(level, 3),
        // The last extra component is non-empty: trailing empty components are not written.
        extra: fc
          .array(text(level, 0, 4), { maxLength: 2 })
          .chain((xs) => nonEmpty(level, 4).map((last) => [...xs, last])),
      },
      { requiredKeys: ['id'] },
    )
    .map((p) => p as Party);
}

function segment(level: string, repeats: boolean): fc.Arbitrary<SegmentInput> {
  const component = text(level, 0, 6);
  const element = fc.array(component, { minLength: 1, maxLength: 4 });
  const occurrences = fc.array(element, { minLength: 1, maxLength: repeats ? 3 : 1 });
  return fc.record({ tag, occ: fc.array(occurrences, { maxLength: 6 }) }).map(({ tag, occ }) => {
    const elements: Element[] = occ.map((o) => o[0]!);
    return occ.some((o) => o.length > 1) ? { tag, elements, repetitions: occ } : { tag, elements };
  });
}

function message(level: string, repeats: boolean): fc.Arbitrary<MessageInput> {
  return fc
    .record(
      {
        ref: nonEmpty(level, 14),
        type: nonEmpty(level, 6),
        version: nonEmpty(level, 3),
        release: nonEmpty(level, 3),
        agency: nonEmpty(level, 2),
        associationCode: nonEmpty(level, 6),
        commonAccessRef: nonEmpty(level, 10),
        segments: fc.array(segment(level, repeats), { maxLength: 8 }),
      },
      { requiredKeys: ['ref', 'type', 'version', 'release', 'agency', 'segments'] },
    )
    .map((m) => m as MessageInput);
}

/** Any interchange the writer accepts, with data full of service characters. */
const interchange: fc.Arbitrary<InterchangeInput> = fc
  .record({
    level: fc.constantFrom('UNOA', 'UNOB', 'UNOC'),
    version: fc.constantFrom('1', '2', '3', '4'),
    alternative: fc.boolean(),
  })
  .chain(({ level, version, alternative }) => {
    const repeats = version === '4';
    const serviceChars: ServiceChars = {
      component: '|',
      element: '#',
      decimal: '.',
      release: '!',
      repetition: repeats ? '*' : ' ',
      segment: '~',
    };
    return fc
      .record(
        {
          sender: party(level),
          recipient: party(level),
          date: fc.stringMatching(/^\d{6}$/),
          time: fc.stringMatching(/^\d{4}$/),
          controlRef: nonEmpty(level, 14),
          recipientRef: nonEmpty(level),
          applicationRef: nonEmpty(level),
          processingPriority: nonEmpty(level, 1),
          ackRequest: fc.constant('1'),
          agreementId: nonEmpty(level),
          testIndicator: fc.constant('1'),
          messages: fc.array(message(level, repeats), { maxLength: 4 }),
        },
        { requiredKeys: ['sender', 'recipient', 'date', 'time', 'controlRef', 'messages'] },
      )
      .map(({ date, time, ...rest }) => {
        const input: InterchangeInput = {
          ...(rest as Omit<InterchangeInput, 'syntax' | 'preparedAt'>),
          syntax: { identifier: level, version },
          preparedAt: { date: date!, time: time! },
        };
        if (alternative) input.serviceChars = serviceChars;
        return input;
      });
  });

/** Every error names a position inside the text (or just past its end, for what is missing at the end). */
function expectPositionsInRange(result: ReadResult, input: string): void {
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(input.length);
    expect(error.segment).toBeGreaterThanOrEqual(0);
    expect(error.segment).toBeLessThanOrEqual(input.length + 1);
    expect(Number.isInteger(error.segment) && Number.isInteger(error.offset)).toBe(true);
    expect(typeof error.message).toBe('string');
  }
}

function readOk(input: string) {
  const result = readInterchange(input);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}\n${input}`);
  return result.interchange;
}

describe('writer round trip', () => {
  it('read(write(x)) gives x, service characters in data included', () => {
    fc.assert(
      fc.property(interchange, fc.boolean(), fc.boolean(), (x, newlines, una) => {
        const written = writeInterchange(x, {
          newlines,
          serviceStringAdvice: una || x.serviceChars !== undefined,
        });
        const back = readOk(written);
        expect(back.hasServiceStringAdvice).toBe(una || x.serviceChars !== undefined);
        expect(interchangeInput(back)).toEqual(x);
      }),
      { numRuns: 300 },
    );
  });
});

/** Where `marker` begins a segment: after a segment terminator that is not itself released (or a line feed). */
function trailerStarts(text: string, marker: string, terminator: string, release: string): number[] {
  const starts: number[] = [];
  for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) {
    let j = i - 1;
    if (text[j] === '\n') j--;
    if (text[j] !== terminator) continue;
    let releases = 0;
    for (let k = j - 1; k >= 0 && text[k] === release; k--) releases++;
    if (releases % 2 === 0) starts.push(i);
  }
  return starts;
}

/** A valid interchange with at least one message of at least one body segment, and its text. */
const written = interchange
  .filter((x) => x.messages.some((m) => m.segments.length > 0))
  .chain((x) => fc.boolean().map((newlines) => ({ x, text: writeInterchange(x, { newlines }) })));

describe('mutated interchanges: the reader never throws and names in-range positions', () => {
  it('truncation', () => {
    fc.assert(
      fc.property(written, fc.nat(), ({ text }, at) => {
        const end = text.trimEnd().length;
        const cut = text.slice(0, at % end);
        const result = readInterchange(cut);
        expect(result.ok).toBe(false);
        expectPositionsInRange(result, cut);
      }),
      { numRuns: 300 },
    );
  });

  it('a wrong count in UNT or UNZ', () => {
    fc.assert(
      fc.property(written, fc.integer({ min: 1, max: 50 }), fc.boolean(), ({ x, text }, delta, inUnz) => {
        const sc = { segment: "'", element: '+', release: '?', ...x.serviceChars };
        // The counted trailer as the writer wrote it: a tag right after an unreleased segment terminator.
        const marker = `UN${inUnz ? 'Z' : 'T'}${sc.element}`;
        const starts = trailerStarts(text, marker, sc.segment, sc.release);
        const at = inUnz ? starts.at(-1) : starts[0];
        if (at === undefined) return; // no message: no UNT
        const countStart = at + marker.length;
        let countEnd = countStart;
        while (/\d/.test(text[countEnd]!)) countEnd++;
        const count = Number(text.slice(countStart, countEnd)) + delta;
        const mutated = text.slice(0, countStart) + String(count) + text.slice(countEnd);
        const result = readInterchange(mutated);
        expect(result.ok).toBe(false);
        if (!result.ok)
          expect(result.errors.map((e) => e.code)).toContain(inUnz ? 'bad_unz_count' : 'bad_unt_count');
        expectPositionsInRange(result, mutated);
      }),
      { numRuns: 200 },
    );
  });

  it('a bad release character: at the end, or before a character that is not a service character', () => {
    fc.assert(
      fc.property(written, fc.nat(), fc.boolean(), ({ x, text }, at, atEnd) => {
        const release = x.serviceChars?.release ?? '?';
        const mutated = atEnd
          ? text.trimEnd() + release
          : // Before an upper case letter, which is never a service character nor released in valid text.
            (() => {
              // Not inside the UNA advice: a character before it would make it no advice at all.
              const after = text.startsWith('UNA') ? 9 : 0;
              const letters = [...text.matchAll(/[A-Z]/g)].map((m) => m.index!).filter((i) => i >= after);
              const i = letters[at % letters.length]!;
              return text.slice(0, i) + release + text.slice(i);
            })();
        const result = readInterchange(mutated);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => e.code)).toContain('bad_release');
        expectPositionsInRange(result, mutated);
      }),
      { numRuns: 200 },
    );
  });

  it('an unknown segment tag is read (syntax only): the mappers refuse it', () => {
    fc.assert(
      fc.property(written, ({ x }) => {
        const withUnknown: InterchangeInput = {
          ...x,
          messages: x.messages.map((m) => ({
            ...m,
            segments: [...m.segments, { tag: 'ZZZ', elements: [['X']] }],
          })),
        };
        const back = readOk(writeInterchange(withUnknown));
        for (const m of back.messages) expect(m.segments.at(-1)!.tag).toBe('ZZZ');
      }),
      { numRuns: 50 },
    );
  });

  it('random byte flips', () => {
    fc.assert(
      fc.property(
        written,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xff })), { minLength: 1, maxLength: 8 }),
        ({ text }, flips) => {
          const chars = [...text];
          for (const [at, byte] of flips) chars[at % chars.length] = String.fromCharCode(byte);
          const mutated = chars.join('');
          expectPositionsInRange(readInterchange(mutated), mutated);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary text, beyond latin1 too', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(..."UNABHZT+:'?*\n\r x€é"), maxLength: 200 }),
        (input) => {
          const result = readInterchange(input);
          if (!result.ok) {
            const bytes = new TextEncoder().encode(input).length;
            for (const e of result.errors)
              expect(e.offset).toBeLessThanOrEqual(Math.max(bytes, input.length));
          }
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
        expect(() => readInterchange(input)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
