/**
 * The detection engine as `portledger serve` runs it (issue 15): batch after batch while it is behind the log,
 * then a look every `idleMs`, backing off to `maxIdleMs` while nothing comes. Only while `active()` holds (the
 * `detection-engine` leader role on PostgreSQL): a process that loses the role drops its core, and reads the
 * stored place again if it wins the role back, so it never goes on from a place another engine has left.
 */
import type { RuleFault } from '../../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { ConcurrencyError } from '../ports.js';
import { type DetectionEngineState, type DetectionRunResult, runDetectionOnce } from './engine.js';

/** How the engine stands, for `/readyz`, the metrics and the log. */
export interface DetectionStatus {
  /** Whether this process runs the engine now (it holds the role). */
  readonly active: boolean;
  /** The stored place: the next audit index it reads; null before its first run. */
  readonly position: number | null;
  /** The log's size at the last run. */
  readonly logSize: number | null;
  /** Events appended that it has not seen yet, at the last run. */
  readonly lag: number | null;
  /** When its last run ended. */
  readonly lastRunAt: string | null;
  /** The last run's failure, until a run succeeds. */
  readonly lastError: string | null;
  /** Alerts raised since the process started. */
  readonly alertsRaised: number;
}

export interface DetectionLoop {
  status(): DetectionStatus;
  /** Stops after the run in progress, if any, has ended. */
  stop(): Promise<void>;
}

export function startDetectionLoop(args: {
  ledger: Ledger;
  engine: DetectionEngineState;
  /** Whether this process runs the engine now (the `detection-engine` role). */
  active: () => boolean;
  batch?: number;
  /** The wait after a run that found nothing new; it doubles up to `maxIdleMs` while nothing comes. */
  idleMs?: number;
  maxIdleMs?: number;
  onRun?: (result: DetectionRunResult) => void;
  onFault?: (fault: RuleFault) => void;
  onError?: (error: unknown) => void;
}): DetectionLoop {
  const idleMs = args.idleMs ?? 1000;
  const maxIdleMs = args.maxIdleMs ?? 5000;
  let wait = idleMs;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let status: DetectionStatus = {
    active: false,
    position: null,
    logSize: null,
    lag: null,
    lastRunAt: null,
    lastError: null,
    alertsRaised: 0,
  };

  async function tick(): Promise<number> {
    if (!args.active()) {
      args.engine.core = undefined;
      status = { ...status, active: false };
      return idleMs;
    }
    try {
      const result = await runDetectionOnce({
        ledger: args.ledger,
        engine: args.engine,
        ...(args.batch !== undefined ? { batch: args.batch } : {}),
      });
      for (const fault of result.faults) args.onFault?.(fault);
      args.onRun?.(result);
      const logSize = await args.ledger.store.logSize();
      status = {
        active: true,
        position: result.position,
        logSize,
        lag: Math.max(logSize - result.position, 0),
        lastRunAt: args.ledger.clock.now().toISOString(),
        lastError: null,
        alertsRaised: status.alertsRaised + result.alertIds.length,
      };
      if (result.applied > 0) {
        wait = idleMs;
        // Behind: the next batch at once, after what else waits on the event loop.
        return 0;
      }
      const next = wait;
      wait = Math.min(wait * 2, maxIdleMs);
      return next;
    } catch (error) {
      // Another engine moved on (it won the role meanwhile) or the write failed: the next run reads the stored place.
      if (!(error instanceof ConcurrencyError)) args.onError?.(error);
      status = { ...status, active: true, lastError: error instanceof Error ? error.message : String(error) };
      return idleMs;
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = tick().then(schedule, () => schedule(idleMs));
    }, delayMs);
  }
  schedule(0);

  return {
    status: () => status,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
