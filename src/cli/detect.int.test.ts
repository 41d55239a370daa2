import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from '../store/testing/databases.js';
import { detectCommand } from './detect.js';
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

describe('portledger detect', () => {
  const dir = tempDirectory('detect');
  afterAll(() => dir.remove());
  const db = `sqlite:${join(dir.path, 'port.db')}`;

  it('catches up from the stored place, then has nothing to read; --once reads one batch', async () => {
    const system = await openSystem({ databaseUrl: db });
    await system.ledger.write(async ({ appendAtEnd }) => {
      await appendAtEnd(
        'probe-a',
        Array.from({ length: 30 }, (_, i) => ({ type: 'Probe', data: { i } })),
      );
    });
    const size = await system.store.logSize();
    await system.close();

    const once = sink();
    expect(
      await detectCommand(
        { db, once: true, batch: 10, json: true },
        { stdout: once.stream, stderr: sink().stream },
      ),
    ).toBe(0);
    expect(JSON.parse(once.text())).toMatchObject({ position: 10, applied: 10 });

    const rest = sink();
    expect(await detectCommand({ db }, { stdout: rest.stream, stderr: sink().stream })).toBe(0);
    expect(rest.text()).toMatch(
      new RegExp(`^detection read ${size - 10} event\\(s\\) and stands at index ${size}: `),
    );

    const again = sink();
    await detectCommand({ db, json: true }, { stdout: again.stream, stderr: sink().stream });
    expect(JSON.parse(again.text())).toMatchObject({ position: size, applied: 0 });
  });
});
