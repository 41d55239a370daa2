/**
 * What the Integrations page reads and writes (issues 16 and 17): the organisation's event subscriptions (DCSA T&T 2.2
 * `/v2/event-subscriptions` and the thin webhooks of `/v1/webhooks`), their deliveries and dead letters, and the
 * UN/EDIFACT interchanges received (`/v1/edi/interchanges`). The shapes are the server's (src/http/*.routes.ts).
 */
import { apiGet } from '../api.js';

/** A DCSA subscription pushes equipment events; a thin webhook pushes `{id, type, visitRef, at}` of our own flows. */
export type SubscriptionKind = 'dcsa' | 'thin';

export interface DcsaSubscription {
  subscriptionID: string;
  callbackUrl: string;
  eventType?: string[];
  equipmentEventTypeCode?: string[];
  equipmentReference?: string;
  carrierBookingReference?: string;
  transportDocumentReference?: string;
}

export interface ThinWebhook {
  id: string;
  callbackUrl: string;
  types?: string[];
  equipmentReference?: string;
  createdAt: string;
  updatedAt: string;
}

/** One subscription as the page lists it, whatever its kind. */
export interface SubscriptionRow {
  kind: SubscriptionKind;
  id: string;
  callbackUrl: string;
  /** DCSA equipment event codes (LOAD, DISC…) or thin notification types wanted; empty: all. */
  wanted: string[];
  equipmentReference?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  eventId: string;
  position: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface InterchangeMessage {
  ref: string;
  type: string;
  eventIndexes: number[];
  summary: string;
}

/** An interchange received and applied (a refused one changes nothing and is not kept: whole or not at all). */
export interface Interchange {
  interchangeId: string;
  sender: string;
  recipient: string;
  controlRef: string;
  orgId: string;
  receivedBy: string;
  sha256: string;
  receivedAt: string;
  auditIndex: number;
  messages: InterchangeMessage[];
}

/** The DCSA equipment event codes a subscription may ask for (DCSA T&T 2.2 `equipmentEventTypeCode`, 3.0 customs). */
export const EQUIPMENT_CODES = ['DISC', 'LOAD', 'GTIN', 'GTOT', 'CUSS', 'CUSI', 'CUSR'] as const;

/** Where each kind lives on the server. */
export const subscriptionPath = (kind: SubscriptionKind, id?: string): string => {
  const base = kind === 'dcsa' ? '/v2/event-subscriptions' : '/v1/webhooks';
  return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
};

/** Every subscription of the caller's organisation, DCSA first, then thin webhooks. */
export async function listSubscriptionRows(): Promise<SubscriptionRow[]> {
  const [dcsa, thin] = await Promise.all([
    apiGet<DcsaSubscription[]>(`${subscriptionPath('dcsa')}?limit=1000`),
    apiGet<{ webhooks: ThinWebhook[] }>(subscriptionPath('thin')),
  ]);
  return [
    ...dcsa.map((s) => ({
      kind: 'dcsa' as const,
      id: s.subscriptionID,
      callbackUrl: s.callbackUrl,
      wanted: s.equipmentEventTypeCode ?? [],
      ...(s.equipmentReference ? { equipmentReference: s.equipmentReference } : {}),
    })),
    ...thin.webhooks.map((w) => ({
      kind: 'thin' as const,
      id: w.id,
      callbackUrl: w.callbackUrl,
      wanted: w.types ?? [],
      ...(w.equipmentReference ? { equipmentReference: w.equipmentReference } : {}),
    })),
  ];
}

/** How many deliveries the page reads per status: enough to count a day's backlog, bounded for the browser. */
export const DELIVERY_PAGE = 200;

/** A subscription's deliveries of one status, oldest first as the server keeps them. */
export async function listDeliveries(row: SubscriptionRow, status: DeliveryStatus): Promise<Delivery[]> {
  const answer = await apiGet<{ deliveries: Delivery[] }>(
    `${subscriptionPath(row.kind, row.id)}/deliveries?status=${status}&limit=${DELIVERY_PAGE}`,
  );
  return answer.deliveries;
}

/**
 * A fresh shared secret for a new subscription: 32 random bytes in base64, as DCSA 2.2 `secret` asks (16 to 256
 * bytes). Made in the browser and shown once, so the receiver can be given it; the server never shows it again.
 */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes));
}
