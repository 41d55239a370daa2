import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * vitest global setup: the cross-process tests run the compiled CLI, so compile it once per run.
 * `PORTLEDGER_TEST_TOLERATE_TYPE_ERRORS=1` keeps going when tsc reports type errors (it still emits), for
 * work in progress in a shared checkout; CI never sets it.
 */
export default function setup(): void {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
      cwd: resolve(import.meta.dirname, '..', '..'),
      stdio: 'inherit',
    });
  } catch (error) {
    if (process.env.PORTLEDGER_TEST_TOLERATE_TYPE_ERRORS !== '1') throw error;
    console.warn('build-once: tsc reported errors; continuing (PORTLEDGER_TEST_TOLERATE_TYPE_ERRORS=1)');
  }
}
