import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { openTestLedger, type TestLedger, testSlots, testTerminals } from '../../test/support/ledger.js';
import { pickupDepsFor } from '../app/appointments/index.js';
import { seedDemoIdentities } from './demo-identities.js';
import { startSimulator } from './simulator.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 6: the live simulator on its timer. Each step goes through the use cases; a refusal is logged as such and
 * never stops the loop; `stop` waits for the step under way. (The pickup flow itself is asserted step by step in
 * `demo-cargo.int.test.ts`, on the seeded demo port.)
 */
describe('the live simulator on its timer (sqlite)', () => {
  let fixture: TestLedger;

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
  });

  afterAll(async () => {
    await fixture?.cleanup();
  });

  it('keeps the port moving every interval, through the use cases, and stops cleanly', async () => {
    const auth = testAuthDeps(fixture.ledger);
    await seedDemoIdentities(auth, () => 'demo-password-for-tests-1');
    const before = await fixture.store.logSize();
    const logged: { level: 'info' | 'warn'; message: string }[] = [];
    const simulator = startSimulator({
      ledger: fixture.ledger,
      terminals: testTerminals,
      intervalMs: 20,
      log: {
        info: (message) => logged.push({ level: 'info', message }),
        warn: (message) => logged.push({ level: 'warn', message }),
      },
      cargo: { auth, pickup: pickupDepsFor({ signer: fixture.ledger.log.signer, slots: testSlots }) },
      seed: 'timer-test',
    });
    const deadline = Date.now() + 20_000;
    while (logged.length < 15 && Date.now() < deadline) await sleep(50);
    await simulator.stop();
    const count = logged.length;
    await sleep(100);
    expect(logged.length, 'no step after stop').toBe(count);

    expect(count).toBeGreaterThanOrEqual(15);
    // Only refusals of the domain are warned about, and they are the exception.
    for (const line of logged.filter((l) => l.level === 'warn')) expect(line.message).toMatch(/refused \(/);
    expect(logged.filter((l) => l.level === 'info').length).toBeGreaterThan(count / 2);

    const events = await fixture.store.readEvents(before, 10_000);
    const types = new Set(events.map((e) => e.type));
    expect(types.has('VisitAnnounced')).toBe(true);
    expect(types.has('ContainerGatedIn') || types.has('ContainerDischarged')).toBe(true);
  }, 60_000);
});
