/**
 * Group commit (issue 13): write transactions that arrive while one is running join it. Each runs inside its own
 * savepoint, so one that fails rolls back alone and its neighbours go on; the group then commits once, so the
 * fsync that makes a commit durable is paid once per group rather than once per write. Nobody is told their write
 * succeeded before the group's commit returns: if the commit fails, every member of the group fails with it.
 *
 * Members run one after another on one connection, in arrival order: the log's leaf order is still the order of
 * the writes, as it was when each took the log head's lock in turn.
 */

/** The statements a group needs, on the one connection it holds. */
export interface GroupTransaction<C> {
  /** Runs `run` on one connection held for the whole group. */
  hold<R>(run: (connection: C) => Promise<R>): Promise<R>;
  begin(connection: C): Promise<void>;
  commit(connection: C): Promise<void>;
  rollback(connection: C): Promise<void>;
  savepoint(connection: C): Promise<void>;
  releaseSavepoint(connection: C): Promise<void>;
  rollbackToSavepoint(connection: C): Promise<void>;
}

export interface GroupCommitOptions {
  /** At most this many writes share one commit, so that the first of a long queue is not kept waiting. */
  readonly maxGroup?: number;
  /**
   * Before committing, let the event loop turn once so that requests already waiting on the socket can join the
   * group. On SQLite each statement returns synchronously, so without this turn a write never finds company; on
   * PostgreSQL the members' own round trips leave that room.
   */
  readonly gatherTurn?: boolean;
}

interface Member<C> {
  readonly work: (connection: C) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A function that runs `work` in a write transaction shared with whatever writes run at the same moment.
 *
 * @example
 * ```ts
 * const write = groupCommit(sqliteGroupTransaction(db));
 * await Promise.all([write((c) => appendA(c)), write((c) => appendB(c))]); // one COMMIT, two savepoints
 * ```
 */
export function groupCommit<C>(
  transaction: GroupTransaction<C>,
  options: GroupCommitOptions = {},
): <T>(work: (connection: C) => Promise<T>) => Promise<T> {
  const maxGroup = options.maxGroup ?? 64;
  const queue: Member<C>[] = [];
  let running = false;

  async function runGroup(connection: C): Promise<void> {
    await transaction.begin(connection);
    const done: { member: Member<C>; value: unknown }[] = [];
    // The member between its savepoint and its release: if the group breaks there, it fails too.
    let current: Member<C> | undefined;
    try {
      for (let count = 0; count < maxGroup; count++) {
        if (queue.length === 0 && options.gatherTurn && done.length > 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        current = queue.shift();
        if (current === undefined) break;
        await transaction.savepoint(connection);
        let value: unknown;
        try {
          value = await current.work(connection);
        } catch (error) {
          // This write alone is undone; the savepoint's rollback leaves the transaction usable (PostgreSQL
          // too, which otherwise refuses every statement after a failed one).
          const failed = current;
          current = undefined;
          try {
            await transaction.rollbackToSavepoint(connection);
            await transaction.releaseSavepoint(connection);
          } finally {
            failed.reject(error);
          }
          continue;
        }
        await transaction.releaseSavepoint(connection);
        done.push({ member: current, value });
        current = undefined;
      }
      await transaction.commit(connection);
    } catch (error) {
      await transaction.rollback(connection).catch(() => {});
      current?.reject(error);
      for (const { member } of done) member.reject(error);
      return;
    }
    for (const { member, value } of done) member.resolve(value);
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        try {
          await transaction.hold(runGroup);
        } catch (error) {
          // The connection could not be had, or the group could not begin: the waiting writes fail rather
          // than wait on a database that refuses them.
          for (const member of queue.splice(0, maxGroup)) member.reject(error);
        }
      }
    } finally {
      running = false;
    }
  }

  return <T>(work: (connection: C) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!running) void drain();
    });
}
