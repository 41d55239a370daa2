import type { ReadResult } from './interchange.js';

/** Reads a UN/EDIFACT interchange (syntax only). Never throws: errors are returned with segment and byte offset. */
export function readInterchange(text: string): ReadResult {
  return {
    ok: false,
    errors: [
      {
        code: 'empty',
        message: `reader not implemented yet (${text.length} characters)`,
        segment: 0,
        offset: 0,
      },
    ],
  };
}
