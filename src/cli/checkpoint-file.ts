import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { KeptCheckpointFile } from '../app/kept-checkpoint.js';

/**
 * The kept checkpoint as a file beside the signing key (issue 11): the plain signed note, so that
 * `portledger verify --db URL --checkpoint FILE` and anyone else can read it as it is.
 *
 * A write never leaves a torn file: the note goes to a temporary file in the same folder, which is flushed to disk,
 * renamed over the old one (rename(2) is atomic within a file system), and the folder is flushed so that the rename
 * itself survives a power cut.
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
      const folder = dirname(path);
      await mkdir(folder, { recursive: true });
      const temporary = join(folder, `.${basename(path)}.${process.pid}.tmp`);
      const handle = await open(temporary, 'w', 0o644);
      try {
        await handle.writeFile(note, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      const directory = await open(folder, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    },
  };
}
