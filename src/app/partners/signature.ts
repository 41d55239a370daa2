/**
 * How a callback is signed (issue 16), shared by DCSA and thin subscriptions.
 *
 * - `Notification-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`: DCSA T&T 2.2, callback `event`, header
 *   `Notification-Signature` ("MUST cover the entire request body … Supported signature types: sha256"). It proves
 *   who sent the body, but a captured request can be sent again.
 * - `Notification-Timestamp: <unix seconds>` and `Notification-Timestamp-Signature: sha256=<hex HMAC-SHA256(secret,
 *   "<timestamp>." ‖ raw body)>`: ours. A receiver refuses a request whose timestamp is older than its tolerance
 *   (five minutes in `docs/webhook-verifier.mjs`) and, within it, an `eventID` it has already taken, so a replay is
 *   refused (the scheme Stripe and Slack use).
 * - `Subscription-ID`: DCSA T&T 2.2, the subscription that triggered the callback.
 */
import { encodeHex } from '../../audit/index.js';

/** HMAC-SHA256, from the security adapter (`node:crypto`); the app layer holds no crypto of its own. */
export type HmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

export const SIGNATURE_HEADER = 'Notification-Signature';
export const TIMESTAMP_HEADER = 'Notification-Timestamp';
export const TIMESTAMP_SIGNATURE_HEADER = 'Notification-Timestamp-Signature';
export const SUBSCRIPTION_HEADER = 'Subscription-ID';

const encoder = new TextEncoder();

/**
 * The signature headers of one callback.
 *
 * @example
 * ```ts
 * callbackHeaders({ hmac, secret, subscriptionId, body: '[{…}]', at: new Date() });
 * // { 'Notification-Signature': 'sha256=…', 'Notification-Timestamp': '1796000000', … }
 * ```
 */
export function callbackHeaders(args: {
  hmac: HmacSha256;
  secret: Uint8Array;
  subscriptionId: string;
  body: string;
  at: Date;
}): Record<string, string> {
  const timestamp = String(Math.floor(args.at.getTime() / 1000));
  return {
    [SIGNATURE_HEADER]: `sha256=${encodeHex(args.hmac(args.secret, encoder.encode(args.body)))}`,
    [TIMESTAMP_HEADER]: timestamp,
    [TIMESTAMP_SIGNATURE_HEADER]: `sha256=${encodeHex(args.hmac(args.secret, encoder.encode(`${timestamp}.${args.body}`)))}`,
    [SUBSCRIPTION_HEADER]: args.subscriptionId,
  };
}
