/**
 * The detection engine's settings (issue 15): on or off, the dwell norm, and one `PORTLEDGER_DETECT_<RULE>_<NAME>`
 * per number in each registered rule's `defaults` (its severity included), generated from the registry so that a
 * new rule's thresholds are settings the moment it is registered. A bad value stops the start with one line that
 * names the variable and what it accepts.
 */
import { readSetting, type SettingDeclaration, settingsTable } from '../config/settings.js';
import {
  DETECTION_RULE_SET,
  type DetectionCoreOptions,
  type Rule,
  type RuleSettings,
} from '../domain/index.js';

const SEVERITIES = ['critical', 'high', 'medium'] as const;

/**
 * The variable of one rule setting: the rule id and the setting's name upper-cased, dots and camel humps as
 * underscores.
 *
 * @example
 * ```ts
 * ruleSettingEnv('lookup.bulk', 'limit'); // 'PORTLEDGER_DETECT_LOOKUP_BULK_LIMIT'
 * ruleSettingEnv('auth.impossible_travel', 'maxKmPerHour'); // 'PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_MAX_KM_PER_HOUR'
 * ```
 */
export function ruleSettingEnv(ruleId: string, name: string): string {
  const upper = (text: string) =>
    text
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .toUpperCase();
  return `PORTLEDGER_DETECT_${upper(ruleId)}_${upper(name)}`;
}

/** One README row per setting of each rule, with the rule's default. */
export function ruleSettingDeclarations(rules: readonly Rule[] = DETECTION_RULE_SET): SettingDeclaration[] {
  return rules.flatMap((rule) =>
    Object.entries(rule.defaults).map(([name, value]) => ({
      env: ruleSettingEnv(rule.id, name),
      default: String(value),
      doc:
        name === 'severity'
          ? `\`${rule.id}\`: ${rule.description} Its severity: \`critical\`, \`high\` or \`medium\`; a high or critical alert about a visit freezes it.`
          : `\`${rule.id}\`: the rule's \`${name}\` threshold, a number ≥ 0.`,
    })),
  );
}

/** The README's settings table with every registered rule's settings (`npm run docs:config`). */
export function fullSettingsTable(): string {
  return settingsTable(ruleSettingDeclarations());
}

/** Thrown for a detection setting that is not one its variable accepts; the message names both. */
export class DetectionSettingError extends Error {
  override readonly name = 'DetectionSettingError';
}

export interface DetectionSettings {
  /** `PORTLEDGER_DETECTION`: whether `serve` runs the engine. */
  readonly enabled: boolean;
  /** The rules, their settings as configured, and the dwell norm: what `DetectionCore` is built with. */
  readonly core: DetectionCoreOptions;
}

/**
 * The detection settings from an environment, each rule's setting falling back to its default.
 *
 * @throws DetectionSettingError for a value its variable does not accept.
 */
export function readDetectionSettings(
  env: NodeJS.ProcessEnv = process.env,
  rules: readonly Rule[] = DETECTION_RULE_SET,
): DetectionSettings {
  const switchText = readSetting('detection', env);
  if (switchText !== 'on' && switchText !== 'off') {
    throw new DetectionSettingError(`PORTLEDGER_DETECTION must be on or off, not ${switchText}`);
  }
  const dwellText = readSetting('detectDwellNormHours', env);
  const dwellNormHours = Number(dwellText);
  if (!(Number.isFinite(dwellNormHours) && dwellNormHours > 0)) {
    throw new DetectionSettingError(
      `PORTLEDGER_DETECT_DWELL_NORM_HOURS must be a number of hours above 0, not ${dwellText}`,
    );
  }
  const settings: Record<string, RuleSettings> = {};
  for (const rule of rules) settings[rule.id] = ruleSettingsFrom(rule, env);
  return { enabled: switchText === 'on', core: { rules, settings, dwellNormHours } };
}

function ruleSettingsFrom(rule: Rule, env: NodeJS.ProcessEnv): RuleSettings {
  const resolved: Record<string, number | string> = {};
  for (const [name, fallback] of Object.entries(rule.defaults)) {
    const variable = ruleSettingEnv(rule.id, name);
    const text = env[variable];
    if (text === undefined || text === '') {
      resolved[name] = fallback;
    } else if (name === 'severity') {
      if (!(SEVERITIES as readonly string[]).includes(text)) {
        throw new DetectionSettingError(`${variable} must be critical, high or medium, not ${text}`);
      }
      resolved[name] = text;
    } else {
      const value = Number(text);
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new DetectionSettingError(`${variable} must be a number ≥ 0, not ${text}`);
      }
      resolved[name] = value;
    }
  }
  return resolved as RuleSettings;
}
