import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LedgerStore } from '../../app/ports.js';
import { openLedgerStore } from '../open-store.js';

/** The PostgreSQL the integration tests use: trust auth, each suite in a schema of its own. */
export const TEST_POSTGRES_URL =
  process.env.PORTLEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresReachable(url = TEST_POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `describe` for tests that need PostgreSQL. When it cannot be reached the suite is skipped visibly (its title says
 * why), except on CI (`CI=true`), where a missing database must fail the run rather than pass it silently.
 */
export async function describeWithPostgres(title: string, body: () => void): Promise<void> {
  if (await postgresReachable()) {
    describe(title, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('has a PostgreSQL to test against', () => {
        throw new Error(`PostgreSQL is unreachable at ${TEST_POSTGRES_URL}, and CI=true forbids skipping`);
      });
    });
    return;
  }
  console.warn(`[portledger] PostgreSQL unreachable at ${TEST_POSTGRES_URL}: skipping "${title}"`);
  describe.skip(`${title} — SKIPPED: PostgreSQL unreachable at ${TEST_POSTGRES_URL}`, body);
}

let schemas = 0;

/** A schema name no other test run uses. */
export function uniqueSchemaName(prefix: string): string {
  schemas += 1;
  return `t_${prefix}_${process.pid}_${Date.now().toString(36)}_${schemas}`;
}

export async function dropSchema(schema: string, url = TEST_POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** A fresh temporary directory and a function that removes it. */
export function tempDirectory(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `portledger-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Two stores on one fresh schema, as two instances on one PostgreSQL database (issue 13): opened before the
 * suite's tests, closed and the schema dropped after them. Call it inside a `describe`; read the stores in tests.
 */
export function twoInstancesOnOneSchema(prefix: string): {
  readonly a: LedgerStore;
  readonly b: LedgerStore;
} {
  const schema = uniqueSchemaName(prefix);
  const stores = {} as { a: LedgerStore; b: LedgerStore };
  beforeAll(async () => {
    stores.a = await openLedgerStore(TEST_POSTGRES_URL, { schema });
    stores.b = await openLedgerStore(TEST_POSTGRES_URL, { schema });
  });
  afterAll(async () => {
    await stores.a?.close();
    await stores.b?.close();
    await dropSchema(schema);
  });
  return stores;
}
