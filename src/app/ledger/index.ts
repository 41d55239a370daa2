/**
 * The log's write path that every capability shares: one transaction appends the events, their audit leaves and the checkpoint, beside the read models (RFC 9162).
 */
export * from './audit-log.js';
export * from './authenticated-streams.js';
export * from './event-ids.js';
export * from './kept-checkpoint.js';
export * from './ledger.js';
