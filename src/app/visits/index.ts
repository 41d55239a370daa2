/** Container visits: announcing, moving, holding and freezing a box, who may see it, and its two-person changes. */
export * from './command-errors.js';
export * from './freeze.usecases.js';
export * from './partner-events.js';
export * from './visit.ports.js';
export * from './visit-access.usecases.js';
export * from './visit-approvals.js';
export * from './visit-batch.usecases.js';
export * from './visit-search.usecases.js';
export * from './visits.usecases.js';
