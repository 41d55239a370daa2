import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAuthDeps } from '../../../test/support/auth.js';
import { openTestLedger, type TestLedger } from '../../../test/support/ledger.js';
import { softPasskey } from '../../../test/support/soft-authenticator.js';
import type { JsonObject, LedgerStore, StreamRange } from '../ports.js';
import type { AuthDeps } from './auth.usecases.js';
import {
  addOrganisation,
  addUser,
  beginEnrolment,
  decideEnrolmentAsOperator,
  finishEnrolment,
  listEnrolmentsForOperator,
} from './index.js';

/**
 * Issue 13: the wrong confirmation codes of an enrolment were counted over the person's whole `auth-<userId>`
 * stream — every login, logout and step-up they ever made — for each enrolment listed. They are read from where the
 * enrolment began, a version its row records and the log must back: a database administrator who moves it on
 * lifts no lock.
 */
describe('the wrong codes of an enrolment, read from where it began (SQLite)', () => {
  const origin = 'http://localhost';
  const meta = { ip: '192.0.2.10', userAgent: 'Browser' };
  let fixture: TestLedger;
  let auth: AuthDeps;
  let enrolmentId: string;
  /** The auth-stream reads of the last use case, as the store was asked for them. */
  const reads: { whole: string[]; ranges: { streamId: string; range: StreamRange }[] } = {
    whole: [],
    ranges: [],
  };

  /** The store, with its auth-stream reads noted. */
  function watched(store: LedgerStore): LedgerStore {
    return new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'readStream') {
          return (streamId: string) => {
            if (streamId.startsWith('auth-')) reads.whole.push(streamId);
            return target.readStream(streamId);
          };
        }
        if (property === 'readStreamRange') {
          return (streamId: string, range: StreamRange) => {
            if (streamId.startsWith('auth-')) reads.ranges.push({ streamId, range });
            return target.readStreamRange(streamId, range);
          };
        }
        return Reflect.get(target, property, receiver);
      },
    });
  }
  const listed = async () => {
    reads.whole.length = 0;
    reads.ranges.length = 0;
    const deps = { ...auth, ledger: { ...auth.ledger, store: watched(auth.ledger.store) } };
    return (await listEnrolmentsForOperator(deps)).find((view) => view.enrolmentId === enrolmentId)!;
  };
  const enrolment = async () => (await auth.ledger.store.identity.getEnrolment(enrolmentId))!;
  const editRow = (beganAtAuthVersion: number | undefined) =>
    auth.ledger.store.writeTransaction(async (tx) =>
      tx.identity.putEnrolment({ ...(await enrolment()), beganAtAuthVersion }),
    );

  beforeAll(async () => {
    fixture = await openTestLedger('sqlite');
    auth = testAuthDeps(fixture.ledger, origin);
    await addOrganisation(auth, { orgId: 'pit', kind: 'port_administration', name: 'Port IT', code: 'PIT' });
    const added = await addUser(auth, {
      userId: 'ana',
      orgId: 'pit',
      username: 'ana',
      displayName: 'Ana',
      roles: ['administrator'],
      issuedBy: 'test',
    });
    // A history before the enrolment: her sign-ins and sign-outs are events of her auth stream.
    for (let n = 0; n < 5; n += 1) {
      await auth.ledger.write(({ appendAtEnd }) =>
        appendAtEnd('auth-ana', [{ type: 'LoginSucceeded', data: { method: 'passkey', n } }]),
      );
    }
    const options = await beginEnrolment(auth, { token: added.enrolmentToken }, meta);
    const pending = await finishEnrolment(
      auth,
      {
        token: added.enrolmentToken,
        challengeId: options.challengeId,
        response: softPasskey('localhost', origin).register(
          options.options as { challenge: string },
        ) as JsonObject,
      },
      meta,
    );
    enrolmentId = pending.enrolmentId;
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });

  it('records the version of its EnrolmentPending event, and reads the auth stream from there only', async () => {
    const stream = await fixture.store.readStream('auth-ana');
    const began = stream.find((event) => event.type === 'EnrolmentPending')!;
    expect(began.streamVersion).toBeGreaterThan(1);
    expect((await enrolment()).beganAtAuthVersion).toBe(began.streamVersion);
    expect(await listed()).toMatchObject({ wrongCodes: 0, locked: false });
    expect(reads).toEqual({
      whole: [],
      ranges: [{ streamId: 'auth-ana', range: { fromVersion: began.streamVersion } }],
    });
  });

  it('counts the wrong codes typed since, and locks after five', async () => {
    for (let n = 0; n < 5; n += 1) {
      await expect(
        decideEnrolmentAsOperator(auth, {
          username: 'ana',
          decision: 'confirm',
          code: 'AAAA-AAAA',
          operator: 'test',
        }),
      ).rejects.toMatchObject({ code: 'enrolment.code_mismatch' });
    }
    expect(await listed()).toMatchObject({ wrongCodes: 5, locked: true });
    expect(reads.whole).toEqual([]);
  });

  it('believes no version the log does not back: moved on or taken away, the lock holds', async () => {
    const began = (await enrolment()).beganAtAuthVersion!;
    const size = (await fixture.store.readStream('auth-ana')).length;
    for (const edited of [began + 1, size, size + 10, 1, undefined]) {
      await editRow(edited);
      expect(await listed(), `beganAtAuthVersion ${edited}`).toMatchObject({ wrongCodes: 5, locked: true });
      await expect(
        decideEnrolmentAsOperator(auth, {
          username: 'ana',
          decision: 'confirm',
          code: 'AAAA-AAAA',
          operator: 'x',
        }),
      ).rejects.toMatchObject({ code: 'enrolment.locked' });
    }
    // Read whole when the row's version is not backed by the log.
    expect(reads.whole).toEqual(['auth-ana']);
    await editRow(began);
  });
});
