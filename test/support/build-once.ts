import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** vitest global setup: the cross-process tests run the compiled CLI, so compile it once per run. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: resolve(import.meta.dirname, '..', '..'),
    stdio: 'inherit',
  });
}
