/** The yard map: which cells of a terminal stand full, coloured by what the console needs to know. */

/** Reconciliation (issue 15): a yard survey held against the log, each discrepancy an alert. */
export * from './reconcile.usecases.js';
export * from './yard-map.usecases.js';
