/** `GET /v1/queues` and `GET /v1/queues/events` (issue 14): what waits for the signed-in person, counted. */
import { apiGet } from '../api.js';

export const queueKinds = [
  'release_offers',
  'blocked_releases',
  'approvals',
  'open_alerts',
  'trucks_due',
  'pending_phones',
  'held_boxes',
] as const;

export type QueueKind = (typeof queueKinds)[number];

export interface WorkQueue {
  kind: QueueKind;
  /** At most 999; `more` when others wait beyond it. */
  count: number;
  more: boolean;
  /** The console page that lists them (a path, maybe with a fragment). */
  link: string;
}

export interface QueuesAnswer {
  queues: WorkQueue[];
}

export const QUEUE_EVENTS_URL = '/v1/queues/events';

export function fetchQueues(): Promise<QueuesAnswer> {
  return apiGet<QueuesAnswer>('/v1/queues');
}

/** The page a queue's link opens, without its fragment: the menu entry it belongs to. */
export function pageOf(link: string): string {
  const hash = link.indexOf('#');
  return hash < 0 ? link : link.slice(0, hash);
}

/** How many wait for each menu entry, summed over the queues that link to its page. */
export function waitingByPage(queues: readonly WorkQueue[]): Map<string, number> {
  const byPage = new Map<string, number>();
  for (const queue of queues) {
    const page = pageOf(queue.link);
    byPage.set(page, (byPage.get(page) ?? 0) + queue.count);
  }
  return byPage;
}
