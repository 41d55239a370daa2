/**
 * Event subscriptions (issue 16; DCSA T&T 2.2 `/v2/event-subscriptions`): an organisation names a callback URL, a
 * shared secret and filters, and the outbox dispatcher POSTs it each matching event it may see. Scoped to the
 * caller's organisation: another organisation's subscription is answered as one that does not exist. Each change
 * (create, update, delete = deactivate, secret rotation) is an event in the log, without the secret, in the
 * transaction that writes the row; the secret is kept sealed with the data key.
 */
import { Buffer } from 'node:buffer';
import type { SecretSealer } from '../access/security.ports.js';
import { AppError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import { type AddressRange, checkCallbackUrl, type HostResolver } from './callback-url.js';
import type {
  DeliveryStatus,
  OutboxStore,
  SubscriptionFilters,
  SubscriptionKind,
  SubscriptionReads,
  SubscriptionRecord,
} from './subscriptions.ports.js';

export interface SubscriptionDeps {
  readonly ledger: Ledger;
  readonly sealer: SecretSealer;
  readonly resolve: HostResolver;
  /** Ranges an administrator allows callbacks to despite the SSRF guard (`PORTLEDGER_CALLBACK_ALLOW`). */
  readonly allow: readonly AddressRange[];
}

/** Who asks: the organisation the subscription belongs to, and the person or token acting for it. */
export interface SubscriptionCaller {
  readonly orgId: string;
  readonly actor: string;
}

/** A subscription as its organisation sees it: never the secret. */
export interface SubscriptionView {
  readonly subscriptionID: string;
  readonly kind: SubscriptionKind;
  readonly callbackUrl: string;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly eventType?: string[];
  readonly equipmentEventTypeCode?: string[];
  readonly equipmentReference?: string;
  readonly carrierBookingReference?: string;
  readonly transportDocumentReference?: string;
  readonly thinTypes?: string[];
}

export interface SubscriptionInput {
  readonly kind?: SubscriptionKind;
  readonly callbackUrl: string;
  readonly filters: SubscriptionFilters;
}

/** The thin notification types an organisation may subscribe to (`dispatcher.ts`, `thinNotificationOf`). */
export const THIN_TYPES = [
  'visit.announced',
  'visit.discharged',
  'visit.gated_in',
  'visit.gated_out',
  'visit.loaded',
  'visit.hold_placed',
  'visit.hold_lifted',
  'release.offer_waiting',
  'release.blocked',
] as const;

/** DCSA 2.2 `equipmentEventTypeCode` values plus the 3.0 customs codes we carry (issue 16 mapping). */
const EQUIPMENT_CODES = new Set([
  'LOAD',
  'DISC',
  'GTIN',
  'GTOT',
  'STUF',
  'STRP',
  'PICK',
  'DROP',
  'INSP',
  'RSEA',
  'RMVD',
  'CUSS',
  'CUSI',
  'CUSR',
]);
const EVENT_TYPES = new Set(['SHIPMENT', 'TRANSPORT', 'EQUIPMENT']);
const SECRET_MIN_BYTES = 16;

const streamOf = (subscriptionId: string) => `subscription-${subscriptionId}`;

export function subscriptionView(record: SubscriptionRecord): SubscriptionView {
  const f = record.filters;
  return {
    subscriptionID: record.subscriptionId,
    kind: record.kind,
    callbackUrl: record.callbackUrl,
    active: record.active,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(f.eventType ? { eventType: [...f.eventType] } : {}),
    ...(f.equipmentEventTypeCode ? { equipmentEventTypeCode: [...f.equipmentEventTypeCode] } : {}),
    ...(f.equipmentReference ? { equipmentReference: f.equipmentReference } : {}),
    ...(f.carrierBookingReference ? { carrierBookingReference: f.carrierBookingReference } : {}),
    ...(f.transportDocumentReference ? { transportDocumentReference: f.transportDocumentReference } : {}),
    ...(f.thinTypes ? { thinTypes: [...f.thinTypes] } : {}),
  };
}

/** The shared secret of DCSA 2.2 (`secret`, base64, format byte): at least 16 bytes of it. */
export function parseSecret(text: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = new Uint8Array(Buffer.from(trimmed, 'base64'));
  // Strict: only text that is exactly the base64 of its bytes (padding included).
  if (
    Buffer.from(bytes).toString('base64') !== trimmed ||
    bytes.length < SECRET_MIN_BYTES ||
    bytes.length > 256
  ) {
    throw new AppError('input.invalid', `the secret is base64 of ${SECRET_MIN_BYTES} to 256 bytes`);
  }
  return bytes;
}

function checkFilters(kind: SubscriptionKind, filters: SubscriptionFilters): SubscriptionFilters {
  const list = (name: string, values: readonly string[] | undefined, allowed: ReadonlySet<string>) => {
    if (values === undefined) return undefined;
    if (values.length > 20) throw new AppError('input.invalid', `${name}: at most 20 values`);
    for (const value of values) {
      if (!allowed.has(value))
        throw new AppError('input.invalid', `${name}: unknown value ${value.slice(0, 40)}`);
    }
    return values.length > 0 ? [...new Set(values)] : undefined;
  };
  const text = (name: string, value: string | undefined, max: number) => {
    if (value === undefined || value === '') return undefined;
    if (value.length > max) throw new AppError('input.invalid', `${name}: at most ${max} characters`);
    return value;
  };
  const eventType = list('eventType', filters.eventType, EVENT_TYPES);
  const equipmentEventTypeCode = list(
    'equipmentEventTypeCode',
    filters.equipmentEventTypeCode,
    EQUIPMENT_CODES,
  );
  const equipmentReference = text('equipmentReference', filters.equipmentReference, 15);
  const carrierBookingReference = text('carrierBookingReference', filters.carrierBookingReference, 35);
  const transportDocumentReference = text(
    'transportDocumentReference',
    filters.transportDocumentReference,
    20,
  );
  const thinTypes = list('thinTypes', filters.thinTypes, new Set(THIN_TYPES));
  if (
    kind === 'thin' &&
    (eventType || equipmentEventTypeCode || carrierBookingReference || transportDocumentReference)
  ) {
    throw new AppError(
      'input.invalid',
      'a thin subscription filters by thinTypes and equipmentReference only',
    );
  }
  if (kind === 'dcsa' && thinTypes)
    throw new AppError('input.invalid', 'thinTypes is for thin subscriptions');
  return {
    ...(eventType ? { eventType } : {}),
    ...(equipmentEventTypeCode ? { equipmentEventTypeCode } : {}),
    ...(equipmentReference ? { equipmentReference } : {}),
    ...(carrierBookingReference ? { carrierBookingReference } : {}),
    ...(transportDocumentReference ? { transportDocumentReference } : {}),
    ...(thinTypes ? { thinTypes } : {}),
  };
}

/** The filters as the log records them (JSON). */
const recorded = (filters: SubscriptionFilters) =>
  JSON.parse(JSON.stringify(filters)) as Record<string, never>;

/** A random UUID v4 (RFC 9562 §5.4) from the ledger's id source: DCSA's `subscriptionID` is a UUID. */
function newSubscriptionId(ledger: Ledger): string {
  const b = ledger.ids.randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Creates a subscription; the callback URL must pass the SSRF guard now. */
export async function createSubscription(
  deps: SubscriptionDeps,
  caller: SubscriptionCaller,
  input: SubscriptionInput & { readonly secret: string },
): Promise<SubscriptionView> {
  const kind = input.kind ?? 'dcsa';
  const filters = checkFilters(kind, input.filters);
  const secret = parseSecret(input.secret);
  await checkCallbackUrl(input.callbackUrl, deps);
  const subscriptionId = newSubscriptionId(deps.ledger);
  return deps.ledger.write(async ({ tx, now, append }) => {
    const at = now.toISOString();
    const record: SubscriptionRecord = {
      subscriptionId,
      orgId: caller.orgId,
      kind,
      callbackUrl: input.callbackUrl,
      filters,
      secretSealed: deps.sealer.seal(secret),
      active: true,
      createdAt: at,
      updatedAt: at,
      createdBy: caller.actor,
    };
    await tx.subscriptions.putSubscription(record);
    await append(streamOf(subscriptionId), 0, [
      {
        type: 'SubscriptionCreated',
        data: {
          subscriptionId,
          orgId: caller.orgId,
          kind,
          callbackUrl: input.callbackUrl,
          filters: recorded(filters),
          by: caller.actor,
          at,
        },
      },
    ]);
    return subscriptionView(record);
  });
}

async function ownSubscription(
  reads: SubscriptionReads,
  caller: SubscriptionCaller,
  subscriptionId: string,
): Promise<SubscriptionRecord> {
  const record = await reads.getSubscription(subscriptionId);
  // Another organisation's subscription, or a deleted one, is answered as one that does not exist.
  if (!record || record.orgId !== caller.orgId || !record.active) {
    throw new AppError('subscription.not_found', `no subscription ${subscriptionId.slice(0, 60)}`);
  }
  return record;
}

export async function readSubscription(
  reads: SubscriptionReads,
  caller: SubscriptionCaller,
  subscriptionId: string,
): Promise<SubscriptionView> {
  return subscriptionView(await ownSubscription(reads, caller, subscriptionId));
}

/** The organisation's active subscriptions, oldest first. */
export async function listSubscriptions(
  reads: SubscriptionReads,
  caller: SubscriptionCaller,
  kind?: SubscriptionKind,
): Promise<SubscriptionView[]> {
  const all = await reads.listSubscriptions(caller.orgId);
  return all.filter((r) => r.active && (kind === undefined || r.kind === kind)).map(subscriptionView);
}

async function change(
  deps: SubscriptionDeps,
  caller: SubscriptionCaller,
  subscriptionId: string,
  make: (
    record: SubscriptionRecord,
    at: string,
  ) => { record: SubscriptionRecord; type: string; data: Record<string, unknown> },
): Promise<SubscriptionView> {
  return deps.ledger.write(async ({ tx, now, append }) => {
    const current = await ownSubscription(tx.subscriptions, caller, subscriptionId);
    const at = now.toISOString();
    const { record, type, data } = make(current, at);
    await tx.subscriptions.putSubscription(record);
    const version = await tx.streamVersion(streamOf(subscriptionId));
    await append(streamOf(subscriptionId), version, [
      { type, data: JSON.parse(JSON.stringify({ subscriptionId, ...data, by: caller.actor, at })) },
    ]);
    return subscriptionView(record);
  });
}

/** Replaces the callback URL and filters (DCSA 2.2 `PUT /v2/event-subscriptions/{id}`); the secret stays. */
export async function updateSubscription(
  deps: SubscriptionDeps,
  caller: SubscriptionCaller,
  subscriptionId: string,
  input: SubscriptionInput,
): Promise<SubscriptionView> {
  const current = await ownSubscription(deps.ledger.store.outbox, caller, subscriptionId);
  const filters = checkFilters(current.kind, input.filters);
  await checkCallbackUrl(input.callbackUrl, deps);
  return change(deps, caller, subscriptionId, (record, at) => ({
    record: { ...record, callbackUrl: input.callbackUrl, filters, updatedAt: at },
    type: 'SubscriptionUpdated',
    data: { callbackUrl: input.callbackUrl, filters: recorded(filters) },
  }));
}

/** Deletes a subscription: it is deactivated, never removed; its deliveries still pending go nowhere. */
export async function deleteSubscription(
  deps: SubscriptionDeps,
  caller: SubscriptionCaller,
  subscriptionId: string,
): Promise<void> {
  await change(deps, caller, subscriptionId, (record, at) => ({
    record: { ...record, active: false, updatedAt: at },
    type: 'SubscriptionDeleted',
    data: {},
  }));
}

/** A new shared secret (DCSA 2.2 `PUT /v2/event-subscriptions/{id}/secret`); the log records that, not the secret. */
export async function rotateSubscriptionSecret(
  deps: SubscriptionDeps,
  caller: SubscriptionCaller,
  subscriptionId: string,
  secretText: string,
): Promise<void> {
  const secret = parseSecret(secretText);
  await change(deps, caller, subscriptionId, (record, at) => ({
    record: { ...record, secretSealed: deps.sealer.seal(secret), updatedAt: at },
    type: 'SubscriptionSecretRotated',
    data: {},
  }));
}

/** A delivery as its subscription's organisation sees it (the console's dead letters). */
export interface DeliveryView {
  readonly eventId: string;
  readonly position: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export const DELIVERY_PAGE_MAX = 500;

/** One subscription's deliveries, oldest first; `status: 'dead'` lists its dead letters. */
export async function listSubscriptionDeliveries(
  outbox: OutboxStore,
  caller: SubscriptionCaller,
  subscriptionId: string,
  query: { status?: DeliveryStatus; limit?: number },
): Promise<DeliveryView[]> {
  await ownSubscription(outbox, caller, subscriptionId);
  const limit = Math.min(Math.max(query.limit ?? 100, 1), DELIVERY_PAGE_MAX);
  const rows = await outbox.listDeliveries(subscriptionId, {
    limit,
    ...(query.status ? { status: query.status } : {}),
  });
  return rows.map((d) => ({
    eventId: d.eventId,
    position: d.position,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  }));
}
