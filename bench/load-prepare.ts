/**
 * What `npm run load` prepares before the mix, the way a port would: organisations, API tokens and people through
 * the `portledger` CLI (as the administrator at the machine does), then everything else through the real HTTP API
 * of the running server — the line's and the haulier's planners enrol software passkeys (the drill's,
 * `src/cli/drill-passkey.ts`), confirmed by the operator with the code their enrolment page shows, and sign in;
 * drivers are registered; boxes are announced by the line's feed and gated in by the terminal's TOS; releases
 * are issued by the line's desk and accepted by the haulier's planner (both sensitive, so in passkey sessions);
 * pickups are booked by the haulier's system. Nothing is written into the database behind the server's back.
 */
import { randomBytes } from 'node:crypto';
import { Client, type Session, sessionFrom } from '../src/cli/drill-client.js';
import { type DrillPasskey, drillPasskey } from '../src/cli/drill-passkey.js';
import { demoSlotConfig, demoTerminal } from '../src/demo/demo-port.js';
import { computeCheckDigit, type YardSlot } from '../src/domain/index.js';
import { runPortledger } from './load-server.js';

/** The answer of one call: status and parsed JSON body. */
export type Answer = Awaited<ReturnType<Client['call']>>;

/** The API tokens of the run's machine clients. */
export interface LoadTokens {
  /** The line's pre-advice feed (COPARN): announces and tracks its own boxes. */
  readonly line: string;
  /** The terminal operating system: gates boxes in, records moves, reads visits with their positions. */
  readonly tos: string;
  /** The haulier's planning system: registers drivers, books pickups, reads appointments. */
  readonly haulier: string;
  /** One per gate lane: `visit.gate_out` only. */
  readonly kiosks: readonly string[];
}

/** The parties of the run, registered through the CLI before the server starts. */
export interface LoadParties {
  readonly tag: string;
  readonly haulierOrgId: string;
  readonly tokens: LoadTokens;
  readonly people: { readonly lineDesk: Person; readonly planner: Person };
}

interface Person {
  readonly username: string;
  readonly enrolmentToken: string;
}

/** A box in the yard. */
export interface Box {
  readonly visitRef: string;
  readonly containerNumber: string;
  slot: YardSlot;
}

/** A driver of the haulier, as the gate reads him: badge and the plate of his truck. */
export interface Driver {
  readonly badge: string;
  readonly plate: string;
}

/** A box with a booked pickup and the credential the booking issued. */
export interface BookedBox extends Box {
  slotId: string;
  driver: Driver;
  credential: string;
}

/** A slot bookable days ahead, with the capacity left in it. */
export interface FutureSlot {
  readonly slotId: string;
  remaining: number;
}

/** Everything the mix works on. */
export interface LoadWorld {
  readonly tokens: LoadTokens;
  /** The haulier's planner, signed in with a passkey: re-books and changes drivers. */
  readonly planner: Session;
  readonly drivers: readonly Driver[];
  /** Booked in slots open at the gate throughout the run: each is let out once. */
  readonly pickups: BookedBox[];
  /** Booked days ahead: at the gate today they are refused (and, with another driver's badge, for that too). */
  readonly early: BookedBox[];
  /** Booked days ahead, re-booked and given other drivers during the mix. */
  readonly booked: BookedBox[];
  /** Their right accepted, nothing booked yet: booked during the mix. */
  readonly unbooked: Box[];
  /** The terminal's other stock: moved during the mix. */
  readonly stock: Box[];
  /** Free ground slots the moves may go to. */
  readonly freeGround: YardSlot[];
  /** Slots two to four days ahead, for new bookings and re-bookings. */
  readonly futureSlots: FutureSlot[];
  /** How many pickups the open slots could take: the run's gate cannot accept more. */
  readonly openCapacity: number;
}

/** How many of each the run needs. */
export interface LoadNeeds {
  readonly pickups: number;
  readonly early: number;
  readonly booked: number;
  readonly unbooked: number;
  readonly stock: number;
  readonly lanes: number;
  /** The run starts and ends at these instants (server time, ms): every pickup's slot must be open in between. */
  readonly runStartsAtMs: number;
  readonly runEndsAtMs: number;
}

/** The parties' permissions, each the least its system needs. */
const permissions = {
  line: ['visit.announce', 'visit.read'],
  tos: ['visit.gate_in', 'visit.move', 'visit.read', 'visit.position.read'],
  // Re-bookings and driver changes are a person's (`appointment.change` is never a token's): the planner's session.
  haulier: ['driver.nominate', 'appointment.book', 'appointment.read', 'visit.read'],
  kiosk: ['visit.gate_out'],
} as const;

/**
 * Registers the terminal operator (running T1), a shipping line and a haulier, their machine clients' tokens
 * and two people (the line's release desk, the haulier's planner), through the CLI on `databaseUrl`. Names carry
 * a tag of the run, so that a run against a database in use adds its own parties beside the others.
 */
export async function registerParties(
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
  lanes: number,
): Promise<LoadParties> {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const cli = (args: string[]) => runPortledger([...args, '--db', databaseUrl], env);
  const ids = { terminal: `load-tos-${tag}`, line: `load-line-${tag}`, haulier: `load-hau-${tag}` };
  await cli(
    [
      'org',
      'add',
      '--id',
      ids.terminal,
      '--kind',
      'terminal_operator',
      '--name',
      `Load terminal ${tag}`,
    ].concat(['--code', `LT${tag}`, '--terminal', demoTerminal.terminal]),
  );
  await cli(
    ['org', 'add', '--id', ids.line, '--kind', 'shipping_line', '--name', `Load line ${tag}`].concat([
      '--code',
      `LL${tag}`,
    ]),
  );
  await cli(
    ['org', 'add', '--id', ids.haulier, '--kind', 'haulier', '--name', `Load haulage ${tag}`].concat([
      '--code',
      `LH${tag}`,
    ]),
  );
  const token = async (org: string, granted: readonly string[], label: string) =>
    (
      await cli([
        'token',
        'create',
        '--org',
        org,
        '--label',
        label,
        ...granted.flatMap((p) => ['--permission', p]),
      ])
    ).trim();
  const kiosks: string[] = [];
  for (let lane = 1; lane <= lanes; lane++) {
    kiosks.push(await token(ids.terminal, permissions.kiosk, `gate lane ${lane}`));
  }
  const tokens: LoadTokens = {
    line: await token(ids.line, permissions.line, 'COPARN feed'),
    tos: await token(ids.terminal, permissions.tos, 'TOS'),
    haulier: await token(ids.haulier, permissions.haulier, 'planning system'),
    kiosks,
  };
  const person = async (org: string, username: string, role: string): Promise<Person> => {
    const out = await cli(
      ['user', 'add', '--org', org, '--username', username, '--name', username].concat(['--role', role]),
    );
    const enrolmentToken = /#token=(\S+)/.exec(out)?.[1];
    if (!enrolmentToken) throw new Error(`no enrolment link in: ${out}`);
    return { username, enrolmentToken };
  };
  return {
    tag,
    haulierOrgId: ids.haulier,
    tokens,
    people: {
      lineDesk: await person(ids.line, `load-desk-${tag.toLowerCase()}`, 'release_desk'),
      planner: await person(ids.haulier, `load-planner-${tag.toLowerCase()}`, 'haulier_planner'),
    },
  };
}

/** Throws unless the answer has one of the statuses expected. */
export function expectStatus(answer: Answer, what: string, ...statuses: number[]): Answer {
  if (!statuses.includes(answer.status)) {
    const code = typeof answer.body.code === 'string' ? ` ${answer.body.code}` : '';
    const detail = typeof answer.body.detail === 'string' ? `: ${answer.body.detail}` : '';
    throw new Error(`${what}: HTTP ${answer.status}${code}${detail}`);
  }
  return answer;
}

/** A person signed in with a passkey: a session fresh enough for sensitive actions (5 minutes after sign-in). */
class PasskeyPerson {
  private session: Session | undefined;
  private signedInAt = 0;
  constructor(
    private readonly client: Client,
    private readonly passkey: DrillPasskey,
    private readonly userHandle: string,
    readonly username: string,
  ) {}

  /** A session signed in within the last four minutes (signing in again with the passkey when older). */
  async fresh(): Promise<Session> {
    if (this.session && performance.now() - this.signedInAt < 4 * 60_000) return this.session;
    const options = expectStatus(
      await this.client.call('POST', '/v1/auth/passkey/options', { body: {} }),
      'sign-in options',
      200,
    );
    const challenge = options.body as { challengeId: string; options: { challenge: string; rpId?: string } };
    const answer = expectStatus(
      await this.client.call('POST', '/v1/auth/passkey/verify', {
        body: {
          challengeId: challenge.challengeId,
          response: this.passkey.assert(challenge.options, this.userHandle),
        },
      }),
      `${this.username} signs in`,
      200,
    );
    this.session = sessionFrom(this.username, answer);
    if (!this.session) throw new Error(`${this.username} signed in without a session cookie`);
    this.signedInAt = performance.now();
    return this.session;
  }
}

/**
 * Enrols a software passkey through the person's one-time link, has the operator confirm it with the code the
 * enrolment page showed (the CLI's `enrolment confirm --by-operator`), and signs in with it.
 */
async function enrolAndSignIn(
  client: Client,
  publicUrl: string,
  person: Person,
  cli: (args: string[]) => Promise<string>,
): Promise<PasskeyPerson> {
  const passkey = drillPasskey(publicUrl);
  const options = expectStatus(
    await client.call('POST', '/v1/auth/enrolment/options', { body: { token: person.enrolmentToken } }),
    `${person.username} enrolment options`,
    200,
  );
  const creation = options.body as {
    challengeId: string;
    options: { challenge: string; rp?: { id?: string }; user?: { id?: string } };
  };
  const pending = expectStatus(
    await client.call('POST', '/v1/auth/enrolment/verify', {
      body: {
        token: person.enrolmentToken,
        challengeId: creation.challengeId,
        response: passkey.register(creation.options),
      },
    }),
    `${person.username} enrols a passkey`,
    202,
  );
  await cli(
    [
      'enrolment',
      'confirm',
      '--user',
      person.username,
      '--code',
      String(pending.body.confirmationCode),
    ].concat(['--by-operator']),
  );
  const signedIn = new PasskeyPerson(client, passkey, creation.options.user?.id ?? '', person.username);
  await signedIn.fresh();
  return signedIn;
}

/** Runs `work` over `items`, `concurrency` at a time; the first failure fails the whole. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** Every ground slot of the demo terminal (20-foot bays are odd), in block, row, bay order. */
function groundSlots(): YardSlot[] {
  const slots: YardSlot[] = [];
  for (const block of demoTerminal.blocks) {
    for (let row = 1; row <= block.rows; row++) {
      for (let bay = 1; bay < 2 * block.bays; bay += 2) {
        slots.push({ terminal: demoTerminal.terminal, block: block.id, bay, row, tier: 1 });
      }
    }
  }
  return slots;
}

export const slotKey = (slot: YardSlot) => `${slot.block}-${slot.bay}-${slot.row}-${slot.tier}`;

/** The local calendar day of `instant` in `timeZone`, as YYYY-MM-DD. */
function localDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

interface SlotListing {
  slotId: string;
  start: string;
  end: string;
  remaining: number;
}

/**
 * Prepares the world of the mix on a running server at `url`: see the file's header. `nowMs` is the server's
 * clock (the real one plus the run's shift).
 */
export async function prepareWorld(args: {
  url: string;
  publicUrl: string;
  parties: LoadParties;
  needs: LoadNeeds;
  nowMs: () => number;
  cli: (args: string[]) => Promise<string>;
  log: (line: string) => void;
}): Promise<LoadWorld> {
  const { parties, needs } = args;
  const client = new Client(args.url);
  const tokens = parties.tokens;
  const call = (method: string, path: string, bearer: string, body?: unknown) =>
    client.call(method, path, { bearer, ...(body === undefined ? {} : { body }) });

  const lineDesk = await enrolAndSignIn(client, args.publicUrl, parties.people.lineDesk, args.cli);
  const planner = await enrolAndSignIn(client, args.publicUrl, parties.people.planner, args.cli);
  args.log('people enrolled, confirmed and signed in with passkeys');

  const drivers: Driver[] = [];
  for (let n = 1; n <= 4; n++) {
    const driver = {
      badge: `ANR-${parties.tag}-${String(n).padStart(4, '0')}`,
      plate: `1-L${parties.tag.slice(0, 2)}-${n}`,
    };
    expectStatus(
      await call('POST', '/v1/drivers', tokens.haulier, {
        name: `Load Driver ${n}`,
        badge: driver.badge,
        licence: `B-${parties.tag}-${n}`,
        phone: `+32 3 000 00 0${n}`,
      }),
      'register a driver',
      201,
    );
    drivers.push(driver);
  }

  // The slots: today's that can still be booked and are open at the gate throughout the run, and those of two to
  // four days ahead.
  const { timeZone, graceBeforeMinutes, graceAfterMinutes } = demoSlotConfig;
  const now = args.nowMs();
  const slotsOf = async (day: string) =>
    (
      expectStatus(
        await call('GET', `/v1/terminals/${demoTerminal.terminal}/slots?day=${day}`, tokens.haulier),
        `slots of ${day}`,
        200,
      ).body as { slots: SlotListing[] }
    ).slots;
  const open = (await slotsOf(localDay(new Date(now), timeZone))).filter(
    (slot) =>
      Date.parse(slot.end) > now + 30_000 &&
      Date.parse(slot.start) - graceBeforeMinutes * 60_000 <= needs.runStartsAtMs &&
      Date.parse(slot.end) + graceAfterMinutes * 60_000 >= needs.runEndsAtMs,
  );
  const futureSlots: FutureSlot[] = [];
  for (const days of [2, 3, 4]) {
    for (const slot of await slotsOf(localDay(new Date(now + days * 86_400_000), timeZone))) {
      if (slot.remaining > 0) futureSlots.push({ slotId: slot.slotId, remaining: slot.remaining });
    }
  }
  const openCapacity = open.reduce((sum, slot) => sum + slot.remaining, 0);

  // Ground slots nobody stands in (a database in use has boxes of its own).
  const occupied = new Set<string>();
  for (let after: string | null = null; ; ) {
    const page = expectStatus(
      await call('GET', `/v1/visits?status=in_yard&limit=200${after ? `&after=${after}` : ''}`, tokens.tos),
      'list the yard',
      200,
    ).body as { visits: { slot?: YardSlot | null }[]; next: string | null };
    for (const visit of page.visits) if (visit.slot) occupied.add(slotKey({ ...visit.slot, tier: 1 }));
    if (!page.next) break;
    after = page.next;
  }
  const freeGround = groundSlots().filter((slot) => !occupied.has(slotKey(slot)));

  // Boxes: announced by the line's feed, gated in by the TOS. Owner code and serials from the run's tag.
  const owner = `${String.fromCharCode(65 + (parseInt(parties.tag, 16) % 26))}LDU`;
  let serial = parseInt(parties.tag, 16) % 900_000;
  const newBox = async (): Promise<Box> => {
    serial += 1;
    const first10 = `${owner}${String(serial % 1_000_000).padStart(6, '0')}`;
    const containerNumber = `${first10}${computeCheckDigit(first10)}`;
    const slot = freeGround.shift();
    if (!slot) throw new Error('the yard is full');
    const announced = expectStatus(
      await call('POST', '/v1/visits', tokens.line, {
        containerNumber,
        sizeType: '22G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      }),
      'announce a box',
      201,
    );
    const visitRef = String(announced.body.visitRef);
    expectStatus(
      await call('POST', `/v1/visits/${visitRef}/gate-in`, tokens.tos, { slot, truckPlate: '1-INB-001' }),
      'gate a box in',
      200,
    );
    return { visitRef, containerNumber, slot };
  };
  const withRight = async (box: Box) => {
    const validFrom = new Date(args.nowMs() - 86_400_000).toISOString();
    const validUntil = new Date(args.nowMs() + 30 * 86_400_000).toISOString();
    const desk = await lineDesk.fresh();
    expectStatus(
      await client.call('POST', `/v1/visits/${box.visitRef}/release`, {
        session: desk,
        body: { firstParty: parties.haulierOrgId, validFrom, validUntil },
      }),
      'issue a release',
      201,
    );
    const planning = await planner.fresh();
    expectStatus(
      await client.call('POST', `/v1/visits/${box.visitRef}/release/offers/accept`, { session: planning }),
      'accept a release',
      200,
    );
  };
  const tryBook = (box: Box, slotId: string, driver: Driver) =>
    call('POST', `/v1/visits/${box.visitRef}/appointment`, tokens.haulier, {
      slotId,
      badge: driver.badge,
      truckPlate: driver.plate,
    });
  const book = async (box: Box, slotId: string, driver: Driver, tried?: Answer): Promise<BookedBox> => {
    const answer = expectStatus(tried ?? (await tryBook(box, slotId, driver)), `book ${slotId}`, 201);
    const credential = (answer.body.credential as { token?: string } | null)?.token;
    if (!credential) throw new Error(`booking ${slotId} issued no credential`);
    return { ...box, slotId, driver, credential };
  };
  // Each slot handed out as far as its capacity goes.
  const takeSlot = (slots: { slotId: string; remaining: number }[], turn: number) => {
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[(turn + k) % slots.length]!;
      if (slot.remaining > 0) {
        slot.remaining -= 1;
        return slot.slotId;
      }
    }
    throw new Error('no slot has room left');
  };

  const createBoxes = async (count: number) => {
    const boxes: Box[] = new Array(count);
    await inParallel(boxes, 8, async (_, i) => {
      boxes[i] = await newBox();
    });
    return boxes;
  };
  // Serially: a fresh sign-in renews the session, which must not race the calls of the old one.
  const giveRights = async (boxes: readonly Box[]) => {
    for (const box of boxes) await withRight(box);
  };
  let turn = 0;
  const nextDriver = () => drivers[turn++ % drivers.length]!;

  // The pickups first, while the slot that ends on the hour can still be booked; one that has ended meanwhile is
  // skipped for the next.
  const openSlots = open.map((slot) => ({ slotId: slot.slotId, remaining: slot.remaining }));
  const pickupCount = Math.min(needs.pickups, openCapacity);
  args.log(`booking ${pickupCount} pickups in the ${open.length} slots open at the gate during the run…`);
  const pickups: BookedBox[] = [];
  const pickupBoxes = await createBoxes(pickupCount);
  await giveRights(pickupBoxes);
  for (const box of pickupBoxes) {
    const driver = nextDriver();
    for (;;) {
      const slotId = takeSlot(openSlots, turn);
      const answer = await tryBook(box, slotId, driver);
      if (answer.status === 409 && answer.body.code === 'appointment.slot_in_past') {
        for (const slot of openSlots) if (slot.slotId === slotId) slot.remaining = 0;
        continue;
      }
      pickups.push(await book(box, slotId, driver, answer));
      break;
    }
  }

  const withRights = needs.early + needs.booked + needs.unbooked;
  args.log(`announcing and gating in ${withRights + needs.stock} boxes more, ${withRights} with a release…`);
  const boxes = await createBoxes(withRights + needs.stock);
  await giveRights(boxes.slice(0, withRights));
  const early: BookedBox[] = [];
  const booked: BookedBox[] = [];
  for (const box of boxes.slice(0, needs.early))
    early.push(await book(box, takeSlot(futureSlots, turn), nextDriver()));
  for (const box of boxes.slice(needs.early, needs.early + needs.booked)) {
    booked.push(await book(box, takeSlot(futureSlots, turn * 7), nextDriver()));
  }
  return {
    tokens,
    planner: await planner.fresh(),
    drivers,
    pickups,
    early,
    booked,
    unbooked: boxes.slice(needs.early + needs.booked, withRights),
    stock: boxes.slice(withRights),
    freeGround,
    futureSlots,
    openCapacity,
  };
}
