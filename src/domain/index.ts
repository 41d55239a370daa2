/**
 * The PortLedger domain: pure rules over container visits, ISO 6346 identifiers and yard occupancy.
 * Nothing here reads a clock, a random source, a file, a database or the network; time and random bytes come in
 * as arguments.
 */
export {
  type ContainerNumber,
  computeCheckDigit,
  formatContainerNumber,
  parseContainerNumber,
} from './container-number.js';
export { type Decider, foldEvents } from './decider.js';
export { DomainError, type DomainErrorCode, domainErrorCodes, isDomainError } from './errors.js';
export type { JsonObject, JsonValue } from './json.js';
export { type LengthFt, parseSizeType, type SizeType } from './size-type.js';
export type {
  AnnounceVisit,
  Arrival,
  DischargeContainer,
  FullEmpty,
  GateInContainer,
  GateOutContainer,
  HoldKind,
  LiftHold,
  LoadContainer,
  MoveContainer,
  PlaceHold,
  VisitCommand,
  VoidEvent,
} from './visit.commands.js';
export type {
  ContainerDischarged,
  ContainerGatedIn,
  ContainerGatedOut,
  ContainerLoaded,
  ContainerMoved,
  DcsaEquipmentEventCode,
  EventVoided,
  HoldLifted,
  HoldPlaced,
  VisitAnnounced,
  VisitEvent,
  VisitFactEvent,
  VisitFactEventType,
} from './visit.events.js';
export {
  type ActiveHold,
  checkEvent,
  type Departure,
  dcsaEquipmentEventCode,
  decide,
  type EffectiveEvent,
  effectiveEvents,
  evolve,
  initialState,
  isActive,
  slotOf,
  type Visit,
  type VisitState,
  type VisitStatus,
  type VisitView,
  visitCells,
  visitDecider,
  visitView,
  yardChangeBetween,
} from './visit.js';
export { newVisitReference, parseVisitReference, VISIT_REFERENCE_RANDOM_BYTES } from './visit-reference.js';
export {
  applyYardChange,
  checkYardChange,
  type StackSelection,
  stacksTouched,
  type YardChange,
} from './yard.js';
export {
  cellsOf,
  checkBayParity,
  checkSlotInLayout,
  checkYardSlot,
  formatYardSlot,
  type OccupiedCell,
  parseYardSlot,
  sameSlot,
  type YardBlock,
  type YardCell,
  type YardLayout,
  type YardSlot,
} from './yard-slot.js';
