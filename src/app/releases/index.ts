/**
 * The release chain: who holds the right to collect a box, its transfers, blocks and revocations, and the pickup credentials the right stands behind.
 */
export * from './pickup-credentials.js';
export * from './release.ports.js';
export * from './releases.usecases.js';
