/**
 * EDI (issue 17): the SMDG container messages read by src/edifact, mapped to typed intents for the use cases, or
 * refused naming the segment and the reason. Pure: no I/O, no clock.
 */
export { BAPLIE_D95B_RULES, baplieMapper } from './baplie.js';
export { COARRI_D00B_RULES, COARRI_D95B_RULES, coarriD00bMapper, coarriD95bMapper } from './coarri.js';
export { CODECO_D95B_RULES, codecoD95bMapper } from './codeco.js';
export { COPARN_D00B_RULES, coparnD00bMapper } from './coparn.js';
export { COPINO_D00B_RULES, COPINO_D95B_RULES, copinoD00bMapper, copinoD95bMapper } from './copino.js';
export { COREOR_D95B_RULES, coreorD95bMapper } from './coreor.js';
export { isKnownTimeZone } from './fields.js';
export * from './intents.js';
export { mapMessage, supportedMessages } from './map-message.js';
export { type Mapper, runMapper } from './mapper.js';
export { type GroupNode, type Rule, readStructure } from './structure.js';
export { coarriMessages, type VesselMove } from './write-coarri.js';
export {
  codecoMessages,
  type GateMove,
  MAX_BOXES_PER_MESSAGE,
  normaliseLocode,
  type OutboundParties,
  type OutMessage,
  type OutSegment,
} from './write-codeco.js';
