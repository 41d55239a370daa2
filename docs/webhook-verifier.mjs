// PortLedger callback verifier, for receivers of DCSA T&T 2.2 subscriptions and thin webhooks (issue 16).
// Plain Node (18+), no dependencies. Copy it into your receiver. See docs/webhooks.md.
//
//   import { createWebhookVerifier } from './webhook-verifier.mjs';
//   const verify = createWebhookVerifier({ secret: process.env.PORTLEDGER_SECRET_BASE64 });
//   // in your handler, with the raw body bytes as received (before any JSON parsing):
//   const result = verify({ headers: req.headers, body: rawBody });
//   if (!result.ok) return res.writeHead(401).end(result.reason);
//   // result.subscriptionId; then de-duplicate by eventID (DCSA) or id (thin) and answer 204.
import { createHmac, timingSafeEqual } from 'node:crypto';

const header = (headers, name) => {
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
};

const hmacHex = (key, data) => createHmac('sha256', key).update(data).digest('hex');

function sameHex(expected, given) {
  const match = /^\s*sha256=([0-9a-fA-F]{64})\s*$/.exec(given ?? '');
  if (!match) return false;
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(match[1].toLowerCase(), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A verifier for one subscription's secret (the base64 text you sent as `secret`, or its bytes).
 *
 * It accepts a callback only if
 *  1. `Notification-Signature` is `sha256=` + hex HMAC-SHA256 of the raw body under the secret (DCSA T&T 2.2);
 *  2. `Notification-Timestamp-Signature` is `sha256=` + hex HMAC-SHA256 of `<Notification-Timestamp>.<raw body>`;
 *  3. `Notification-Timestamp` (Unix seconds) is within `toleranceSeconds` of now; and
 *  4. it has not seen this exact signed request before (within the tolerance window): a replay is refused.
 * PortLedger signs each attempt afresh, so its own retry of a callback is a new request and is accepted: de-duplicate
 * the events by `eventID` (thin: `id`) in your store, as every at-least-once feed requires.
 */
export function createWebhookVerifier({ secret, toleranceSeconds = 300, now = () => Date.now() }) {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'base64') : Buffer.from(secret);
  if (key.length === 0) throw new Error('webhook verifier: an empty secret');
  /** Timestamp signatures seen, with their timestamp, forgotten once outside the tolerance. */
  const seen = new Map();

  return function verify({ headers, body }) {
    const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    const subscriptionId = header(headers, 'Subscription-ID');
    const timestampText = header(headers, 'Notification-Timestamp');
    const stampSignature = header(headers, 'Notification-Timestamp-Signature');
    if (!sameHex(hmacHex(key, raw), header(headers, 'Notification-Signature'))) {
      return { ok: false, reason: 'Notification-Signature does not match the body' };
    }
    if (!/^[0-9]{1,12}$/.test(timestampText ?? '')) return { ok: false, reason: 'no Notification-Timestamp' };
    const signed = Buffer.concat([Buffer.from(`${timestampText}.`, 'utf8'), raw]);
    if (!sameHex(hmacHex(key, signed), stampSignature)) {
      return { ok: false, reason: 'Notification-Timestamp-Signature does not match' };
    }
    const timestamp = Number(timestampText);
    const nowSeconds = Math.floor(now() / 1000);
    if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
      return {
        ok: false,
        reason: 'Notification-Timestamp is outside the tolerance: a replay or a wrong clock',
      };
    }
    for (const [signature, at] of seen)
      if (Math.abs(nowSeconds - at) > toleranceSeconds) seen.delete(signature);
    const id = stampSignature.trim().toLowerCase();
    if (seen.has(id)) return { ok: false, reason: 'this signed request was already received: a replay' };
    seen.set(id, timestamp);
    return { ok: true, subscriptionId, timestamp };
  };
}
