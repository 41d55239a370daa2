/** The UN/EDIFACT syntax layer (issue 17): a pure reader and writer of interchanges, no message semantics. */
export {
  type Component,
  composite,
  DEFAULT_SERVICE_CHARS,
  defaultServiceChars,
  type EdifactErrorCode,
  type EdifactSyntaxError,
  type Element,
  element,
  type FunctionalGroup,
  type Interchange,
  type InterchangeInput,
  type Message,
  type MessageInput,
  occurrences,
  type Party,
  type Position,
  type ReadResult,
  type Segment,
  type SegmentInput,
  type ServiceChars,
  type SyntaxIdentifier,
  segmentsTagged,
  type WriteOptions,
} from './interchange.js';
export { readInterchange } from './read.js';
export { writeInterchange } from './write.js';
