import { describe, expect, it } from 'vitest';
import type { Rule } from '../domain/index.js';
import { readDetectionSettings, ruleSettingDeclarations, ruleSettingEnv } from './detection-settings.js';

const rule: Rule<null> = {
  id: 'auth.impossible_travel',
  description: 'Two sign-ins too far apart for the time between them.',
  defaults: { severity: 'high', maxKmPerHour: 900, minMinutes: 5 },
  initialState: () => null,
  step: (state) => ({ state, alerts: [] }),
};

describe('detection settings', () => {
  it('names each rule setting after the rule id and the setting', () => {
    expect(ruleSettingEnv('lookup.bulk', 'limit')).toBe('PORTLEDGER_DETECT_LOOKUP_BULK_LIMIT');
    expect(ruleSettingEnv('auth.impossible_travel', 'maxKmPerHour')).toBe(
      'PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_MAX_KM_PER_HOUR',
    );
    expect(ruleSettingDeclarations([rule]).map((d) => [d.env, d.default])).toEqual([
      ['PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_SEVERITY', 'high'],
      ['PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_MAX_KM_PER_HOUR', '900'],
      ['PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_MIN_MINUTES', '5'],
    ]);
  });

  it('is on by default with the rules’ defaults, and takes what is configured', () => {
    expect(readDetectionSettings({}, [rule])).toEqual({
      enabled: true,
      core: {
        rules: [rule],
        settings: { 'auth.impossible_travel': rule.defaults },
        dwellNormHours: 336,
      },
    });
    const configured = readDetectionSettings(
      {
        PORTLEDGER_DETECTION: 'off',
        PORTLEDGER_DETECT_DWELL_NORM_HOURS: '72',
        PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_SEVERITY: 'critical',
        PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_MAX_KM_PER_HOUR: '650.5',
      },
      [rule],
    );
    expect(configured.enabled).toBe(false);
    expect(configured.core.dwellNormHours).toBe(72);
    expect(configured.core.settings?.['auth.impossible_travel']).toEqual({
      severity: 'critical',
      maxKmPerHour: 650.5,
      minMinutes: 5,
    });
  });

  it('refuses a bad value, naming the variable', () => {
    const bad = (env: NodeJS.ProcessEnv) => () => readDetectionSettings(env, [rule]);
    expect(bad({ PORTLEDGER_DETECTION: 'yes' })).toThrow('PORTLEDGER_DETECTION must be on or off, not yes');
    expect(bad({ PORTLEDGER_DETECT_DWELL_NORM_HOURS: '0' })).toThrow(/DWELL_NORM_HOURS must be .* not 0/);
    expect(bad({ PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_SEVERITY: 'low' })).toThrow(
      'PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_SEVERITY must be critical, high or medium, not low',
    );
    expect(bad({ PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_MIN_MINUTES: 'ten' })).toThrow(
      'PORTLEDGER_DETECT_AUTH_IMPOSSIBLE_TRAVEL_MIN_MINUTES must be a number ≥ 0, not ten',
    );
  });
});
