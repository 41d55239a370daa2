/** The detection engine (issue 15): the pure core run over the log in order, its place stored beside its alerts. */
export * from './detection.ports.js';
export * from './engine.js';
export * from './loop.js';
