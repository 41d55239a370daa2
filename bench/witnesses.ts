/**
 * The witness figures of issue 11, in the same run and on the same machine as their baselines:
 *
 * - quorum latency: from a signed checkpoint to its quorum of cosignatures, with two witnesses on localhost (the
 *   very server `portledger witness serve` runs, in this process, over HTTP): p50 and p99;
 * - witnessed append ratio: single-event audited transactions per second with those two witnesses configured ÷ the
 *   same with no witness, same settings (a checkpoint at most every second, as `appendFigures` runs), alternating
 *   rounds so that both see the same noise.
 */

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createLedger, type Ledger } from '../src/app/ledger/index.js';
import type { LedgerStore } from '../src/app/ports.js';
import type { NoteSigner } from '../src/audit/index.js';
import { verifierKeyString } from '../src/audit/index.js';
import { startDemoWitnesses } from '../src/cli/demo-witnesses.js';
import { startLogWitnesses } from '../src/cli/witnesses.js';
import { openLedgerStore } from '../src/store/open-store.js';

const clock = { now: () => new Date() };
const ids = { eventId: () => randomUUID(), randomBytes: (n: number) => new Uint8Array(n) };

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function ledgerOf(store: LedgerStore, signer: NoteSigner, checkpointIntervalMs: number): Ledger {
  return createLedger({ store, clock, ids, log: { origin: signer.name, signer }, checkpointIntervalMs });
}

export async function witnessFigures(dir: string, options: { quick: boolean; signer: NoteSigner }) {
  const { signer } = options;
  const witnesses = await startDemoWitnesses({ dataDir: dir, logVerifierKey: verifierKeyString(signer) });
  const plainStore = await openLedgerStore(`sqlite:${join(dir, 'plain.db')}`);
  const witnessedStore = await openLedgerStore(`sqlite:${join(dir, 'witnessed.db')}`);
  try {
    // Quorum latency: one event, a checkpoint, then wait for both cosignatures; again and again. The same log as the
    // witnessed appends below: a second log under the same key would be a fork in the witnesses' eyes.
    const latencyStore = witnessedStore;
    const latencyLedger = ledgerOf(latencyStore, signer, 0);
    const latencySubmitter = startLogWitnesses({
      store: latencyStore,
      ledger: latencyLedger,
      witnesses: witnesses.witnesses,
      quorum: 2,
      maxLagMs: 600_000,
    })!;
    const checkpoints = options.quick ? 40 : 200;
    const latencies: number[] = [];
    for (let i = 0; i < checkpoints; i++) {
      await latencyLedger.write(({ appendAtEnd }) =>
        appendAtEnd('bench-latency', [{ type: 'Noted', data: { i } }]),
      );
      const signed = await latencyLedger.checkpoint();
      const started = performance.now();
      await latencySubmitter.quorumReached(signed.treeSize);
      latencies.push(performance.now() - started);
    }
    latencySubmitter.stop();
    await latencyLedger.close();
    latencies.sort((a, b) => a - b);

    // Append cost: the same single-event transactions with and without the witnesses.
    const plain = ledgerOf(plainStore, signer, 1000);
    const witnessed = ledgerOf(witnessedStore, signer, 1000);
    const submitter = startLogWitnesses({
      store: witnessedStore,
      ledger: witnessed,
      witnesses: witnesses.witnesses,
      quorum: 2,
      maxLagMs: 600_000,
    })!;
    const perRound = options.quick ? 60 : 300;
    const rounds = 5;
    let stream = 0;
    const run = async (ledger: Ledger) => {
      const started = performance.now();
      for (let i = 0; i < perRound; i++) {
        const streamId = `bench-${stream++}`;
        await ledger.write(({ append }) =>
          append(streamId, 0, [{ type: 'ContainerDischarged', data: { i } }]),
        );
      }
      return performance.now() - started;
    };
    let plainMs = 0;
    let witnessedMs = 0;
    // Each arm goes first in every other round, so neither always inherits the other's warm caches.
    for (let round = 0; round < rounds * 2; round++) {
      if (round % 2 === 0) {
        plainMs += await run(plain);
        witnessedMs += await run(witnessed);
      } else {
        witnessedMs += await run(witnessed);
        plainMs += await run(plain);
      }
    }
    await witnessed.checkpoint();
    await submitter.quorumReached(await witnessedStore.logSize());
    submitter.stop();
    await plain.close();
    await witnessed.close();
    const ops = perRound * rounds * 2;
    return {
      witnesses: 2,
      quorumCheckpoints: latencies.length,
      quorumP50Ms: round3(percentile(latencies, 50)),
      quorumP99Ms: round3(percentile(latencies, 99)),
      plainAppendsPerSecond: Math.round((ops * 1000) / plainMs),
      witnessedAppendsPerSecond: Math.round((ops * 1000) / witnessedMs),
      witnessedAppendRatio: round3(plainMs / witnessedMs),
    };
  } finally {
    await plainStore.close();
    await witnessedStore.close();
    await witnesses.close();
  }
}
