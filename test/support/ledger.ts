import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLedger, type Ledger } from '../../src/app/ledger/index.js';
import type { Clock, IdSource, LedgerStore } from '../../src/app/ports.js';
import type { TerminalLayouts } from '../../src/app/visits/index.js';
import { type NoteSigner, signerFromSeed, verifierKeyString } from '../../src/audit/index.js';
import { demoSlotConfig, demoTerminal } from '../../src/demo/demo-port.js';
import type { SlotConfig } from '../../src/domain/index.js';
import { openLedgerStore } from '../../src/store/open-store.js';

export const testPostgresUrl = process.env.PORTLEDGER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers. Under CI it must: a missing server is then a failure, not a skip. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is required in CI: ${(error as Error).message}`);
    return false;
  }
}

export const testSigner: NoteSigner = signerFromSeed('test.portledger.local/log', new Uint8Array(32).fill(1));
export const testVerifierKey = verifierKeyString(testSigner);
export const testTerminals: TerminalLayouts = new Map([[demoTerminal.terminal, demoTerminal]]);
/** The appointment slots of the test terminal: the demo port's table. */
export const testSlots: readonly SlotConfig[] = [demoSlotConfig];

let counter = 0;
export const testIds: IdSource = {
  eventId: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`,
  randomBytes: (length) => Uint8Array.from({ length }, () => Math.floor(Math.random() * 256)),
};

export interface TestLedger {
  ledger: Ledger;
  store: LedgerStore;
  cleanup(): Promise<void>;
}

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

/** A ledger on a fresh store of the given kind: a temp SQLite file, or a fresh PostgreSQL schema. */
export async function openTestLedger(
  kind: StoreKind,
  options: { clock?: Clock; checkpointIntervalMs?: number } = {},
): Promise<TestLedger> {
  let store: LedgerStore;
  let dispose = async () => {};
  if (kind === 'memory') {
    store = await openLedgerStore('memory:');
  } else if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'portledger-test-'));
    store = await openLedgerStore(`sqlite:${join(dir, 'test.db')}`);
    dispose = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = `t_${process.pid}_${Date.now().toString(36)}_${++counter}`;
    store = await openLedgerStore(testPostgresUrl, { schema });
    dispose = async () => {
      const client = new pg.Client({ connectionString: testPostgresUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    };
  }
  const ledger = createLedger({
    store,
    clock: options.clock ?? { now: () => new Date() },
    ids: testIds,
    log: { origin: testSigner.name, signer: testSigner },
    checkpointIntervalMs: options.checkpointIntervalMs ?? 0,
  });
  return {
    ledger,
    store,
    async cleanup() {
      await ledger.close();
      await store.close();
      await dispose();
    },
  };
}
