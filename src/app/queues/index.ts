/** Work queues (issue 14): what waits for each person, counted within need-to-know. */
export type { DecidableApprovalQuery, HeldBoxQuery, QueueCountReads, SlotIdRange } from './queue.ports.js';
export {
  QUEUE_COUNT_CAP,
  type QueueKind,
  queueKinds,
  sameQueues,
  TRUCKS_DUE_WINDOW_MS,
  type WorkQueue,
  workQueues,
} from './work-queues.usecases.js';
