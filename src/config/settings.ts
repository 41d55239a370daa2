/**
 * Every setting PortLedger reads, declared once: its environment variable, default and meaning. The README's
 * configuration table is generated from this list (`npm run docs:config`), and a test keeps the two in step.
 */
export interface SettingDeclaration {
  readonly env: string;
  readonly default: string | undefined;
  readonly doc: string;
}

export const settings = {
  database: {
    env: 'PORTLEDGER_DB',
    default: 'sqlite:./data/portledger.db',
    doc: 'Database URL: `sqlite:PATH` for the embedded store, or `postgres://USER@HOST:PORT/DB` in production. `--db` overrides it.',
  },
  port: {
    env: 'PORT',
    default: '8080',
    doc: 'TCP port of the HTTP server. `--port` overrides it.',
  },
  host: {
    env: 'HOST',
    default: 'localhost',
    doc: 'Interface the HTTP server binds to. `--host` overrides it.',
  },
  signingKey: {
    env: 'PORTLEDGER_SIGNING_KEY',
    default: undefined,
    doc: "The log's Ed25519 signer key as a C2SP note key (`PRIVATE+KEY+name+keyid+base64`). When unset, the key is read from `PORTLEDGER_SIGNING_KEY_FILE`, and generated there on first start.",
  },
  signingKeyFile: {
    env: 'PORTLEDGER_SIGNING_KEY_FILE',
    default: undefined,
    doc: 'File holding the signer key (mode 0600). Defaults to `log.key` beside the SQLite file, or `./data/log.key` with PostgreSQL.',
  },
  checkpointFile: {
    env: 'PORTLEDGER_CHECKPOINT_FILE',
    default: undefined,
    doc: 'File where the server keeps, outside the database, the latest checkpoint it signed or verified (the plain signed note, replaced atomically). On start and in every integrity check the log must extend it, by a consistency proof; otherwise `/readyz` answers 503 `integrity.rollback` or `integrity.fork`, a critical alert stands until a person resolves it, and no checkpoint is signed. Defaults to `log.checkpoint` beside the signing key; none with `sqlite::memory:`.',
  },
  origin: {
    env: 'PORTLEDGER_LOG_ORIGIN',
    default: 'portledger.local/log',
    doc: 'Origin line of the signed checkpoints (C2SP tlog-checkpoint); also the signer key name. Give every deployment its own.',
  },
  checkpointIntervalMs: {
    env: 'PORTLEDGER_CHECKPOINT_INTERVAL_MS',
    default: '1000',
    doc: 'Under load, checkpoints are signed at most this often; a quiet log gets one after each committed batch.',
  },
  integrityIntervalMs: {
    env: 'PORTLEDGER_INTEGRITY_INTERVAL_MS',
    default: '300000',
    doc: 'The integrity watch checks what was appended since its last cycle (the new entries, leaf hashes and checkpoints, the stored border, the kept checkpoint and the read models) on start and then this often; a mismatch is a critical alert and makes `/readyz` answer 503. `/readyz` answers 503 `verifying` until the first cycle is done.',
  },
  integritySweepIntervalMs: {
    env: 'PORTLEDGER_INTEGRITY_SWEEP_INTERVAL_MS',
    default: undefined,
    doc: 'How often the integrity watch also rechecks the whole log from its first entry, on a worker thread with its own database connection so that no request waits for it: an entry edited behind what the cycles have verified is found then. The first sweep runs one cycle after a start. Defaults to 12 times `PORTLEDGER_INTEGRITY_INTERVAL_MS` (an hour).',
  },
  witnesses: {
    env: 'PORTLEDGER_WITNESSES',
    default: undefined,
    doc: "The log's witnesses (C2SP tlog-witness), comma-separated, each `VKEY@URL`: the witness's cosigner verifier key (`name+keyid+base64`, type 0x04) and its submission prefix, e.g. `customs.example/w+1a2b3c4d+BA…=@https://witness.customs.example`. After each checkpoint the server submits it to every witness off the write path and stores the cosignatures; `GET /v1/audit/checkpoint` serves them as extra signature lines.",
  },
  witnessQuorum: {
    env: 'PORTLEDGER_WITNESS_QUORUM',
    default: undefined,
    doc: 'How many of `PORTLEDGER_WITNESSES` must cosign a checkpoint; defaults to all of them. A whole number between 1 and the number of witnesses.',
  },
  witnessMaxLagSeconds: {
    env: 'PORTLEDGER_WITNESS_MAX_LAG',
    default: '600',
    doc: 'Seconds the latest checkpoint may wait for its quorum of cosignatures before a `witness.lagging` alert is raised (one per stretch of lag).',
  },
  readModelKeysPerCycle: {
    env: 'PORTLEDGER_READ_MODEL_KEYS_PER_CYCLE',
    default: '500',
    doc: "Each integrity cycle also compares the read models (alerts and their gate groups, visits, yard cells, flags, releases, bookings, driver jobs, pickup credentials) with a fold of the log: the keys the new events touched, the next this many keys the log knows (each folded from its own streams) and the next this many each table holds, and every table's row count (kept by the database as rows are written, so that a cycle costs the same at any size). A difference is a critical `integrity.read_model_mismatch` alert and makes `/readyz` answer 503; `portledger rebuild-read-models` repairs it.",
  },
  publicUrl: {
    env: 'PORTLEDGER_PUBLIC_URL',
    default: undefined,
    doc: 'The URL people open, e.g. `https://port.example`: its host is the WebAuthn relying party and its origin the only one passkeys are accepted from. Defaults to `http://localhost:PORT`.',
  },
  dataKeys: {
    env: 'PORTLEDGER_DATA_KEYS',
    default: undefined,
    doc: 'AES-256-GCM keys for secrets and personal data at rest (TOTP seeds, driver records; badge references are HMAC-SHA256 under a key derived from them), as `id:base64key,id2:base64key`; the first is current, the others still decrypt (rotation). When unset, a key is read from `PORTLEDGER_DATA_KEY_FILE`, and generated there on first start.',
  },
  dataKeyFile: {
    env: 'PORTLEDGER_DATA_KEY_FILE',
    default: undefined,
    doc: 'File holding the data keys (mode 0600), in the same form. Defaults to `data.key` beside the signing key.',
  },
  pickupSensitiveHours: {
    env: 'PORTLEDGER_PICKUP_SENSITIVE_HOURS',
    default: '24',
    doc: "Moving a pickup slot earlier or changing the driver less than this many hours before the slot needs a second planner's approval (`pickup.change`) and notifies the release chain.",
  },
  viewBatchSeconds: {
    env: 'PORTLEDGER_VIEW_BATCH_SECONDS',
    default: '5',
    doc: "The reads that show a person yard positions, a visit's history or its pickup are recorded in the audit log as `PositionsViewed` events (issue 15; who looked at this box, and the `lookup.bulk` rule counts from them), batched per person: at most one event per person per this many seconds. A crash loses at most the last batch. A number above 0.",
  },
  enrolmentLinkHours: {
    env: 'PORTLEDGER_ENROLMENT_LINK_HOURS',
    default: '24',
    doc: 'A one-time enrolment link expires this many hours after it is issued. The passkey it registers signs in only once a supervisor of the same terminal organisation or a port administrator confirms it with the code the enrolment page showed (`portledger enrolment confirm --code … --by-operator` at the machine).',
  },
  gateKioskRateLimit: {
    env: 'PORTLEDGER_GATE_KIOSK_RATE_LIMIT',
    default: '10',
    doc: 'The gate (`POST /v1/gate/transactions`) admits at most this many attempts per kiosk (API token or session) within the window; more answer 429 `gate.rate_limited` with `Retry-After`. A lane clears a truck every few minutes.',
  },
  gateCredentialRateLimit: {
    env: 'PORTLEDGER_GATE_CREDENTIAL_RATE_LIMIT',
    default: '3',
    doc: "The gate admits at most this many attempts with one credential (a rotating pass counts under its credential) within the window. Only genuine attempts count: a pass the driver's active phone signed, or a printed credential where the terminal accepts them; junk passes naming a credential id count against the presenting kiosk only.",
  },
  gateRateWindowSeconds: {
    env: 'PORTLEDGER_GATE_RATE_WINDOW_SECONDS',
    default: '60',
    doc: 'The sliding window, in seconds, of the gate rate limits. The counts are kept in the server process.',
  },
  gateTimingLeadMinutes: {
    env: 'PORTLEDGER_GATE_TIMING_LEAD_MINUTES',
    default: '30',
    doc: "A truck refused only because it came before its slot's gate window opened (the slot less the terminal's grace) or after it closed, by no more than this many minutes, raises no alert: the gate tells the clerk in a sentence when the window opens on the terminal's clock (`The gate opens for this slot at 09:30 (Europe/Brussels), in 3 minutes`), or that the haulier books a new slot; the refusal stays in the log. Earlier than that is a medium alert; later, a pass used long after its slot, a high one. Identity refusals (badge, plate, pass, credential) are alerts whatever the time.",
  },
  surveyMaxSpanHours: {
    env: 'PORTLEDGER_SURVEY_MAX_SPAN_HOURS',
    default: '12',
    doc: "A yard survey's first and last sighting (`seen_at`) are at most this many hours apart; a survey beyond it is refused (400 `yard.survey_invalid` naming the line, nothing written). A box placed after the walk began is not judged, so one back-dated row would otherwise stretch the walk over every box in the yard.",
  },
  surveyMaxAgeHours: {
    env: 'PORTLEDGER_SURVEY_MAX_AGE_HOURS',
    default: '24',
    doc: 'No row of a yard survey may be seen more than this many hours before the upload (400 `yard.survey_invalid` naming the line, nothing written).',
  },
  printedPass: {
    env: 'PORTLEDGER_PRINTED_PASS',
    default: 'off',
    doc: "`on` lets the gate still accept the planner's printed pickup credential (`plc1.`) as a fallback for the rotating pass on the driver's enrolled phone, and raises a `gate.printed_pass` alert at each use; `off` refuses it as a copy (check `pass.printed_disabled`, a high alert).",
  },
  trustProxy: {
    env: 'PORTLEDGER_TRUST_PROXY',
    default: 'false',
    doc: 'Set to `true` behind a TLS-terminating proxy: client IPs and the protocol come from `X-Forwarded-*`, and session cookies are `Secure`.',
  },
  metricsToken: {
    env: 'PORTLEDGER_METRICS_TOKEN',
    default: undefined,
    doc: 'A bearer token Prometheus must send to scrape `GET /metrics` (`authorization: { credentials: … }` in its scrape config), compared in constant time; 32 characters at least. Without the token a scrape gets 401 `metrics.token_invalid`. With neither this nor `PORTLEDGER_METRICS_ALLOW` set, only this machine (loopback addresses) may scrape.',
  },
  metricsAllow: {
    env: 'PORTLEDGER_METRICS_ALLOW',
    default: undefined,
    doc: 'The client addresses that may scrape `GET /metrics`, as comma-separated CIDR blocks or addresses (`10.0.0.0/8,fd00::/8,192.0.2.7`); others get 403 `metrics.address_not_allowed`. Read from `X-Forwarded-For` only with `PORTLEDGER_TRUST_PROXY=true`. With a token set too, a scrape needs both. With neither set: loopback only (`127.0.0.0/8,::1`).',
  },
  logLevel: {
    env: 'PORTLEDGER_LOG_LEVEL',
    default: undefined,
    doc: "`fatal`, `error`, `warn`, `info`, `debug` or `trace`: the server writes its JSON log lines (pino; one per HTTP request at `info`) to stderr from this level on, for operators who collect them. `--log-level` overrides it; `LOG_LEVEL` is still read when it is unset. When neither is set, the JSON lines go to `PORTLEDGER_LOG_FILE` from `info` on, and stderr gets warnings and errors only, one readable line each with the time on the terminal's clock.",
  },
  detection: {
    env: 'PORTLEDGER_DETECTION',
    default: 'on',
    doc: '`on` runs the detection engine (issue 15) in `portledger serve`: it reads the audit log in order, runs every rule of the registry on each event exactly once, records each alert as a `DetectionAlertRaised` event, and freezes a visit at once on a high or critical alert about it. With several servers on one PostgreSQL, exactly one runs it (leader role `detection-engine`). `off` stops it; `portledger detect` catches up by hand.',
  },
  detectDwellNormHours: {
    env: 'PORTLEDGER_DETECT_DWELL_NORM_HOURS',
    default: '336',
    doc: "The terminals' dwell norm in hours, for the detection rules: a box in the yard with no event for longer than this is worth a look (`visit.vanished`, critical, which freezes it). Two weeks by default: an honest import box can stand untouched for ten days or more waiting for customs, its buyer or its haulier. A number above 0. Each rule's severity and thresholds follow as `PORTLEDGER_DETECT_<RULE>_<NAME>` (the rule id upper-cased, dots as underscores).",
  },
  outbox: {
    env: 'PORTLEDGER_OUTBOX',
    default: 'on',
    doc: '`on` runs the outbox dispatcher (issue 16) in `portledger serve`: it queues each event for each matching event subscription (DCSA `/v2/event-subscriptions`, thin `/v1/webhooks`) in the transaction that moves its cursor, and POSTs them, signed, in log order per subscription, retrying with backoff. With several servers on one PostgreSQL, exactly one runs it (leader role `outbox-dispatcher`). `off` stops sending; what is queued waits.',
  },
  outboxMaxAgeHours: {
    env: 'PORTLEDGER_OUTBOX_MAX_AGE_HOURS',
    default: '72',
    doc: 'A callback not delivered this many hours after it was queued is given up: a dead letter, listed by `GET /v2/event-subscriptions/{id}/deliveries?status=dead` (thin: `/v1/webhooks/{id}/deliveries`), and the subscription’s next event goes out. Until then a receiver that is down loses nothing. A number above 0.',
  },
  outboxRetryBaseMs: {
    env: 'PORTLEDGER_OUTBOX_RETRY_BASE_MS',
    default: '1000',
    doc: 'The first retry of a failed callback waits up to this many milliseconds (with jitter); each further one doubles it, up to `PORTLEDGER_OUTBOX_RETRY_CAP_MS`. A receiver’s longer `Retry-After` is honoured.',
  },
  outboxRetryCapMs: {
    env: 'PORTLEDGER_OUTBOX_RETRY_CAP_MS',
    default: '300000',
    doc: 'The longest wait between two tries of a callback, in milliseconds, unless the receiver’s `Retry-After` asks for longer.',
  },
  outboxTimeoutMs: {
    env: 'PORTLEDGER_OUTBOX_TIMEOUT_MS',
    default: '10000',
    doc: 'A callback that has not answered within this many milliseconds is a failed attempt, tried again later.',
  },
  callbackAllow: {
    env: 'PORTLEDGER_CALLBACK_ALLOW',
    default: undefined,
    doc: 'Address ranges (CIDR, comma-separated) subscription callbacks may reach although the SSRF guard refuses them: loopback, private, link-local, unique-local, CGNAT, multicast and unspecified addresses, IPv4 and IPv6 (IPv4-mapped included). For a receiver inside the port’s own network, e.g. `10.20.0.0/16`. Checked when a subscription is made and at each delivery; redirects are never followed.',
  },
  logFile: {
    env: 'PORTLEDGER_LOG_FILE',
    default: undefined,
    doc: 'Where the JSON log lines go when no log level is set (appended). Defaults to `portledger.log` beside the signing key: `./data/portledger.log` for `npm start`.',
  },
} as const satisfies Record<string, SettingDeclaration>;

export type SettingName = keyof typeof settings;

/** Reads a setting from an environment, falling back to its default. */
export function readSetting(name: SettingName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const declaration: SettingDeclaration = settings[name];
  const value = env[declaration.env];
  return value === undefined || value === '' ? declaration.default : value;
}

/**
 * The README table of settings, as Markdown: the declared settings, then `more` (the detection rules' settings,
 * generated from their defaults by `src/cli/detection-settings.ts`, which this layer may not import).
 */
export function settingsTable(more: readonly SettingDeclaration[] = []): string {
  const rows = [...Object.values(settings), ...more].map(
    (s: SettingDeclaration) =>
      `| \`${s.env}\` | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.doc} |`,
  );
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
