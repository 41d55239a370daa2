import { dirname, isAbsolute, join, relative } from 'node:path';
import { PositionViewRecorder } from '../app/alerts/index.js';
import {
  isHistoryBreak,
  ReadModelCheck,
  raiseIntegrityAlert,
  startIntegrityWatch,
} from '../app/audit/index.js';
import { detectionEngine, startDetectionLoop } from '../app/detection/index.js';
import { InProcessGateThrottle, SharedGateThrottle } from '../app/gate/index.js';
import { describeHistoryBreak } from '../audit/index.js';
import { readSetting } from '../config/settings.js';
import { startSimulator } from '../demo/simulator.js';
import { parseMetricsScrapeAccess } from '../http/metrics.routes.js';
import { buildServer } from '../http/server.js';
import { type LeadershipHandle, soleLeadership, startPostgresLeadership } from '../store/leadership.js';
import { seedDemoOnce } from './demo.js';
import { startDemoWitnesses } from './demo-witnesses.js';
import { readDetectionSettings } from './detection-settings.js';
import { sweepInWorker, sweepRequestOf } from './integrity-sweep.js';
import { callbackGuard, readOutboxSettings, startServeOutbox } from './outbox-settings.js';
import { rebuildReadModelsOnStart } from './rebuild-read-models.js';
import { parseLogLevel, serverLog, urlPeopleOpen } from './server-log.js';
import { StopHooks, shutdownSignal } from './shutdown.js';
import { surveyWalkLimits } from './survey-settings.js';
import { defaultKeyFile, openSystem, resolveDatabaseUrl } from './system.js';
import {
  parseWitnessList,
  parseWitnessMaxLagMs,
  parseWitnessQuorum,
  startLogWitnesses,
} from './witnesses.js';

export async function serveCommand(
  options: {
    db?: string;
    port?: number;
    host?: string;
    seedDemo?: boolean;
    simulator?: boolean;
    /** Run the demo's two witnesses in this process when `PORTLEDGER_WITNESSES` names none (`demo-witnesses.ts`). */
    demoWitnesses?: boolean;
    /** JSON logs to stderr from this level on (`--log-level`); without it, `PORTLEDGER_LOG_LEVEL`, then a file. */
    logLevel?: string;
  },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<number> {
  const port = options.port ?? Number(readSetting('port'));
  const host = options.host ?? readSetting('host') ?? 'localhost';
  const sweepSetting = readSetting('integritySweepIntervalMs');
  const sweepIntervalMs = sweepSetting === undefined ? undefined : Number(sweepSetting);
  if (sweepIntervalMs !== undefined && !(Number.isSafeInteger(sweepIntervalMs) && sweepIntervalMs > 0)) {
    throw new Error(
      `PORTLEDGER_INTEGRITY_SWEEP_INTERVAL_MS must be a whole number of milliseconds above 0, not ${sweepSetting}`,
    );
  }
  // Issue 15: a bad rule setting stops the start here, with the variable named.
  const detection = readDetectionSettings();
  // Issue 16: who may scrape /metrics; a bad token or network stops the start here, with the variable named.
  const metricsScrape = parseMetricsScrapeAccess(readSetting('metricsToken'), readSetting('metricsAllow'));
  // Issue 16: the outbox's settings, read before anything starts.
  const outboxSettings = readOutboxSettings();
  const viewBatchSetting = readSetting('viewBatchSeconds');
  const viewBatchMs = Number(viewBatchSetting) * 1000;
  if (!(Number.isFinite(viewBatchMs) && viewBatchMs > 0)) {
    throw new Error(
      `PORTLEDGER_VIEW_BATCH_SECONDS must be a number of seconds above 0, not ${viewBatchSetting}`,
    );
  }
  // lookup.bulk is a detection rule now (issue 15): the settings of the in-process count it replaced would be ignored.
  for (const gone of ['PORTLEDGER_BULK_LOOKUP_LIMIT', 'PORTLEDGER_BULK_LOOKUP_WINDOW_MINUTES']) {
    if (process.env[gone] !== undefined) {
      throw new Error(
        `${gone} is gone: lookup.bulk is a detection rule now, set ${gone.replace('PORTLEDGER_BULK_LOOKUP_', 'PORTLEDGER_DETECT_LOOKUP_BULK_')} instead`,
      );
    }
  }
  const databaseUrl = resolveDatabaseUrl(options.db);
  // Issue 14: request logs stay out of what the person at the terminal reads, unless a level is asked for; the
  // terminal's zone is known once the system is open (until then, times are said in UTC, and named so).
  let terminalZone: string | undefined;
  const log = serverLog({
    level:
      parseLogLevel(options.logLevel, '--log-level') ??
      parseLogLevel(readSetting('logLevel'), 'PORTLEDGER_LOG_LEVEL') ??
      parseLogLevel(process.env.LOG_LEVEL, 'LOG_LEVEL'),
    file:
      readSetting('logFile') ??
      join(dirname(readSetting('signingKeyFile') ?? defaultKeyFile(databaseUrl)), 'portledger.log'),
    stderr: io.stderr,
    timeZone: () => terminalZone,
  });
  const { logger } = log;
  // Several instances on one PostgreSQL database elect who signs checkpoints and who sweeps the log (issue 13).
  const leadership: LeadershipHandle = /^postgres(ql)?:\/\//.test(databaseUrl)
    ? await startPostgresLeadership({
        url: databaseUrl,
        namespace: readSetting('origin') ?? 'portledger.local/log',
        roles: ['checkpoint-signer', 'integrity-sweep', 'detection-engine', 'outbox-dispatcher'],
        onChange: (role, held) =>
          logger.info({ leader: { role, held } }, `leader role ${role} ${held ? 'held' : 'released'}`),
        onError: (error) => logger.warn({ err: error }, 'leader election could not reach the database'),
      })
    : soleLeadership();
  const system = await openSystem({
    databaseUrl,
    publicUrl: readSetting('publicUrl') ?? `http://localhost:${port}`,
    leadership,
  });
  terminalZone = [...system.gate.slots.values()][0]?.timeZone;
  // The signer also signs what the other instances wrote, within the checkpoint interval.
  const signer = setInterval(
    () => {
      system.ledger
        .signPending()
        .catch((error) => logger.error({ err: error }, 'could not sign a checkpoint'));
    },
    Number(readSetting('checkpointIntervalMs') ?? 1000),
  );
  signer.unref();
  const gateLimits = {
    kioskLimit: Number(readSetting('gateKioskRateLimit')),
    credentialLimit: Number(readSetting('gateCredentialRateLimit')),
    windowSeconds: Number(readSetting('gateRateWindowSeconds')),
  };
  // Held across instances where several share the database (PostgreSQL, issue 13).
  const gateThrottle = system.store.windowCounts
    ? new SharedGateThrottle(system.store.windowCounts, gateLimits)
    : new InProcessGateThrottle(gateLimits);
  const gateTimingLeadMinutes = wholeMinutes(
    readSetting('gateTimingLeadMinutes'),
    'PORTLEDGER_GATE_TIMING_LEAD_MINUTES',
  );
  const surveyWalk = surveyWalkLimits();
  // Read before anything starts, so that a bad witness list stops the server with a clear error.
  const witnessList = parseWitnessList(readSetting('witnesses'));
  const witnessQuorum = parseWitnessQuorum(readSetting('witnessQuorum'), witnessList.length);
  const witnessMaxLagMs = parseWitnessMaxLagMs(readSetting('witnessMaxLagSeconds'));
  if (system.signerCreated) io.stdout.write(`generated the log signing key in ${system.keyFile}\n`);
  // Issue 11: said at once, before anything is served; the watch raises the alert on its first check.
  const broken = system.keeper?.standing();
  if (broken) {
    io.stderr.write(
      `the log does not extend the checkpoint kept in ${system.keeper?.file.location}: ${describeHistoryBreak(broken)}; /readyz answers 503 and no checkpoint is signed until a person resolves the alert (a database deleted on purpose needs that file moved away too)\n`,
    );
  }
  // Rows built by another release's projection are rebuilt from the log before the first check and the first write,
  // so the watch does not take them for tampering; not over a log that breaks the kept checkpoint.
  if (!broken) await rebuildReadModelsOnStart(system, io);
  // No demo is seeded over a log that breaks the kept checkpoint: nothing could be signed over it.
  const seeded = options.seedDemo && !broken ? await seedDemoOnce(system, io) : undefined;
  const integrity = startIntegrityWatch({
    reads: system.store,
    verifierKey: system.verifierKey,
    intervalMs: Number(readSetting('integrityIntervalMs')),
    sweepIntervalMs,
    sweep: sweepInWorker(sweepRequestOf(system)),
    entryMacs: system.entryMacs,
    sweepWhen: () => leadership.holds('integrity-sweep'),
    readModels: new ReadModelCheck({
      store: system.store,
      keysPerCycle: Number(readSetting('readModelKeysPerCycle')),
    }),
    keeper: system.keeper,
    onAlert: (failure) => {
      logger.fatal(
        { integrity: failure },
        failure.readModel
          ? `read model ${failure.readModel.table} differs from the log at key ${failure.readModel.key}`
          : isHistoryBreak(failure)
            ? `the audit log does not extend the checkpoint kept in ${system.keeper?.file.location}: ${failure.reason}`
            : `audit log integrity check failed at index ${failure.firstBadIndex}`,
      );
      return raiseIntegrityAlert(system.ledger, failure);
    },
    onError: (error) => logger.error({ err: error }, 'integrity check could not run'),
  });
  // A use case or the checkpoint signer refused an entry no PortLedger process wrote (issue 13): the whole log is
  // checked now, not at the next cycle, so the alert is raised at once. Once raised it stands; no second sweep.
  // Also under a failure that stands: the refused entry may be another one (issue 13's second attacker edited an old
  // event's id under a standing alert, and the box's every action answered 503 with no alert of its own). At most
  // one such sweep a minute, so that requests on a poisoned stream cannot keep both cores hashing.
  let lastRefusalSweep = Number.NEGATIVE_INFINITY;
  const stopRefusalSweeps = system.onUnauthenticatedEntry((index) => {
    const now = Date.now();
    if (now - lastRefusalSweep < 60_000) return;
    lastRefusalSweep = now;
    logger.warn({ index }, 'refused an entry that is not as its writer wrote it; checking the whole log now');
    integrity.sweepNow().catch((error) => logger.error({ err: error }, 'integrity check could not run'));
  });
  const demoWitnesses =
    options.demoWitnesses && witnessList.length === 0
      ? await startDemoWitnesses({ dataDir: dirname(system.keyFile), logVerifierKey: system.verifierKey })
      : undefined;
  for (const witness of demoWitnesses?.witnesses ?? []) {
    io.stdout.write(`witness ${witness.key.name} cosigns on ${witness.url} (${witness.vkey})\n`);
  }
  const witnesses = startLogWitnesses({
    store: system.store,
    ledger: system.ledger,
    witnesses: demoWitnesses?.witnesses ?? witnessList,
    quorum: demoWitnesses ? demoWitnesses.witnesses.length : witnessQuorum,
    maxLagMs: witnessMaxLagMs,
    integrity,
    active: () => leadership.holds('checkpoint-signer'),
    log: {
      error: (message, detail) => logger.fatal({ witness: detail }, message),
      warn: (message, detail) => logger.warn({ witness: detail }, message),
    },
  });
  // The detection engine (issue 15): one per database, the holder of its role; off with PORTLEDGER_DETECTION=off.
  const detectionLoop = detection.enabled
    ? startDetectionLoop({
        ledger: system.ledger,
        engine: detectionEngine(detection.core),
        active: () => leadership.holds('detection-engine'),
        onRun: (result) => {
          if (result.alertIds.length > 0) {
            logger.info(
              { detection: { alerts: result.alertIds, frozen: result.frozen, position: result.position } },
              `detection raised ${result.alertIds.length} alert(s)`,
            );
          }
        },
        onFault: (fault) =>
          logger.error({ detection: fault }, `detection rule ${fault.rule} failed on an event`),
        onError: (error) => logger.error({ err: error }, 'detection could not run'),
      })
    : undefined;
  // The outbox dispatcher of event subscriptions (issue 16): one per database, the holder of its role; off with
  // PORTLEDGER_OUTBOX=off.
  const outboxDispatcher = outboxSettings.enabled
    ? startServeOutbox({
        ledger: system.ledger,
        sealer: system.auth.security.sealer,
        settings: outboxSettings,
        active: () => leadership.holds('outbox-dispatcher'),
        onError: (error) => logger.error({ err: error }, 'the outbox dispatcher could not run'),
      })
    : undefined;
  const server = await buildServer({
    callbacks: callbackGuard(outboxSettings),
    reads: system.store,
    verifierKey: system.verifierKey,
    logger,
    auth: system.auth,
    terminals: system.terminals,
    publicUrl: system.publicUrl,
    pickup: system.gate,
    trustProxy: readSetting('trustProxy') === 'true',
    integrity,
    ...(detectionLoop ? { detection: detectionLoop } : {}),
    // Who looked at what (issue 15): closed with the server, which writes the views that wait.
    positionViews: new PositionViewRecorder({
      ledger: system.ledger,
      intervalMs: viewBatchMs,
      onError: (error, pending) =>
        logger.error({ err: error, views: pending }, 'could not record the positions people were shown'),
    }),
    gateThrottle,
    gateTimingLeadMinutes,
    surveyWalk,
    metricsScrape,
    // The subscriptions' outbox: its depth and oldest delivery's age on /metrics (issue 16).
    outbox: system.store.outbox,
    cosignatures: system.store.cosignatures,
    witnesses,
  });
  await server.listen({ port, host });
  const address = server.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  // Said once (Fastify's own "listening at" line goes to the log), and with `localhost` for an address on this
  // machine: passkeys are bound to a host name, and a browser refuses them on 127.0.0.1.
  io.stdout.write(`PortLedger is listening on ${urlPeopleOpen(host, boundPort)}\n`);
  const publicUrl = readSetting('publicUrl');
  if (publicUrl !== undefined) io.stdout.write(`people open it at ${publicUrl}\n`);
  io.stdout.write(`log verifier key: ${system.verifierKey}\n`);
  if (log.destination !== 'stderr') {
    io.stdout.write(
      `the server's log: ${shortPath(log.destination)} (--log-level info writes it to stderr instead)\n`,
    );
  }
  // The demo's live simulator (issue 6): the port keeps moving through the real use cases.
  const simulator = options.simulator
    ? startSimulator({
        ledger: system.ledger,
        terminals: system.terminals,
        log: { info: (message) => logger.info(message), warn: (message) => logger.warn(message) },
        cargo: { auth: system.auth, pickup: system.gate, pickups: seeded?.pickups ?? [] },
      })
    : undefined;
  if (simulator) io.stdout.write('the live simulator is on (--no-simulator turns it off)\n');

  // Graceful shutdown (issue 16). The background loops that write stop after their current batch, once the HTTP
  // server has drained: another loop (the outbox dispatcher) registers here the same way.
  const stopHooks = new StopHooks();
  if (detectionLoop) stopHooks.add('detection engine', () => detectionLoop.stop());
  // The outbox dispatcher finishes the batch it is sending (issue 16); what is queued waits for the next start.
  if (outboxDispatcher) stopHooks.add('outbox dispatcher', () => outboxDispatcher.stop());
  const signal = await shutdownSignal({
    onForced: (second) => {
      io.stderr.write(`${second} again: exiting now, without draining or a final checkpoint\n`);
      process.exit(second === 'SIGINT' ? 130 : 143);
    },
  });
  logger.info(
    { signal },
    `${signal}: draining requests, stopping the background loops, signing a final checkpoint`,
  );
  // Stops accepting connections, answers 503 on kept-alive ones, and waits for the requests in flight (the live
  // queue streams are ended by their preClose hook); the batched position views are written on close.
  await server.close();
  await simulator?.stop();
  await stopHooks.stopAll((name, error) => logger.error({ err: error }, `${name} did not stop cleanly`));
  witnesses?.stop();
  await demoWitnesses?.close();
  stopRefusalSweeps();
  integrity.stop();
  clearInterval(signer);
  // The final checkpoint covers every write acknowledged (when this process signs; not over a log that breaks the
  // kept checkpoint, which no one may sign until a person resolves the alert).
  if (!broken) {
    await system.ledger
      .signPending()
      .catch((error) => logger.error({ err: error }, 'could not sign the final checkpoint'));
  }
  await system.close();
  await leadership.close();
  log.close();
  return 0;
}

/** A path as short as it can be said: relative to where the command was started when it lies below it. */
function shortPath(path: string): string {
  const below = relative(process.cwd(), path);
  return below === '' || below.startsWith('..') || isAbsolute(below) ? path : below;
}

function wholeMinutes(value: string | undefined, name: string): number {
  const minutes = Number(value);
  if (value === undefined || !Number.isSafeInteger(minutes) || minutes < 0 || minutes > 1440) {
    throw new Error(`${name} must be a whole number of minutes from 0 to 1440, not ${value}`);
  }
  return minutes;
}
