import { describe, expect, it } from 'vitest';
import { surveyWalkLimits } from './survey-settings.js';

describe('surveyWalkLimits', () => {
  it('reads the walk bounds in hours, 12 and 24 by default', () => {
    expect(surveyWalkLimits({})).toEqual({ maxSpanMs: 12 * 3_600_000, maxAgeMs: 24 * 3_600_000 });
    expect(
      surveyWalkLimits({ PORTLEDGER_SURVEY_MAX_SPAN_HOURS: '2.5', PORTLEDGER_SURVEY_MAX_AGE_HOURS: '168' }),
    ).toEqual({ maxSpanMs: 2.5 * 3_600_000, maxAgeMs: 168 * 3_600_000 });
  });

  it('refuses a value that is not a number of hours above 0, naming the variable', () => {
    for (const value of ['0', '-1', 'a day', '9000000']) {
      expect(() => surveyWalkLimits({ PORTLEDGER_SURVEY_MAX_AGE_HOURS: value }), value).toThrow(
        /^PORTLEDGER_SURVEY_MAX_AGE_HOURS must be a number of hours/,
      );
    }
  });
});
