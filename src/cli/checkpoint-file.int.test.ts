import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirectory } from '../store/testing/databases.js';
import { checkpointFile } from './checkpoint-file.js';

describe('the kept checkpoint file (issue 11)', () => {
  const dir = tempDirectory('checkpoint-file');
  afterAll(() => dir.remove());

  it('reads nothing before the first write, then exactly the note last written, and leaves no temporary file', async () => {
    const path = join(dir.path, 'keys', 'log.checkpoint');
    const file = checkpointFile(path);
    expect(await file.read()).toBeUndefined();
    await file.write('example.com/log\n1\nAAAA\n\n— example.com/log sig\n');
    await file.write('example.com/log\n2\nBBBB\n\n— example.com/log sig\n');
    expect(await file.read()).toBe('example.com/log\n2\nBBBB\n\n— example.com/log sig\n');
    expect(readdirSync(join(dir.path, 'keys'))).toEqual(['log.checkpoint']);
    expect(statSync(path).isFile()).toBe(true);
  });

  it('replaces the file by rename: a reader holding the old inode still reads the old note whole', async () => {
    const path = join(dir.path, 'replaced.checkpoint');
    writeFileSync(path, 'old note\n');
    const before = statSync(path).ino;
    await checkpointFile(path).write('new note\n');
    expect(statSync(path).ino).not.toBe(before);
    expect(readFileSync(path, 'utf8')).toBe('new note\n');
  });
});
