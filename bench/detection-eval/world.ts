/**
 * The simulated port of the detection evaluation (issue 15): about 20 organisations and 200 people, each with a
 * role, a home office (a declared client network), a device, working hours or a shift, days off and holidays.
 * Everything follows from the seed, so the same seed gives the same port.
 */

import type { SeededRandom } from '../../src/demo/seeded-random.js';
import type { OrgKind, Role } from '../../src/domain/index.js';
import { passkeyRequiredForAny } from '../../src/domain/index.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 24 * HOUR;

/** A Monday, so that weekends fall on days 5 and 6 of each week. */
export const EPOCH = Date.parse('2026-03-02T00:00:00.000Z');

export interface Office {
  readonly cidr: string;
  readonly place: string;
  readonly lat: number;
  readonly lon: number;
  /** The first three octets of its /24, to draw addresses from. */
  readonly prefix: string;
}

export interface Org {
  readonly orgId: string;
  readonly kind: OrgKind;
  readonly name: string;
  readonly code: string;
  readonly terminals: string[];
  readonly offices: Office[];
}

/** When a person works: office hours on weekdays, or a shift (terminal staff round the clock). */
export type Schedule =
  | { readonly kind: 'office'; readonly startHour: number; readonly hours: number }
  | { readonly kind: 'shift'; readonly shift: 0 | 1 | 2; readonly offset: number };

export interface Person {
  readonly userId: string;
  readonly orgId: string;
  readonly orgKind: OrgKind;
  readonly role: Role;
  readonly displayName: string;
  readonly office: Office;
  readonly userAgent: string;
  readonly method: 'passkey' | 'password_totp';
  readonly schedule: Schedule;
  /** Days (from the start) the person is on holiday. */
  readonly holidays: ReadonlySet<number>;
  /** The terminal a terminal operator's staff work at. */
  readonly terminal: string | null;
  /** How many look-ups a day the person usually makes. */
  readonly lookupsPerDay: number;
}

export interface World {
  readonly orgs: Org[];
  readonly people: Person[];
  readonly byId: ReadonlyMap<string, Person>;
  readonly orgById: ReadonlyMap<string, Org>;
  readonly terminals: string[];
  readonly lines: Org[];
  readonly forwarders: Org[];
  readonly hauliers: Org[];
  /** Days every office is closed (public holidays). */
  readonly publicHolidays: ReadonlySet<number>;
  /** Drivers' badge references per haulier. */
  readonly badges: ReadonlyMap<string, string[]>;
}

const PLACES = {
  antwerp: { place: 'Antwerp', lat: 51.2194, lon: 4.4025 },
  ghent: { place: 'Ghent', lat: 51.0543, lon: 3.7174 },
  rotterdam: { place: 'Rotterdam', lat: 51.9244, lon: 4.4777 },
  brussels: { place: 'Brussels', lat: 50.8503, lon: 4.3517 },
  geneva: { place: 'Geneva', lat: 46.2044, lon: 6.1432 },
  singapore: { place: 'Singapore', lat: 1.3521, lon: 103.8198 },
  hamburg: { place: 'Hamburg', lat: 53.5511, lon: 9.9937 },
} as const;

const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Edg/131.0 Safari/537.36',
];

const FIRST = ['An', 'Bart', 'Chloé', 'Dirk', 'Els', 'Filip', 'Greet', 'Hans', 'Ilse', 'Jan', 'Karin', 'Luc'];
const LAST = ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters'];

function office(orgIndex: number, officeIndex: number, where: (typeof PLACES)[keyof typeof PLACES]): Office {
  const prefix = `10.${orgIndex + 1}.${officeIndex + 1}`;
  return { cidr: `${prefix}.0/24`, prefix, ...where };
}

/** The organisations: two terminal operators, four lines, five forwarders, five hauliers, customs, police, port. */
function organisations(): Org[] {
  const specs: { kind: OrgKind; name: string; code: string; terminals?: string[]; far?: boolean }[] = [
    { kind: 'terminal_operator', name: 'North Sea Terminals', code: 'NST', terminals: ['T1'] },
    { kind: 'terminal_operator', name: 'Scheldt Container Operators', code: 'SCO', terminals: ['T2', 'T3'] },
    { kind: 'shipping_line', name: 'Mediterranean Shipping', code: 'MSCU', far: true },
    { kind: 'shipping_line', name: 'Maersk Line', code: 'MAEU', far: true },
    { kind: 'shipping_line', name: 'CMA CGM', code: 'CMDU' },
    { kind: 'shipping_line', name: 'Hapag-Lloyd', code: 'HLCU' },
    ...[1, 2, 3, 4, 5].map((i) => ({ kind: 'forwarder' as const, name: `Forwarder ${i}`, code: `FWD${i}` })),
    ...[1, 2, 3, 4, 5].map((i) => ({ kind: 'haulier' as const, name: `Haulier ${i}`, code: `HAU${i}` })),
    { kind: 'customs', name: 'Customs Antwerp', code: 'CUST' },
    { kind: 'port_police', name: 'Port Police', code: 'POL' },
    { kind: 'port_administration', name: 'Port Authority', code: 'PORT' },
  ];
  return specs.map((spec, i) => {
    const second =
      spec.far === true
        ? i === 2
          ? PLACES.geneva
          : PLACES.singapore
        : spec.kind === 'forwarder'
          ? [PLACES.rotterdam, PLACES.brussels, PLACES.ghent, PLACES.hamburg, PLACES.rotterdam][i % 5]!
          : spec.kind === 'terminal_operator'
            ? PLACES.antwerp
            : null;
    const offices = [office(i, 0, PLACES.antwerp)];
    if (second) offices.push(office(i, 1, second));
    return {
      orgId: `org-${spec.code.toLowerCase()}`,
      kind: spec.kind,
      name: spec.name,
      code: spec.code,
      terminals: spec.terminals ?? [],
      offices,
    };
  });
}

/** How many people of each role each kind of organisation has. */
const STAFF: Partial<Record<OrgKind, [Role, number][]>> = {
  terminal_operator: [
    ['gate_clerk', 9],
    ['yard_planner', 9],
    ['equipment_operator', 12],
    ['terminal_supervisor', 6],
  ],
  shipping_line: [['release_desk', 8]],
  forwarder: [['release_desk', 6]],
  haulier: [['haulier_planner', 6]],
  customs: [
    ['customs_officer', 14],
    ['investigator', 2],
  ],
  port_police: [['investigator', 8]],
  port_administration: [['administrator', 4]],
};

const LOOKUPS: Partial<Record<Role, number>> = {
  gate_clerk: 6,
  yard_planner: 10,
  equipment_operator: 3,
  terminal_supervisor: 6,
  release_desk: 5,
  haulier_planner: 6,
  customs_officer: 8,
  investigator: 4,
  administrator: 1,
};

/** Builds the port for a seed. */
export function buildWorld(random: SeededRandom, days: number): World {
  const orgs = organisations();
  const people: Person[] = [];
  const publicHolidays = new Set([25, 53, 74].filter((d) => d < days));
  for (const [orgIndex, org] of orgs.entries()) {
    let n = 0;
    for (const [role, count] of STAFF[org.kind] ?? []) {
      for (let k = 0; k < count; k++) {
        n++;
        const terminal = org.terminals.length > 0 ? org.terminals[k % org.terminals.length]! : null;
        // Terminal staff and customs work shifts round the clock (customs two shifts); the rest office hours.
        const schedule: Schedule =
          org.kind === 'terminal_operator'
            ? { kind: 'shift', shift: (k % 3) as 0 | 1 | 2, offset: random.int(7) }
            : role === 'customs_officer'
              ? { kind: 'shift', shift: (k % 2) as 0 | 1, offset: random.int(7) }
              : { kind: 'office', startHour: 7 + random.int(3), hours: 8.5 };
        // A week or two of holiday somewhere in the period.
        const holidays = new Set<number>();
        if (days >= 21 && random.chance(0.7)) {
          const start = 7 + random.int(Math.max(1, days - 21));
          const length = random.chance(0.5) ? 7 : 14;
          for (let d = start; d < start + length; d++) holidays.add(d);
        }
        const homeOffice = org.offices.length > 1 && random.chance(0.25) ? org.offices[1]! : org.offices[0]!;
        people.push({
          userId: `u-${org.code.toLowerCase()}-${String(n).padStart(2, '0')}`,
          orgId: org.orgId,
          orgKind: org.kind,
          role,
          displayName: `${random.pick(FIRST)} ${random.pick(LAST)}`,
          office: homeOffice,
          userAgent: random.pick(AGENTS),
          method: passkeyRequiredForAny([role]) ? 'passkey' : 'password_totp',
          schedule,
          holidays,
          terminal,
          lookupsPerDay: (LOOKUPS[role] ?? 2) * (0.6 + random.next() * 0.8),
        });
      }
    }
    void orgIndex;
  }
  const badges = new Map<string, string[]>();
  for (const org of orgs.filter((o) => o.kind === 'haulier')) {
    badges.set(
      org.orgId,
      Array.from(
        { length: 8 },
        (_, i) => `badge.${org.code.toLowerCase()}.${String(i + 1).padStart(8, '0')}`,
      ),
    );
  }
  return {
    orgs,
    people,
    byId: new Map(people.map((p) => [p.userId, p])),
    orgById: new Map(orgs.map((o) => [o.orgId, o])),
    terminals: orgs.flatMap((o) => o.terminals),
    lines: orgs.filter((o) => o.kind === 'shipping_line'),
    forwarders: orgs.filter((o) => o.kind === 'forwarder'),
    hauliers: orgs.filter((o) => o.kind === 'haulier'),
    publicHolidays,
    badges,
  };
}

const SHIFT_START = [6, 14, 22] as const;

/**
 * The person's working span that covers `at`, or undefined when they are off then: [start, end) in ms. A night
 * shift that started the evening before counts.
 */
export function workSpan(world: World, person: Person, at: number): [number, number] | undefined {
  const day = Math.floor((at - EPOCH) / DAY);
  for (const d of [day, day - 1]) {
    const span = spanOn(world, person, d);
    if (span && at >= span[0] && at < span[1]) return span;
  }
  return undefined;
}

/** The person's working span on day `d`, if they work that day. */
export function spanOn(world: World, person: Person, d: number): [number, number] | undefined {
  if (d < 0 || person.holidays.has(d)) return undefined;
  const dayStart = EPOCH + d * DAY;
  const schedule = person.schedule;
  if (schedule.kind === 'office') {
    const weekday = d % 7;
    if (weekday >= 5 || world.publicHolidays.has(d)) return undefined;
    const start = dayStart + schedule.startHour * HOUR;
    return [start, start + schedule.hours * HOUR];
  }
  // Five days on, two off, each person's week turned by their own offset.
  if ((d + schedule.offset) % 7 >= 5) return undefined;
  const start = dayStart + SHIFT_START[schedule.shift] * HOUR;
  return [start, start + 8 * HOUR];
}

/** Someone of `role` at `orgId` (and `terminal`, if given) at work at `at`, chosen by `random`; undefined if none. */
export function onDuty(
  world: World,
  random: SeededRandom,
  at: number,
  filter: { orgId?: string; role?: Role; terminal?: string; except?: string[] },
): Person | undefined {
  const candidates = world.people.filter(
    (p) =>
      (filter.orgId === undefined || p.orgId === filter.orgId) &&
      (filter.role === undefined || p.role === filter.role) &&
      (filter.terminal === undefined || p.terminal === filter.terminal) &&
      !(filter.except ?? []).includes(p.userId) &&
      workSpan(world, p, at) !== undefined,
  );
  return candidates.length > 0 ? random.pick(candidates) : undefined;
}

/** The first instant at or after `at` when someone matching `filter` is at work (searched minute by 15). */
export function nextStaffed(
  world: World,
  random: SeededRandom,
  at: number,
  filter: { orgId?: string; role?: Role; terminal?: string; except?: string[] },
): { at: number; person: Person } {
  for (let t = at; t < at + 10 * DAY; t += 15 * MINUTE) {
    const person = onDuty(world, random, t, filter);
    if (person) return { at: t === at ? t : t + random.int(10) * MINUTE, person };
  }
  throw new Error(`nobody at work for ${JSON.stringify(filter)}`);
}

/** An address in the office's /24. */
export function addressIn(office: Office, random: SeededRandom): string {
  return `${office.prefix}.${10 + random.int(200)}`;
}
