/**
 * The audit log's own use cases: proofs, integrity of the log and of the read models, witnesses, tiles and the monitor.
 */
export * from './audit.usecases.js';
export * from './integrity.usecases.js';
export * from './log-scan.ports.js';
export * from './log-verification.js';
export * from './monitor.usecases.js';
export * from './position-views.usecases.js';
export * from './read-model.ports.js';
export * from './read-model-check.js';
export * from './read-model-projection.js';
export * from './read-model-rebuild.js';
export * from './split-check.js';
export * from './tiles.usecases.js';
export * from './witness.ports.js';
export * from './witnesses.usecases.js';
