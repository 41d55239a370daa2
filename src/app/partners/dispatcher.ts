/**
 * The outbox dispatcher (issue 16), a loop like the detection engine's (`detection/loop.ts`), in two stages:
 *
 * 1. Queue: read each feed past its cursor in bounded batches — the DCSA feed is the `partner_event` read model
 *    (written in the transaction of each visit event: the transactional outbox), the thin feed is the log itself —
 *    match the active subscriptions of that kind, under need-to-know (`visitVisibility`, as `/v1` and `/v2/events`
 *    judge it), and write the delivery rows and the moved cursor in one transaction (compare-and-set): each event
 *    is queued for each matching subscription exactly once, and a crash loses neither.
 * 2. Send: per subscription, its oldest pending delivery first (head of line: a subscription's events arrive in log
 *    order), signed (`signature.ts`), retried with backoff (`delivery.ts`) until delivered or dead. A crash between
 *    a send and its record sends it again: delivery is at least once, and receivers de-duplicate by `eventID`.
 *
 * With several servers on one PostgreSQL only the holder of the `outbox-dispatcher` role runs it (`active`).
 */
import {
  type OrgKind,
  type PartnerEquipmentEvent,
  type Principal,
  rolesFor,
  toTnt22Event,
  visitVisibility,
} from '../../domain/index.js';
import type { SecretSealer } from '../access/security.ports.js';
import type { Ledger } from '../ledger/index.js';
import type { LedgerReads, StoredEvent } from '../ports.js';
import { type CallbackTransport, outcomeOf, type RetryPolicy } from './delivery.js';
import type { PartnerEventReads, PartnerEventRow } from './partners.ports.js';
import { callbackHeaders, type HmacSha256 } from './signature.js';
import type { OutboxDelivery, SubscriptionKind, SubscriptionRecord } from './subscriptions.ports.js';

export interface DispatcherDeps {
  readonly ledger: Ledger;
  /** The DCSA feed (`partner_event`); without it only thin subscriptions are served. */
  readonly partnerEvents?: PartnerEventReads;
  readonly sealer: SecretSealer;
  readonly hmac: HmacSha256;
  readonly transport: CallbackTransport;
  readonly policy: RetryPolicy;
  /** A callback that has not answered within this is a failed attempt. */
  readonly timeoutMs: number;
  /** Events read per batch (bounded). */
  readonly batch?: number;
  readonly random?: () => number;
}

/** A thin notification (issue 16): what happened, to which visit, when; the receiver fetches the rest itself. */
export interface ThinNotification {
  readonly id: string;
  readonly type: string;
  readonly visitRef: string;
  readonly at: string;
}

const VISIT_TYPES: Readonly<Record<string, string>> = {
  VisitAnnounced: 'visit.announced',
  ContainerDischarged: 'visit.discharged',
  ContainerGatedIn: 'visit.gated_in',
  ContainerGatedOut: 'visit.gated_out',
  ContainerLoaded: 'visit.loaded',
  HoldPlaced: 'visit.hold_placed',
  HoldLifted: 'visit.hold_lifted',
};

/**
 * The thin notification an event of the log makes, and the one organisation it is for when only one may have it
 * (an offer is for the organisation offered the right), or undefined when it makes none.
 */
export function thinNotificationOf(
  event: StoredEvent,
): { notification: ThinNotification; onlyFor?: string } | undefined {
  const visitRef = typeof event.data.visitRef === 'string' ? event.data.visitRef : undefined;
  if (!visitRef) return undefined;
  const base = { id: event.eventId, visitRef, at: event.recordedAt };
  const visitType = VISIT_TYPES[event.type];
  if (visitType && event.streamId.startsWith('visit-')) return { notification: { ...base, type: visitType } };
  if (event.type === 'ReleaseTransferOffered' && typeof event.data.to === 'string') {
    return { notification: { ...base, type: 'release.offer_waiting' }, onlyFor: event.data.to };
  }
  if (event.type === 'ReleaseBlocked') return { notification: { ...base, type: 'release.blocked' } };
  return undefined;
}

/** Whether a DCSA event matches a subscription's filters (DCSA 2.2: AND between filters, OR within a list). */
export function dcsaMatches(subscription: SubscriptionRecord, row: PartnerEventRow): boolean {
  const f = subscription.filters;
  if (f.eventType && !f.eventType.includes(row.eventKind)) return false;
  if (f.equipmentEventTypeCode && !f.equipmentEventTypeCode.includes(row.equipmentEventTypeCode))
    return false;
  if (f.equipmentReference && f.equipmentReference !== row.equipmentReference) return false;
  if (f.carrierBookingReference && f.carrierBookingReference !== row.carrierBookingReference) return false;
  if (f.transportDocumentReference && f.transportDocumentReference !== row.transportDocumentReference)
    return false;
  return true;
}

/** Per batch: each organisation's principal and each visit's facts, read once. */
class Visibility {
  private readonly principals = new Map<string, Principal | null>();
  private readonly parties = new Map<string, readonly string[]>();
  constructor(private readonly reads: LedgerReads) {}

  private async principal(orgId: string): Promise<Principal | null> {
    if (!this.principals.has(orgId)) {
      const org = await this.reads.identity.getOrganisation(orgId);
      // An organisation acts through its subscription as its API tokens do (`http/caller.ts`): with the roles its
      // kind may hold.
      this.principals.set(
        orgId,
        org
          ? {
              userId: `subscription:${orgId}`,
              orgId: org.orgId,
              orgKind: org.kind as OrgKind,
              orgCode: org.code,
              terminals: [...org.terminals],
              roles: rolesFor(org.kind as OrgKind),
            }
          : null,
      );
    }
    return this.principals.get(orgId) ?? null;
  }

  private async releaseParties(visitRef: string): Promise<readonly string[]> {
    let parties = this.parties.get(visitRef);
    if (!parties) {
      parties = await this.reads.releases.releaseParties(visitRef);
      this.parties.set(visitRef, parties);
    }
    return parties;
  }

  /** Whether the organisation may see anything of the visit: `/v1`'s need-to-know. */
  async sees(
    orgId: string,
    visit: { visitRef: string; line: string | null; terminal: string | null },
  ): Promise<boolean> {
    const principal = await this.principal(orgId);
    if (!principal) return false;
    const facts = {
      line: visit.line ?? '',
      terminal: visit.terminal,
      releaseParties: await this.releaseParties(visit.visitRef),
    };
    return visitVisibility(principal, facts) !== 'none';
  }
}

/** A dispatcher's feed: where its cursor is kept, and how a batch past it is read and matched. */
const DCSA_FEED = 'outbox-dcsa';
const THIN_FEED = 'outbox-thin';

function delivery(
  subscription: SubscriptionRecord,
  position: number,
  eventId: string,
  payload: string,
  at: string,
): OutboxDelivery {
  return {
    deliveryId: `${subscription.subscriptionId}/${eventId}`,
    subscriptionId: subscription.subscriptionId,
    position,
    eventId,
    payload,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    lastError: null,
    createdAt: at,
    deliveredAt: null,
  };
}

/** What one queueing run did. */
export interface QueueResult {
  readonly feed: SubscriptionKind;
  /** Events read past the cursor. */
  readonly read: number;
  readonly queued: number;
  /** The cursor after the run: the next audit index the feed reads. */
  readonly position: number;
}

/**
 * Stage 1 for one feed: reads one batch past its cursor, queues the deliveries and moves the cursor, in one
 * transaction. Returns false in `moved` terms (read 0) when nothing was past it. Throws `OutboxCursorMoved` when
 * another dispatcher moved the cursor meanwhile (the next run reads the stored place).
 */
export async function queueDeliveriesOnce(
  deps: DispatcherDeps,
  kind: SubscriptionKind,
): Promise<QueueResult> {
  const { ledger } = deps;
  const store = ledger.store;
  const batch = deps.batch ?? 200;
  const feed = kind === 'dcsa' ? DCSA_FEED : THIN_FEED;
  const stored = await store.outbox.getOutboxCursor(feed);
  const from = stored?.position ?? 0;
  const expected = stored ? stored.position : null;
  // Events first, subscriptions second: a subscription made after the events were read is newer than all of them.
  let rows: {
    position: number;
    eventId: string;
    at: string;
    visit: { visitRef: string; line: string | null; terminal: string | null };
    match: (s: SubscriptionRecord) => boolean;
    payload: () => string;
    onlyFor?: string;
  }[] = [];
  let read = 0;
  let next = from;
  if (kind === 'dcsa') {
    if (deps.partnerEvents) {
      const events = await deps.partnerEvents.after(from - 1, batch);
      read = events.length;
      next = events.length > 0 ? (events.at(-1)?.auditIndex ?? from - 1) + 1 : from;
      rows = events.flatMap((row) => {
        // As `/v2/events` shows it; an event 2.2 cannot carry is not sent.
        const shaped = toTnt22Event(row.payload as unknown as PartnerEquipmentEvent);
        if (shaped === undefined) return [];
        return [
          {
            position: row.auditIndex,
            eventId: row.eventId,
            at: row.eventCreatedDateTime,
            visit: { visitRef: row.visitRef, line: row.line, terminal: row.terminal },
            match: (s: SubscriptionRecord) => dcsaMatches(s, row),
            // DCSA T&T 2.2 callback `event`: the body is an array of events; one a callback keeps each in order.
            payload: () => JSON.stringify([shaped]),
          },
        ];
      });
    }
  } else {
    const events = await store.readEvents(from, batch);
    read = events.length;
    next = from + events.length;
    for (const event of events) {
      const thin = thinNotificationOf(event);
      if (!thin) continue;
      const visit = await store.getVisit(thin.notification.visitRef);
      if (!visit) continue;
      const view = visit.view as { line?: unknown };
      rows.push({
        position: event.index,
        eventId: event.eventId,
        at: event.recordedAt,
        visit: {
          visitRef: visit.visitRef,
          line: typeof view.line === 'string' ? view.line : null,
          terminal: visit.terminal,
        },
        match: (s) =>
          (!s.filters.thinTypes || s.filters.thinTypes.includes(thin.notification.type)) &&
          (!s.filters.equipmentReference || s.filters.equipmentReference === visit.containerNumber),
        payload: () => JSON.stringify(thin.notification),
        ...(thin.onlyFor ? { onlyFor: thin.onlyFor } : {}),
      });
    }
  }
  const subscriptions = await store.outbox.activeSubscriptions(kind);
  const visibility = new Visibility(store);
  const queued: OutboxDelivery[] = [];
  for (const row of rows) {
    for (const subscription of subscriptions) {
      // A subscription receives the events after it was made, not the history before it.
      if (row.at < subscription.createdAt) continue;
      if (row.onlyFor !== undefined && row.onlyFor !== subscription.orgId) continue;
      if (!row.match(subscription)) continue;
      if (row.onlyFor === undefined && !(await visibility.sees(subscription.orgId, row.visit))) continue;
      queued.push(delivery(subscription, row.position, row.eventId, row.payload(), row.at));
    }
  }
  return ledger.write(async ({ tx, now }) => {
    let position = next;
    if (read === 0) {
      // Nothing past the cursor. With no subscription of this kind, skip ahead to the log's head: in this
      // transaction the head is locked, so a subscription made since is seen here, or its events come after it.
      if ((await tx.subscriptions.activeSubscriptions(kind)).length > 0)
        return { feed: kind, read, queued: 0, position: from };
      position = await tx.logSize();
      if (position === from) return { feed: kind, read, queued: 0, position: from };
    }
    const moved = await tx.subscriptions.advanceOutboxCursor(
      { dispatcherId: feed, position, updatedAt: now.toISOString() },
      expected,
    );
    if (!moved) throw new OutboxCursorMoved(feed);
    const stamped = queued.map((d) => ({
      ...d,
      createdAt: now.toISOString(),
      nextAttemptAt: now.toISOString(),
    }));
    if (stamped.length > 0) await tx.subscriptions.addDeliveries(stamped);
    return { feed: kind, read, queued: stamped.length, position };
  });
}

/** Another dispatcher moved the cursor since this one read it: nothing was written; the next run starts over. */
export class OutboxCursorMoved extends Error {
  constructor(readonly feed: string) {
    super(`the outbox cursor ${feed} moved meanwhile`);
    this.name = 'OutboxCursorMoved';
  }
}

/** What one sending run did. */
export interface SendResult {
  readonly attempted: number;
  readonly delivered: number;
  readonly dead: number;
  /** Delivery latencies (ms from queueing to the receiver's 2xx) of the deliveries made. */
  readonly latenciesMs: readonly number[];
}

/**
 * Stage 2: for each active subscription, sends its due deliveries oldest first until one fails (head of line) or
 * `perSubscription` went out. Subscriptions are served side by side.
 */
export async function sendDueOnce(deps: DispatcherDeps, perSubscription = 50): Promise<SendResult> {
  const { ledger } = deps;
  const outbox = ledger.store.outbox;
  const random = deps.random ?? Math.random;
  const subscriptions = [
    ...(await outbox.activeSubscriptions('dcsa')),
    ...(await outbox.activeSubscriptions('thin')),
  ];
  let attempted = 0;
  let delivered = 0;
  let dead = 0;
  const latenciesMs: number[] = [];
  await Promise.all(
    subscriptions.map(async (subscription) => {
      for (let sent = 0; sent < perSubscription; sent++) {
        const [head] = await outbox.listDeliveries(subscription.subscriptionId, {
          status: 'pending',
          limit: 1,
        });
        const now = ledger.clock.now();
        if (!head || Date.parse(head.nextAttemptAt) > now.getTime()) return;
        const secret = deps.sealer.open(subscription.secretSealed);
        const headers = {
          'Content-Type': 'application/json',
          'API-Version': subscription.kind === 'dcsa' ? '2.2.0' : '1.0.0',
          ...callbackHeaders({
            hmac: deps.hmac,
            secret,
            subscriptionId: subscription.subscriptionId,
            body: head.payload,
            at: now,
          }),
        };
        attempted++;
        const response = await deps.transport.post({
          url: subscription.callbackUrl,
          headers,
          body: head.payload,
          timeoutMs: deps.timeoutMs,
        });
        const after = ledger.clock.now();
        const outcome = outcomeOf({ delivery: head, response, now: after, policy: deps.policy, random });
        await outbox.recordDeliveryOutcome(head.deliveryId, outcome);
        if (outcome.status === 'delivered') {
          delivered++;
          latenciesMs.push(after.getTime() - Date.parse(head.createdAt));
          continue;
        }
        if (outcome.status === 'dead') {
          dead++;
          continue;
        }
        return;
      }
    }),
  );
  return { attempted, delivered, dead, latenciesMs };
}

export interface OutboxStatus {
  readonly active: boolean;
  readonly lastRunAt: string | null;
  readonly lastError: string | null;
  readonly delivered: number;
  readonly dead: number;
}

export interface OutboxDispatcher {
  status(): OutboxStatus;
  /** Stops after the run in progress, if any, has ended (graceful shutdown drains the batch in flight). */
  stop(): Promise<void>;
}

/**
 * Runs both stages while `active()` holds: at once again while there is work, else after `idleMs`, doubling to
 * `maxIdleMs` while nothing comes.
 */
export function startOutboxDispatcher(
  deps: DispatcherDeps & {
    active: () => boolean;
    idleMs?: number;
    maxIdleMs?: number;
    onRun?: (result: { queued: readonly QueueResult[]; sent: SendResult }) => void;
    onError?: (error: unknown) => void;
  },
): OutboxDispatcher {
  const idleMs = deps.idleMs ?? 200;
  const maxIdleMs = deps.maxIdleMs ?? 1000;
  let wait = idleMs;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let status: OutboxStatus = { active: false, lastRunAt: null, lastError: null, delivered: 0, dead: 0 };

  async function tick(): Promise<number> {
    if (!deps.active()) {
      status = { ...status, active: false };
      return idleMs;
    }
    try {
      const queued = [await queueDeliveriesOnce(deps, 'dcsa'), await queueDeliveriesOnce(deps, 'thin')];
      const sent = await sendDueOnce(deps);
      deps.onRun?.({ queued, sent });
      status = {
        active: true,
        lastRunAt: deps.ledger.clock.now().toISOString(),
        lastError: null,
        delivered: status.delivered + sent.delivered,
        dead: status.dead + sent.dead,
      };
      if (queued.some((q) => q.read > 0) || sent.delivered > 0 || sent.dead > 0) {
        wait = idleMs;
        return 0;
      }
      const next = wait;
      wait = Math.min(wait * 2, maxIdleMs);
      return next;
    } catch (error) {
      if (!(error instanceof OutboxCursorMoved)) deps.onError?.(error);
      status = { ...status, active: true, lastError: error instanceof Error ? error.message : String(error) };
      return idleMs;
    }
  }

  // Events committed by this process wake the dispatcher at once instead of at its next look: the delivery latency
  // is then a commit, a queueing transaction and a POST, not the idle wait (another server's commits are seen at
  // the next look).
  let woken = false;
  function schedule(delayMs: number): void {
    if (stopped) return;
    const delay = woken ? 0 : delayMs;
    woken = false;
    timer = setTimeout(() => {
      timer = undefined;
      running = tick().then(schedule, () => schedule(idleMs));
    }, delay);
  }
  const unsubscribe = deps.ledger.onEventsCommitted((events) => {
    if (events === 0 || stopped) return;
    wait = idleMs;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
      schedule(0);
    } else woken = true;
  });
  schedule(0);

  return {
    status: () => status,
    async stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
