import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../test/support/auth.js';
import { testIds, testSigner, testTerminals } from '../../test/support/ledger.js';
import type { SessionRecord } from '../app/access/identity.ports.js';
import type { Authenticated } from '../app/access/index.js';
import { addOrganisation, addUser } from '../app/access/index.js';
import { ALERTS_STREAM, actOnAlert, raiseGateAlert } from '../app/alerts/index.js';
import { createLedger } from '../app/ledger/index.js';
import type { AlertRecord } from '../app/ports.js';
import { announceVisit } from '../app/visits/index.js';
import { storeDialect } from './dialect.js';
import { migrate } from './migrations/index.js';
import { createReadModelRepository } from './read-model.repository.js';
import { migrationTestDatabases } from './testing/migration-databases.js';

const databases = await migrationTestDatabases('alerts');

describe.each(databases)(
  '0009_alert_read_model backfills the alerts raised before it ($name)',
  ({ make }) => {
    it('gives every alert of the log the row the use cases write, actions applied', async () => {
      const where = make();
      try {
        const store = await where.openStore();
        let now = new Date('2030-01-01T00:00:00.000Z').getTime();
        const ledger = createLedger({
          store,
          clock: {
            now: () => {
              now += 1000;
              return new Date(now);
            },
          },
          ids: testIds,
          log: { origin: testSigner.name, signer: testSigner },
          checkpointIntervalMs: 0,
        });
        const auth = testAuthDeps(ledger);
        await addOrganisation(auth, {
          orgId: 'org-nqt',
          kind: 'terminal_operator',
          name: 'NQT',
          code: 'NQT',
          terminals: ['T1'],
        });
        for (const userId of ['sup', 'clerk']) {
          await addUser(auth, {
            userId,
            orgId: 'org-nqt',
            username: userId,
            displayName: userId,
            roles: [userId === 'sup' ? 'terminal_supervisor' : 'gate_clerk'],
            issuedBy: 'test',
          });
        }
        const user = (await store.identity.getUser('sup'))!;
        const sup: Authenticated = {
          sessionIdHash: new Uint8Array(32),
          session: {} as SessionRecord,
          user,
          org: (await store.identity.getOrganisation('org-nqt'))!,
        };
        const { visit } = await announceVisit(ledger, testTerminals, {
          containerNumber: 'CSQU3054383',
          line: 'MSCU',
          sizeType: '22G1',
          fullEmpty: 'full',
          arrival: { mode: 'truck' },
        });
        const refusal = (visitRef: string) => ({
          type: 'GateAlertRaised' as const,
          data: {
            rule: 'gate.refused',
            attemptId: `att-${visitRef}`,
            visitRef,
            failed: [{ check: 'driver.badge' }, { check: 'slot.window' }],
            operator: 'clerk',
          },
        });
        const named = await ledger.write((context) =>
          raiseGateAlert(context, refusal(visit.visitRef), visit, 'clerk'),
        );
        const unidentified = await ledger.write((context) =>
          raiseGateAlert(context, refusal('unidentified'), undefined, 'clerk'),
        );
        await actOnAlert(ledger, sup, String(named.index), { type: 'acknowledge' });
        await actOnAlert(ledger, sup, String(named.index), { type: 'assign', userId: 'clerk' });
        await actOnAlert(ledger, sup, String(unidentified.index), { type: 'resolve', note: 'copied code' });
        // As the code before 0009 recorded them: events only, no row.
        const [integrity] = await ledger.write((context) =>
          context.appendAtEnd(ALERTS_STREAM, [
            {
              type: 'IntegrityAlertRaised',
              data: { firstBadIndex: 4, reason: 'leaf 4 differs', code: 'log.leaf_mismatch' },
            },
          ]),
        );
        const [lockout] = await ledger.write((context) =>
          context.appendAtEnd('auth-clerk', [{ type: 'AccountLockedOut', data: { failures: 20 } }]),
        );
        await ledger.write((context) =>
          context.appendAtEnd(`alert-${lockout!.index}`, [
            { type: 'AlertAcknowledged', data: { alertId: String(lockout!.index), by: 'sup' } },
          ]),
        );
        const written = await store.listAlertRecords({ limit: 100 });
        expect(written.map((a) => a.alertId)).toEqual([unidentified.index, named.index]);
        await ledger.close();
        await store.close();

        const { db, migrator } = await where.openDb();
        try {
          // Undo every migration down to the alert read model's, the later ones of other features first.
          const undone: string[] = [];
          while (undone.at(-1) !== '0009_alert_read_model') {
            const { error, results } = await migrator.migrateDown();
            expect(error).toBeUndefined();
            const expected = results?.[0]?.migrationName ?? 'none';
            undone.push(expected);
            if (expected === '0010_drop_gate_alert') {
              // The dropped gate read model comes back refilled from the refusals in the log.
              const gateAlerts = await sql<{ attempt_id: string; visit_ref: string }>`
                select attempt_id, visit_ref from gate_alert`.execute(db);
              expect(gateAlerts.rows).toHaveLength(2);
              expect(gateAlerts.rows).toEqual(
                expect.arrayContaining([
                  { attempt_id: `att-${visit.visitRef}`, visit_ref: visit.visitRef },
                  { attempt_id: 'att-unidentified', visit_ref: 'unidentified' },
                ]),
              );
            }
          }
          expect(undone.slice(-3)).toEqual([
            '0011_lookup_alert_rule',
            '0010_drop_gate_alert',
            '0009_alert_read_model',
          ]);
          expect((await migrate(db)).applied).toEqual([...undone].reverse());

          const models = createReadModelRepository({ db, dialect: storeDialect(where.kind) });
          const backfilled = await models.listAlertRecords({ limit: 100 });
          expect(backfilled.map((a) => a.alertId)).toEqual([
            lockout!.index,
            integrity!.index,
            unidentified.index,
            named.index,
          ]);
          // The alerts the use cases wrote come back as they wrote them.
          expect(backfilled.slice(2)).toEqual(written);
          expect(backfilled[0]).toMatchObject({
            rule: 'auth.lockout',
            subjectId: 'clerk',
            orgId: 'org-nqt',
            terminal: null,
            status: 'acknowledged',
            acknowledgedBy: 'sup',
            summary: 'Account clerk locked out after 20 failed sign-ins',
          } satisfies Partial<AlertRecord>);
          expect(backfilled[1]).toMatchObject({
            rule: 'integrity.failed',
            severity: 'critical',
            subjectId: 'index 4',
            status: 'open',
          } satisfies Partial<AlertRecord>);
        } finally {
          await db.destroy();
        }
      } finally {
        await where.cleanup();
      }
    }, 60_000);
  },
);
