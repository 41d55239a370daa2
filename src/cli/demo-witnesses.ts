/**
 * The demo's two witnesses (issue 11): customs and the port authority, each with its own key and state file in the
 * data directory, generated on the first start and reused after. They run in the demo's own process, on ports of
 * their own, with the very code `portledger witness serve` runs, so that `npm start` stays one command that one
 * Ctrl-C stops. In a real port each runs on its own organisation's machine.
 */
import { join } from 'node:path';
import type { WitnessConfig } from '../app/audit/index.js';
import { cosignatureVerifierKeyString, cosignatureVerifierOf, parseVerifierKey } from '../audit/index.js';
import { buildWitnessServer } from '../witness/server.js';
import { openWitnessStateFile } from '../witness/state-file.js';
import { createWitness } from '../witness/witness.js';
import { loadCosigner } from './witness.js';

const DEMO_WITNESSES = [
  { file: 'witness-customs', name: 'customs.portledger.local/witness' },
  { file: 'witness-port-authority', name: 'port-authority.portledger.local/witness' },
] as const;

export interface DemoWitnesses {
  readonly witnesses: WitnessConfig[];
  close(): Promise<void>;
}

/**
 * Starts the demo's witnesses on 127.0.0.1 (ephemeral ports), each trusting `logVerifierKey`.
 *
 * @example const { witnesses, close } = await startDemoWitnesses({ dataDir: './data', logVerifierKey });
 */
export async function startDemoWitnesses(args: {
  dataDir: string;
  logVerifierKey: string;
}): Promise<DemoWitnesses> {
  const started: { config: WitnessConfig; close: () => Promise<void> }[] = [];
  try {
    for (const { file, name } of DEMO_WITNESSES) {
      const cosigner = loadCosigner(join(args.dataDir, `${file}.key`), name);
      const witness = createWitness({
        cosigner,
        logs: [parseVerifierKey(args.logVerifierKey)],
        state: await openWitnessStateFile(join(args.dataDir, `${file}.state.json`)),
        nowSeconds: () => Math.floor(Date.now() / 1000),
      });
      const server = buildWitnessServer({ witness });
      await server.listen({ port: 0, host: '127.0.0.1' });
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      started.push({
        config: {
          key: cosignatureVerifierOf(cosigner),
          vkey: cosignatureVerifierKeyString(cosigner),
          url: `http://127.0.0.1:${port}`,
        },
        close: () => server.close(),
      });
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
  return {
    witnesses: started.map((s) => s.config),
    close: async () => {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}
