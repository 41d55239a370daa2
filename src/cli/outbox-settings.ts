/**
 * The outbox dispatcher of event subscriptions as `portledger serve` runs it (issue 16): its settings, read once so
 * that a bad value stops the start naming the variable, and the dispatcher wired to the real HTTP transport.
 */

import type { SecretSealer } from '../app/access/security.ports.js';
import type { Ledger } from '../app/ledger/index.js';
import {
  type AddressRange,
  type OutboxDispatcher,
  parseCidrList,
  type RetryPolicy,
  startOutboxDispatcher,
} from '../app/partners/index.js';
import { readSetting } from '../config/settings.js';
import type { CallbackGuard } from '../http/subscription.routes.js';
import { hmacSha256, httpCallbackTransport, resolveHost } from '../security/callback-transport.js';

export interface OutboxSettings {
  readonly enabled: boolean;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly allow: readonly AddressRange[];
}

function positive(value: string | undefined, env: string, unit: string): number {
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0))
    throw new Error(`${env} must be a number of ${unit} above 0, not ${value}`);
  return parsed;
}

/** The `PORTLEDGER_OUTBOX*` and `PORTLEDGER_CALLBACK_ALLOW` settings; throws naming a bad one. */
export function readOutboxSettings(env: NodeJS.ProcessEnv = process.env): OutboxSettings {
  const switchText = readSetting('outbox', env);
  if (switchText !== 'on' && switchText !== 'off')
    throw new Error(`PORTLEDGER_OUTBOX must be on or off, not ${switchText}`);
  let allow: AddressRange[];
  try {
    allow = parseCidrList(readSetting('callbackAllow', env));
  } catch (error) {
    throw new Error(`PORTLEDGER_CALLBACK_ALLOW: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    enabled: switchText === 'on',
    policy: {
      baseMs: positive(
        readSetting('outboxRetryBaseMs', env),
        'PORTLEDGER_OUTBOX_RETRY_BASE_MS',
        'milliseconds',
      ),
      capMs: positive(readSetting('outboxRetryCapMs', env), 'PORTLEDGER_OUTBOX_RETRY_CAP_MS', 'milliseconds'),
      maxAgeMs:
        positive(readSetting('outboxMaxAgeHours', env), 'PORTLEDGER_OUTBOX_MAX_AGE_HOURS', 'hours') *
        3_600_000,
    },
    timeoutMs: positive(readSetting('outboxTimeoutMs', env), 'PORTLEDGER_OUTBOX_TIMEOUT_MS', 'milliseconds'),
    allow,
  };
}

/** What the subscription routes check callback URLs with. */
export function callbackGuard(settings: OutboxSettings): CallbackGuard {
  return { resolve: resolveHost, allow: settings.allow };
}

export function startServeOutbox(args: {
  ledger: Ledger;
  sealer: SecretSealer;
  settings: OutboxSettings;
  active: () => boolean;
  onError: (error: unknown) => void;
}): OutboxDispatcher {
  return startOutboxDispatcher({
    ledger: args.ledger,
    // The DCSA feed: the `partner_event` read model, written with each visit event (the transactional outbox).
    partnerEvents: args.ledger.store.partnerEvents,
    sealer: args.sealer,
    hmac: hmacSha256,
    transport: httpCallbackTransport({ allow: args.settings.allow }),
    policy: args.settings.policy,
    timeoutMs: args.settings.timeoutMs,
    active: args.active,
    onError: args.onError,
  });
}
