import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordYardSurvey, SURVEY_REPORT_LIST } from '../app/yard/index.js';
import { MAX_SURVEY_ROWS } from '../domain/index.js';
import { callerOf } from './caller.js';
import type { HttpDeps } from './deps.js';
import { problemResponses } from './schemas.js';

/** A survey's CSV of 200,000 rows is about 10 MB; JSON rows a little more. */
const SURVEY_BODY_LIMIT = 24 * 1024 * 1024;

const SlotText = Type.String({ description: 'TERMINAL/BLOCK/BAY/ROW/TIER, e.g. T1/A/03/02/1' });

const SurveyRows = Type.Object(
  {
    rows: Type.Array(
      Type.Object({
        container: Type.String({ maxLength: 32, description: 'ISO 6346 container number' }),
        slot: Type.String({ maxLength: 64, description: 'TERMINAL/BLOCK/BAY/ROW/TIER' }),
        seenAt: Type.String({ maxLength: 40, description: 'RFC 3339 instant with its offset' }),
      }),
      { minItems: 1, maxItems: MAX_SURVEY_ROWS },
    ),
  },
  { additionalProperties: false },
);

const SurveyReportSchema = Type.Object(
  {
    terminal: Type.String(),
    surveyId: Type.String({ description: 'TERMINAL-n: the n-th survey recorded at the terminal' }),
    index: Type.Integer({ minimum: 0, description: 'Audit index of the YardSurveyRecorded event' }),
    takenFrom: Type.String({ format: 'date-time' }),
    takenTo: Type.String({ format: 'date-time' }),
    rowCount: Type.Integer({ minimum: 1 }),
    sighted: Type.Integer({ minimum: 0, description: 'Distinct boxes seen' }),
    matched: Type.Integer({ minimum: 0, description: 'Boxes seen where the log has them' }),
    sha256: Type.String({ description: 'SHA-256 of the CSV (JSON rows: of the same rows written as CSV)' }),
    blocks: Type.Union([Type.Array(Type.String()), Type.Null()]),
    totals: Type.Object({
      missing: Type.Integer({ minimum: 0 }),
      unknown: Type.Integer({ minimum: 0 }),
      misplaced: Type.Integer({ minimum: 0 }),
    }),
    missing: Type.Array(
      Type.Object({ visitRef: Type.String(), containerNumber: Type.String(), loggedSlot: SlotText }),
    ),
    unknown: Type.Array(
      Type.Object({
        containerNumber: Type.String(),
        seenSlot: SlotText,
        seenAt: Type.String({ format: 'date-time' }),
        line: Type.Integer(),
      }),
    ),
    misplaced: Type.Array(
      Type.Object({
        visitRef: Type.String(),
        containerNumber: Type.String(),
        loggedSlot: SlotText,
        seenSlot: SlotText,
        seenAt: Type.String({ format: 'date-time' }),
        line: Type.Integer(),
      }),
    ),
    notJudged: Type.Object({
      placedAfterSeen: Type.Integer({ minimum: 0 }),
      placedDuringSurvey: Type.Integer({ minimum: 0 }),
      leftAfterSeen: Type.Integer({ minimum: 0 }),
      outsideScope: Type.Integer({ minimum: 0 }),
    }),
    alertsRaised: Type.Integer({
      minimum: 0,
      description: 'One per missing or misplaced box, and one for all the unknown boxes',
    }),
    frozen: Type.Array(Type.String(), {
      description:
        'The visits a high or critical alert of this survey froze (a freeze is lifted by two people)',
    }),
  },
  {
    description: `What the survey found; each list holds at most ${SURVEY_REPORT_LIST}, the totals count them all`,
  },
);

/**
 * Yard surveys (issue 15): terminal staff of a terminal upload what an OCR gantry or a clerk's walk saw, as CSV
 * (`text/csv`, header `container,slot,seen_at`) or JSON rows, through the same use case as `portledger reconcile`.
 */
export function surveyRoutes(deps: HttpDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    // Only within this plugin: a survey's CSV body is text, checked row by row by the use case.
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: SURVEY_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    app.post(
      '/v1/terminals/:terminal/surveys',
      {
        bodyLimit: SURVEY_BODY_LIMIT,
        config: { access: 'yard.survey' },
        schema: {
          tags: ['yard'],
          summary: 'Import a yard survey of a terminal: an alert for each box missing, unknown or misplaced',
          description:
            "The body is the survey's CSV (`text/csv`: the header `container,slot,seen_at`, then one row per sighting; container numbers ISO 6346, slots `TERMINAL/BLOCK/BAY/ROW/TIER`, times RFC 3339 with their offset) or the same rows as JSON. Every row is checked first: one bad row answers 400 `yard.survey_invalid` naming its line, and nothing is written; so does a walk longer than `PORTLEDGER_SURVEY_MAX_SPAN_HOURS` (12) from first to last sighting or a row seen more than `PORTLEDGER_SURVEY_MAX_AGE_HOURS` (24) before the upload. A box placed after the row that saw it, placed after the survey began and not seen, or gone after it was seen is not judged. The survey is recorded as a `YardSurveyRecorded` event, each missing or misplaced box as a `DetectionAlertRaised` alert on its visit (`survey.missing`, `survey.misplaced`), the unknown boxes together as one `survey.unknown` alert about the survey (subject `log`, the survey id; its event lists them), each summary naming who uploaded the survey; a high or critical alert on a visit (missing, misplaced) freezes it, as the detection engine's do; no position changes. The same file again is 409 `yard.survey_duplicate`; a survey that did not see more than 20 boxes and more than a fifth of those the log has in what it covered is 422 `yard.survey_implausible` (a walk of some blocks: name them in `blocks`). `blocks` names the blocks a partial survey covered.",
          params: Type.Object({ terminal: Type.String({ minLength: 1, maxLength: 12 }) }),
          querystring: Type.Object({
            blocks: Type.Optional(
              Type.String({
                maxLength: 400,
                description: 'The blocks surveyed, comma-separated (default: all)',
              }),
            ),
          }),
          body: {
            content: {
              'text/csv': { schema: Type.String({ minLength: 1 }) },
              'application/json': { schema: SurveyRows },
            },
          } as unknown as typeof SurveyRows,
          response: {
            201: SurveyReportSchema,
            401: { $ref: 'Problem#' },
            403: { $ref: 'Problem#' },
            409: { $ref: 'Problem#' },
            413: { $ref: 'Problem#' },
            422: { $ref: 'Problem#' },
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const principal = await callerOf(deps.auth.ledger.store, request);
        const body = request.body as unknown;
        const report = await recordYardSurvey({
          ledger: deps.auth.ledger,
          terminals: deps.terminals,
          actor: { principal },
          terminal: request.params.terminal,
          input:
            typeof body === 'string'
              ? { csv: body }
              : { rows: (body as { rows: { container: string; slot: string; seenAt: string }[] }).rows },
          blocks: request.query.blocks?.split(',').filter((block) => block.trim() !== ''),
          walk: deps.surveyWalk,
        });
        const { blocks, missing, unknown, misplaced, frozen, ...counts } = report;
        return reply.code(201).send({
          ...counts,
          blocks: blocks ? [...blocks] : null,
          missing: [...missing],
          unknown: [...unknown],
          misplaced: [...misplaced],
          frozen: [...frozen],
        });
      },
    );
  };
}
