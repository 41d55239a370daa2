import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** What a rogue DBA runs on the live file, past the application. */
function asDba<T>(path: string, work: (db: Sqlite.Database) => T): T {
  const db = new Sqlite(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

interface Readiness {
  status: string;
  logSize?: number;
  integrity?: {
    ok: boolean;
    code?: string;
    readModelWatermark?: number;
    readModel?: { table: string; key: string; field: string | null };
  } | null;
}

/**
 * Issue 10, row E: as DBA, `DELETE FROM alert WHERE alert_id = …` and a `json_set` on a yard slot in the `visit`
 * read model of a running server's SQLite file. The append-only checks see nothing; the integrity watch's
 * read-model check turns `/readyz` to 503 naming the table and the key and raises a critical alert;
 * `portledger rebuild-read-models` (another process, the server still running) restores both rows, `/readyz`
 * turns 200 after the next check, and a second rebuild changes nothing.
 */
describe('read models held against the log by a running server (SQLite, across processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-e2e-read-models-'));
  const path = join(dir, 'port.db');
  const db = `sqlite:${path}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('row E: catches a deleted alert and a forged yard slot, and rebuild-read-models restores them', async () => {
    const seeded = await runCli(['seed', '--db', db, '--containers', '60', '--seed', 'read-models']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const org = await runCli([
      'org',
      'add',
      '--db',
      db,
      '--id',
      'nqt',
      '--kind',
      'terminal_operator',
      '--name',
      'North Quay Terminal',
      '--code',
      'NQT',
      '--terminal',
      'T1',
    ]);
    expect(org.code, org.stderr).toBe(0);
    const token = await runCli([
      'token',
      'create',
      '--db',
      db,
      '--org',
      'nqt',
      '--permission',
      'visit.gate_out',
    ]);
    expect(token.code, token.stderr).toBe(0);
    const kioskToken = token.stdout.trim();

    const server = startCli(['serve', '--db', db, '--port', '0'], {
      PORTLEDGER_INTEGRITY_INTERVAL_MS: '300',
      PORTLEDGER_READ_MODEL_KEYS_PER_CYCLE: '50',
    });
    let stdout = '';
    server.child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    const readiness = async (url: string) => {
      const response = await fetch(`${url}/readyz`);
      return { status: response.status, body: (await response.json()) as Readiness };
    };
    try {
      const url = await waitFor(
        'the server to listen',
        async () => stdout.match(/listening on (http:\/\/\S+)/)?.[1],
        30_000,
      );
      // A forged credential at the kiosk: refused, recorded, and an alert raised.
      const refused = await fetch(`${url}/v1/gate/transactions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${kioskToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ credential: 'plc1.forged', badge: 'ANR-GANG-0001', truckPlate: '1-GNG-666' }),
      });
      expect(refused.status).toBe(200);
      const alertId = asDba(path, (sqlite) => {
        const row = sqlite.prepare('select max(alert_id) as id from alert').get() as { id: number | null };
        return row.id;
      });
      expect(alertId).not.toBeNull();
      // A check that covered the alert passed.
      await waitFor(
        'a passing check that covers the alert',
        async () => {
          const { body } = await readiness(url);
          return body.integrity?.ok && (body.integrity.readModelWatermark ?? 0) > alertId! ? body : undefined;
        },
        20_000,
      );

      const visitRef = asDba(path, (sqlite) => {
        const { visit_ref } = sqlite
          .prepare(`select visit_ref from visit where status = 'in_yard' order by visit_ref limit 1`)
          .get() as { visit_ref: string };
        sqlite.prepare('delete from alert where alert_id = ?').run(alertId);
        sqlite
          .prepare(
            `update visit set view = json_set(view, '$.slot.bay', 59, '$.slotText', 'T1/Z/59/01/1') where visit_ref = ?`,
          )
          .run(visit_ref);
        return visit_ref;
      });
      const tamperedAt = Date.now();

      const unready = await waitFor(
        '/readyz to turn 503',
        async () => {
          const { status, body } = await readiness(url);
          return status === 503 ? body : undefined;
        },
        15_000,
      );
      expect(Date.now() - tamperedAt).toBeLessThan(15_000);
      expect(unready).toMatchObject({
        status: 'unavailable',
        integrity: { ok: false, code: 'integrity.read_model_mismatch' },
      });
      const named = unready.integrity!.readModel!;
      expect([`alert ${alertId}`, `visit ${visitRef}`]).toContain(`${named.table} ${named.key}`);
      // /readyz turns as the cycle ends; the alert is written just after, in its own transaction.
      const critical = await waitFor(
        'the critical alert naming the row',
        async () => {
          const rows = asDba(path, (sqlite) =>
            sqlite
              .prepare(`select severity, subject_id from alert where rule = 'integrity.read_model_mismatch'`)
              .all(),
          );
          return rows.length > 0 ? rows : undefined;
        },
        5_000,
      );
      expect(critical).toContainEqual({ severity: 'critical', subject_id: `${named.table} ${named.key}` });

      // The server keeps running; the rebuild is another process.
      const rebuilt = await runCli(['rebuild-read-models', '--db', db]);
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      expect(rebuilt.stdout).toMatch(/^ {2}alert: 1 inserted, 0 updated, 0 removed$/m);
      expect(rebuilt.stdout).toMatch(/^ {2}visit: 0 inserted, 1 updated, 0 removed$/m);
      asDba(path, (sqlite) => {
        expect(sqlite.prepare('select rule from alert where alert_id = ?').get(alertId)).toEqual({
          rule: 'gate.refused',
        });
        const { view } = sqlite.prepare('select view from visit where visit_ref = ?').get(visitRef) as {
          view: string;
        };
        expect(JSON.parse(view).slotText).not.toBe('T1/Z/59/01/1');
      });

      await waitFor(
        '/readyz to turn 200 again',
        async () => ((await readiness(url)).status === 200 ? true : undefined),
        15_000,
      );
      const again = await runCli(['rebuild-read-models', '--db', db]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/already equal the log .*nothing to change/);
    } finally {
      server.child.kill('SIGTERM');
      await server.done;
    }

    // An upgrade: a gate alert's row as an older release's builder wrote it, at that release's projection version.
    // The next start rebuilds the read models before its first check, says so in one line and is ready, no alert.
    const mismatchAlerts = () =>
      asDba(path, (sqlite) =>
        sqlite.prepare(`select count(*) as n from alert where rule = 'integrity.read_model_mismatch'`).get(),
      );
    const alertsBefore = mismatchAlerts();
    const gateAlert = asDba(path, (sqlite) => {
      const row = sqlite
        .prepare(`select alert_id, summary from alert where rule = 'gate.refused' order by alert_id limit 1`)
        .get() as { alert_id: number; summary: string };
      sqlite
        .prepare('update alert set summary = ? where alert_id = ?')
        .run('Refused at the gate: credential, badge, plate and slot', row.alert_id);
      sqlite.prepare('update read_model_version set version = 0 where id = 1').run();
      return row;
    });
    const upgraded = startCli(['serve', '--db', db, '--port', '0'], {
      PORTLEDGER_INTEGRITY_INTERVAL_MS: '300',
    });
    let upgradedOut = '';
    upgraded.child.stdout?.on('data', (chunk) => {
      upgradedOut += chunk;
    });
    try {
      const url = await waitFor(
        'the upgraded server to listen',
        async () => upgradedOut.match(/listening on (http:\/\/\S+)/)?.[1],
        30_000,
      );
      const said = upgradedOut.split('\n').filter((line) => line.startsWith('the read models were built by'));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^the read models were built by projection version 0, this release builds version \d+: rebuilt them from the log \(\d+ events\): alert 1 updated \(ReadModelsRebuilt, audit index \d+\)$/,
      );
      expect(upgradedOut.indexOf(said[0]!)).toBeLessThan(upgradedOut.indexOf('listening on'));
      const ready = await waitFor(
        'the upgraded server to be ready',
        async () => {
          const { status, body } = await readiness(url);
          return status === 200 && body.integrity?.ok ? body : undefined;
        },
        15_000,
      );
      expect(ready.integrity?.ok).toBe(true);
      asDba(path, (sqlite) => {
        expect(
          sqlite.prepare('select summary from alert where alert_id = ?').get(gateAlert.alert_id),
        ).toEqual({
          summary: gateAlert.summary,
        });
        expect(sqlite.prepare('select version from read_model_version').get()).not.toEqual({ version: 0 });
        const event = sqlite
          .prepare(`select type, data from event where stream_id = 'read-models' order by idx desc limit 1`)
          .get() as { type: string; data: string };
        expect(event.type).toBe('ReadModelsRebuilt');
        expect(JSON.parse(event.data)).toMatchObject({ reason: 'projection_version', fromVersion: 0 });
      });
      expect(mismatchAlerts()).toEqual(alertsBefore);
    } finally {
      upgraded.child.kill('SIGTERM');
      await upgraded.done;
    }

    // A log that fails its own check is not rebuilt from: one line, exit 1.
    asDba(path, (sqlite) => {
      const triggers = sqlite.prepare("select name from sqlite_master where type = 'trigger'").all() as {
        name: string;
      }[];
      for (const { name } of triggers) sqlite.exec(`drop trigger "${name}"`);
      sqlite.prepare(`update event set data = '{"forged":true}' where idx = 3`).run();
    });
    const refusedRebuild = await runCli(['rebuild-read-models', '--db', db]);
    expect(refusedRebuild.code).toBe(1);
    expect(refusedRebuild.stderr).toMatch(
      /^rebuild-read-models refused: the log itself fails its check at index 3 /,
    );
    expect(refusedRebuild.stderr.trim().split('\n')).toHaveLength(1);
  }, 180_000);
});
