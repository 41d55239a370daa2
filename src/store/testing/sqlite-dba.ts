import Sqlite from 'better-sqlite3';

/**
 * What a rogue database administrator does to a SQLite ledger, past the server, on the same file: drops the
 * append-only triggers, then runs `statements`. The tests of the integrity checks use it to tamper as an insider would.
 *
 * @example
 * asSqliteDba(path, ['update event set data = replace(data, \'a\', \'b\') where idx = 0']);
 */
export function asSqliteDba(path: string, statements: readonly string[]): void {
  const db = new Sqlite(path);
  try {
    const triggers = db.prepare("select name from sqlite_master where type = 'trigger'").all() as {
      name: string;
    }[];
    for (const { name } of triggers) db.exec(`drop trigger "${name}"`);
    for (const statement of statements) db.exec(statement);
  } finally {
    db.close();
  }
}
