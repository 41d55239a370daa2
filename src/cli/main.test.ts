import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

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

async function run(...args: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await main(['node', 'portledger', ...args], { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('portledger CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help and exits 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    for (const command of ['serve', 'seed', 'export', 'verify', 'proof'])
      expect(result.stdout).toContain(command);
  });

  it.each([
    [['seed', '--containers', 'lots']],
    [['seed', '--bogus']],
    [['frobnicate']],
    [['proof', 'inclusion']],
    [['proof', 'inclusion', '--index', '-1']],
    [['export']],
    [['proof', 'inclusion', '--index', '1', '--db', 'mysql://nowhere/db']],
  ])('refuses %j with one line on stderr and exit 2', async (args) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('fails with one line and exit 1 when verify finds no export', async () => {
    const result = await run('verify', join(dir, 'missing'));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails with one line and exit 1 on a proof the log cannot give', async () => {
    const result = await run('proof', 'inclusion', '--index', '5', '--db', `sqlite:${join(dir, 'empty.db')}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: audit\.checkpoint_missing/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
