// Regenerates the configuration table in README.md from the settings declaration (src/config/settings.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { settingsTable } from '../dist/src/config/settings.js';

const readme = readFileSync('README.md', 'utf8');
const updated = readme.replace(
  /<!-- settings:start -->[\s\S]*<!-- settings:end -->/,
  `<!-- settings:start -->\n${settingsTable()}\n<!-- settings:end -->`,
);
writeFileSync('README.md', updated);
