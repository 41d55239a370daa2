/**
 * The bounds of a yard survey's walk (issue 15, hardening), read from the settings once for the server and the
 * `reconcile` command alike: a back-dated row must not stretch a walk over every box in the yard.
 */

import { readSetting } from '../config/settings.js';
import { SURVEY_WALK_LIMITS, type SurveyWalkLimits } from '../domain/index.js';

const HOUR_MS = 3_600_000;

function hours(value: string | undefined, env: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 24 * 366) {
    throw new Error(`${env} must be a number of hours above 0 and at most a year, not ${value}`);
  }
  return parsed * HOUR_MS;
}

/** `PORTLEDGER_SURVEY_MAX_SPAN_HOURS` and `PORTLEDGER_SURVEY_MAX_AGE_HOURS`; throws on a value that is not hours. */
export function surveyWalkLimits(env: NodeJS.ProcessEnv = process.env): SurveyWalkLimits {
  return {
    maxSpanMs: hours(
      readSetting('surveyMaxSpanHours', env),
      'PORTLEDGER_SURVEY_MAX_SPAN_HOURS',
      SURVEY_WALK_LIMITS.maxSpanMs,
    ),
    maxAgeMs: hours(
      readSetting('surveyMaxAgeHours', env),
      'PORTLEDGER_SURVEY_MAX_AGE_HOURS',
      SURVEY_WALK_LIMITS.maxAgeMs,
    ),
  };
}
