import type { InterchangeInput, WriteOptions } from './interchange.js';

/** Writes a UN/EDIFACT interchange: UNA (optional), UNB, UNH...UNT per message with counts, UNZ. */
export function writeInterchange(input: InterchangeInput, options: WriteOptions = {}): string {
  void options;
  throw new Error(`writer not implemented yet (${input.controlRef})`);
}
