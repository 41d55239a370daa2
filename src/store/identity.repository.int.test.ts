import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createIdentityRepository } from './identity.repository.js';
import { migrate } from './migrations/index.js';
import { createPostgresKysely } from './open-store.js';
import type { Database } from './schema.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  uniqueSchemaName,
} from './testing/databases.js';
import {
  at,
  hashBytes,
  makeChallenge,
  makeEnrolmentLink,
  makePasswordCredential,
} from './testing/identity-fixtures.js';

/**
 * The one-use operations hold on their own, not only because the store serialises its writers on the log head:
 * here 10 PostgreSQL transactions that do not take the head lock are all open at once when they race.
 */
await describeWithPostgres('identity repository: one-use operations under real concurrency', () => {
  const schema = uniqueSchemaName('identity_race');
  const racers = 10;
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = await createPostgresKysely(TEST_POSTGRES_URL, { schema, poolSize: racers });
    await migrate(db, { dialect: 'postgres' });
    await createIdentityRepository({ db }).putPasswordCredential(
      makePasswordCredential({ userId: 'u-1', totpLastStep: 100 }),
    );
  });
  afterAll(async () => {
    await db.destroy();
    await dropSchema(schema);
  });

  /** Runs `race` in `racers` transactions, each started before any of them races. */
  async function race<T>(attempt: (identity: ReturnType<typeof createIdentityRepository>) => Promise<T>) {
    let arrived = 0;
    let release!: () => void;
    const allIn = new Promise<void>((resolve) => {
      release = resolve;
    });
    return Promise.all(
      Array.from({ length: racers }, () =>
        db.transaction().execute(async (trx) => {
          await trx.selectFrom('password_credential').select('user_id').execute();
          arrived += 1;
          if (arrived === racers) release();
          await allIn;
          return attempt(createIdentityRepository({ db: trx }));
        }),
      ),
    );
  }

  it('accepts a TOTP step in exactly one transaction', async () => {
    const outcomes = await race((identity) => identity.acceptTotpStep('u-1', 101));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect((await createIdentityRepository({ db }).getPasswordCredential('u-1'))?.totpLastStep).toBe(101);
  });

  it('consumes an enrolment link in exactly one transaction', async () => {
    await createIdentityRepository({ db }).putEnrolmentLink(makeEnrolmentLink({ tokenHash: hashBytes(1) }));
    const outcomes = await race((identity) => identity.consumeEnrolmentLink(hashBytes(1), at(1)));
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
  });

  it('hands a challenge to exactly one transaction', async () => {
    await createIdentityRepository({ db }).putChallenge(makeChallenge({ challengeId: 'c-1' }));
    const outcomes = await race((identity) => identity.takeChallenge('c-1', at(1)));
    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
  });
});
