/**
 * Event subscriptions and their outbox (issue 16): who wants which events at which callback URL, and each
 * callback we owe them. A subscription row is written in the same transaction as the event that records its
 * change (`SubscriptionCreated`, …, never with the secret); the delivery rows and the dispatcher's cursor are
 * written together in one transaction, so an event is queued for each matching subscription exactly once and a
 * crash loses neither. Delivery outcomes (attempts, delivered, dead) are working state of the dispatcher, written
 * outside the log's transactions: the log already holds the events themselves.
 */

/** `dcsa`: DCSA T&T 2.2 equipment events (the partner feed); `thin`: `{id, type, visitRef, at}` of our own flows. */
export type SubscriptionKind = 'dcsa' | 'thin';

/**
 * What a subscription wants, as in the DCSA T&T 2.2 subscription body (`EventSubscription`): each list empty or
 * absent means "any"; a reference set means "only this one". `thinTypes` filters thin notifications.
 */
export interface SubscriptionFilters {
  readonly eventType?: readonly string[];
  readonly equipmentEventTypeCode?: readonly string[];
  readonly equipmentReference?: string;
  readonly carrierBookingReference?: string;
  readonly transportDocumentReference?: string;
  readonly thinTypes?: readonly string[];
}

export interface SubscriptionRecord {
  readonly subscriptionId: string;
  readonly orgId: string;
  readonly kind: SubscriptionKind;
  readonly callbackUrl: string;
  readonly filters: SubscriptionFilters;
  /** The HMAC secret, sealed with the data key (`SecretSealer`, AES-256-GCM). */
  readonly secretSealed: Uint8Array;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One callback owed to one subscription. */
export interface OutboxDelivery {
  /** `<subscriptionId>/<eventId>`: the same event is queued once per subscription. */
  readonly deliveryId: string;
  readonly subscriptionId: string;
  /** The event's place in its feed (the audit index): deliveries of a subscription go out in this order. */
  readonly position: number;
  readonly eventId: string;
  /** The exact request body, JSON text, signed as sent. */
  readonly payload: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

/** A dispatcher's place in its feed: the next position it reads. */
export interface OutboxCursor {
  readonly dispatcherId: string;
  readonly position: number;
  readonly updatedAt: string;
}

export interface SubscriptionReads {
  getSubscription(subscriptionId: string): Promise<SubscriptionRecord | undefined>;
  /** An organisation's subscriptions, active or not, oldest first. */
  listSubscriptions(orgId: string): Promise<SubscriptionRecord[]>;
  /** Every active subscription of one kind, oldest first. */
  activeSubscriptions(kind: SubscriptionKind): Promise<SubscriptionRecord[]>;
  getOutboxCursor(dispatcherId: string): Promise<OutboxCursor | undefined>;
}

export interface SubscriptionWrites extends SubscriptionReads {
  /** Stores the subscription, replacing the row of the same id. */
  putSubscription(record: SubscriptionRecord): Promise<void>;
  /** Queues deliveries; one whose `deliveryId` is already queued is left as it is. */
  addDeliveries(rows: readonly OutboxDelivery[]): Promise<void>;
  /**
   * Stores `cursor` if the stored position is still `expectedPosition` (`null`: none stored yet) and returns true;
   * else writes nothing and returns false (the detection cursor's compare-and-set, migration 0037).
   */
  advanceOutboxCursor(cursor: OutboxCursor, expectedPosition: number | null): Promise<boolean>;
}

export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  /** At most this many, lowest position first. */
  readonly limit: number;
}

/** What changes of a delivery as the dispatcher tries it. */
export interface DeliveryOutcome {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

/** The outbox outside the log's transactions: the dispatcher's sending side, the routes' reads. */
export interface OutboxStore extends SubscriptionReads {
  /** One subscription's deliveries, lowest position first. */
  listDeliveries(subscriptionId: string, query: DeliveryQuery): Promise<OutboxDelivery[]>;
  /** Records an attempt's outcome, only while the delivery is still pending; returns whether it did. */
  recordDeliveryOutcome(deliveryId: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** How many deliveries wait, and since when the oldest (for `/metrics`). */
  outboxDepth(): Promise<{ readonly pending: number; readonly oldestCreatedAt: string | null }>;
}
