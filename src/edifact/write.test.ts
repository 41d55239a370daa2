import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InterchangeInput } from './interchange.js';
import { readInterchange } from './read.js';
import { interchangeInput, writeInterchange } from './write.js';

const codeco: InterchangeInput = {
  syntax: { identifier: 'UNOA', version: '3' },
  sender: { id: 'PORTLEDGER', qualifier: 'ZZ' },
  recipient: { id: 'MAEU' },
  preparedAt: { date: '260101', time: '1200' },
  controlRef: 'IC1',
  messages: [
    {
      ref: 'M1',
      type: 'CODECO',
      version: 'D',
      release: '95B',
      agency: 'UN',
      associationCode: 'ITG14',
      segments: [
        { tag: 'BGM', elements: [['34'], ['GATE+OUT:1?'], ['9']] },
        { tag: 'EQD', elements: [['CN'], ['MSKU1234565'], ['22G1', '102', '5'], [''], ['2'], ['5']] },
      ],
    },
  ],
};

describe('writeInterchange', () => {
  it('writes the envelope with counts and releases service characters in data', () => {
    expect(writeInterchange(codeco)).toBe(
      [
        'UNB+UNOA:3+PORTLEDGER:ZZ+MAEU+260101:1200+IC1',
        'UNH+M1+CODECO:D:95B:UN:ITG14',
        'BGM+34+GATE?+OUT?:1??+9',
        'EQD+CN+MSKU1234565+22G1:102:5++2+5',
        'UNT+4+M1',
        'UNZ+1+IC1',
        '',
      ].join("'\n"),
    );
  });

  it('writes one line, the UNA advice on request, and other service characters', () => {
    const flat = writeInterchange(codeco, { newlines: false, serviceStringAdvice: true });
    expect(flat.startsWith("UNA:+.? 'UNB+")).toBe(true);
    expect(flat).not.toContain('\n');
    const custom = writeInterchange({ ...codeco, serviceChars: { element: '#', segment: '~' } });
    expect(custom.startsWith('UNA:#.? ~\nUNB#UNOA:3#')).toBe(true);
    const back = readInterchange(custom);
    expect(back.ok && back.interchange.messages[0]!.segments[0]!.elements[1]).toEqual(['GATE+OUT:1?']);
  });

  it('writes repeated elements in syntax version 4 only', () => {
    const v4: InterchangeInput = {
      ...codeco,
      syntax: { identifier: 'UNOA', version: '4' },
      messages: [
        {
          ...codeco.messages[0]!,
          segments: [{ tag: 'FTX', elements: [['A'], ['X*Y']], repetitions: [[['A']], [['X*Y'], ['Z']]] }],
        },
      ],
    };
    expect(writeInterchange(v4)).toContain("FTX+A+X?*Y*Z'");
    expect(() => writeInterchange({ ...v4, syntax: { identifier: 'UNOA', version: '3' } })).toThrow(
      /version 4/,
    );
  });

  it('refuses what our reader would refuse: lower case under UNOA, bad tags, other levels', () => {
    const lower = structuredClone(codeco);
    lower.messages[0]!.segments[0]!.elements[1] = ['Gate'];
    expect(() => writeInterchange(lower)).toThrow(/UNOA repertoire/);
    expect(writeInterchange({ ...lower, syntax: { identifier: 'UNOB', version: '3' } })).toContain(
      'BGM+34+Gate+9',
    );
    const tag = structuredClone(codeco);
    tag.messages[0]!.segments[0]!.tag = 'bgm';
    expect(() => writeInterchange(tag)).toThrow(/tag/);
    expect(() => writeInterchange({ ...codeco, syntax: { identifier: 'UNOY', version: '4' } })).toThrow(
      /UNOY/,
    );
  });

  it('round trips the hand-written interchange', () => {
    const back = readInterchange(writeInterchange(codeco));
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(interchangeInput(back.interchange)).toEqual(codeco);
  });
});

const baplie = path.resolve(
  import.meta.dirname,
  '../../../shared/conformance/edifact/full/D95BBAPLIE-full.edi',
);
describe.skipIf(!existsSync(baplie))(
  `writing back the full BAPLIE (${existsSync(baplie) ? baplie : `SKIPPED: ${baplie} is missing`})`,
  () => {
    it('read → write → read gives the same interchange, and the same text', () => {
      const text = readFileSync(baplie).toString('latin1');
      const first = readInterchange(text);
      if (!first.ok) throw new Error(JSON.stringify(first.errors));
      const rewritten = writeInterchange(interchangeInput(first.interchange));
      // The sample is one segment per line with "\n", default separators, no UNA: exactly what the writer writes.
      expect(rewritten).toBe(text.endsWith('\n') ? text : `${text}\n`);
      const second = readInterchange(rewritten);
      if (!second.ok) throw new Error(JSON.stringify(second.errors));
      expect(interchangeInput(second.interchange)).toEqual(interchangeInput(first.interchange));
    });
  },
);
