/**
 * Reconciliation (issue 15): a yard survey of one terminal, as an OCR gantry or a yard clerk's walk produces it,
 * held against the yard as the log has it. The survey is recorded as a `YardSurveyRecorded` event on the terminal's
 * `survey-<terminal>` stream, and its discrepancies as `DetectionAlertRaised` events with their alert rows, all in one
 * write: one `survey.missing` or `survey.misplaced` alert per visit (each freezes and marks its box), and one
 * `survey.unknown` alert for all the boxes the survey saw that the log has nowhere in the yard (issue 15, hardening: a
 * survey of 120 made-up numbers raised 120 alerts and pushed the real ones off the inbox's first page). Every survey
 * alert's summary names who uploaded the survey: a survey used to freeze honest boxes as a diversion is an
 * investigator's lead. A survey raises alerts; it never
 * changes a position (MISSION §1: locations change only by a recorded physical move).
 *
 * The CLI (`portledger reconcile`), the API (`POST /v1/terminals/{terminal}/surveys`), the console and the demo
 * simulator all come through {@link recordYardSurvey}.
 */
import { sha256, toHex } from '../../audit/index.js';
import {
  checkSurveyRows,
  compareSurvey,
  type DepartedBox,
  formatYardSlot,
  type JsonObject,
  type LoggedBox,
  mayDo,
  type Principal,
  parseSurveyCsv,
  SURVEY_CSV_HEADER,
  type SurveyComparison,
  type SurveyRow,
  type SurveyWalkLimits,
  type YardSlot,
} from '../../domain/index.js';
import {
  ALERTS_STREAM,
  DETECTION_ALERT_RAISED,
  type DetectionAlertData,
  detectionAlertRecord,
  severityOf,
} from '../alerts/index.js';
import { AppError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import type { LedgerReads, VisitRecord } from '../ports.js';
import { executeVisitCommand, type TerminalLayouts } from '../visits/index.js';

/** Who freezes a box a survey's alert names, in the `VisitFrozen` event: the survey, not the person who uploaded it. */
export const SURVEY_ACTOR = 'yard-survey';
/** The severities whose alert on a visit freezes it (issue 15, Response). */
const FREEZING: ReadonlySet<string> = new Set(['high', 'critical']);

/** The type of the event that records a survey. */
export const YARD_SURVEY_RECORDED = 'YardSurveyRecorded';
/** The stream of one terminal's surveys. */
export const surveyStream = (terminal: string) => `survey-${terminal}`;

/**
 * The event keeps the survey's rows up to this many: a clerk's walk of a block or two, read back from the log
 * alone. A gantry's survey of a whole terminal (up to 50,000 rows, a few MB) would make one audit leaf of megabytes
 * that every reader of the log reads again; its rows stay in the file, which the event names by its SHA-256.
 */
export const SURVEY_ROWS_KEPT = 2000;
/**
 * At most this many discrepancies are raised as alerts, and listed in the event, per kind: a survey that finds more
 * is a survey of another yard or a broken scanner, and a few thousand alerts would bury the ones that matter. The
 * totals are recorded whole.
 */
export const SURVEY_ALERTS_PER_KIND = 1000;
/**
 * A survey that did not see more than this many boxes, and more than this share of the boxes it should have seen, is
 * refused (`yard.survey_implausible`) rather than recorded: it is a walk of part of the yard uploaded as a walk of
 * all of it, and recording it would raise a critical alert and freeze a box for each box it did not pass. The
 * uploader names the blocks it covered (`blocks`) and uploads it again. A box really gone is one of a few.
 */
export const SURVEY_MISSING_LIMIT = { floor: 20, share: 0.2 } as const;

/** Refuses a survey that missed too many boxes to be a survey of the whole of what it says it covered. */
function refuseImplausible(
  found: SurveyComparison,
  limit: { readonly floor: number; readonly share: number },
  terminal: string,
): void {
  const expected =
    found.missing.length + found.matched + found.misplaced.length + found.notJudged.placedAfterSeen;
  const missing = found.missing.length;
  if (missing > limit.floor && missing > limit.share * expected) {
    throw new AppError(
      'yard.survey_implausible',
      `the survey did not see ${missing} of the ${expected} boxes the log has in the yard of ${terminal}: if it covered only some blocks, name them`,
      { missing, expected },
    );
  }
}

/** The one `survey.unknown` alert of a survey lists this many of its boxes in its event; `unknownTotal` counts all. */
export const SURVEY_UNKNOWN_LISTED = 200;

/** A survey whose file equals one of this many latest at the terminal is refused as imported already. */
const DUPLICATE_WINDOW = 50;
/** The report lists at most this many of each kind; its totals count them all. */
export const SURVEY_REPORT_LIST = 200;

/** Who imports a survey: a person or token (checked against the policy table), or the operator of the CLI. */
export type SurveyActor =
  | { readonly principal: Principal }
  /** Someone with the database itself (the CLI, the demo simulator): recorded by name, as other CLI commands are. */
  | { readonly operator: string };

/** The survey as it arrives: the CSV file, or its rows as JSON. */
export type SurveyInput =
  | { readonly csv: string }
  | { readonly rows: readonly { container?: unknown; slot?: unknown; seenAt?: unknown }[] };

/** What a survey found, as the CLI prints it and the API answers it. */
export interface SurveyReport {
  readonly terminal: string;
  readonly surveyId: string;
  /** The audit index of the `YardSurveyRecorded` event. */
  readonly index: number;
  readonly takenFrom: string;
  readonly takenTo: string;
  readonly rowCount: number;
  readonly sighted: number;
  readonly matched: number;
  readonly sha256: string;
  readonly blocks: readonly string[] | null;
  readonly totals: { readonly missing: number; readonly unknown: number; readonly misplaced: number };
  /** Each list holds at most {@link SURVEY_REPORT_LIST}; `totals` counts them all. */
  readonly missing: readonly { visitRef: string; containerNumber: string; loggedSlot: string }[];
  readonly unknown: readonly { containerNumber: string; seenSlot: string; seenAt: string; line: number }[];
  readonly misplaced: readonly {
    visitRef: string;
    containerNumber: string;
    loggedSlot: string;
    seenSlot: string;
    seenAt: string;
    line: number;
  }[];
  readonly notJudged: SurveyComparison['notJudged'];
  /**
   * The alerts raised: one per missing or misplaced visit (at most {@link SURVEY_ALERTS_PER_KIND} of each), and one
   * for all the unknown boxes.
   */
  readonly alertsRaised: number;
  /** The visits frozen by a high or critical alert of this survey (none already frozen). */
  readonly frozen: readonly string[];
}

const PAGE = 1000;
/** At most this many visits of one container number are looked at to tell whether it left after it was seen. */
const VISITS_PER_CONTAINER = 20;

/**
 * Refuses a survey of a terminal the caller does not work at, with the yard map's answer (one answer for "no such
 * terminal" and "not yours", so the route does not confirm which terminals exist).
 */
function authorise(actor: SurveyActor, terminal: string, terminals: TerminalLayouts): void {
  const known = terminals.has(terminal);
  if ('principal' in actor) {
    const { principal } = actor;
    const own = principal.orgKind === 'terminal_operator' && (principal.terminals ?? []).includes(terminal);
    if (!known || !own || !mayDo(principal, 'yard.survey')) {
      throw new AppError('yard.terminal_not_found', `no terminal ${terminal} for you to survey`, {
        terminal,
      });
    }
  } else if (!known) {
    throw new AppError('yard.terminal_not_found', `the port runs no terminal ${terminal}`, { terminal });
  }
}

const byOf = (actor: SurveyActor): JsonObject =>
  'principal' in actor
    ? { userId: actor.principal.userId, orgId: actor.principal.orgId }
    : { userId: actor.operator, orgId: null };

/** Who uploaded, as an alert's summary names them: a person, an API token (`token:…`, an OCR gantry) or the CLI's operator. */
const uploaderOf = (actor: SurveyActor): string => {
  if (!('principal' in actor)) return `operator ${actor.operator}`;
  const { userId, orgId } = actor.principal;
  return userId.startsWith('token:') ? `API token ${userId.slice(6)} of ${orgId}` : `user ${userId}`;
};

const placedAt = (view: JsonObject): string | null =>
  (typeof view.lastMovedAt === 'string' ? view.lastMovedAt : null) ??
  (typeof view.arrivedAt === 'string' ? view.arrivedAt : null);

function loggedBoxOf(record: VisitRecord): LoggedBox | undefined {
  const slot = record.view.slot as YardSlot | null | undefined;
  if (!slot || record.status !== 'in_yard') return undefined;
  return {
    visitRef: record.visitRef,
    containerNumber: record.containerNumber,
    slot,
    placedAt: placedAt(record.view),
    lastIndex: record.lastIndex,
  };
}

/** Every box in the terminal's yard by the log (the visits read model, a page at a time: never its history). */
async function yardBoxes(reads: LedgerReads, terminal: string): Promise<LoggedBox[]> {
  const boxes: LoggedBox[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await reads.listVisits({
      terminal,
      status: 'in_yard',
      limit: PAGE,
      ...(after !== undefined ? { after } : {}),
    });
    for (const record of page) {
      const box = record.terminal === terminal ? loggedBoxOf(record) : undefined;
      if (box) boxes.push(box);
    }
    if (page.length < PAGE) return boxes;
    after = page[page.length - 1]?.visitRef;
  }
}

/** The visits of these container numbers that are not in this terminal's yard now: did one leave after it was seen? */
async function departedVisits(
  reads: LedgerReads,
  containers: Iterable<string>,
  terminal: string,
): Promise<DepartedBox[]> {
  const departed: DepartedBox[] = [];
  for (const containerNumber of containers) {
    const visits = await reads.listVisits({
      containerNumber,
      limit: VISITS_PER_CONTAINER,
      direction: 'desc',
    });
    for (const visit of visits) {
      if (visit.status === 'in_yard' && visit.terminal === terminal) continue;
      const view = visit.view;
      departed.push({
        visitRef: visit.visitRef,
        containerNumber,
        arrivedAt: typeof view.arrivedAt === 'string' ? view.arrivedAt : null,
        departedAt: typeof view.departedAt === 'string' ? view.departedAt : null,
      });
    }
  }
  return departed;
}

/** The boxes in the yard now of these visits and container numbers: what a discrepancy is judged against again. */
async function freshBoxes(
  reads: LedgerReads,
  terminal: string,
  visitRefs: readonly string[],
  containers: readonly string[],
): Promise<LoggedBox[]> {
  const boxes = new Map<string, LoggedBox>();
  for (let i = 0; i < visitRefs.length; i += PAGE) {
    const records = await reads.getVisits(visitRefs.slice(i, i + PAGE));
    for (const record of records.values()) {
      const box = record.terminal === terminal ? loggedBoxOf(record) : undefined;
      if (box) boxes.set(box.visitRef, box);
    }
  }
  for (const containerNumber of containers) {
    const record = await reads.findActiveVisit(containerNumber);
    const box = record && record.terminal === terminal ? loggedBoxOf(record) : undefined;
    if (box) boxes.set(box.visitRef, box);
  }
  return [...boxes.values()];
}

/** Refuses a survey whose file is one of the latest recorded at the terminal (`yard.survey_duplicate`). */
async function refuseRecorded(
  reads: LedgerReads,
  stream: string,
  version: number,
  sha: string,
  terminal: string,
): Promise<void> {
  const recent = await reads.readStreamRange(stream, {
    fromVersion: Math.max(1, version - DUPLICATE_WINDOW + 1),
  });
  const same = recent.find((event) => event.data.sha256 === sha);
  if (same) {
    throw new AppError(
      'yard.survey_duplicate',
      `this file was recorded already as survey ${String(same.data.surveyId)} of ${terminal}`,
      { surveyId: same.data.surveyId, index: same.index },
    );
  }
}

const utf8 = new TextEncoder();

/** The survey's rows as CSV: the file itself, or the JSON rows written as one (what the SHA-256 is of). */
function csvOf(input: SurveyInput): string {
  if ('csv' in input) return input.csv;
  const quote = (value: unknown) => {
    const text = String(value ?? '');
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[
    SURVEY_CSV_HEADER.join(','),
    ...input.rows.map((row) => [row.container, row.slot, row.seenAt].map(quote).join(',')),
  ].join('\n')}\n`;
}

/**
 * Imports a yard survey of `terminal`: checks every row (one bad row refuses it all, naming the line: nothing is
 * written), compares it with the boxes in the terminal's yard by the log, and records in one write the
 * `YardSurveyRecorded` event and one alert per discrepancy (at most {@link SURVEY_ALERTS_PER_KIND} per kind).
 *
 * The yard is read before the write, so a 50,000-box terminal does not hold the log's write lock while it is paged
 * through; inside the write, each discrepancy is judged again against its box as it stands then, so a box moved,
 * arrived or gone in between is judged on the log as it is when the alerts are written.
 *
 * @throws DomainError `yard.survey_invalid` for a bad row; AppError `yard.terminal_not_found` for a terminal the
 * caller may not survey, `yard.survey_duplicate` for a file recorded at the terminal already.
 */
export async function recordYardSurvey(args: {
  ledger: Ledger;
  terminals: TerminalLayouts;
  actor: SurveyActor;
  terminal: string;
  input: SurveyInput;
  /** The blocks the survey covered, when it did not cover the whole yard. */
  blocks?: readonly string[] | undefined;
  /** When a survey is taken for one of part of the yard (see {@link SURVEY_MISSING_LIMIT}); tests set their own. */
  missingLimit?: { readonly floor: number; readonly share: number };
  /** How long a walk may take and how old its rows may be (`SURVEY_WALK_LIMITS` by default). */
  walk?: SurveyWalkLimits | undefined;
}): Promise<SurveyReport> {
  const { ledger, terminals, actor, terminal, input } = args;
  authorise(actor, terminal, terminals);
  const layout = terminals.get(terminal)!;
  const blocks =
    args.blocks && args.blocks.length > 0
      ? [...new Set(args.blocks.map((b) => b.trim().toUpperCase()))]
      : undefined;
  for (const block of blocks ?? []) {
    if (!layout.blocks.some((b) => b.id === block)) {
      throw new AppError('input.invalid', `terminal ${terminal} has no block ${block}`, { block });
    }
  }
  const now = ledger.clock.now();
  const options = { terminal, now, blocks, walk: args.walk };
  const rows: SurveyRow[] =
    'csv' in input ? parseSurveyCsv(input.csv, options) : checkSurveyRows(input.rows, options);
  const sha = toHex(sha256(utf8.encode(csvOf(input))));

  // Refused before the write as well as inside it: the same file again is the usual mistake (a second click, a
  // retried upload), and a refusal that needs no transaction leaves the store nothing to roll back.
  const stream = surveyStream(terminal);
  await refuseRecorded(ledger.store, stream, await ledger.store.streamVersion(stream), sha, terminal);

  // First pass, outside the write: the whole yard.
  const logged = await yardBoxes(ledger.store, terminal);
  const loggedContainers = new Set(logged.map((box) => box.containerNumber));
  const unseenByLog = [...new Set(rows.map((row) => row.containerNumber))].filter(
    (c) => !loggedContainers.has(c),
  );
  const first = compareSurvey(
    rows,
    logged,
    await departedVisits(ledger.store, unseenByLog, terminal),
    blocks,
  );
  refuseImplausible(first, args.missingLimit ?? SURVEY_MISSING_LIMIT, terminal);

  return ledger.write(async (context) => {
    const { tx } = context;
    const version = await tx.streamVersion(stream);
    await refuseRecorded(tx, stream, version, sha, terminal);

    // Second pass, inside the write: each discrepancy against its box as the log has it now.
    const suspectVisits = [...first.missing, ...first.misplaced].map((d) => d.visitRef);
    const suspectRows = new Set([...first.misplaced, ...first.unknown].map((d) => d.containerNumber));
    const fresh = await freshBoxes(tx, terminal, suspectVisits, [...suspectRows]);
    const freshContainers = new Set(fresh.map((box) => box.containerNumber));
    const recheck = compareSurvey(
      rows.filter((row) => suspectRows.has(row.containerNumber)),
      fresh,
      await departedVisits(
        tx,
        [...suspectRows].filter((c) => !freshContainers.has(c)),
        terminal,
      ),
      blocks,
      first,
    );
    // Boxes that arrived since the first pass without a row are placed after the survey began: never missing.
    const missing = recheck.missing.filter((m) => suspectVisits.includes(m.visitRef));
    const { misplaced, unknown } = recheck;
    const resolved =
      first.missing.length +
      first.misplaced.length +
      first.unknown.length -
      (missing.length + misplaced.length + unknown.length);

    const surveyId = `${terminal}-${version + 1}`;
    const keepRows = rows.length <= SURVEY_ROWS_KEPT;
    const cap = <T>(list: readonly T[]) => list.slice(0, SURVEY_ALERTS_PER_KIND);
    const data: JsonObject = {
      terminal,
      surveyId,
      takenFrom: first.takenFrom,
      takenTo: first.takenTo,
      rowCount: rows.length,
      sighted: first.sighted,
      blocks: blocks ?? null,
      sha256: sha,
      by: byOf(actor),
      discrepancies: {
        missing: cap(missing).map((m) => m.visitRef),
        unknown: cap(unknown).map((u) => u.containerNumber),
        misplaced: cap(misplaced).map((m) => ({
          visitRef: m.visitRef,
          loggedSlot: m.loggedSlot,
          seenSlot: m.seenSlot,
          // When it was seen there: a rule that takes the sighting as evidence weighs it against the box's moves.
          seenAt: m.seenAt,
        })),
      },
      totals: { missing: missing.length, unknown: unknown.length, misplaced: misplaced.length },
      matched: first.matched,
      notJudged: { ...first.notJudged, resolvedSinceRead: resolved },
      ...(keepRows
        ? { rows: rows.map((row) => [row.containerNumber, formatYardSlot(row.slot), row.seenAt]) }
        : {
            rows: null,
            rowsOmitted: `${rows.length} rows are more than the ${SURVEY_ROWS_KEPT} an event keeps; the file is named by its sha256`,
          }),
    };
    const [recorded] = await context.append(stream, version, [{ type: YARD_SURVEY_RECORDED, data }]);
    const surveyIndex = recorded!.index;

    const uploader = uploaderOf(actor);
    const unknownListed = unknown.slice(0, SURVEY_UNKNOWN_LISTED);
    const alerts: DetectionAlertData[] = [
      ...cap(missing).map(
        (m): DetectionAlertData => ({
          rule: 'survey.missing',
          severity: severityOf['survey.missing'],
          subjectKind: 'visit',
          subjectId: m.visitRef,
          terminal,
          orgId: null,
          summary: `Survey ${surveyId} of ${terminal}, uploaded by ${uploader}, did not see ${m.containerNumber}, which the log has in the yard`,
          evidence: [m.lastIndex, surveyIndex],
        }),
      ),
      ...cap(misplaced).map(
        (m): DetectionAlertData => ({
          rule: 'survey.misplaced',
          severity: severityOf['survey.misplaced'],
          subjectKind: 'visit',
          subjectId: m.visitRef,
          terminal,
          orgId: null,
          summary: `Survey ${surveyId} of ${terminal}, uploaded by ${uploader}, saw ${m.containerNumber} in another slot than the log has it`,
          evidence: [m.lastIndex, surveyIndex],
        }),
      ),
      // One alert about the survey, whatever the count: an unknown box freezes nothing and marks no cell, and a
      // hundred made-up numbers must not push the real alerts off the inbox's first page.
      ...(unknown.length === 0
        ? []
        : [
            {
              rule: 'survey.unknown',
              severity: severityOf['survey.unknown'],
              subjectKind: 'log',
              subjectId: surveyId,
              terminal,
              orgId: null,
              summary: `Survey ${surveyId} of ${terminal}, uploaded by ${uploader}, saw ${
                unknown.length === 1
                  ? `1 box (${unknown[0]!.containerNumber})`
                  : `${unknown.length} boxes (${unknown
                      .slice(0, 3)
                      .map((u) => u.containerNumber)
                      .join(', ')}${unknown.length > 3 ? ', …' : ''})`
              } that the log has in no slot of this yard`,
              evidence: [surveyIndex],
              unknownTotal: unknown.length,
              unknown: unknownListed.map(({ containerNumber, seenSlot, seenAt, line }) => ({
                containerNumber,
                seenSlot,
                seenAt,
                line,
              })),
            } satisfies DetectionAlertData,
          ]),
    ];
    const frozen = new Set<string>();
    if (alerts.length > 0) {
      const raised = await context.appendAtEnd(
        ALERTS_STREAM,
        alerts.map((alert) => ({ type: DETECTION_ALERT_RAISED, data: alert })),
      );
      for (const event of raised) {
        const record = detectionAlertRecord(event);
        await tx.putAlertRecord(record);
        if (record.subjectKind !== 'visit') continue;
        // The yard map marks the box until the alert is resolved, as other visit alerts do.
        await tx.adjustOpenAlerts(record.subjectId, 1);
        // Issue 15, Response: a high or critical alert on a visit freezes it at once, as the detection engine's do
        // (a box the survey could not find, or found elsewhere, leaves only after two people looked); unfreezing
        // stays a two-person action. Freezing moves nothing.
        if (!FREEZING.has(record.severity) || frozen.has(record.subjectId)) continue;
        const visit = await tx.getVisit(record.subjectId);
        if (visit?.status !== 'in_yard' || (visit.view.frozen ?? null) !== null) continue;
        await executeVisitCommand(context, terminals, visit.visitRef, {
          type: 'FreezeVisit',
          reason: `Survey ${surveyId} alert ${event.index}: ${record.rule} (${record.severity})`,
          by: SURVEY_ACTOR,
          alertId: String(event.index),
        });
        frozen.add(visit.visitRef);
      }
    }

    const list = <T>(items: readonly T[]) => items.slice(0, SURVEY_REPORT_LIST);
    return {
      terminal,
      surveyId,
      index: surveyIndex,
      takenFrom: first.takenFrom,
      takenTo: first.takenTo,
      rowCount: rows.length,
      sighted: first.sighted,
      matched: first.matched,
      sha256: sha,
      blocks: blocks ?? null,
      totals: { missing: missing.length, unknown: unknown.length, misplaced: misplaced.length },
      missing: list(missing).map(({ visitRef, containerNumber, loggedSlot }) => ({
        visitRef,
        containerNumber,
        loggedSlot,
      })),
      unknown: list(unknown).map(({ containerNumber, seenSlot, seenAt, line }) => ({
        containerNumber,
        seenSlot,
        seenAt,
        line,
      })),
      misplaced: list(misplaced).map(({ visitRef, containerNumber, loggedSlot, seenSlot, seenAt, line }) => ({
        visitRef,
        containerNumber,
        loggedSlot,
        seenSlot,
        seenAt,
        line,
      })),
      notJudged: first.notJudged,
      alertsRaised: alerts.length,
      frozen: [...frozen],
    };
  });
}
