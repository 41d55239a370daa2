// Types of docs/webhook-verifier.mjs, for TypeScript receivers and PortLedger's own tests.
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export type WebhookVerdict =
  | { ok: true; subscriptionId: string | undefined; timestamp: number }
  | { ok: false; reason: string };

export function createWebhookVerifier(options: {
  secret: string | Uint8Array;
  toleranceSeconds?: number;
  now?: () => number;
}): (request: { headers: WebhookHeaders; body: string | Uint8Array }) => WebhookVerdict;
