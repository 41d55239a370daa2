import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { alertMark, alertObserver, alertsSince, Client, describeAlert, noAlert } from './drill-client.js';

/**
 * The drill's observer of detection is the defender's view, apart from the attack: the operator's alert.read token,
 * else the alert table of the database, else nothing (and then a step says it could not tell, never "detected").
 */
describe('the drill observer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-drill-observer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const client = new Client('http://127.0.0.1:9');

  function database() {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
    const sqlite = new Sqlite(path);
    sqlite.exec(`
      create table alert (alert_id integer primary key, rule text, severity text, raised_at text,
        subject_kind text, subject_id text, summary text, status text);
      create table gate_alert_group (alert_id integer, group_key text, occurrences integer);
    `);
    const raise = (id: number, status = 'open') =>
      sqlite
        .prepare('insert into alert values (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(
          id,
          'gate.refused',
          'high',
          '2026-01-01T00:00:00Z',
          'visit',
          'V-1',
          `Gate refused ${id}`,
          status,
        );
    return { db: `sqlite:${path}`, sqlite, raise };
  }

  it('prefers the alert token, then the database, and sees nothing with neither', () => {
    expect(alertObserver(client, { alertToken: 'pl_x', db: 'sqlite:/nowhere' }).bearer).toBe('pl_x');
    expect(alertObserver(client, { alertToken: 'pl_x' }).where).toMatch(/GET \/v1\/alerts .*alert\.read/);
    const fromDb = alertObserver(client, { db: 'sqlite:/nowhere' });
    expect([fromDb.sees, fromDb.bearer]).toEqual([true, undefined]);
    expect(fromDb.where).toMatch(/alert table of the database/);
    expect(alertObserver(client, {}).sees).toBe(false);
  });

  it('reads new and grown unresolved alerts from the alert table, and says where', async () => {
    const { db, sqlite, raise } = database();
    raise(10);
    sqlite.prepare('insert into gate_alert_group values (10, ?, 1)').run('kiosk');
    raise(11, 'resolved');
    const observer = alertObserver(client, { db });
    const mark = await alertMark({ observer });
    expect(mark.newest).toBe(10);
    raise(12);
    sqlite.prepare('update gate_alert_group set occurrences = 3 where alert_id = 10').run();
    const since = await alertsSince({ observer }, mark);
    expect(since.map((a) => [a.alertId, a.occurrences])).toEqual([
      ['12', undefined],
      ['10', 3],
    ]);
    expect(describeAlert(since[0]!, observer)).toMatch(
      /^alert gate\.refused \(high\) 12: "Gate refused 12", read from the alert table of the database/,
    );
    sqlite.close();
  });

  it('without an observer, a step says detection could not be observed and is remembered for the findings', async () => {
    const observer = alertObserver(client, {});
    expect(await alertsSince({ observer }, await alertMark({ observer }))).toEqual([]);
    expect(noAlert(observer, 'a step')).toMatch(/could not be observed/);
    expect(observer.unobserved).toEqual(['a step']);
    const seeing = alertObserver(client, { db: 'sqlite:/nowhere' });
    expect(noAlert(seeing, 'a step')).toBe('no alert was raised');
    expect(seeing.unobserved).toEqual([]);
  });
});
