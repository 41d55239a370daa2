/** The gate: a truck at the lane, the verdict on its pass, and the alerts a refusal raises. */

export * from './gate.ports.js';
export * from './gate.usecases.js';
export * from './gate-answer.js';
export * from './gate-throttle.js';
