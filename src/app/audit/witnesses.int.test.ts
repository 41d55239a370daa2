import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Cosigner,
  cosignatureVerifierKeyString,
  cosignatureVerifierOf,
  cosignerFromSeed,
  openCheckpoint,
  parseVerifierKey,
  signerFromSeed,
  verifierKeyString,
  verifyCosignatures,
} from '../../audit/index.js';
import { parseWitnessList, startLogWitnesses } from '../../cli/witnesses.js';
import { buildServer } from '../../http/server.js';
import { openLedgerStore } from '../../store/open-store.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  tempDirectory,
  uniqueSchemaName,
} from '../../store/testing/databases.js';
import { buildWitnessServer } from '../../witness/server.js';
import { openWitnessStateFile } from '../../witness/state-file.js';
import { createWitness } from '../../witness/witness.js';
import { ALERTS_STREAM } from '../alerts/index.js';
import { createLedger, type Ledger } from '../ledger/index.js';
import type { LedgerStore } from '../ports.js';
import { raiseIntegrityAlert, startIntegrityWatch } from './integrity.usecases.js';
import type { WitnessSubmitter } from './witnesses.usecases.js';

/**
 * The log asks its witnesses (issue 11), against real witness servers (`src/witness`, C2SP tlog-witness) listening
 * on localhost, over HTTP, with the log on SQLite and on PostgreSQL.
 */

const logSigner = signerFromSeed('portledger.test/witnessed-log', new Uint8Array(32).fill(11));
const logVkey = verifierKeyString(logSigner);
const customs = cosignerFromSeed('customs.test/witness', new Uint8Array(32).fill(21));
const portAuthority = cosignerFromSeed('port-authority.test/witness', new Uint8Array(32).fill(22));

interface RunningWitness {
  readonly cosigner: Cosigner;
  readonly url: string;
  close(): Promise<void>;
}

async function startWitness(cosigner: Cosigner, stateFile: string): Promise<RunningWitness> {
  const witness = createWitness({
    cosigner,
    logs: [parseVerifierKey(logVkey)],
    state: await openWitnessStateFile(stateFile),
    nowSeconds: () => Math.floor(Date.now() / 1000),
  });
  const app: FastifyInstance = buildWitnessServer({ witness });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { cosigner, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A witness that accepts connections and never answers: the worst kind of down. */
async function startSilentWitness(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const witnessEntry = (cosigner: Cosigner, url: string) => `${cosignatureVerifierKeyString(cosigner)}@${url}`;

function ledgerOver(store: LedgerStore): Ledger {
  let id = 0;
  return createLedger({
    store,
    clock: { now: () => new Date() },
    ids: {
      eventId: () => `event-${process.pid}-${Date.now()}-${++id}`,
      randomBytes: (length) => new Uint8Array(length),
    },
    log: { origin: logSigner.name, signer: logSigner },
    checkpointIntervalMs: 0,
  });
}

async function appendEvents(ledger: Ledger, count: number, tag = 'a'): Promise<void> {
  for (let i = 0; i < count; i++) {
    await ledger.write(({ appendAtEnd }) =>
      appendAtEnd(`test-${tag}`, [{ type: 'Noted', data: { tag, i } }]),
    );
  }
}

function suite(name: string, open: () => Promise<{ store: LedgerStore; cleanup(): Promise<void> }>) {
  describe(`the log asks its witnesses (${name})`, () => {
    const dir = tempDirectory('log-witnesses');
    let store: LedgerStore;
    let cleanup: () => Promise<void>;
    let ledger: Ledger;
    const stoppers: (() => Promise<void> | void)[] = [];

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      ledger = ledgerOver(store);
    });
    afterEach(async () => {
      for (const stop of stoppers.splice(0).reverse()) await stop();
      await ledger.close();
      await store.close();
      await cleanup();
    });

    function submitterFor(
      entries: string,
      options: {
        quorum: number;
        maxLagMs?: number;
        integrity?: Parameters<typeof startLogWitnesses>[0]['integrity'];
      },
      target: { store: LedgerStore; ledger: Ledger } = { store, ledger },
    ): WitnessSubmitter {
      const submitter = startLogWitnesses({
        store: target.store,
        ledger: target.ledger,
        witnesses: parseWitnessList(entries),
        quorum: options.quorum,
        maxLagMs: options.maxLagMs ?? 600_000,
        integrity: options.integrity,
      });
      if (!submitter) throw new Error('no witnesses');
      stoppers.push(() => submitter.stop());
      return submitter;
    }

    async function witness(cosigner: Cosigner, file: string): Promise<RunningWitness> {
      const running = await startWitness(cosigner, join(dir.path, `${name}-${file}-${Date.now()}.json`));
      stoppers.push(() => running.close());
      return running;
    }

    it('serves the latest checkpoint with the log line and both cosignature lines, each verifying', async () => {
      const [a, b] = [await witness(customs, 'customs'), await witness(portAuthority, 'port')];
      const submitter = submitterFor(
        `${witnessEntry(customs, a.url)},${witnessEntry(portAuthority, b.url)}`,
        {
          quorum: 2,
        },
      );
      await appendEvents(ledger, 5);
      const checkpoint = await ledger.checkpoint();
      await submitter.quorumReached(checkpoint.treeSize);

      const app = await buildServer({ reads: store, verifierKey: logVkey, cosignatures: store.cosignatures });
      const response = await app.inject({ method: 'GET', url: '/v1/audit/checkpoint' });
      await app.close();
      expect(response.statusCode).toBe(200);
      const body = response.json() as { treeSize: number; note: string; cosignatures: { witness: string }[] };
      expect(body.treeSize).toBe(checkpoint.treeSize);
      expect(body.cosignatures.map((c) => c.witness).sort()).toEqual([customs.name, portAuthority.name]);
      // A client that knows only the log's key still opens the note: it ignores the witnesses' lines.
      const opened = openCheckpoint(body.note, logVkey, logSigner.name);
      expect(opened.ok).toBe(true);
      const lines = body.note.split('\n').filter((line) => line.startsWith('\u2014 '));
      expect(lines).toHaveLength(3);
      const cosigned = verifyCosignatures(body.note, [
        cosignatureVerifierOf(customs),
        cosignatureVerifierOf(portAuthority),
      ]);
      expect(cosigned.ok && cosigned.cosignatures.map((c) => c.name).sort()).toEqual([
        customs.name,
        portAuthority.name,
      ]);

      // Each later checkpoint is submitted with the consistency proof from the size the witness cosigned.
      await appendEvents(ledger, 7, 'b');
      const later = await ledger.checkpoint();
      await submitter.quorumReached(later.treeSize);
      expect(submitter.status().map((s) => s.cosignedSize)).toEqual([later.treeSize, later.treeSize]);
      const stored = await store.cosignatures.cosignaturesOf([checkpoint.treeSize, later.treeSize]);
      expect(stored).toHaveLength(4);
    });

    it('reaches a quorum of one while the other witness is down, and says which one is', async () => {
      const a = await witness(customs, 'customs');
      const silent = await startSilentWitness();
      stoppers.push(() => silent.close());
      const submitter = submitterFor(
        `${witnessEntry(customs, a.url)},${witnessEntry(portAuthority, silent.url)}`,
        { quorum: 1 },
      );
      await appendEvents(ledger, 3);
      const checkpoint = await ledger.checkpoint();
      await submitter.quorumReached(checkpoint.treeSize);
      expect(submitter.quorumStatus()).toMatchObject({ quorum: 1, cosignedSize: checkpoint.treeSize });
      const [up, down] = submitter.status();
      expect(up).toMatchObject({ name: customs.name, cosignedSize: checkpoint.treeSize, lastError: null });
      expect(down).toMatchObject({ name: portAuthority.name, cosignedSize: null });
    });

    it('a witness that never answers delays no append', async () => {
      const silent = await startSilentWitness();
      stoppers.push(() => silent.close());
      submitterFor(witnessEntry(customs, silent.url), { quorum: 1 });
      const started = performance.now();
      await appendEvents(ledger, 20);
      await ledger.checkpoint();
      const elapsed = performance.now() - started;
      // 20 committed writes, each signing a checkpoint that is handed to a witness that hangs: none waits for it.
      expect(elapsed).toBeLessThan(5_000);
      expect(await store.logSize()).toBe(20);
    });

    it('a witness that cosigned a longer log than this one is a rollback, named, with a 503 and a critical alert', async () => {
      const a = await witness(customs, 'customs');
      // The true log, as the witness saw it: 9 entries.
      const truth = await open();
      const truthLedger = ledgerOver(truth.store);
      stoppers.push(async () => {
        await truthLedger.close();
        await truth.store.close();
        await truth.cleanup();
      });
      const truthSubmitter = submitterFor(
        witnessEntry(customs, a.url),
        { quorum: 1 },
        { store: truth.store, ledger: truthLedger },
      );
      await appendEvents(truthLedger, 9);
      await truthSubmitter.quorumReached((await truthLedger.checkpoint()).treeSize);
      truthSubmitter.stop();

      // This database holds only the first 4 entries of the same key's log: cut back.
      await appendEvents(ledger, 4);
      await ledger.checkpoint();
      const integrity = startIntegrityWatch({
        reads: store,
        verifierKey: logVkey,
        intervalMs: 3_600_000,
        onAlert: (failure) => raiseIntegrityAlert(ledger, failure),
      });
      stoppers.push(() => integrity.stop());
      const submitter = submitterFor(witnessEntry(customs, a.url), { quorum: 1, integrity });
      await expect
        .poll(() => submitter.status()[0]?.finding?.code, { timeout: 5_000 })
        .toBe('integrity.rollback');
      expect(submitter.status()[0]?.finding).toMatchObject({
        witness: customs.name,
        witnessSize: 9,
        logSize: 4,
      });

      const app = await buildServer({ reads: store, verifierKey: logVkey, integrity });
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      await app.close();
      expect(ready.statusCode).toBe(503);
      const summary = (ready.json() as { integrity: { code: string; reason: string } }).integrity;
      expect(summary.code).toBe('integrity.rollback');
      expect(summary.reason).toContain(customs.name);
      await expect
        .poll(async () => (await store.readStream(ALERTS_STREAM)).map((e) => [e.type, e.data.code]))
        .toContainEqual(['IntegrityAlertRaised', 'integrity.rollback']);
      const [raised] = (await store.readStream(ALERTS_STREAM)).filter(
        (e) => e.type === 'IntegrityAlertRaised',
      );
      expect((await store.getAlertRecord(raised!.index))?.severity).toBe('critical');
    });

    it('a witness that cosigned another history of the same key is a fork', async () => {
      const a = await witness(customs, 'customs');
      const truth = await open();
      const truthLedger = ledgerOver(truth.store);
      stoppers.push(async () => {
        await truthLedger.close();
        await truth.store.close();
        await truth.cleanup();
      });
      const truthSubmitter = submitterFor(
        witnessEntry(customs, a.url),
        { quorum: 1 },
        { store: truth.store, ledger: truthLedger },
      );
      await appendEvents(truthLedger, 6, 'true');
      await truthSubmitter.quorumReached((await truthLedger.checkpoint()).treeSize);
      truthSubmitter.stop();

      // The stolen key signs a rewritten log, longer than the witness's: only the witness can tell.
      await appendEvents(ledger, 8, 'forged');
      await ledger.checkpoint();
      const submitter = submitterFor(witnessEntry(customs, a.url), { quorum: 1 });
      await expect
        .poll(() => submitter.status()[0]?.finding?.code, { timeout: 5_000 })
        .toBe('integrity.fork');
      expect(submitter.status()[0]?.finding?.reason).toContain(customs.name);
    });

    it('reads no more than 64 KiB of an answer: a witness that floods is an error, not a cosignature', async () => {
      const flood = createHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('\u2014 '.padEnd(200_000, 'A'));
      });
      await new Promise<void>((resolve) => flood.listen(0, '127.0.0.1', resolve));
      stoppers.push(() => new Promise<void>((resolve) => flood.close(() => resolve())));
      const { port } = flood.address() as import('node:net').AddressInfo;
      const submitter = submitterFor(witnessEntry(customs, `http://127.0.0.1:${port}`), { quorum: 1 });
      await appendEvents(ledger, 1);
      await ledger.checkpoint();
      await expect
        .poll(() => submitter.status()[0]?.lastError, { timeout: 5_000 })
        .toMatch(/more than 65536 bytes/);
      expect(submitter.status()[0]?.cosignedSize).toBeNull();
    });

    it('raises witness.lagging once when no quorum has cosigned for longer than the max lag', async () => {
      const silent = await startSilentWitness();
      stoppers.push(() => silent.close());
      const submitter = submitterFor(witnessEntry(customs, silent.url), { quorum: 1, maxLagMs: 300 });
      await appendEvents(ledger, 2);
      await ledger.checkpoint();
      const lagAlerts = async () =>
        (await store.readStream(ALERTS_STREAM)).filter((e) => e.type === 'WitnessLagAlertRaised');
      await expect.poll(async () => (await lagAlerts()).length, { timeout: 5_000 }).toBe(1);
      const [raised] = await lagAlerts();
      const record = await store.getAlertRecord(raised!.index);
      expect(record).toMatchObject({ rule: 'witness.lagging', severity: 'high', status: 'open' });
      expect(submitter.quorumStatus().lagging).toBe(true);
      // The same stretch of lag raises no second alert.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await lagAlerts()).toHaveLength(1);
    });
  });
}

suite('SQLite', async () => {
  const dir = tempDirectory('witnessed-sqlite');
  const store = await openLedgerStore(`sqlite:${join(dir.path, 'ledger.db')}`);
  return { store, cleanup: async () => dir.remove() };
});

await describeWithPostgres('PostgreSQL', () => {
  suite('PostgreSQL', async () => {
    const schema = uniqueSchemaName('witnesses');
    const store = await openLedgerStore(TEST_POSTGRES_URL, { schema });
    return { store, cleanup: () => dropSchema(schema) };
  });
});
