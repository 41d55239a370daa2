import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { LeaderRole } from '../app/ports.js';
import {
  type LeadershipHandle,
  leaderLockKey,
  soleLeadership,
  startPostgresLeadership,
} from './leadership.js';
import { describeWithPostgres, TEST_POSTGRES_URL } from './testing/databases.js';

const roles: LeaderRole[] = ['checkpoint-signer', 'integrity-sweep', 'detection-engine', 'outbox-dispatcher'];

async function waitUntil(what: string, holds: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

await describeWithPostgres('leaders elected with PostgreSQL advisory locks (issue 13)', () => {
  const open: LeadershipHandle[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((handle) => handle.close()));
  });
  const start = async (namespace: string) => {
    const handle = await startPostgresLeadership({ url: TEST_POSTGRES_URL, namespace, roles, retryMs: 50 });
    open.push(handle);
    return handle;
  };

  it('gives each role to exactly one of three processes, and hands it over when the holder goes', async () => {
    const namespace = `test-${randomUUID()}`;
    const three = [await start(namespace), await start(namespace), await start(namespace)];
    for (const role of roles) {
      expect(three.filter((handle) => handle.holds(role))).toHaveLength(1);
    }
    const signer = three.find((handle) => handle.holds('checkpoint-signer'))!;
    await signer.close();
    const others = three.filter((handle) => handle !== signer);
    await waitUntil('another process signs', () =>
      others.some((handle) => handle.holds('checkpoint-signer')),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(others.filter((handle) => handle.holds('checkpoint-signer'))).toHaveLength(1);
    expect(signer.held()).toEqual([]);
  });

  it('keeps two logs on one server apart', async () => {
    const a = await start(`test-${randomUUID()}`);
    const b = await start(`test-${randomUUID()}`);
    expect(a.held().sort()).toEqual([...roles].sort());
    expect(b.held().sort()).toEqual([...roles].sort());
  });
});

it('a process alone on its database holds every role; the lock keys differ by namespace and role', () => {
  expect(roles.every((role) => soleLeadership().holds(role))).toBe(true);
  expect(soleLeadership().held().sort()).toEqual([...roles].sort());
  const keys = new Set(
    ['a', 'b'].flatMap((namespace) => roles.map((role) => leaderLockKey(namespace, role))),
  );
  expect(keys.size).toBe(2 * roles.length);
  for (const key of keys) expect(BigInt(key)).toBe(BigInt.asIntN(64, BigInt(key)));
});
