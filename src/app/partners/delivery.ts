/**
 * One callback attempt and what follows from it (issue 16): a 2xx is delivered; anything else (an error status,
 * a timeout, a refused connection, a redirect, which is never followed) is tried again after an exponential
 * backoff with full jitter, or after the receiver's `Retry-After` when it asks for longer (RFC 9110 §10.2.3), until
 * the delivery is older than the maximum age: then it is dead, a dead letter the console shows, and the
 * subscription's next delivery moves up.
 */
import type { DeliveryOutcome, OutboxDelivery } from './subscriptions.ports.js';

/** What the transport answers for one POST. */
export type CallbackResponse =
  | { readonly kind: 'answered'; readonly status: number; readonly retryAfter?: string | undefined }
  | { readonly kind: 'failed'; readonly error: string };

/** POSTs a body, never following a redirect, connecting only to an address the SSRF guard passes. */
export interface CallbackTransport {
  post(args: {
    url: string;
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
  }): Promise<CallbackResponse>;
}

export interface RetryPolicy {
  /** The first retry waits up to this long; each further one doubles it. */
  readonly baseMs: number;
  /** No wait is longer than this (a `Retry-After` may ask for up to `maxAgeMs`). */
  readonly capMs: number;
  /** A delivery older than this is given up (dead). */
  readonly maxAgeMs: number;
}

/**
 * The wait before attempt `attempts + 1`: full jitter over `min(cap, base · 2^(attempts-1))` (the AWS
 * architecture blog's "Exponential Backoff And Jitter"), at least a tenth of it so retries never storm.
 *
 * @example
 * ```ts
 * backoffMs(1, { baseMs: 1000, capMs: 60_000, maxAgeMs: 3_600_000 }, () => 0.5); // 550
 * ```
 */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(ceiling * (0.1 + 0.9 * random()));
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if neither. */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^[0-9]{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(at - now.getTime(), 0);
}

/** What one attempt of `delivery` makes of it. */
export function outcomeOf(args: {
  delivery: OutboxDelivery;
  response: CallbackResponse;
  now: Date;
  policy: RetryPolicy;
  random: () => number;
}): DeliveryOutcome {
  const { delivery, response, now, policy } = args;
  const attempts = delivery.attempts + 1;
  if (response.kind === 'answered' && response.status >= 200 && response.status < 300) {
    return {
      status: 'delivered',
      attempts,
      nextAttemptAt: now.toISOString(),
      lastError: null,
      deliveredAt: now.toISOString(),
    };
  }
  const error =
    response.kind === 'failed'
      ? response.error.slice(0, 500)
      : response.status >= 300 && response.status < 400
        ? `HTTP ${response.status}: a redirect, not followed`
        : `HTTP ${response.status}`;
  const asked = response.kind === 'answered' ? retryAfterMs(response.retryAfter, now) : undefined;
  const wait = Math.min(
    Math.max(backoffMs(attempts, policy, args.random), asked ?? 0),
    Math.max(policy.maxAgeMs, 0),
  );
  const next = new Date(now.getTime() + wait);
  const deadline = Date.parse(delivery.createdAt) + policy.maxAgeMs;
  if (next.getTime() > deadline) {
    return {
      status: 'dead',
      attempts,
      nextAttemptAt: now.toISOString(),
      lastError: `${error}; given up after ${attempts} attempt(s), older than the maximum age`,
      deliveredAt: null,
    };
  }
  return {
    status: 'pending',
    attempts,
    nextAttemptAt: next.toISOString(),
    lastError: error,
    deliveredAt: null,
  };
}
