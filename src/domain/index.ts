/**
 * The PortLedger domain: pure rules over container visits, ISO 6346 identifiers and yard occupancy.
 * Nothing here reads a clock, a random source, a file, a database or the network; time and random bytes come in
 * as arguments.
 */

export * from './access/index.js';
export * from './appointments/index.js';
export { type Decider, foldEvents } from './decider.js';
export * from './detection/index.js';
export { DomainError, type DomainErrorCode, domainErrorCodes, isDomainError } from './errors.js';
export * from './gate/index.js';
export type { JsonObject, JsonValue } from './json.js';
export * from './partners/index.js';
export * from './releases/index.js';
export * from './visits/index.js';
export * from './yard/index.js';
