/**
 * The detection evaluation's port over N days (issue 15): honest work with its honest mistakes, and labelled
 * incidents woven into it. Events have the shapes the product writes: visit, release, booking, approval and user
 * events come from the domain's own deciders; sign-ins, look-ups and organisations' records follow the use cases
 * that write them (`auth.usecases.ts`, `admin.usecases.ts`, `rule.ts`). The labels are returned beside the events,
 * never inside them: the engine reads the log and nothing else.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '../../src/demo/seeded-random.js';
import {
  type ApprovalActor,
  type ApprovalCommand,
  type ApprovalState,
  type BookingCommand,
  type BookingState,
  computeCheckDigit,
  type DetectionSubject,
  decide,
  decideApproval,
  decideBooking,
  decideRelease,
  decideUser,
  evolve,
  evolveApproval,
  evolveBooking,
  evolveRelease,
  initialApprovalState,
  initialBookingState,
  initialReleaseState,
  initialState,
  initialUserState,
  isSensitiveChange,
  type JsonObject,
  newVisitReference,
  POSITIONS_VIEWED,
  type PositionsViewedData,
  pickupChangeOf,
  type ReleaseActor,
  type ReleaseCommand,
  type ReleaseState,
  slotIdOf,
  type VisitCommand,
  type VisitState,
  viewsStream,
  type YardSlot,
} from '../../src/domain/index.js';
import {
  addressIn,
  buildWorld,
  DAY,
  EPOCH,
  HOUR,
  MINUTE,
  nextStaffed,
  type Org,
  onDuty,
  type Person,
  spanOn,
  type World,
  workSpan,
} from './world.js';

/** One event to append, at the instant the log will record it. */
export interface GeneratedEvent {
  readonly at: number;
  readonly seq: number;
  readonly streamId: string;
  readonly type: string;
  readonly data: JsonObject;
}

export const SCENARIOS = [
  'antwerp_chain',
  'impossible_travel',
  'off_hours_bulk',
  'colluding_pair',
  'dormant_revived',
  'phished_totp',
  'vanished_box',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/**
 * An injected incident. `subject` is what it is about (a visit, or a person); `also` are the other subjects an
 * alert may rightly name (the incident's actor, the boxes a colluding pair corrected); [from, to] is when an alert
 * about it counts.
 */
export interface IncidentLabel {
  readonly id: string;
  readonly scenario: Scenario;
  readonly subject: DetectionSubject;
  readonly also: readonly DetectionSubject[];
  readonly from: string;
  readonly to: string;
}

export interface GeneratedPort {
  readonly world: World;
  readonly events: GeneratedEvent[];
  readonly labels: IncidentLabel[];
  readonly startAt: string;
  readonly endAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A visit as the look-up generator needs to know it: who may look at it, and when. */
interface VisitRecord {
  readonly visitRef: string;
  readonly terminal: string;
  readonly line: string;
  readonly announcedAt: number;
  endAt: number;
  /** Organisations of its release chain, with when each joined. */
  readonly chain: { orgId: string; at: number }[];
}

/** A visit the plan gives a part in an incident. */
type VisitPart =
  | { kind: 'chain'; attackAt: number; variant: 'gate' | 'vanish'; planner: Person; label: string }
  | { kind: 'vanish'; vanishAt: number; label: string };

/** A correction a colluding pair makes on whatever box stands in their yard then. */
interface CollusiveCorrection {
  readonly at: number;
  readonly requester: Person;
  readonly approver: Person;
  readonly terminal: string;
  readonly label: string;
  done: boolean;
}

export function generatePort(seed: string, days: number): GeneratedPort {
  const random = seededRandom(`detection-eval:${seed}`);
  const world = buildWorld(random, days);
  const endMs = EPOCH + days * DAY;
  const events: GeneratedEvent[] = [];
  let seq = 0;
  const emit = (at: number, streamId: string, type: string, data: JsonObject) => {
    events.push({ at, seq: seq++, streamId, type, data });
  };
  const labels: IncidentLabel[] = [];
  const visits: VisitRecord[] = [];

  // --- Organisations and people, at the start.
  for (const org of world.orgs) {
    const at = EPOCH;
    emit(at, `org-${org.orgId}`, 'OrganisationRegistered', {
      orgId: org.orgId,
      kind: org.kind,
      name: org.name,
      code: org.code,
      terminals: org.terminals,
      createdAt: iso(at),
      at: iso(at),
    });
  }
  for (const person of world.people) {
    const at = EPOCH + 2000;
    for (const event of decideUser(
      {
        type: 'RegisterUser',
        at: iso(at),
        userId: person.userId,
        orgId: person.orgId,
        orgKind: person.orgKind,
        displayName: person.displayName,
        roles: [person.role],
      },
      initialUserState(),
    )) {
      const { type, ...data } = event;
      emit(at, `user-${person.userId}`, type, data as JsonObject);
    }
  }

  // The port's administrator declares each organisation's offices as its client networks.
  const admin = world.people.find((p) => p.role === 'administrator')!;
  for (const org of world.orgs) {
    const at = EPOCH + 3000;
    emit(at, `org-${org.orgId}`, 'OrganisationNetworksSet', {
      orgId: org.orgId,
      networks: org.offices.map(({ cidr, place, lat, lon }) => ({ cidr, place, lat, lon })),
      by: admin.userId,
      at: iso(at),
    });
  }

  // --- The incidents' plan: days and people, chosen before the honest work so that it works around them.
  const perScenario = Math.max(1, Math.round(days / 30));
  const firstDay = Math.min(3, days - 1);
  const dayFor = (i: number, lastDay: number) =>
    Math.min(
      lastDay,
      firstDay + Math.floor(((lastDay - firstDay) * (i + 0.3 + random.next() * 0.4)) / perScenario),
    );
  const used = new Set<string>();
  const pickPerson = (filter: (p: Person) => boolean): Person => {
    const candidates = world.people.filter((p) => filter(p) && !used.has(p.userId));
    const person = random.pick(candidates);
    used.add(person.userId);
    return person;
  };
  const atWork = (person: Person, day: number, hoursIn: number): number | undefined => {
    for (let d = day; d < days; d++) {
      const span = spanOn(world, person, d);
      if (span) return span[0] + hoursIn * HOUR + random.int(30) * MINUTE;
    }
    return undefined;
  };
  const visitParts: VisitPart[] = [];
  const collusion: CollusiveCorrection[] = [];
  const attacker = (n: number) => `185.220.${100 + (n % 50)}.${10 + ((n * 37) % 200)}`;
  const attackerAgent =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0';
  let incidentNo = 0;
  const label = (
    scenario: Scenario,
    subject: DetectionSubject,
    from: number,
    to: number,
    also: DetectionSubject[] = [],
  ) => {
    const id = `${scenario}-${++incidentNo}`;
    labels.push({ id, scenario, subject, also, from: iso(from), to: iso(Math.min(to, endMs)) });
    return id;
  };
  const user = (person: Person): DetectionSubject => ({ kind: 'user', id: person.userId });

  // Sign-ins and look-ups that the incidents add, emitted with the honest ones below.
  const extraSignIns: { person: Person; at: number; ip: string; userAgent: string; method: string }[] = [];
  /** `userId/day` of an incident: that day the person works from their own office, not travelling. */
  const incidentDays = new Set<string>();
  const dayOf = (at: number) => Math.floor((at - EPOCH) / DAY);
  const extraViews: {
    person: Person;
    at: number;
    ip: string;
    visitRefsOf: () => string[];
    routes: string[];
  }[] = [];

  const longEnough = days >= 20;
  for (let i = 0; i < perScenario; i++) {
    // The Antwerp chain: a haulier planner's login phished; the box leaves with another driver, or vanishes.
    if (longEnough || i === 0) {
      const day = dayFor(i, Math.max(firstDay, days - (longEnough ? 16 : 2)));
      const planner = pickPerson((p) => p.role === 'haulier_planner' && p.schedule.kind === 'office');
      const attackAt = EPOCH + day * DAY + (10 + random.int(4)) * HOUR + random.int(50) * MINUTE;
      visitParts.push({
        kind: 'chain',
        attackAt,
        variant: longEnough && i % 2 === 1 ? 'vanish' : 'gate',
        planner,
        label: '',
      });
    }
    // Impossible travel: a line's person signs in at home and, within the hour, from the far office.
    {
      const person = pickPerson(
        (p) =>
          p.orgKind === 'shipping_line' &&
          world.orgById.get(p.orgId)!.offices.length > 1 &&
          p.office === world.orgById.get(p.orgId)!.offices[0],
      );
      const at = atWork(person, dayFor(i, days - 1), 2);
      if (at !== undefined) {
        const far = world.orgById.get(person.orgId)!.offices[1]!;
        const ip = addressIn(far, random);
        // Signed in at the home office, and within the hour from the other end of the continent, or the world.
        extraSignIns.push({
          person,
          at,
          ip: addressIn(person.office, random),
          userAgent: person.userAgent,
          method: person.method,
        });
        const later = at + (10 + random.int(25)) * MINUTE;
        extraSignIns.push({ person, at: later, ip, userAgent: attackerAgent, method: person.method });
        incidentDays.add(`${person.userId}/${dayOf(at)}`);
        extraViews.push({
          person,
          at: later + 5 * MINUTE,
          ip,
          visitRefsOf: () => [],
          routes: ['visit.search'],
        });
        label('impossible_travel', user(person), later, later + 6 * HOUR);
      }
    }
    // Off-hours bulk look-ups: an office worker's account, at night, from the usual network, many boxes.
    {
      const person = pickPerson((p) => p.orgKind === 'shipping_line' && p.schedule.kind === 'office');
      let day = dayFor(i, days - 1);
      while (day % 7 >= 5 && day > 0) day--;
      const at = EPOCH + day * DAY + (1 + random.int(3)) * HOUR + random.int(50) * MINUTE;
      const ip = addressIn(person.office, random);
      extraSignIns.push({ person, at, ip, userAgent: person.userAgent, method: person.method });
      for (let k = 0; k < 3; k++) {
        extraViews.push({
          person,
          at: at + (5 + k * 12) * MINUTE,
          ip,
          visitRefsOf: () => [],
          routes: ['visit.search', 'visit'],
        });
      }
      label('off_hours_bulk', user(person), at, at + 4 * HOUR);
    }
    // A phished TOTP: a customs officer's password and one-time code relayed from a new network, then look-ups.
    {
      const person = pickPerson((p) => p.role === 'customs_officer');
      const at = atWork(person, dayFor(i, days - 1), 1 + random.int(5));
      if (at !== undefined) {
        const ip = attacker(incidentNo + 7);
        extraSignIns.push({ person, at, ip, userAgent: attackerAgent, method: 'password_totp' });
        extraViews.push({ person, at: at + 8 * MINUTE, ip, visitRefsOf: () => [], routes: ['visit.search'] });
        label('phished_totp', user(person), at, at + 12 * HOUR);
      }
    }
  }
  // A colluding pair: two yard planners of one terminal approve each other's corrections, week after week.
  if (days >= 14) {
    // On the same shift, so that they work side by side.
    const shiftOf = (p: Person) => (p.schedule.kind === 'shift' ? p.schedule.shift : -1);
    const planners = world.people.filter(
      (p) => p.role === 'yard_planner' && p.terminal === 'T2' && !used.has(p.userId),
    );
    const requester = pickPerson(
      (p) => planners.includes(p) && planners.some((q) => q !== p && shiftOf(q) === shiftOf(p)),
    );
    const approver = pickPerson(
      (p) => p.role === 'yard_planner' && p.terminal === 'T2' && shiftOf(p) === shiftOf(requester),
    );
    const start = Math.min(days - 10, 10 + random.int(Math.max(1, days - 40)));
    const id = label('colluding_pair', user(requester), EPOCH + start * DAY, EPOCH + (start + 30) * DAY, [
      user(approver),
    ]);
    let count = 0;
    for (let d = start; d < Math.min(days, start + 21) && count < 10; d++) {
      const a = spanOn(world, requester, d);
      const b = spanOn(world, approver, d);
      if (!a || !b) continue;
      // Both at work: the requester's span, within the approver's.
      const from = Math.max(a[0], b[0]);
      const to = Math.min(a[1], b[1]);
      if (to - from < 2 * HOUR) continue;
      const swap = count % 4 === 3;
      collusion.push({
        at: from + HOUR + random.int(Math.floor((to - from - 2 * HOUR) / MINUTE)) * MINUTE,
        requester: swap ? approver : requester,
        approver: swap ? requester : approver,
        terminal: 'T2',
        label: id,
        done: false,
      });
      count++;
    }
  }
  // A dormant account: active the first days, silent for weeks, then signed into from a new network.
  if (days >= 50) {
    for (let i = 0; i < Math.max(1, perScenario - 1); i++) {
      const person = pickPerson((p) => p.orgKind === 'forwarder' && p.schedule.kind === 'office');
      const revive = Math.min(days - 3, 45 + random.int(Math.max(1, days - 50)));
      for (let d = 5; d < days; d++) (person.holidays as Set<number>).add(d);
      let day = revive;
      while (day % 7 >= 5) day++;
      const at = EPOCH + day * DAY + (9 + random.int(6)) * HOUR + random.int(50) * MINUTE;
      const ip = attacker(incidentNo + 21);
      extraSignIns.push({ person, at, ip, userAgent: attackerAgent, method: person.method });
      extraViews.push({ person, at: at + 6 * MINUTE, ip, visitRefsOf: () => [], routes: ['visit.search'] });
      label('dormant_revived', user(person), at, at + DAY);
    }
  }
  // Boxes that vanish: in the yard by the log, and no event after a last move.
  if (days >= 20) {
    for (let i = 0; i < perScenario; i++) {
      const day = dayFor(i, days - 16);
      visitParts.push({ kind: 'vanish', vanishAt: EPOCH + day * DAY + random.int(20) * HOUR, label: '' });
    }
  }

  // --- Visits.
  // A 20-ft box stands in an odd bay, a 40- or 45-ft box across two, in the even bay between them.
  const slotIn = (terminal: string, sizeType: string): YardSlot => ({
    terminal,
    block: 'ABCD'[random.int(4)]!,
    bay: sizeType.startsWith('2') ? 1 + 2 * random.int(20) : 2 + 2 * random.int(19),
    row: 1 + random.int(6),
    tier: 1 + random.int(4),
  });
  const otherSlot = (from: YardSlot, sizeType: string): YardSlot => {
    for (;;) {
      const to = slotIn(from.terminal, sizeType);
      if (to.block !== from.block || to.bay !== from.bay || to.row !== from.row) return to;
    }
  };
  const plate = () =>
    `1${'ABCDEFGHJK'[random.int(10)]}${'LMNPRSTVWX'[random.int(10)]}${100 + random.int(900)}`;
  let containerSerial = 100000 + random.int(800000);
  const containerNumber = (line: string) => {
    const first10 = `${line.slice(0, 3)}U${String(containerSerial++).padStart(6, '0')}`;
    return `${first10}${computeCheckDigit(first10) % 10}`;
  };
  let idNo = 0;
  const newId = (prefix: string) => `${prefix}-${seed}-${++idNo}`;

  /** Runs a command through a decider and emits its events on `streamId`. */
  function run<C, E extends { type: string }, S>(
    streamId: string,
    at: number,
    state: S,
    command: C,
    decideFn: (c: C, s: S) => E[],
    evolveFn: (s: S, e: E) => S,
  ): S {
    let next = state;
    for (const event of decideFn(command, state)) {
      const { type, ...data } = event;
      emit(at, streamId, type, data as JsonObject);
      next = evolveFn(next, event);
    }
    return next;
  }
  const releaseActor = (p: Person): ReleaseActor => {
    const org = world.orgById.get(p.orgId)!;
    return { userId: p.userId, orgId: p.orgId, orgKind: p.orgKind, orgCode: org.code };
  };
  const approvalActor = (p: Person): ApprovalActor => {
    const org = world.orgById.get(p.orgId)!;
    return {
      userId: p.userId,
      orgId: p.orgId,
      orgKind: p.orgKind,
      roles: [p.role],
      terminals: org.terminals,
    };
  };

  /** A two-person request and its approval; returns the folded approval. */
  function approve(
    kind: 'yard.correction' | 'pickup.change',
    subject: string,
    change: JsonObject,
    terminal: string | null,
    requester: Person,
    approver: Person,
    at: number,
    decidedAt: number,
  ): { requestId: string; state: ApprovalState } {
    const requestId = newId('apr');
    const stream = `approval-${requestId}`;
    let state = run(
      stream,
      at,
      initialApprovalState(),
      {
        type: 'RequestApproval',
        requestId,
        kind,
        subject,
        change,
        terminal,
        requestedBy: approvalActor(requester),
        at: iso(at),
        expiresAt: iso(at + 8 * HOUR),
      } satisfies ApprovalCommand,
      decideApproval,
      evolveApproval,
    );
    state = run(
      stream,
      decidedAt,
      state,
      { type: 'ApproveRequest', by: approvalActor(approver), at: iso(decidedAt) } satisfies ApprovalCommand,
      decideApproval,
      evolveApproval,
    );
    return { requestId, state };
  }

  /** A correction of the recorded slot, asked for by one person and approved by another. */
  function correct(
    visitRef: string,
    state: VisitState,
    terminal: string,
    requester: Person,
    approver: Person,
    at: number,
    reason: string,
  ): VisitState {
    const from = state.visit!.slot!;
    const to = { ...from, bay: from.bay <= 2 ? from.bay + 2 : from.bay - 2 };
    const decidedAt = at + (3 + random.int(15)) * MINUTE;
    const { requestId } = approve(
      'yard.correction',
      visitRef,
      { from, to } as unknown as JsonObject,
      terminal,
      requester,
      approver,
      at,
      decidedAt,
    );
    return run(
      `visit-${visitRef}`,
      decidedAt,
      state,
      {
        type: 'CorrectPosition',
        at: iso(decidedAt),
        from,
        to,
        reason,
        approvalId: requestId,
        requestedBy: requester.userId,
        approvedBy: approver.userId,
      } satisfies VisitCommand,
      decide,
      evolve,
    );
  }

  /** The next hourly pickup slot at or after `at`, between 06:00 and 21:00. */
  const pickupSlot = (at: number) => {
    let t = Math.ceil(at / HOUR) * HOUR;
    for (;;) {
      const hour = new Date(t).getUTCHours();
      if (hour >= 6 && hour <= 20) return t;
      t += HOUR;
    }
  };

  function importVisit(terminal: string, vesselCall: string, dischargeAt: number, part?: VisitPart): void {
    const line = random.pick(world.lines);
    const visitRef = newVisitReference(random.bytes(13));
    const stream = `visit-${visitRef}`;
    const announcedAt = Math.max(
      EPOCH + 10_000,
      dischargeAt - (1 + random.int(3)) * DAY - random.int(600) * MINUTE,
    );
    const record: VisitRecord = { visitRef, terminal, line: line.code, announcedAt, endAt: endMs, chain: [] };
    record.chain.push({ orgId: line.orgId, at: announcedAt });
    visits.push(record);
    let v = run(
      stream,
      announcedAt,
      initialState(),
      {
        type: 'AnnounceVisit',
        at: iso(announcedAt),
        visitRef,
        containerNumber: containerNumber(line.code),
        line: line.code,
        sizeType: random.pick(['22G1', '42G1', '45G1', '45R1']),
        fullEmpty: 'full',
        arrival: { mode: 'vessel', vesselCall },
      } satisfies VisitCommand,
      decide,
      evolve,
    );
    const operator = nextStaffed(world, random, dischargeAt, { role: 'equipment_operator', terminal });
    v = run(
      stream,
      operator.at,
      v,
      {
        type: 'DischargeContainer',
        at: iso(operator.at),
        vesselCall,
        slot: slotIn(terminal, v.visit!.sizeType),
        equipment: `STS${1 + random.int(6)}`,
        operator: operator.person.userId,
      } satisfies VisitCommand,
      decide,
      evolve,
    );
    const discharged = operator.at;

    // How long it stays: mostly one to four days, some a week or more.
    const dwellHours = random.chance(0.7)
      ? 18 + random.int(80)
      : random.chance(0.85)
        ? 96 + random.int(72)
        : 168 + random.int(24);
    let pickupAt = pickupSlot(discharged + dwellHours * HOUR);
    if (part?.kind === 'chain') pickupAt = pickupSlot(part.attackAt + (30 + random.int(20)) * HOUR);

    // Customs looks at a few.
    let hold: { holdId: string; officer: Person; liftAt: number } | undefined;
    if (!part && random.chance(0.04)) {
      const officer = nextStaffed(world, random, discharged + 30 * MINUTE, { role: 'customs_officer' });
      const holdId = newId('hold');
      v = run(
        stream,
        officer.at,
        v,
        {
          type: 'PlaceHold',
          at: iso(officer.at),
          holdId,
          kind: 'customs',
          reason: 'documentary check',
          reference: `DEC-${idNo}`,
          by: officer.person.userId,
        } satisfies VisitCommand,
        decide,
        evolve,
      );
      hold = { holdId, officer: officer.person, liftAt: officer.at + (2 + random.int(20)) * HOUR };
    }

    // The release: the line issues it to a forwarder, who accepts and later passes it to a haulier.
    const desk = nextStaffed(
      world,
      random,
      Math.max(announcedAt + HOUR, discharged - DAY + random.int(40) * HOUR),
      {
        orgId: line.orgId,
        role: 'release_desk',
      },
    );
    const forwarder = random.pick(world.forwarders);
    const haulier = random.pick(world.hauliers);
    const releaseId = newId('rel');
    const releaseStream = `release-${releaseId}`;
    let r: ReleaseState = run(
      releaseStream,
      desk.at,
      initialReleaseState(),
      {
        type: 'IssueRelease',
        at: iso(desk.at),
        by: releaseActor(desk.person),
        releaseId,
        visitRef,
        line: line.code,
        validFrom: iso(desk.at),
        validUntil: iso(Math.max(desk.at, pickupAt) + 14 * DAY),
        firstParty: forwarder.orgId,
      } satisfies ReleaseCommand,
      decideRelease,
      evolveRelease,
    );
    const fwd = nextStaffed(world, random, desk.at + (20 + random.int(200)) * MINUTE, {
      orgId: forwarder.orgId,
      role: 'release_desk',
      except: [...used],
    });
    r = run(
      releaseStream,
      fwd.at,
      r,
      { type: 'AcceptTransfer', at: iso(fwd.at), by: releaseActor(fwd.person) } satisfies ReleaseCommand,
      decideRelease,
      evolveRelease,
    );
    record.chain.push({ orgId: forwarder.orgId, at: fwd.at });

    // Housekeeping moves, and now and then a slot corrected after a real move (the clerk typed the wrong bay).
    const moveAt = discharged + (2 + random.int(Math.max(1, dwellHours - 6))) * HOUR;
    const lastQuiet = part?.kind === 'chain' ? part.attackAt - 2 * HOUR : pickupAt - 2 * HOUR;
    if (part?.kind === 'vanish' || (moveAt < lastQuiet && random.chance(0.35))) {
      const at = part?.kind === 'vanish' ? part.vanishAt : moveAt;
      const mover = nextStaffed(world, random, at, { role: 'equipment_operator', terminal });
      const from = v.visit!.slot!;
      // No driver of a straddle carrier at work before the box is due out: the move is not made.
      const moved = part?.kind === 'vanish' || mover.at < lastQuiet;
      if (moved)
        v = run(
          stream,
          mover.at,
          v,
          {
            type: 'MoveContainer',
            at: iso(mover.at),
            from,
            to: otherSlot(from, v.visit!.sizeType),
            equipment: `RTG${1 + random.int(12)}`,
            operator: mover.person.userId,
          } satisfies VisitCommand,
          decide,
          evolve,
        );
      if (moved && !part && random.chance(0.06)) {
        const planner = nextStaffed(world, random, mover.at + (10 + random.int(60)) * MINUTE, {
          role: 'yard_planner',
          terminal,
          except: [...used],
        });
        const second = onDuty(world, random, planner.at, {
          terminal,
          role: random.chance(0.5) ? 'terminal_supervisor' : 'yard_planner',
          except: [planner.person.userId, ...used],
        });
        // Fixed by a planner on the same shift; when none is at work soon, the slip is not made.
        if (second && planner.at < lastQuiet && planner.at - mover.at <= 2 * HOUR) {
          v = correct(
            visitRef,
            v,
            terminal,
            planner.person,
            second,
            planner.at,
            'wrong bay typed after the move',
          );
        }
      }
    }
    // A colluding pair's correction, on a box of theirs that stands quietly in the yard.
    if (!part) {
      const planned = collusion.find(
        (c) => !c.done && c.terminal === terminal && c.at > discharged + HOUR && c.at < lastQuiet - HOUR,
      );
      // Long after the box's last event, so that nothing explains it (and the stream stays in time order).
      const lastEvent = Date.parse(v.events[v.events.length - 1]!.at);
      if (planned && planned.at > lastEvent + 6 * HOUR) {
        planned.done = true;
        v = correct(
          visitRef,
          v,
          terminal,
          planned.requester,
          planned.approver,
          planned.at,
          'found one bay over',
        );
        const found = labels.find((l) => l.id === planned.label);
        if (found) (found.also as DetectionSubject[]).push({ kind: 'visit', id: visitRef });
      }
    }
    if (hold) {
      const span = workSpan(world, hold.officer, hold.liftAt);
      const liftAt = span ? hold.liftAt : (nextOnDuty(world, hold.officer, hold.liftAt) ?? hold.liftAt);
      v = run(
        stream,
        liftAt,
        v,
        {
          type: 'LiftHold',
          at: iso(liftAt),
          holdId: hold.holdId,
          reason: 'documents in order',
          by: hold.officer.userId,
        } satisfies VisitCommand,
        decide,
        evolve,
      );
      // The haulier waits for customs: the pickup comes after the lift.
      if (liftAt > pickupAt - HOUR) pickupAt = pickupSlot(liftAt + 4 * HOUR);
    }

    if (part?.kind === 'vanish') {
      // Nothing more: the release stays with the forwarder, and the box is gone from the yard without a trace.
      record.endAt = part.vanishAt;
      const vanishedAt = Date.parse(v.visit!.lastMovedAt ?? iso(part.vanishAt));
      part.label = label('vanished_box', { kind: 'visit', id: visitRef }, vanishedAt, endMs);
      return;
    }

    // The forwarder passes the right to the haulier: usually a day or two ahead, sometimes hours before pickup.
    const chainPart = part?.kind === 'chain' ? part : undefined;
    const offerTarget = chainPart
      ? chainPart.attackAt + 30 * MINUTE
      : random.chance(0.15)
        ? pickupAt - (3 + random.int(5)) * HOUR
        : pickupAt - (26 + random.int(30)) * HOUR;
    const offer = nextStaffed(world, random, Math.max(fwd.at + 30 * MINUTE, offerTarget), {
      orgId: forwarder.orgId,
      role: 'release_desk',
      except: [...used],
    });
    const haulierOrg = chainPart ? world.orgById.get(chainPart.planner.orgId)! : haulier;
    r = run(
      releaseStream,
      offer.at,
      r,
      {
        type: 'OfferTransfer',
        at: iso(offer.at),
        by: releaseActor(offer.person),
        to: haulierOrg.orgId,
      } satisfies ReleaseCommand,
      decideRelease,
      evolveRelease,
    );
    const accept = chainPart
      ? { at: offer.at + (2 + random.int(3)) * MINUTE, person: chainPart.planner }
      : nextStaffed(world, random, offer.at + (5 + random.int(60)) * MINUTE, {
          orgId: haulierOrg.orgId,
          role: 'haulier_planner',
          except: [...used],
        });
    r = run(
      releaseStream,
      accept.at,
      r,
      {
        type: 'AcceptTransfer',
        at: iso(accept.at),
        by: releaseActor(accept.person),
      } satisfies ReleaseCommand,
      decideRelease,
      evolveRelease,
    );
    record.chain.push({ orgId: haulierOrg.orgId, at: accept.at });
    const rightVersion = r.release!.rightVersion;

    // The haulier books a slot.
    const bookAt = accept.at + (chainPart ? 2 : 5 + random.int(50)) * MINUTE;
    if (pickupAt < bookAt + 2 * HOUR) pickupAt = pickupSlot(bookAt + 2 * HOUR);
    const badges = world.badges.get(haulierOrg.orgId)!;
    let b: BookingState = initialBookingState();
    const appointment = `appointment-${visitRef}`;
    const slotCommand = (start: number) => ({
      slotId: slotIdOf(terminal, iso(start)),
      slotStart: iso(start),
      slotEnd: iso(start + HOUR),
    });
    b = run(
      appointment,
      bookAt,
      b,
      {
        type: 'BookSlot',
        at: iso(bookAt),
        bookingId: newId('bkg'),
        visitRef,
        ...slotCommand(pickupAt),
        driverBadgeRef: random.pick(badges),
        truckPlate: plate(),
        bookedBy: { orgId: haulierOrg.orgId, userId: accept.person.userId },
        rightVersion,
        holder: haulierOrg.orgId,
        slotBooked: 0,
        capacity: 40,
      } satisfies BookingCommand,
      decideBooking,
      evolveBooking,
    );

    // Honest changes: a rebooking a day ahead, another driver named early, a driver off sick on the day.
    // Returns when the change took effect, or undefined when no second planner was there to approve it.
    const change = (
      at: number,
      command: BookingCommand,
      planner: Person,
      quick = false,
    ): number | undefined => {
      if (isSensitiveChange(b, command)) {
        const second = onDuty(world, random, at, {
          orgId: haulierOrg.orgId,
          role: 'haulier_planner',
          except: [planner.userId, ...(chainPart ? [] : [...used])],
        });
        if (!second) return undefined;
        // The attacker rings the colleague, who approves at once.
        const decidedAt = at + (quick ? 2 + random.int(4) : 4 + random.int(12)) * MINUTE;
        const { state } = approve(
          'pickup.change',
          visitRef,
          pickupChangeOf(b, command),
          null,
          planner,
          second,
          at,
          decidedAt,
        );
        b = run(
          appointment,
          decidedAt,
          b,
          { ...command, at: iso(decidedAt), approval: state } as BookingCommand,
          decideBooking,
          evolveBooking,
        );
        return decidedAt;
      }
      b = run(appointment, at, b, command, decideBooking, evolveBooking);
      return at;
    };
    if (!chainPart && random.chance(0.1)) {
      const target = pickupAt - (26 + random.int(20)) * HOUR;
      const who = onDuty(world, random, target, {
        orgId: haulierOrg.orgId,
        role: 'haulier_planner',
        except: [...used],
      });
      const newStart = pickupAt + (2 + random.int(24)) * HOUR;
      if (who && target > bookAt) {
        const moved = change(
          target,
          {
            type: 'RebookSlot',
            at: iso(target),
            ...slotCommand(pickupSlot(newStart)),
            by: { orgId: haulierOrg.orgId, userId: who.userId },
            rightVersion,
            holder: haulierOrg.orgId,
            slotBooked: 0,
            capacity: 40,
          },
          who,
        );
        if (moved !== undefined) pickupAt = Date.parse(b.booking!.slotStart);
      }
    }
    if (!chainPart && random.chance(0.05)) {
      const sick = random.chance(0.12);
      const target = sick ? pickupAt - (1 + random.int(5)) * HOUR : pickupAt - (26 + random.int(20)) * HOUR;
      const who = onDuty(world, random, target, {
        orgId: haulierOrg.orgId,
        role: 'haulier_planner',
        except: [...used],
      });
      if (who && target > bookAt) {
        change(
          target,
          {
            type: 'ChangeDriver',
            at: iso(target),
            driverBadgeRef: random.pick(badges.filter((x) => x !== b.booking!.driverBadgeRef)),
            truckPlate: b.booking!.truckPlate,
            by: { orgId: haulierOrg.orgId, userId: who.userId },
            rightVersion,
            holder: haulierOrg.orgId,
          },
          who,
        );
      }
    }

    let gateAt = pickupAt + (5 + random.int(50)) * MINUTE;
    if (chainPart) {
      // The attack: the phished planner moves the pickup earlier, names another driver, and a terminal login
      // corrects the box's recorded slot with no move; then the box leaves within minutes, or simply vanishes.
      const p = chainPart.planner;
      const t0 = chainPart.attackAt;
      const ip = attacker(incidentNo + 3);
      extraSignIns.push({ person: p, at: t0, ip, userAgent: attackerAgent, method: p.method });
      extraViews.push({
        person: p,
        at: t0 + 6 * MINUTE,
        ip,
        visitRefsOf: () => [visitRef],
        routes: ['visit.search'],
      });
      const insider = pickPerson((q) => q.role === 'yard_planner' && q.terminal === terminal);
      const insiderAt = t0 + 20 * MINUTE;
      const insiderSecond =
        onDuty(world, random, insiderAt, {
          terminal,
          role: 'terminal_supervisor',
          except: [insider.userId, ...used],
        }) ??
        onDuty(world, random, insiderAt, {
          terminal,
          role: 'yard_planner',
          except: [insider.userId, ...used],
        });
      const insiderIp = attacker(incidentNo + 5);
      extraSignIns.push({
        person: insider,
        at: insiderAt - 4 * MINUTE,
        ip: insiderIp,
        userAgent: attackerAgent,
        method: insider.method,
      });
      if (insiderSecond) {
        v = correct(visitRef, v, terminal, insider, insiderSecond, insiderAt, 'scan shows it one bay over');
      }
      // The slot under way: a slot may be booked until it ends.
      const rebookAt = bookAt + MINUTE;
      const earlier = Math.floor((rebookAt + 20 * MINUTE) / HOUR) * HOUR;
      const rebooked = change(
        rebookAt,
        {
          type: 'RebookSlot',
          at: iso(rebookAt),
          ...slotCommand(earlier),
          by: { orgId: haulierOrg.orgId, userId: p.userId },
          rightVersion,
          holder: haulierOrg.orgId,
          slotBooked: 0,
          capacity: 40,
        },
        p,
        true,
      );
      const driverAt = (rebooked ?? rebookAt) + MINUTE;
      const driverChanged = change(
        driverAt,
        {
          type: 'ChangeDriver',
          at: iso(driverAt),
          driverBadgeRef: `badge.stranger.${String(incidentNo).padStart(8, '0')}`,
          truckPlate: plate(),
          by: { orgId: haulierOrg.orgId, userId: p.userId },
          rightVersion,
          holder: haulierOrg.orgId,
        },
        p,
        true,
      );
      pickupAt = Date.parse(b.booking!.slotStart);
      gateAt = Math.max(pickupAt + MINUTE, (driverChanged ?? driverAt) + (2 + random.int(4)) * MINUTE);
      const also = [user(p), user(insider)];
      if (chainPart.variant === 'vanish') {
        record.endAt = gateAt;
        chainPart.label = label('antwerp_chain', { kind: 'visit', id: visitRef }, t0, endMs, also);
        return;
      }
      chainPart.label = label('antwerp_chain', { kind: 'visit', id: visitRef }, t0, gateAt + DAY, also);
    }

    // The pickup: the gate accepts the credential and the box leaves.
    const attemptId = newId('gate');
    emit(gateAt, `gate-${attemptId}`, 'GateAttemptAccepted', {
      attemptId,
      visitRef,
      credentialId: newId('cred'),
      badgeRef: b.booking!.driverBadgeRef,
      truckPlate: b.booking!.truckPlate,
      at: iso(gateAt),
    });
    v = run(
      stream,
      gateAt,
      v,
      {
        type: 'GateOutContainer',
        at: iso(gateAt),
        truckPlate: b.booking!.truckPlate,
        // The verdict's audit index is known only when the log appends it: `append.ts` puts it in.
        verdict: { attemptId, visitRef, accepted: true, index: 0, recordedAt: iso(gateAt) },
      } satisfies VisitCommand,
      decide,
      evolve,
    );
    record.endAt = gateAt;
  }

  function exportVisit(terminal: string, gateInAt: number): void {
    const line = random.pick(world.lines);
    const visitRef = newVisitReference(random.bytes(13));
    const stream = `visit-${visitRef}`;
    const announcedAt = gateInAt - (2 + random.int(20)) * HOUR;
    const record: VisitRecord = { visitRef, terminal, line: line.code, announcedAt, endAt: endMs, chain: [] };
    record.chain.push({ orgId: line.orgId, at: announcedAt });
    visits.push(record);
    let v = run(
      stream,
      announcedAt,
      initialState(),
      {
        type: 'AnnounceVisit',
        at: iso(announcedAt),
        visitRef,
        containerNumber: containerNumber(line.code),
        line: line.code,
        sizeType: random.pick(['22G1', '42G1', '45G1']),
        fullEmpty: random.chance(0.3) ? 'empty' : 'full',
        arrival: { mode: 'truck' },
      } satisfies VisitCommand,
      decide,
      evolve,
    );
    const clerk = nextStaffed(world, random, gateInAt, { role: 'gate_clerk', terminal });
    v = run(
      stream,
      clerk.at,
      v,
      {
        type: 'GateInContainer',
        at: iso(clerk.at),
        slot: slotIn(terminal, v.visit!.sizeType),
        truckPlate: plate(),
        operator: clerk.person.userId,
      } satisfies VisitCommand,
      decide,
      evolve,
    );
    const loadAt = clerk.at + (20 + random.int(60)) * HOUR;
    if (loadAt < endMs) {
      v = run(
        stream,
        loadAt,
        v,
        {
          type: 'LoadContainer',
          at: iso(loadAt),
          vesselCall: `VC${terminal}${Math.floor(loadAt / DAY)}`,
        } satisfies VisitCommand,
        decide,
        evolve,
      );
      record.endAt = loadAt;
    }
  }

  const pending = [...visitParts];
  for (let d = 0; d < days; d++) {
    for (const terminal of world.terminals) {
      const calls = terminal === 'T1' ? 2 : 1;
      for (let c = 0; c < calls; c++) {
        const vesselCall = `VC${terminal}${String(d).padStart(3, '0')}${c}`;
        let at = EPOCH + d * DAY + random.int(20) * HOUR;
        const boxes = 10 + random.int(14);
        for (let k = 0; k < boxes; k++) {
          at += (2 + random.int(4)) * MINUTE;
          // An incident's box comes off the vessel two days before its part begins.
          const partIndex = pending.findIndex((p) => {
            const when = p.kind === 'chain' ? p.attackAt : p.vanishAt;
            return when - at < 2 * DAY && when > at;
          });
          const part = partIndex >= 0 && k === 0 ? pending.splice(partIndex, 1)[0] : undefined;
          importVisit(terminal, vesselCall, at, part);
        }
      }
      for (let k = 0; k < 4 + random.int(4); k++) {
        exportVisit(terminal, EPOCH + d * DAY + (6 + random.int(15)) * HOUR + random.int(60) * MINUTE);
      }
    }
  }

  // --- Sign-ins and look-ups of every person at work.
  const visible = (person: Person, visit: VisitRecord, at: number): boolean => {
    if (at < visit.announcedAt || at > visit.endAt) return false;
    switch (person.orgKind) {
      case 'terminal_operator':
        return person.terminal === visit.terminal;
      case 'customs':
      case 'port_police':
        return true;
      default:
        return visit.chain.some((c) => c.orgId === person.orgId && c.at <= at);
    }
  };
  // Visits by day, so that a look-up picks among the few hundred in the port that day.
  const byDay: VisitRecord[][] = Array.from({ length: days }, () => []);
  for (const visit of visits) {
    const first = Math.max(0, Math.floor((visit.announcedAt - EPOCH) / DAY));
    const last = Math.min(days - 1, Math.floor((visit.endAt - EPOCH) / DAY));
    for (let d = first; d <= last; d++) byDay[d]!.push(visit);
  }
  const lookAt = (person: Person, at: number, count: number): string[] => {
    const day = Math.min(days - 1, Math.max(0, Math.floor((at - EPOCH) / DAY)));
    const seen = byDay[day]!.filter((v) => visible(person, v, at));
    const picked = new Set<string>();
    for (let k = 0; k < count && seen.length > 0; k++) picked.add(random.pick(seen).visitRef);
    return [...picked];
  };
  const view = (
    person: Person,
    at: number,
    ip: string,
    routes: string[],
    visitRefs: string[],
    terminals: string[],
  ) => {
    if (visitRefs.length === 0 && terminals.length === 0) return;
    const data: PositionsViewedData = {
      userId: person.userId,
      orgId: person.orgId,
      routes,
      visitRefs: visitRefs.slice(0, 500),
      terminals,
      firstAt: iso(at - 4000),
      lastAt: iso(at),
      ip,
    };
    emit(at, viewsStream(person.userId), POSITIONS_VIEWED, data);
  };
  const signIn = (
    person: Person,
    at: number,
    ip: string,
    userAgent: string,
    method: string,
    failFirst: boolean,
  ) => {
    if (failFirst) {
      const failedAt = at - (20 + random.int(60)) * 1000;
      emit(failedAt, `auth-${person.userId}`, 'LoginFailed', {
        method,
        reason:
          method === 'passkey' ? 'assertion_invalid' : random.chance(0.7) ? 'password_wrong' : 'totp_wrong',
        ip,
        userAgent,
        at: iso(failedAt),
      });
    }
    emit(at, `auth-${person.userId}`, 'LoginSucceeded', { method, ip, userAgent, at: iso(at) });
  };

  for (const person of world.people) {
    const org = world.orgById.get(person.orgId)!;
    for (let d = 0; d < days; d++) {
      const span = spanOn(world, person, d);
      if (!span) continue;
      // A traveller works a day from the organisation's other office; some stay late.
      const office =
        org.offices.length > 1 &&
        person.schedule.kind === 'office' &&
        random.chance(0.02) &&
        !incidentDays.has(`${person.userId}/${d}`)
          ? org.offices.find((o) => o !== person.office)!
          : person.office;
      const ip = addressIn(office, random);
      const end = span[1] + (random.chance(0.06) ? (1 + random.int(3)) * HOUR : 0);
      const start = span[0] + (random.int(30) - 10) * MINUTE;
      const typo = random.chance(person.method === 'password_totp' ? 0.05 : 0.01);
      signIn(person, start, ip, person.userAgent, person.method, typo);
      if (random.chance(0.4)) {
        signIn(
          person,
          start + Math.floor((end - start) * (0.4 + random.next() * 0.2)),
          ip,
          person.userAgent,
          person.method,
          false,
        );
      }
      // Look-ups over the day; a busy day now and then.
      const busy = random.chance(0.05) ? 2.5 : 1;
      const n = Math.round(person.lookupsPerDay * busy * (0.5 + random.next()));
      for (let k = 0; k < n; k++) {
        const at =
          start + 5 * MINUTE + random.int(Math.max(1, Math.floor((end - start - 10 * MINUTE) / 1000))) * 1000;
        if (person.terminal !== null && random.chance(0.3)) {
          view(person, at, ip, ['yard.map'], [], [person.terminal]);
        } else {
          view(
            person,
            at,
            ip,
            [random.pick(['visit', 'visit.search', 'visit.history'])],
            lookAt(person, at, 1 + random.int(4)),
            [],
          );
        }
      }
    }
  }
  for (const extra of extraSignIns)
    signIn(extra.person, extra.at, extra.ip, extra.userAgent, extra.method, false);
  for (const extra of extraViews) {
    const own = extra.visitRefsOf();
    // Bulk: a hundred or more boxes the person may see; for a phished login, boxes far outside their own chain.
    const scenario = labels.find(
      (l) => l.subject.id === extra.person.userId || l.also.some((s) => s.id === extra.person.userId),
    );
    const bulk = scenario?.scenario === 'impossible_travel' ? 6 : 60 + random.int(90);
    const pool =
      scenario?.scenario === 'antwerp_chain' || scenario?.scenario === 'phished_totp'
        ? (byDay[Math.min(days - 1, Math.floor((extra.at - EPOCH) / DAY))] ?? []).filter(
            (v) => v.announcedAt <= extra.at && v.endAt >= extra.at,
          )
        : [];
    const refs =
      pool.length > 0
        ? [...new Set(Array.from({ length: bulk }, () => random.pick(pool).visitRef))]
        : lookAt(extra.person, extra.at, bulk);
    view(extra.person, extra.at, extra.ip, extra.routes, [...new Set([...refs, ...own])], []);
  }

  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return {
    world,
    events: events.filter((e) => e.at < endMs),
    labels,
    startAt: iso(EPOCH),
    endAt: iso(endMs),
  };
}

/** The next instant at or after `at` when the person is at work, searched by quarter hours. */
function nextOnDuty(world: World, person: Person, at: number): number | undefined {
  for (let t = at; t < at + 10 * DAY; t += 15 * MINUTE) if (workSpan(world, person, t)) return t;
  return undefined;
}

/** SHA-256 over the events' canonical order and content: the same seed and days give the same hash. */
export function eventsHash(events: readonly GeneratedEvent[]): string {
  const hash = createHash('sha256');
  for (const event of events) {
    hash.update(`${event.at}|${event.streamId}|${event.type}|${JSON.stringify(event.data)}\n`);
  }
  return hash.digest('hex');
}

export type { Org };
