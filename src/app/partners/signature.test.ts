import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '../../../docs/webhook-verifier.mjs';
import { callbackHeaders } from './signature.js';

const hmac = (key: Uint8Array, data: Uint8Array) =>
  new Uint8Array(createHmac('sha256', key).update(data).digest());
const secretText = Buffer.from('a shared secret of 32 bytes!!!!!').toString('base64');
const secret = new Uint8Array(Buffer.from(secretText, 'base64'));
const subscriptionId = '8fbdc2d8-57c8-48b9-a04b-18fd8ec1d809';

describe('callback signatures (issue 16)', () => {
  const at = new Date('2026-03-02T08:00:00.000Z');
  const body = '[{"eventID":"84db923d-2a19-4eb0-beb5-446c1ec57d34","note":"é ✓\\n"}]';

  it('signs the raw body as DCSA 2.2 says: sha256=<hex HMAC-SHA256>, over the UTF-8 bytes', () => {
    const headers = callbackHeaders({ hmac, secret, subscriptionId, body, at });
    expect(headers['Notification-Signature']).toBe(
      `sha256=${createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex')}`,
    );
    // The DCSA header pattern: \s*([a-zA-Z0-9-_+]+=[0-9a-fA-F]+)\s*
    expect(headers['Notification-Signature']).toMatch(/^[a-zA-Z0-9-_+]+=[0-9a-f]{64}$/);
    expect(headers['Subscription-ID']).toBe(subscriptionId);
    expect(headers['Notification-Timestamp']).toBe(String(at.getTime() / 1000));
  });

  it('verifies with the reference verifier, and the verifier refuses a replay, a change and an old request', () => {
    const headers = callbackHeaders({ hmac, secret, subscriptionId, body, at });
    const verify = createWebhookVerifier({ secret: secretText, now: () => at.getTime() + 2000 });
    expect(verify({ headers, body })).toEqual({ ok: true, subscriptionId, timestamp: at.getTime() / 1000 });
    // The same request again: a replay.
    expect(verify({ headers, body })).toMatchObject({ ok: false, reason: expect.stringContaining('replay') });
    // Our own retry is signed afresh: a new request, accepted (the receiver de-duplicates by eventID).
    const retry = callbackHeaders({ hmac, secret, subscriptionId, body, at: new Date(at.getTime() + 1000) });
    expect(verify({ headers: retry, body }).ok).toBe(true);
    // A body changed by one byte.
    const fresh = createWebhookVerifier({ secret: secretText, now: () => at.getTime() });
    expect(fresh({ headers, body: body.replace('é', 'e') })).toMatchObject({ ok: false });
    // A timestamp moved forward to slip past the window: its signature no longer matches.
    expect(
      fresh({ headers: { ...headers, 'Notification-Timestamp': String(at.getTime() / 1000 + 600) }, body }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('Timestamp-Signature'),
    });
    // Replayed later than the tolerance.
    const later = createWebhookVerifier({ secret: secretText, now: () => at.getTime() + 301_000 });
    expect(later({ headers, body })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('tolerance'),
    });
    // Another secret.
    const other = createWebhookVerifier({
      secret: Buffer.from('another secret of 32 bytes!!!!!!').toString('base64'),
      now: () => at.getTime(),
    });
    expect(other({ headers, body }).ok).toBe(false);
  });

  it('finds the headers whatever their case, as Node gives them', () => {
    const headers = callbackHeaders({ hmac, secret, subscriptionId, body, at });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const verify = createWebhookVerifier({ secret, now: () => at.getTime() });
    expect(verify({ headers: lower, body: Buffer.from(body) }).ok).toBe(true);
  });
});
