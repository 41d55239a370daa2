import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';
import { openSystem } from './system.js';

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

describe("portledger org networks: an organisation's declared client networks (issue 15, SQLite)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-org-networks-'));
  const db = `sqlite:${join(dir, 'port.db')}`;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

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

  it('declares the networks from a file, prints them back, and refuses a bad file whole', async () => {
    expect(
      (await run('org', 'add', '--id', 'msc', '--kind', 'shipping_line', '--name', 'MSC', '--code', 'MSCU'))
        .code,
    ).toBe(0);
    const networks = [
      { cidr: '192.0.2.0/24', place: 'Antwerp', lat: 51.2194, lon: 4.4025 },
      { cidr: '198.51.100.0/24', place: 'Geneva', lat: 46.2044, lon: 6.1432 },
    ];
    const set = await run(
      'org',
      'networks',
      '--org',
      'msc',
      '--file',
      file('ok.json', JSON.stringify(networks)),
    );
    expect(set).toMatchObject({
      code: 0,
      stdout: 'organisation msc: 2 client networks declared (Antwerp, Geneva)\n',
    });

    const shown = await run('org', 'networks', '--org', 'msc');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      orgId: 'msc',
      networks,
      setBy: expect.stringMatching(/^cli:/),
      setAt: expect.any(String),
    });

    // The API's body shape works too.
    const body = file('body.json', JSON.stringify({ networks: networks.slice(0, 1) }));
    expect((await run('org', 'networks', '--org', 'msc', '--file', body)).stdout).toContain(
      '1 client network declared',
    );

    const bad = await run(
      'org',
      'networks',
      '--org',
      'msc',
      '--file',
      file('bad.json', JSON.stringify([{ ...networks[0], lat: 95 }])),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('networks[0].lat');
    const notJson = await run('org', 'networks', '--org', 'msc', '--file', file('x.json', 'cidr,place'));
    expect(notJson.code).not.toBe(0);
    expect(notJson.stderr).toContain('is not a readable JSON file');
    const noOrg = await run('org', 'networks', '--org', 'nope');
    expect(noOrg.code).not.toBe(0);
    expect(noOrg.stderr).toContain('no organisation nope');

    // Two declarations in the log; the refused files wrote nothing.
    const system = await openSystem({ databaseUrl: db });
    try {
      const events = (await system.store.readStream('org-msc')).filter(
        (e) => e.type === 'OrganisationNetworksSet',
      );
      expect(events.map((e) => (e.data.networks as unknown[]).length)).toEqual([2, 1]);
    } finally {
      await system.close();
    }
  });
});
