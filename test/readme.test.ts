import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullSettingsTable } from '../src/cli/detection-settings.js';

describe('README', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '..', 'README.md'), 'utf8');

  it('documents every setting as declared (regenerate with `npm run docs:config`)', () => {
    const section = readme.match(/<!-- settings:start -->\n([\s\S]*?)\n<!-- settings:end -->/)?.[1];
    expect(section).toBe(fullSettingsTable());
  });

  it('starts with the two-command quick start', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
