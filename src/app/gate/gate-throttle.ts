/**
 * The gate under a flood (issue 10, row G): a stolen kiosk token, or a gang trying forged credentials one after the
 * other, must not get an answer for each. The gate admits at most so many attempts per kiosk (the API token or the
 * clerk's session) and per credential within a sliding window; past that it answers 429 `gate.rate_limited` with
 * `Retry-After`, and records nothing, since nothing was decided.
 *
 * Every attempt counts against the kiosk that presents it. Only a genuine one counts against its credential (a
 * rotating pass the driver's active phone signed, or a printed credential where the terminal accepts them, see
 * `gateTransaction`): junk `plp1.<credentialId>.<step>.<random signature>` passes, whose credential id anyone with a
 * status view of the booking can read, must not put the driver's own pickup into 429 at every kiosk.
 *
 * `GateThrottle` is the port; `InProcessGateThrottle` keeps the counts in this process, which is right for one
 * server. A port run by several servers backs the same port with PostgreSQL.
 */
import { leafHash } from '../../audit/index.js';
import { AppError } from '../errors.js';
import type { WindowCounts } from '../ports.js';

/** How many attempts the gate admits, per kiosk and per credential, within a sliding window. */
export interface GateThrottleSettings {
  readonly kioskLimit: number;
  readonly credentialLimit: number;
  readonly windowSeconds: number;
}

/**
 * What one attempt at the gate counts against: who presents it (`token:<id>` or a user id), and what was scanned
 * (only once it proved genuine). Either may be left out; each given key is checked, and counted when all admit.
 */
export interface GateAttemptKeys {
  readonly kiosk?: string;
  readonly credential?: string;
}

export type GateAdmission =
  | { readonly admitted: true }
  | {
      readonly admitted: false;
      readonly limitedBy: 'kiosk' | 'credential';
      /** Whole seconds until the attempt would be admitted. */
      readonly retryAfterSeconds: number;
    };

/** The port: counts an attempt and says whether the gate may look at it. */
export interface GateThrottle {
  admit(attempt: GateAttemptKeys, now: Date): Promise<GateAdmission>;
}

/**
 * Checks the settings, so that a bad value stops the server with a clear error.
 *
 * @example
 * ```ts
 * checkGateThrottleSettings({ kioskLimit: 10, credentialLimit: 3, windowSeconds: 60 });
 * ```
 */
export function checkGateThrottleSettings(settings: GateThrottleSettings): GateThrottleSettings {
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new AppError('input.invalid', `gate rate limit ${name} must be a whole number of at least 1`, {
        field: name,
      });
    }
  }
  return settings;
}

/**
 * What a credential is counted under: a rotating pass (`plp1.<credentialId>.<counter>.<sig>`) changes every step,
 * so it counts under its credential id; anything else under a hash of its text, so that a forged credential of
 * 4 KB costs 44 bytes of memory.
 *
 * @example
 * ```ts
 * credentialThrottleKey('plp1.C-7.123.sig'); // 'pass:C-7'
 * ```
 */
export function credentialThrottleKey(scanned: string): string {
  const parts = scanned.split('.');
  if (parts[0] === 'plp1' && parts.length === 4 && parts[1]) return `pass:${parts[1].slice(0, 128)}`;
  return `text:${Buffer.from(leafHash(new TextEncoder().encode(scanned))).toString('base64')}`;
}

/**
 * Sliding-window counts of admitted attempts, in this process. Only admitted attempts count, so a kiosk that
 * keeps flooding is let through at the limit's pace and no faster; keys whose attempts have all left the window
 * are dropped.
 *
 * @example
 * ```ts
 * const throttle = new InProcessGateThrottle({ kioskLimit: 10, credentialLimit: 3, windowSeconds: 60 });
 * await throttle.admit({ kiosk: 'token:t-1' }, new Date()); // { admitted: true }
 * await throttle.admit({ credential: genuinePass }, new Date()); // once the pass proved genuine
 * ```
 */
export class InProcessGateThrottle implements GateThrottle {
  readonly #settings: GateThrottleSettings;
  readonly #seen = new Map<string, number[]>();
  #lastSweepMs = 0;

  constructor(settings: GateThrottleSettings) {
    this.#settings = checkGateThrottleSettings(settings);
  }

  async admit(attempt: GateAttemptKeys, now: Date): Promise<GateAdmission> {
    const nowMs = now.getTime();
    const windowMs = this.#settings.windowSeconds * 1000;
    this.#sweep(nowMs, windowMs);
    const keys = attemptKeys(this.#settings, attempt);
    for (const { key, limit, limitedBy } of keys) {
      const recent = this.#recent(key, nowMs, windowMs);
      if (recent.length >= limit) {
        // Admitted again once the oldest attempt that counts leaves the window.
        const oldest = recent[recent.length - limit]!;
        const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - nowMs) / 1000));
        return { admitted: false, limitedBy, retryAfterSeconds };
      }
    }
    for (const { key } of keys) this.#seen.set(key, [...this.#recent(key, nowMs, windowMs), nowMs]);
    return { admitted: true };
  }

  #recent(key: string, nowMs: number, windowMs: number): number[] {
    return (this.#seen.get(key) ?? []).filter((at) => at > nowMs - windowMs);
  }

  // At most once a window, forget every key whose attempts have all left it: memory stays bounded by the traffic
  // admitted within one window.
  #sweep(nowMs: number, windowMs: number): void {
    if (nowMs - this.#lastSweepMs < windowMs) return;
    this.#lastSweepMs = nowMs;
    for (const [key, times] of this.#seen) {
      if (times.every((at) => at <= nowMs - windowMs)) this.#seen.delete(key);
    }
  }
}

/** The keys one attempt is counted under, with their limits, as both throttles count them. */
function attemptKeys(settings: GateThrottleSettings, attempt: GateAttemptKeys) {
  return [
    ...(attempt.kiosk === undefined
      ? []
      : [{ key: `kiosk:${attempt.kiosk}`, limit: settings.kioskLimit, limitedBy: 'kiosk' as const }]),
    ...(attempt.credential === undefined
      ? []
      : [
          {
            key: `credential:${credentialThrottleKey(attempt.credential)}`,
            limit: settings.credentialLimit,
            limitedBy: 'credential' as const,
          },
        ]),
  ];
}

/**
 * The same limits held across every instance on one database (issue 13), through the store's shared window counts:
 * a kiosk behind a load balancer gets no more attempts by landing on another instance.
 *
 * @example
 * const throttle = store.windowCounts ? new SharedGateThrottle(store.windowCounts, settings) : new InProcessGateThrottle(settings);
 */
export class SharedGateThrottle implements GateThrottle {
  readonly #settings: GateThrottleSettings;

  constructor(
    private readonly counts: WindowCounts,
    settings: GateThrottleSettings,
  ) {
    this.#settings = checkGateThrottleSettings(settings);
  }

  async admit(attempt: GateAttemptKeys, now: Date): Promise<GateAdmission> {
    const keys = attemptKeys(this.#settings, attempt);
    if (keys.length === 0) return { admitted: true };
    const nowMs = now.getTime();
    const counted = await this.counts.admit(keys, nowMs, this.#settings.windowSeconds * 1000);
    if (counted.admitted) return { admitted: true };
    const limitedBy = keys.find((entry) => entry.key === counted.key)?.limitedBy ?? 'kiosk';
    return {
      admitted: false,
      limitedBy,
      retryAfterSeconds: Math.max(1, Math.ceil((counted.freeAtMs - nowMs) / 1000)),
    };
  }
}

/**
 * Asks the throttle, and refuses with 429 `gate.rate_limited` (with `retryAfterSeconds`, sent as `Retry-After`)
 * when it says no.
 */
export async function admitAtGate(
  throttle: GateThrottle | undefined,
  attempt: GateAttemptKeys,
  now: Date,
): Promise<void> {
  if (!throttle) return;
  const admission = await throttle.admit(attempt, now);
  if (admission.admitted) return;
  throw new AppError(
    'gate.rate_limited',
    `too many gate attempts from this ${admission.limitedBy === 'kiosk' ? 'kiosk' : 'credential'}; try again in ${admission.retryAfterSeconds} s`,
    { limitedBy: admission.limitedBy, retryAfterSeconds: admission.retryAfterSeconds },
  );
}
