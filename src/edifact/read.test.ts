import { describe, expect, it } from 'vitest';
import { composite, element, occurrences, type ReadResult } from './interchange.js';
import { decodeInterchangeBytes, readInterchange } from './read.js';

/** A small valid interchange (UNOA syntax version 3, one message), one segment per line. */
const lines = [
  'UNB+UNOA:3+SENDER:ZZ+RECIPIENT:ZZ+260101:1200+REF1',
  'UNH+M1+CODECO:D:95B:UN:ITG14',
  'BGM+34+DOC1+9',
  'EQD+CN+MSKU1234565+22G1:102:5++2+5',
  'UNT+4+M1',
  'UNZ+1+REF1',
];
const valid = `${lines.join("'\n")}'\n`;

function errorsOf(result: ReadResult) {
  if (result.ok) throw new Error('expected the interchange to be refused');
  return result.errors;
}

function okOf(result: ReadResult) {
  if (!result.ok) throw new Error(`expected the interchange to be read: ${JSON.stringify(result.errors)}`);
  return result.interchange;
}

describe('readInterchange: envelopes', () => {
  it('reads the UNB header, the message header and its body segments with positions', () => {
    const x = okOf(readInterchange(valid));
    expect(x.syntax).toEqual({ identifier: 'UNOA', version: '3' });
    expect(x.sender).toEqual({ id: 'SENDER', qualifier: 'ZZ' });
    expect(x.recipient).toEqual({ id: 'RECIPIENT', qualifier: 'ZZ' });
    expect(x.preparedAt).toEqual({ date: '260101', time: '1200' });
    expect(x.controlRef).toBe('REF1');
    expect(x.hasServiceStringAdvice).toBe(false);
    expect(x.serviceChars).toEqual({
      component: ':',
      element: '+',
      decimal: '.',
      release: '?',
      repetition: ' ',
      segment: "'",
    });
    const [m] = x.messages;
    expect(m).toMatchObject({
      ref: 'M1',
      type: 'CODECO',
      version: 'D',
      release: '95B',
      agency: 'UN',
      associationCode: 'ITG14',
    });
    expect(m!.position).toEqual({ segment: 2, offset: valid.indexOf('UNH') });
    expect(m!.segments.map((s) => s.tag)).toEqual(['BGM', 'EQD']);
    const eqd = m!.segments[1]!;
    expect(eqd.position).toEqual({ segment: 4, offset: valid.indexOf('EQD') });
    expect(element(eqd, 1)).toBe('MSKU1234565');
    expect(composite(eqd, 2)).toEqual(['22G1', '102', '5']);
    expect(element(eqd, 3)).toBe('');
    expect(element(eqd, 9)).toBe('');
    expect(occurrences(eqd, 2)).toEqual([['22G1', '102', '5']]);
  });

  it('reads the same interchange without line breaks, and with CR LF between segments', () => {
    const flat = okOf(readInterchange(valid.replaceAll('\n', '')));
    const crlf = okOf(readInterchange(valid.replaceAll('\n', '\r\n')));
    expect(flat.messages[0]!.segments.map((s) => s.elements)).toEqual(
      crlf.messages[0]!.segments.map((s) => s.elements),
    );
    expect(crlf.messages[0]!.segments[1]!.position.offset).toBe(
      valid.replaceAll('\n', '\r\n').indexOf('EQD'),
    );
  });

  it('refuses a UNT whose segment count is wrong (UNH and UNT are counted)', () => {
    const text = valid.replace('UNT+4+M1', 'UNT+3+M1');
    expect(errorsOf(readInterchange(text))).toEqual([
      expect.objectContaining({ code: 'bad_unt_count', segment: 5, offset: text.indexOf('UNT') }),
    ]);
  });

  it('refuses a UNT whose reference differs from its UNH', () => {
    const text = valid.replace('UNT+4+M1', 'UNT+4+M2');
    expect(errorsOf(readInterchange(text))).toEqual([
      expect.objectContaining({ code: 'bad_unt_ref', segment: 5 }),
    ]);
  });

  it('refuses a UNZ whose message count or control reference is wrong', () => {
    const count = valid.replace('UNZ+1+REF1', 'UNZ+2+REF1');
    expect(errorsOf(readInterchange(count))).toEqual([
      expect.objectContaining({ code: 'bad_unz_count', segment: 6, offset: count.indexOf('UNZ') }),
    ]);
    const ref = valid.replace('UNZ+1+REF1', 'UNZ+1+REF2');
    expect(errorsOf(readInterchange(ref))).toEqual([
      expect.objectContaining({ code: 'bad_unz_ref', segment: 6 }),
    ]);
    expect(errorsOf(readInterchange(valid.replace('UNZ+1+REF1', 'UNZ+X+REF1')))[0]!.code).toBe(
      'bad_unz_count',
    );
  });

  it('refuses a missing UNB, UNT or UNZ, and data after UNZ', () => {
    expect(errorsOf(readInterchange(valid.slice(valid.indexOf('UNH'))))[0]).toMatchObject({
      code: 'missing_unb',
      segment: 1,
      offset: 0,
    });
    const noUnt = valid.replace("UNT+4+M1'\n", '');
    expect(errorsOf(readInterchange(noUnt))).toEqual([
      expect.objectContaining({ code: 'missing_unt', segment: 5, offset: noUnt.indexOf('UNZ') }),
    ]);
    const noUnz = valid.replace("UNZ+1+REF1'\n", '');
    expect(errorsOf(readInterchange(noUnz))).toEqual([
      expect.objectContaining({ code: 'missing_unz', segment: 6, offset: noUnz.length }),
    ]);
    const after = `${valid}UNB+UNOA:3+A+B+260101:1200+REF2'`;
    expect(errorsOf(readInterchange(after))).toEqual([
      expect.objectContaining({ code: 'data_after_unz', segment: 7, offset: valid.length }),
    ]);
  });

  it('refuses a segment outside a message, and a UNH without the mandatory S009 parts', () => {
    const outside = valid.replace("UNZ+1+REF1'", "BGM+1'\nUNZ+1+REF1'");
    expect(errorsOf(readInterchange(outside))).toEqual([
      expect.objectContaining({ code: 'unexpected_segment', segment: 6, offset: outside.indexOf("BGM+1'") }),
    ]);
    const unh = valid.replace('CODECO:D:95B:UN:ITG14', 'CODECO:D');
    expect(errorsOf(readInterchange(unh))).toEqual([
      expect.objectContaining({ code: 'bad_unh', segment: 2 }),
    ]);
  });

  it('counts functional groups in UNZ when UNG/UNE are used, and checks UNE', () => {
    const grouped = [
      'UNB+UNOA:3+SENDER+RECIPIENT+260101:1200+REF1',
      'UNG+CODECO+SENDER+RECIPIENT+260101:1200+G1+UN+D:95B',
      'UNH+M1+CODECO:D:95B:UN',
      'BGM+34',
      'UNT+3+M1',
      'UNH+M2+CODECO:D:95B:UN',
      'UNT+2+M2',
      'UNE+2+G1',
      'UNZ+1+REF1',
    ].join("'\n");
    const x = okOf(readInterchange(`${grouped}'`));
    expect(x.groups).toEqual([
      expect.objectContaining({
        ref: 'G1',
        messageType: 'CODECO',
        position: { segment: 2, offset: grouped.indexOf('UNG') },
      }),
    ]);
    expect(x.messages.map((m) => [m.ref, m.groupRef])).toEqual([
      ['M1', 'G1'],
      ['M2', 'G1'],
    ]);
    expect(errorsOf(readInterchange(`${grouped.replace('UNE+2+G1', 'UNE+1+G1')}'`))[0]!.code).toBe(
      'bad_une_count',
    );
    expect(errorsOf(readInterchange(`${grouped.replace('UNE+2+G1', 'UNE+2+G9')}'`))[0]!.code).toBe(
      'bad_une_ref',
    );
    expect(errorsOf(readInterchange(`${grouped.replace('UNZ+1+REF1', 'UNZ+2+REF1')}'`))[0]!.code).toBe(
      'bad_unz_count',
    );
  });

  it('hands back the UNB header of a refused interchange, to address a CONTRL', () => {
    const result = readInterchange(valid.replace('UNT+4+M1', 'UNT+9+M1'));
    expect(result).toMatchObject({ ok: false, envelope: { controlRef: 'REF1', sender: { id: 'SENDER' } } });
  });
});

describe('readInterchange: UNA, release characters, separators', () => {
  it('uses the UNA service characters', () => {
    const text = valid.replaceAll(':', '|').replaceAll('+', '#').replaceAll("'", '~').replaceAll('?', '!');
    const x = okOf(readInterchange(`UNA|#.! ~\n${text}`));
    expect(x.hasServiceStringAdvice).toBe(true);
    expect(x.serviceChars).toMatchObject({ component: '|', element: '#', release: '!', segment: '~' });
    expect(x.messages[0]!.segments[1]!.position).toEqual({ segment: 4, offset: 10 + text.indexOf('EQD') });
    expect(composite(x.messages[0]!.segments[1]!, 2)).toEqual(['22G1', '102', '5']);
  });

  it('refuses a malformed UNA at segment 0', () => {
    expect(errorsOf(readInterchange('UNA:+'))[0]).toMatchObject({ code: 'bad_una', segment: 0, offset: 0 });
    expect(errorsOf(readInterchange(`UNA::.? '${valid}`))[0]).toMatchObject({ code: 'bad_una', segment: 0 });
    expect(errorsOf(readInterchange(`UNA:+;? '${valid}`))[0]).toMatchObject({ code: 'bad_una', offset: 5 });
  });

  it('releases service characters in data and refuses a release before anything else', () => {
    const text = valid.replace('BGM+34+DOC1+9', "BGM+34+A?+B?:C???'D+9");
    const bgm = okOf(readInterchange(text)).messages[0]!.segments[0]!;
    expect(bgm.elements).toEqual([['34'], ["A+B:C?'D"], ['9']]);

    const bad = valid.replace('DOC1', 'DO?C1');
    expect(errorsOf(readInterchange(bad))).toEqual([
      expect.objectContaining({ code: 'bad_release', segment: 3, offset: bad.indexOf('?C1') }),
    ]);
    const atEnd = `${valid.trimEnd()}?`;
    expect(errorsOf(readInterchange(atEnd))[0]).toMatchObject({
      code: 'bad_release',
      offset: atEnd.length - 1,
    });
  });

  it('refuses a truncated interchange: an unterminated segment', () => {
    const cut = valid.slice(0, valid.indexOf('UNT+4') + 5);
    const errors = errorsOf(readInterchange(cut));
    expect(errors[0]).toMatchObject({ code: 'unterminated_segment', segment: 5, offset: cut.indexOf('UNT') });
  });

  it('refuses a line break inside a segment, and a bad segment tag', () => {
    const broken = valid.replace('DOC1', 'DO\nC1');
    expect(errorsOf(readInterchange(broken))).toEqual([
      expect.objectContaining({ code: 'bad_character', segment: 3, offset: broken.indexOf('\nC1') }),
    ]);
    const tag = valid.replace('BGM+34', 'bgm+34');
    expect(errorsOf(readInterchange(tag))).toContainEqual(
      expect.objectContaining({ code: 'bad_tag', segment: 3, offset: tag.indexOf('bgm') }),
    );
  });

  it('accepts any three-letter tag inside a message: unknown segments are the mappers’ concern', () => {
    const text = valid.replace('BGM+34', 'ZZZ+34');
    expect(okOf(readInterchange(text)).messages[0]!.segments[0]!.tag).toBe('ZZZ');
  });
});

describe('readInterchange: syntax levels and versions', () => {
  it('UNOA refuses lower case and characters outside level A; UNOB allows lower case', () => {
    const lower = valid.replace('DOC1', 'Doc1');
    expect(errorsOf(readInterchange(lower))).toEqual([
      expect.objectContaining({ code: 'bad_character', segment: 3, offset: lower.indexOf('oc1') }),
    ]);
    expect(errorsOf(readInterchange(valid.replace('DOC1', 'DOC@1')))[0]!.code).toBe('bad_character');
    expect(
      okOf(readInterchange(lower.replace('UNOA', 'UNOB'))).messages[0]!.segments[0]!.elements[1],
    ).toEqual(['Doc1']);
    expect(errorsOf(readInterchange(valid.replace('DOC1', 'DOC@1').replace('UNOA', 'UNOB')))[0]!.code).toBe(
      'bad_character',
    );
    expect(okOf(readInterchange(lower, { checkRepertoire: false })).controlRef).toBe('REF1');
  });

  it('checks the UNB itself against the level it names', () => {
    const text = valid.replace('SENDER', 'sender');
    expect(errorsOf(readInterchange(text))).toEqual([
      expect.objectContaining({ code: 'bad_character', segment: 1, offset: text.indexOf('sender') }),
    ]);
  });

  it('UNOC takes ISO 8859-1 text decoded from latin1 bytes; offsets are byte offsets', () => {
    const latin = valid.replace('UNOA', 'UNOC').replace('DOC1', 'Müller Straße');
    const bytes = new Uint8Array([...latin].map((c) => c.charCodeAt(0)));
    const x = okOf(readInterchange(decodeInterchangeBytes(bytes)));
    expect(element(x.messages[0]!.segments[0]!, 1)).toBe('Müller Straße');
    // One byte per latin1 character: the EQD starts at its character index.
    expect(x.messages[0]!.segments[1]!.position.offset).toBe(latin.indexOf('EQD'));
    // A control character is in no level.
    expect(errorsOf(readInterchange(latin.replace('Müller', 'M\u0001')))).toEqual([
      expect.objectContaining({ code: 'bad_character', segment: 3, offset: latin.indexOf('Müller') + 1 }),
    ]);
  });

  it('reports UTF-8 byte offsets when the text holds characters beyond latin1 (refused as bad characters)', () => {
    const text = valid.replace('UNOA', 'UNOC').replace('BGM+34+DOC1', 'BGM+34+É€X');
    const errors = errorsOf(readInterchange(text));
    // 'É' is 2 UTF-8 bytes, so the euro sign starts one byte later than its character index.
    expect(errors).toEqual([
      expect.objectContaining({ code: 'bad_character', segment: 3, offset: text.indexOf('€') + 1 }),
    ]);
  });

  it('refuses levels other than UNOA to UNOC', () => {
    expect(errorsOf(readInterchange(valid.replace('UNOA', 'UNOY')))[0]).toMatchObject({
      code: 'unsupported_syntax',
      segment: 1,
    });
  });

  it('splits repeated elements in syntax version 4 only (repetition separator *, UNA position 5)', () => {
    const v4 = valid.replace('UNOA:3', 'UNOA:4').replace('BGM+34+DOC1+9', 'BGM+34+A:1*B:2*C+9');
    const bgm = okOf(readInterchange(v4)).messages[0]!.segments[0]!;
    expect(bgm.elements).toEqual([['34'], ['A', '1'], ['9']]);
    expect(occurrences(bgm, 1)).toEqual([['A', '1'], ['B', '2'], ['C']]);
    expect(bgm.repetitions).toEqual([[['34']], [['A', '1'], ['B', '2'], ['C']], [['9']]]);
    expect(okOf(readInterchange(v4)).serviceChars.repetition).toBe('*');

    // Version 3: `*` is data, and `?*` is a bad release.
    const v3 = okOf(readInterchange(v4.replace('UNOA:4', 'UNOA:3'))).messages[0]!.segments[0]!;
    expect(v3.elements[1]).toEqual(['A', '1*B', '2*C']);
    expect(v3.repetitions).toBeUndefined();
    expect(errorsOf(readInterchange(valid.replace('DOC1', 'DOC?*1')))[0]!.code).toBe('bad_release');
    expect(
      okOf(readInterchange(valid.replace('UNOA:3', 'UNOA:4').replace('DOC1', 'DOC?*1'))).messages[0]!
        .segments[0]!.elements[1],
    ).toEqual(['DOC*1']);
  });

  it('refuses a repeated element in a service segment', () => {
    const v4 = valid.replace('UNOA:3', 'UNOA:4').replace('UNT+4+M1', 'UNT+4*4+M1');
    expect(errorsOf(readInterchange(v4))[0]).toMatchObject({ code: 'repetition_not_allowed', segment: 5 });
  });
});

describe('readInterchange: never throws', () => {
  it('answers for empty and odd inputs', () => {
    expect(errorsOf(readInterchange(''))[0]!.code).toBe('empty');
    expect(errorsOf(readInterchange('\n\n'))[0]!.code).toBe('missing_unb');
    expect(errorsOf(readInterchange('UNA'))[0]!.code).toBe('bad_una');
    expect(errorsOf(readInterchange("'''"))[0]!.code).toBe('bad_tag');
    expect(errorsOf(readInterchange(undefined as unknown as string))[0]!.code).toBe('empty');
  });

  it('reads long pathological inputs in one pass (no backtracking): releases, separators, one endless segment', () => {
    const big = 200_000;
    const header = "UNB+UNOA:3+A+B+260101:1200+R'UNH+1+X:D:95B:UN'";
    const releases = `${header}FTX+${'??'.repeat(big)}'UNT+3+1'UNZ+1+R'`;
    const ftx = readInterchange(releases);
    expect(ftx.ok && ftx.interchange.messages[0]!.segments[0]!.elements[0]![0]!.length).toBe(big);
    const separators = `${header}FTX${'+:'.repeat(big)}'UNT+3+1'UNZ+1+R'`;
    const wide = readInterchange(separators);
    expect(wide.ok && wide.interchange.messages[0]!.segments[0]!.elements.length).toBe(big);
    const endless = readInterchange(`${header}FTX+${'A'.repeat(big * 5)}`);
    expect(!endless.ok && endless.errors[0]!.code).toBe('unterminated_segment');
    const badReleases = readInterchange(`${header}FTX+${'?A'.repeat(big)}'`);
    expect(!badReleases.ok && badReleases.errors.at(-1)!.code).toBe('too_many_errors');
  });

  it('caps the number of errors', () => {
    const many = valid.replace("UNZ+1+REF1'", `${"BGM+1'".repeat(500)}UNZ+1+REF1'`);
    const errors = errorsOf(readInterchange(many, { maxErrors: 10 }));
    expect(errors).toHaveLength(11);
    expect(errors[10]!.code).toBe('too_many_errors');
  });
});
