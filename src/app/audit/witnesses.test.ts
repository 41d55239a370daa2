import { describe, expect, it } from 'vitest';
import { addCheckpointBody, quorumSize } from './witnesses.usecases.js';

describe('addCheckpointBody (tlog-witness §add-checkpoint)', () => {
  const note =
    'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
    '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

  it('is the old size line, one base64 line per proof hash, an empty line, then the signed checkpoint', () => {
    // The example request body of the specification, from its proof hashes.
    const proof = [
      'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=',
      'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=',
      '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=',
      '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
    ];
    const body = addCheckpointBody(
      20852014,
      proof.map((line) => new Uint8Array(Buffer.from(line, 'base64'))),
      note,
    );
    expect(body).toBe(`old 20852014\n${proof.map((line) => `${line}\n`).join('')}\n${note}`);
  });

  it('sends old 0 and no proof to a witness that never cosigned', () => {
    expect(addCheckpointBody(0, [], note)).toBe(`old 0\n\n${note}`);
  });
});

describe('quorumSize', () => {
  it('is the largest size at least `quorum` witnesses have cosigned', () => {
    expect(quorumSize([10, 7, 12], 2)).toBe(10);
    expect(quorumSize([10, 7, 12], 3)).toBe(7);
    expect(quorumSize([10, null, 12], 1)).toBe(12);
  });

  it('is null while fewer than `quorum` witnesses have cosigned anything', () => {
    expect(quorumSize([null, 5], 2)).toBeNull();
    expect(quorumSize([], 1)).toBeNull();
  });
});
