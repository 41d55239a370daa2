/**
 * A shifted wall clock for the processes `npm run load` starts (`node --import …/load-clock.js`), so that its run
 * falls just after a full hour of the demo terminal's opening hours, when three appointment slots are open at the
 * gate (`clockShiftMs` in load-plan.ts), at whatever time of day it is started. Every process of the run (the server
 * and the CLI that prepares its organisations, tokens and people) is shifted by the same amount, so the log's times
 * agree with one another; `performance.now()` and the timers are untouched, so no latency changes.
 *
 * Only `Date` is shifted: `Date.now()` and `new Date()` without arguments. A Proxy rather than a subclass, so that
 * dates made by native code are still `instanceof Date`.
 */

/** The environment variable that carries the shift, in milliseconds. */
export const CLOCK_SHIFT_ENV = 'PORTLEDGER_LOAD_CLOCK_SHIFT_MS';

const shiftMs = Number(process.env[CLOCK_SHIFT_ENV] ?? 0);
if (Number.isFinite(shiftMs) && shiftMs !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  RealDate.now = () => realNow() + shiftMs;
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return Reflect.construct(target, args.length === 0 ? [realNow() + shiftMs] : args, newTarget);
    },
  });
}
