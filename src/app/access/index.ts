/**
 * Who may do what: organisations, people, sessions, passkeys, enrolment links, API tokens and the two-person approvals.
 */
export * from './admin.usecases.js';
export * from './approvals.usecases.js';
export * from './auth.usecases.js';
export * from './enrolment-code.js';
export * from './enrolments.usecases.js';
export * from './identity.ports.js';
export * from './org-networks.usecases.js';
export * from './parties.usecases.js';
export * from './security.ports.js';
export * from './tokens.usecases.js';
