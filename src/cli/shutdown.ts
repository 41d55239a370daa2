/**
 * Graceful shutdown of `portledger serve` (issue 16): the first SIGTERM or SIGINT starts it, a second one forces the
 * exit. Background loops register how to stop into `StopHooks`; each stops after its current batch, so that what
 * it read is either written whole or read again by the next start.
 */

/** A background loop's stop: resolves once the batch it was running has committed (or rolled back). */
export interface StopHook {
  readonly name: string;
  stop(): Promise<void> | void;
}

/**
 * The loops `portledger serve` stops after the HTTP server has drained and before the final checkpoint: the
 * detection engine, and any other that registers (the subscriptions' outbox dispatcher, issue 16:
 * `stopHooks.add('outbox dispatcher', () => dispatcher.stop())`). They stop together; one that fails is reported
 * and the others still stop.
 */
export class StopHooks {
  readonly #hooks: StopHook[] = [];

  add(name: string, stop: () => Promise<void> | void): void {
    this.#hooks.push({ name, stop });
  }

  get names(): readonly string[] {
    return this.#hooks.map((hook) => hook.name);
  }

  /** Stops every registered loop; resolves when all have ended, whatever each did. */
  async stopAll(onError: (name: string, error: unknown) => void): Promise<void> {
    await Promise.all(
      this.#hooks.map(async (hook) => {
        try {
          await hook.stop();
        } catch (error) {
          onError(hook.name, error);
        }
      }),
    );
  }
}

/** The exit status of a process ended by a signal (128 + its number), as a shell reports it. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Resolves with the first of `signals` the process receives. From then on, the next one calls `onForced` (by default:
 * exit at once with 128 + the signal's number), for an operator who will not wait for the drain.
 */
export function shutdownSignal(
  options: {
    signals?: readonly NodeJS.Signals[];
    onForced?: (signal: NodeJS.Signals) => void;
    target?: Pick<NodeJS.Process, 'once' | 'on' | 'off'>;
  } = {},
): Promise<NodeJS.Signals> {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const target = options.target ?? process;
  const forced =
    options.onForced ??
    ((signal: NodeJS.Signals) => {
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    });
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      for (const name of signals) target.off(name, first);
      for (const name of signals) target.on(name, forced);
      resolve(signal);
    };
    for (const name of signals) target.on(name, first);
  });
}
