import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

const conformance = resolve(import.meta.dirname, '../../../shared/conformance/edifact');
const haveSamples = existsSync(conformance);

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += chunk;
      callback();
    },
  });
  return { stream, text: () => text };
}

describe.skipIf(!haveSamples)(
  `portledger edi import (issue 17, SQLite)${haveSamples ? '' : ' (skipped: ../shared/conformance/edifact is missing)'}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-edi-import-'));
    const db = `sqlite:${join(dir, 'port.db')}`;

    beforeAll(() => {
      vi.stubEnv('PORTLEDGER_PUBLIC_URL', 'https://port.example');
    });
    afterAll(() => {
      vi.unstubAllEnvs();
      rmSync(dir, { recursive: true, force: true });
    });

    async function run(...args: string[]) {
      const stdout = capture();
      const stderr = capture();
      const code = await main(['node', 'portledger', ...args, '--db', db], {
        stdout: stdout.stream,
        stderr: stderr.stream,
      });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    }

    it('applies a bay plan for the line named, prints one line per message, writes the CONTRL, and exits 1 on a refusal', async () => {
      expect(
        (await run('org', 'add', '--id', 'ool', '--kind', 'shipping_line', '--name', 'OOCL', '--code', 'OOL'))
          .code,
      ).toBe(0);
      const baplie = join(dir, 'baplie.edi');
      copyFileSync(join(conformance, 'D95BBAPLIE.edi'), baplie);

      const applied = await run('edi', 'import', '--as', 'OOL', baplie);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toMatch(
        /baplie\.edi: applied interchange LBCTI\/1865 as EDI-[0-9a-f]{24}, receipt at audit index \d+/,
      );
      expect(applied.stdout).toMatch(
        / {2}BAPLIE 1907: applied: announced 2; left out .* 1; other lines: MOL \(events \d+…\d+, 2\)/,
      );
      expect(readFileSync(`${baplie}.contrl.edi`, 'latin1')).toMatch(/UCI\+1865\+LBCTI:01\+OOCLIES:ZZ\+7'/);

      // Sent again: nothing changes, exit 0 (it is not refused), the first receipt named.
      const again = await run('edi', 'import', '--as', 'ool', baplie);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/duplicate interchange LBCTI\/1865: already received as EDI-/);

      // A sender that is not registered, and a file the reader refuses: exit 1, each named.
      const coparn = join(dir, 'coparn.edi');
      copyFileSync(join(conformance, 'generator-samples/COPARN.edi'), coparn);
      const unknown = await run('edi', 'import', coparn);
      expect(unknown.code).toBe(1);
      expect(unknown.stdout).toMatch(
        /refused interchange ME\/I5C5201079DADD: edi\.sender_unknown: the UNB sender ME/,
      );
      const broken = join(dir, 'broken.edi');
      writeFileSync(
        broken,
        readFileSync(join(conformance, 'D95BBAPLIE.edi'), 'latin1').slice(0, 300),
        'latin1',
      );
      const syntax = await run('edi', 'import', '--as', 'OOL', broken);
      expect(syntax.code).toBe(1);
      expect(syntax.stdout).toMatch(/edi\.syntax_invalid: .*segment \d+, byte \d+/);
    }, 120_000);

    it('says in one line on stderr that a file cannot be read', async () => {
      const missing = await run('edi', 'import', join(dir, 'nope.edi'));
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(`error: cannot read ${join(dir, 'nope.edi')}: ENOENT\n`);
    });
  },
);
