// Regenerates the configuration table in README.md from the settings declaration (src/config/settings.ts) and
// the detection rules' settings generated from the registry (src/cli/detection-settings.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { fullSettingsTable } from '../dist/src/cli/detection-settings.js';

const readme = readFileSync('README.md', 'utf8');
const updated = readme.replace(
  /<!-- settings:start -->[\s\S]*<!-- settings:end -->/,
  `<!-- settings:start -->\n${fullSettingsTable()}\n<!-- settings:end -->`,
);
writeFileSync('README.md', updated);
