/** The yard: terminal layouts, cells and slots, and the size-type codes that say how many bays a box takes. */
export { type LengthFt, parseSizeType, type SizeType } from './size-type.js';
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
