/**
 * Every UN/EDIFACT sample of ../shared/conformance/edifact (see its README) is read: either cleanly, or refused with
 * a precise error (code, segment ordinal, byte offset). The samples live outside the repository and are never
 * copied in; the suite skips, visibly, when they are missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInterchange } from './read.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const edifactDir = path.resolve(here, '../../../shared/conformance/edifact');
const missing = !existsSync(edifactDir);

/** The bytes of a sample, decoded one character per byte (see read.ts). */
function sample(name: string): string {
  return readFileSync(path.join(edifactDir, name)).toString('latin1');
}

/** The samples that read cleanly: message types, body segments per message, EQD segments. */
const clean: { file: string; types: string[]; bodySegments: number[]; eqd: number }[] = [
  { file: 'D95BBAPLIE.edi', types: ['BAPLIE'], bodySegments: [28], eqd: 3 },
  { file: 'D95BCOARRI.edi', types: ['COARRI', 'COARRI'], bodySegments: [31, 235], eqd: 21 },
  // The README: one message of 19,839 segments (UNH and UNT included) and 2,799 EQD.
  { file: 'full/D95BBAPLIE-full.edi', types: ['BAPLIE'], bodySegments: [19_837], eqd: 2_799 },
  {
    file: 'full/D95BCOARRI-full.edi',
    types: ['COARRI', 'COARRI', 'COARRI', 'COARRI'],
    bodySegments: [31, 235, 5_689, 3_397],
    eqd: 828,
  },
  { file: 'generator-samples/CODECO.edi', types: ['CODECO'], bodySegments: [11], eqd: 1 },
  { file: 'generator-samples/COPARN.edi', types: ['COPARN'], bodySegments: [29], eqd: 1 },
  { file: 'generator-samples/COPINO.edi', types: ['COPINO'], bodySegments: [16], eqd: 1 },
  { file: 'generator-samples/COPRAR.edi', types: ['COPRAR'], bodySegments: [23], eqd: 1 },
  // UNOC (ISO 8859-1): lower case and `@` are in its repertoire; `COM+?+49…` releases a `+`.
  { file: 'generator-samples/ORDERS.edi', types: ['ORDERS'], bodySegments: [13], eqd: 0 },
];

/**
 * The samples refused, and why. Their UNT/UNZ counts are all right (the README checked them, and so does this
 * reader); what is wrong is the syntax level they declare, or the message header.
 */
const refused: { file: string; why: string; errors: { code: string; segment: number; offset: number }[] }[] =
  [
    {
      file: 'generator-samples/COHAOR.edi',
      // Declares UNOA (level A: upper case only, ISO 9735-1:2002 §6) but writes lower case: the BGM document
      // number "5c51f7d31e599", "My Party" in NAD and "Bananas" in FTX. One error per segment.
      why: 'lower case under UNOA',
      errors: [
        { code: 'bad_character', segment: 3, offset: 97 },
        { code: 'bad_character', segment: 4, offset: 119 },
        { code: 'bad_character', segment: 8, offset: 248 },
      ],
    },
    {
      file: 'generator-samples/VERMAS.edi',
      // Declares UNOA but the two COM e-mail addresses hold "@", which is in no level A or B repertoire (Annex A).
      why: '"@" under UNOA',
      errors: [
        { code: 'bad_character', segment: 7, offset: 175 },
        { code: 'bad_character', segment: 17, offset: 390 },
      ],
    },
    {
      file: 'generator-samples/WESTIM.edi',
      // ISO 9897 (CEDEX) style, not UN/EDIFACT: `UNH+ESTNUMBER+WESTIM:0` has no release (0054) nor controlling agency
      // (0051), both mandatory in S009 (ISO 9735-1:2002 ISO 9735-2, UNH).
      why: 'UNH S009 without release and agency',
      errors: [{ code: 'bad_unh', segment: 2, offset: 57 }],
    },
  ];

describe.skipIf(missing)(
  `UN/EDIFACT conformance samples (${missing ? `SKIPPED: ${edifactDir} is missing` : edifactDir})`,
  () => {
    it.each(clean)('reads $file cleanly', ({ file, types, bodySegments, eqd }) => {
      const result = readInterchange(sample(file));
      if (!result.ok) throw new Error(`${file} refused: ${JSON.stringify(result.errors)}`);
      const { messages } = result.interchange;
      expect(messages.map((m) => m.type)).toEqual(types);
      expect(messages.map((m) => m.segments.length)).toEqual(bodySegments);
      expect(messages.flatMap((m) => m.segments).filter((s) => s.tag === 'EQD')).toHaveLength(eqd);
    });

    it.each(refused)('refuses $file ($why) naming segment and byte offset', ({ file, errors }) => {
      const text = sample(file);
      const result = readInterchange(text);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.map(({ code, segment, offset }) => ({ code, segment, offset }))).toEqual(errors);
      // The UNB was fine: a CONTRL can name the interchange it refuses.
      expect(result.envelope?.controlRef).toBeTruthy();
    });

    it('reads the UNOA samples with lower case or "@" when the repertoire check is off', () => {
      for (const file of ['generator-samples/COHAOR.edi', 'generator-samples/VERMAS.edi']) {
        expect(readInterchange(sample(file), { checkRepertoire: false }).ok).toBe(true);
      }
    });

    it('names where the first EQD of the BAPLIE is: segment ordinal and byte offset', () => {
      const text = sample('D95BBAPLIE.edi');
      const result = readInterchange(text);
      if (!result.ok) throw new Error('refused');
      const [message] = result.interchange.messages;
      const eqd = message!.segments.find((s) => s.tag === 'EQD')!;
      expect(eqd.position).toEqual({ segment: 15, offset: text.indexOf('EQD+CN+OOLU4293959') });
      expect(eqd.elements[1]).toEqual(['OOLU4293959']);
      expect(result.interchange).toMatchObject({
        syntax: { identifier: 'UNOA', version: '2' },
        sender: { id: 'LBCTI', qualifier: '01' },
        recipient: { id: 'OOCLIES', qualifier: 'ZZ' },
        preparedAt: { date: '160414', time: '0307' },
        controlRef: '1865',
      });
      expect(message).toMatchObject({
        ref: '1907',
        version: 'D',
        release: '95B',
        agency: 'UN',
        associationCode: 'SMDG20',
      });
    });
  },
);
