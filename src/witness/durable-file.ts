/**
 * Files that survive a crash as written: the witness's state and evidence, the server's kept checkpoint
 * (`src/cli/checkpoint-file.ts`) and the monitor's state (`src/cli/monitor.ts`). It lives with the witness because
 * the witness may import only itself and the audit core, and the commands may import the witness.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes (`'w'`) or appends (`'a'`) `text` to `path`, created with `mode`, and resolves once it is on disk (fsync). */
export async function writeDurably(path: string, text: string, flag: 'w' | 'a', mode = 0o600): Promise<void> {
  const handle = await open(path, flag, mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder, so that a rename or a new file in it survives a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `text` atomically: writes a temporary file in the same folder (`temporary`, by default
 * `.<name>.<pid>.tmp`), fsyncs it, renames it over `path` (rename(2) is atomic within a file system; the temporary
 * file is removed when the rename fails) and fsyncs the folder. A crash leaves the old file or the new one, never a
 * torn one, and the new one stays once this resolves.
 *
 * @example await replaceFileAtomically('./data/log.checkpoint', note, { mode: 0o644 });
 */
export async function replaceFileAtomically(
  path: string,
  text: string,
  options: { mode: number; temporary?: string },
): Promise<void> {
  const folder = dirname(path);
  const temporary = options.temporary ?? join(folder, `.${basename(path)}.${process.pid}.tmp`);
  await writeDurably(temporary, text, 'w', options.mode);
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(folder);
}
