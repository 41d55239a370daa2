/**
 * EDI (issue 17): the SMDG container messages read by src/edifact, mapped to typed intents for the use cases, or
 * refused naming the segment and the reason. Pure: no I/O, no clock.
 */
export * from './intents.js';
