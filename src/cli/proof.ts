import {
  consistencyProof,
  consistencyProofView,
  inclusionProof,
  inclusionProofView,
} from '../app/audit/index.js';
import { openSystem } from './system.js';

export async function proofInclusionCommand(
  options: { db?: string; index: number; treeSize?: number },
  io: { stdout: NodeJS.WritableStream },
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const proof = await inclusionProof(system.store, { index: options.index, treeSize: options.treeSize });
    io.stdout.write(`${JSON.stringify(inclusionProofView(proof), null, 2)}\n`);
    return 0;
  } finally {
    await system.close();
  }
}

export async function proofConsistencyCommand(
  options: { db?: string; from: number; to?: number },
  io: { stdout: NodeJS.WritableStream },
): Promise<number> {
  const system = await openSystem({ databaseUrl: options.db });
  try {
    const proof = await consistencyProof(system.store, { from: options.from, to: options.to });
    io.stdout.write(`${JSON.stringify(consistencyProofView(proof), null, 2)}\n`);
    return 0;
  } finally {
    await system.close();
  }
}
