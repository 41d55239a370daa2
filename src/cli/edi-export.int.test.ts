import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { addOrganisation } from '../app/access/index.js';
import { announceVisit, runVisitCommand } from '../app/visits/index.js';
import { readInterchange } from '../edifact/index.js';
import { tempDirectory } from '../store/testing/databases.js';
import { main } from './main.js';
import { openSystem } from './system.js';

const sink = () => {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk;
      done();
    },
  });
  return { stream, text: () => text };
};

async function run(...args: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['node', 'portledger', ...args], { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('portledger edi export', () => {
  const dir = tempDirectory('edi-export');
  afterAll(() => dir.remove());
  const db = `sqlite:${join(dir.path, 'port.db')}`;
  let gateInAt = '';

  beforeAll(async () => {
    const system = await openSystem({ databaseUrl: db });
    try {
      const auth = testAuthDeps(system.ledger);
      await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
      const { visitRef } = (
        await announceVisit(system.ledger, system.terminals, {
          containerNumber: 'MSCU1234566',
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'empty',
          arrival: { mode: 'truck' },
        })
      ).visit;
      const { events } = await runVisitCommand(system.ledger, system.terminals, visitRef, {
        type: 'GateInContainer',
        slot: { terminal: 'T1', block: 'A', bay: 3, row: 2, tier: 1 },
        truckPlate: '1-ABC-123',
      });
      gateInAt = String(events[0]?.data.at);
    } finally {
      await system.close();
    }
  }, 60_000);

  it('writes the CODECO to --out, says what it holds, and the same range again has the same reference', async () => {
    const out = join(dir.path, 'codeco.edi');
    const first = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'mscu',
      '--type',
      'CODECO',
      '--locode',
      'BEANR',
      '--out',
      out,
      '--json',
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      line: 'MSCU',
      type: 'CODECO',
      fromIndex: 0,
      complete: true,
      messages: 1,
      out,
    });
    // The terminals' zone by default: the demo terminal's clocks are in Brussels.
    expect(summary.timeZone).toBe('Europe/Brussels');

    const read = readInterchange(readFileSync(out, 'latin1'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.interchange.controlRef).toBe(summary.controlRef);
    expect(read.interchange.sender.id).toBe('PORTLEDGER');
    const eqd = read.interchange.messages[0]?.segments.find((s) => s.tag === 'EQD');
    expect(eqd?.elements.slice(0, 2)).toEqual([['CN'], ['MSCU1234566']]);
    expect(readFileSync(out, 'latin1')).not.toContain('A-03-02');
    // The demo terminal's layout names its UN/LOCODE and SMDG facility code.
    expect(readFileSync(out, 'latin1')).toContain("LOC+165+BEANR:139:6+PLT1:TER:ZZZ'");

    const again = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'MSCU',
      '--type',
      'CODECO',
      '--locode',
      'beanr',
      '--to-index',
      String(summary.toIndex),
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`control reference ${summary.controlRef}`);
    expect(again.stdout).toMatch(/^UNB\+UNOC:3\+PORTLEDGER\+MSCU\+/);
    expect(gateInAt).not.toBe('');
  });

  it('says so when the range holds nothing, and refuses a bad line or UN/LOCODE in one line', async () => {
    const none = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'MSCU',
      '--type',
      'COARRI',
      '--locode',
      'BEANR',
    );
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(
      /^COARRI for MSCU: no move of its boxes in audit indexes \[0, \d+\); nothing written\n$/,
    );

    const later = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'MSCU',
      '--type',
      'CODECO',
      '--locode',
      'BEANR',
      '--since',
      '2099-01-01T00:00:00Z',
    );
    expect(later.code).toBe(0);
    expect(later.stderr).toMatch(/nothing written\n$/);
    const both = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'MSCU',
      '--type',
      'CODECO',
      '--locode',
      'BEANR',
      '--since',
      '2099-01-01T00:00:00Z',
      '--from-index',
      '0',
    );
    expect(both.code).not.toBe(0);
    expect(both.stderr.split('\n').filter(Boolean)).toHaveLength(1);

    const unknown = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'NOPE',
      '--type',
      'CODECO',
      '--locode',
      'BEANR',
    );
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/^error: org.not_found: no shipping line has the code "NOPE"\n$/);

    const locode = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'MSCU',
      '--type',
      'CODECO',
      '--locode',
      'Antwerp',
    );
    expect(locode.code).not.toBe(0);
    expect(locode.stderr.split('\n').filter(Boolean)).toHaveLength(1);

    const type = await run(
      'edi',
      'export',
      '--db',
      db,
      '--line',
      'MSCU',
      '--type',
      'BAPLIE',
      '--locode',
      'BEANR',
    );
    expect(type.code).not.toBe(0);
    expect(type.stderr).toContain('BAPLIE');
  });
});
