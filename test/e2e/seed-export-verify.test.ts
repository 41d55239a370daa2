import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * Acceptance: on SQLite, `seed` with 20,000 containers, then `export` and `verify`, succeeds; changing one byte of
 * one leaf, or dropping a line, makes `verify` exit 1 and name the index.
 */
describe('seed 20,000 containers, export, verify (SQLite, across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-e2e-'));
  const db = `sqlite:${join(dir, 'port.db')}`;
  const out = join(dir, 'export');
  let entries: string[] = [];
  let seededEvents = 0;

  beforeAll(async () => {
    const seeded = await runCli(['seed', '--db', db, '--containers', '20000', '--seed', 'acceptance']);
    expect(seeded.stderr).toBe('');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/20000 announced/);
    seededEvents = Number(seeded.stdout.match(/; (\d+) events/)?.[1]);
    const exported = await runCli(['export', '--db', db, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    entries = readFileSync(join(out, 'entries.jsonl'), 'utf8').trimEnd().split('\n');
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies the export', async () => {
    expect(entries.length).toBe(seededEvents);
    expect(seededEvents).toBeGreaterThan(40_000);
    const verified = await runCli(['verify', out]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`^verified ${entries.length} entries`));
    expect(verified.stdout.trim().split('\n')).toHaveLength(1);
  });

  function tamperedCopy(name: string, change: (lines: string[]) => string[]): string {
    const copy = join(dir, name);
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy);
    for (const file of ['checkpoint', 'log.pub']) {
      writeFileSync(join(copy, file), readFileSync(join(out, file)), { flag: 'w' });
    }
    writeFileSync(join(copy, 'entries.jsonl'), `${change([...entries]).join('\n')}\n`);
    return copy;
  }

  it('names the index when one byte of one leaf changes', async () => {
    const index = 31_337;
    const copy = tamperedCopy('one-byte', (lines) => {
      const entry = JSON.parse(lines[index]!);
      const leaf = Buffer.from(entry.leaf, 'base64');
      leaf[leaf.length - 10] ^= 0x01;
      entry.leaf = leaf.toString('base64');
      lines[index] = JSON.stringify(entry);
      return lines;
    });
    const verified = await runCli(['verify', copy]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(new RegExp(`index ${index}\\b`));
  });

  it('names the index when a line is dropped', async () => {
    const index = 4_242;
    const copy = tamperedCopy('dropped', (lines) => lines.filter((_, i) => i !== index));
    const verified = await runCli(['verify', copy]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(new RegExp(`index ${index}\\b`));
  });

  it('rejects a checkpoint signed by another key', async () => {
    const copy = tamperedCopy('other-key', (lines) => lines);
    const key = readFileSync(join(out, 'log.pub'), 'utf8');
    // Same name and key id, other key bytes: the signature no longer verifies.
    const other = key.replace(/\+([A-Za-z0-9+/=]+)\n?$/, (_, b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[5] ^= 0x40;
      return `+${bytes.toString('base64')}\n`;
    });
    writeFileSync(join(copy, 'log.pub'), other);
    const verified = await runCli(['verify', copy]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/checkpoint|signature|key/i);
  });
});
