/**
 * What the log keeps of its witnesses' answers (C2SP tlog-witness, tlog-cosignature): the cosignatures, in an
 * append-only table beside the checkpoints. Cosignatures are not events: recording one as an event would grow the
 * log, which needs a new checkpoint, which needs new cosignatures, without end. They are evidence about the log,
 * like the checkpoints themselves, and like them can never be changed once stored.
 */

/** One witness's cosignature/v1 of one checkpoint. */
export interface StoredCosignature {
  readonly treeSize: number;
  /** The witness's key name (the name on its signature line). */
  readonly witness: string;
  readonly keyId: number;
  readonly rootHash: Uint8Array;
  /** The cosignature/v1 timestamp, POSIX seconds (tlog-cosignature §Format). */
  readonly timestamp: number;
  /** The note signature line, `— <name> <base64(key id ‖ timestamp ‖ signature)>\n`, newline included. */
  readonly line: string;
  /** When the log received it (ISO 8601). */
  readonly receivedAt: string;
}

export interface CosignatureStore {
  /** Stores a cosignature; one already stored for the same witness and tree size is kept as it was. */
  insertCosignature(cosignature: StoredCosignature): Promise<void>;
  /** The cosignatures of these tree sizes, in tree-size then witness order. */
  cosignaturesOf(treeSizes: readonly number[]): Promise<StoredCosignature[]>;
  /** Each witness's cosignature of the largest tree size it cosigned. */
  latestPerWitness(): Promise<StoredCosignature[]>;
}
