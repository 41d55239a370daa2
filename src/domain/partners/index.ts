/** The port's events as its partners' standards say them (issue 16): DCSA Track & Trace 2.2 and 3.0. */
export {
  DCSA_EQUIPMENT_EVENT_MAP,
  mapVisitEvent,
  type PartnerEquipmentEvent,
  type PartnerEquipmentEventCode,
  type PartnerMappingContext,
  partnerEquipmentEventCode,
  type TerminalLocation,
  TNT_22_EQUIPMENT_CODES,
  toTnt22Event,
  toTnt30Event,
} from './dcsa.js';
