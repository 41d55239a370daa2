import { describe, expect, it } from 'vitest';
import { type GroupTransaction, groupCommit } from './group-commit.js';

/** A transaction that writes down its statements; the real ones run in the store's contract suite. */
function recorder(options: { failCommit?: boolean } = {}) {
  const statements: string[] = [];
  const step = (name: string) => async () => {
    statements.push(name);
    if (name === 'commit' && options.failCommit) throw new Error('disk full');
  };
  const transaction: GroupTransaction<string> = {
    hold: (run) => run('connection'),
    begin: step('begin'),
    commit: step('commit'),
    rollback: step('rollback'),
    savepoint: step('savepoint'),
    releaseSavepoint: step('release'),
    rollbackToSavepoint: step('rollback to'),
  };
  return { statements, transaction };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('groupCommit', () => {
  it('commits writes that arrive while one runs once, each in its own savepoint', async () => {
    const { statements, transaction } = recorder();
    const write = groupCommit(transaction);
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        write(async () => {
          statements.push(`work ${n}`);
          await tick();
          return n;
        }),
      ),
    );
    expect(results).toEqual([1, 2, 3]);
    expect(statements).toEqual([
      'begin',
      ...[1, 2, 3].flatMap((n) => ['savepoint', `work ${n}`, 'release']),
      'commit',
    ]);
  });

  it('acknowledges no write before its group has committed', async () => {
    const { statements, transaction } = recorder();
    const write = groupCommit(transaction);
    const acknowledged: string[] = [];
    await Promise.all(
      [1, 2].map((n) =>
        write(async () => n).then(() => acknowledged.push(`ack ${n} after ${statements.at(-1)}`)),
      ),
    );
    expect(acknowledged).toEqual(['ack 1 after commit', 'ack 2 after commit']);
  });

  it('rolls back only the write that failed; its neighbours commit', async () => {
    const { statements, transaction } = recorder();
    const write = groupCommit(transaction);
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        write(async () => {
          if (n === 2) throw new Error('refused');
          return n;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(statements).toEqual([
      'begin',
      'savepoint',
      'release',
      'savepoint',
      'rollback to',
      'release',
      'savepoint',
      'release',
      'commit',
    ]);
  });

  it('fails every write of a group whose commit failed', async () => {
    const { transaction } = recorder({ failCommit: true });
    const write = groupCommit(transaction);
    const outcomes = await Promise.allSettled([1, 2].map((n) => write(async () => n)));
    expect(outcomes).toEqual([
      { status: 'rejected', reason: new Error('disk full') },
      { status: 'rejected', reason: new Error('disk full') },
    ]);
  });

  it('caps a group, and lets a lone write wait one turn for company when asked', async () => {
    const { statements, transaction } = recorder();
    const write = groupCommit(transaction, { maxGroup: 2, gatherTurn: true });
    const first = write(async () => 1);
    // Arrives in the turn the group waits before committing.
    setImmediate(() => void write(async () => 2));
    await first;
    const third = Promise.all([write(async () => 3), write(async () => 4), write(async () => 5)]);
    await third;
    expect(statements.filter((s) => s === 'commit')).toHaveLength(3);
    expect(statements.filter((s) => s === 'savepoint')).toHaveLength(5);
  });
});
