/**
 * The person's work queues, live (issue 14): one `EventSource` per tab on `/v1/queues/events`, shared by the home
 * page and the menu's badges, open while either shows them. The browser reconnects by itself when the stream drops;
 * when the server refused it outright (a closed stream, e.g. after a restart), it is opened again after a pause.
 * Meanwhile the last counts stay on screen, marked as not live: nothing worse than the last numbers.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { QUEUE_EVENTS_URL, type QueuesAnswer, type WorkQueue } from './queue-api.js';

export type QueueConnection = 'connecting' | 'live' | 'dropped';

export interface QueueState {
  /** `undefined` until the first count arrives. */
  readonly queues: readonly WorkQueue[] | undefined;
  readonly connection: QueueConnection;
}

/** How long to wait before opening a stream the browser gave up on. */
const REOPEN_AFTER_MS = 15_000;
/** How long a stream nobody shows stays open, for the next page to take over. */
const IDLE_CLOSE_MS = 2_000;

let state: QueueState = { queues: undefined, connection: 'connecting' };
let owner: string | undefined;
let source: EventSource | undefined;
let reopenTimer: ReturnType<typeof setTimeout> | undefined;
let users = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function set(next: Partial<QueueState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

function open(): void {
  if (source || typeof EventSource === 'undefined') return;
  const stream = new EventSource(QUEUE_EVENTS_URL);
  source = stream;
  stream.addEventListener('queues', (event) => {
    const answer = JSON.parse((event as MessageEvent<string>).data) as QueuesAnswer;
    set({ queues: answer.queues, connection: 'live' });
  });
  stream.addEventListener('open', () => {
    if (state.queues !== undefined) set({ connection: 'live' });
  });
  stream.addEventListener('error', () => {
    set({ connection: 'dropped' });
    if (stream.readyState !== EventSource.CLOSED) return;
    // The browser will not retry a refused stream: try again later, keeping the last counts.
    stream.close();
    if (source === stream) source = undefined;
    clearTimeout(reopenTimer);
    reopenTimer = setTimeout(() => {
      reopenTimer = undefined;
      if (users > 0) open();
    }, REOPEN_AFTER_MS);
  });
}

function close(): void {
  clearTimeout(reopenTimer);
  reopenTimer = undefined;
  source?.close();
  source = undefined;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The queues of the signed-in person `userId` (none when signed out), kept live while a component uses them. A
 * change of person starts afresh: one person's counts never show for the next.
 */
export function useWorkQueues(userId: string | undefined): QueueState {
  useEffect(() => {
    if (userId === undefined) return;
    if (owner !== userId) {
      close();
      owner = userId;
      state = { queues: undefined, connection: 'connecting' };
    }
    users += 1;
    clearTimeout(idleTimer);
    open();
    return () => {
      users -= 1;
      if (users > 0) return;
      // A page that follows at once (a navigation) keeps the stream; otherwise it closes.
      idleTimer = setTimeout(() => {
        if (users > 0) return;
        close();
        owner = undefined;
        state = { queues: undefined, connection: 'connecting' };
      }, IDLE_CLOSE_MS);
    };
  }, [userId]);
  const current = useSyncExternalStore(subscribe, () => state);
  return userId === undefined || owner !== userId ? { queues: undefined, connection: 'connecting' } : current;
}
