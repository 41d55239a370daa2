import { expect, it } from 'vitest';
import { describeWithPostgres, twoInstancesOnOneSchema } from '../../store/testing/databases.js';
import { SharedGateThrottle } from './gate-throttle.js';

/** Issue 13: the gate's rate limits hold across instances on one PostgreSQL database. */
await describeWithPostgres('the gate throttle shared by two instances on one PostgreSQL', () => {
  const instances = twoInstancesOnOneSchema('throttle');
  const settings = { kioskLimit: 3, credentialLimit: 2, windowSeconds: 60 };

  it('counts a kiosk’s attempts on both, and tells when to come back', async () => {
    const onA = new SharedGateThrottle(instances.a.windowCounts!, settings);
    const onB = new SharedGateThrottle(instances.b.windowCounts!, settings);
    const at = (seconds: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, seconds));
    expect(await onA.admit({ kiosk: 'token:k-1' }, at(0))).toEqual({ admitted: true });
    expect(await onB.admit({ kiosk: 'token:k-1' }, at(10))).toEqual({ admitted: true });
    expect(await onA.admit({ kiosk: 'token:k-1' }, at(20))).toEqual({ admitted: true });
    expect(await onB.admit({ kiosk: 'token:k-1' }, at(30))).toEqual({
      admitted: false,
      limitedBy: 'kiosk',
      retryAfterSeconds: 30,
    });
    // Another kiosk is not held back; the first is let in again once its oldest attempt left the window.
    expect(await onB.admit({ kiosk: 'token:k-2' }, at(30))).toEqual({ admitted: true });
    expect(await onA.admit({ kiosk: 'token:k-1' }, at(61))).toEqual({ admitted: true });
    // A credential's own limit, whichever kiosk scans it.
    expect(await onA.admit({ kiosk: 'token:k-3', credential: 'plp1.abc.def.ghi' }, at(0))).toEqual({
      admitted: true,
    });
    expect(await onB.admit({ kiosk: 'token:k-4', credential: 'plp1.abc.def.ghi' }, at(1))).toEqual({
      admitted: true,
    });
    expect(await onB.admit({ kiosk: 'token:k-5', credential: 'plp1.abc.def.ghi' }, at(2))).toMatchObject({
      admitted: false,
      limitedBy: 'credential',
    });
  });

  it('admits exactly the limit when two instances race', async () => {
    const throttles = [instances.a, instances.b].map(
      (store) => new SharedGateThrottle(store.windowCounts!, { ...settings, kioskLimit: 5 }),
    );
    const now = new Date();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => throttles[i % 2]!.admit({ kiosk: 'token:racing' }, now)),
    );
    expect(answers.filter((answer) => answer.admitted)).toHaveLength(5);
  });
});
