import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeptCheckpointFile } from '../app/ledger/index.js';
import { replaceFileAtomically } from '../witness/durable-file.js';

/**
 * The kept checkpoint as a file beside the signing key (issue 11): the plain signed note, so that
 * `portledger verify --db URL --checkpoint FILE` and anyone else can read it as it is.
 *
 * A write never leaves a torn file: the note goes to a temporary file in the same folder, which is flushed to disk,
 * renamed over the old one (rename(2) is atomic within a file system), and the folder is flushed so that the rename
 * itself survives a power cut (`replaceFileAtomically`, shared with the witness's state and the monitor's).
 */
export function checkpointFile(path: string): KeptCheckpointFile {
  return {
    location: path,
    async read() {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(note) {
      await mkdir(dirname(path), { recursive: true });
      await replaceFileAtomically(path, note, { mode: 0o644 });
    },
  };
}
