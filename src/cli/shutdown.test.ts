import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StopHooks, shutdownSignal } from './shutdown.js';

describe('shutdown (issue 16)', () => {
  it('resolves on the first signal and forces on the second, whichever they are', async () => {
    const target = new EventEmitter();
    const forced: NodeJS.Signals[] = [];
    const signal = shutdownSignal({
      target: target as unknown as Pick<NodeJS.Process, 'once' | 'on' | 'off'>,
      onForced: (second) => forced.push(second),
    });
    target.emit('SIGINT', 'SIGINT');
    expect(await signal).toBe('SIGINT');
    expect(forced).toEqual([]);
    target.emit('SIGTERM', 'SIGTERM');
    expect(forced).toEqual(['SIGTERM']);
    // The first signal's handlers are gone: only the forcing one listens now.
    expect(target.listenerCount('SIGINT')).toBe(1);
    expect(target.listenerCount('SIGTERM')).toBe(1);
  });

  it('stops every registered loop, waits for each, and reports one that fails without stopping the others', async () => {
    const hooks = new StopHooks();
    const stopped: string[] = [];
    let finishBatch: () => void = () => {};
    const batch = new Promise<void>((resolve) => {
      finishBatch = resolve;
    });
    hooks.add('detection engine', async () => {
      await batch;
      stopped.push('detection engine');
    });
    hooks.add('outbox dispatcher', () => {
      throw new Error('socket hang up');
    });
    hooks.add('other', () => {
      stopped.push('other');
    });
    expect(hooks.names).toEqual(['detection engine', 'outbox dispatcher', 'other']);
    const failures: string[] = [];
    let done = false;
    const stopping = hooks
      .stopAll((name, error) => failures.push(`${name}: ${(error as Error).message}`))
      .then(() => {
        done = true;
      });
    await Promise.resolve();
    expect(done).toBe(false);
    finishBatch();
    await stopping;
    expect(stopped.sort()).toEqual(['detection engine', 'other']);
    expect(failures).toEqual(['outbox dispatcher: socket hang up']);
  });
});
