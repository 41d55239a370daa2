/**
 * PortLedger's audit log primitives: RFC 9162 Merkle trees and proofs, RFC 8785 canonical JSON, the audit
 * leaf encoding, and C2SP signed notes and checkpoints. Pure: no I/O, no clock, no randomness.
 */
export { bytesEqual, encodeHex } from './bytes.js';
export { canonicalBytes, canonicalJson } from './canonical-json.js';
export {
  type Checkpoint,
  type CheckpointBody,
  formatCheckpointBody,
  type OpenCheckpointResult,
  openCheckpoint,
  type ParseCheckpointResult,
  parseCheckpointBody,
  signCheckpoint,
} from './checkpoint.js';
export {
  type CheckpointComparison,
  compareWithKept,
  describeHistoryBreak,
  type HistoryBreak,
  type TreeHeadToCompare,
} from './checkpoint-comparison.js';
export {
  appendSignatureLines,
  COSIGNATURE_KEY_TYPE,
  COSIGNATURE_V1_HEADER,
  type CosignatureVerifier,
  type Cosigner,
  cosignatureKeyId,
  cosignatureLine,
  cosignatureVerifierFromPublicKey,
  cosignatureVerifierKeyString,
  cosignatureVerifierOf,
  cosignedMessage,
  cosignerFromSeed,
  encodeCosignerKey,
  type NoteSignatureLine,
  parseCosignatureVerifierKey,
  parseCosignerKey,
  type SplitNote,
  type SplitNoteResult,
  splitSignedNote,
  TIMESTAMPED_SIGNATURE_BYTES,
  type VerifiedCosignature,
  type VerifyCosignaturesResult,
  verifyCosignatures,
} from './cosignature.js';
export {
  acceptableEd25519PublicKey,
  isCanonicalEd25519Encoding,
  isSmallOrderEd25519Key,
  SMALL_ORDER_ED25519_ENCODINGS,
} from './edwards-key.js';
export { type EntryAuthenticator, entryAuthenticatorFor, entryAuthenticatorFromKey } from './entry-mac.js';
export {
  AuditError,
  type AuditErrorCode,
  type AuditFailure,
  type AuditVerifyCode,
  type CheckpointOpenCode,
  type NoteOpenCode,
} from './errors.js';
export { emptyRootHash, HASH_SIZE, leafHash, nodeHash, sha256 } from './hash.js';
export type { JsonObject, JsonValue } from './json.js';
export {
  fromHex,
  HexBorder,
  LeafDigests,
  nodeHashHex,
  textsEqualInConstantTime,
  toHex,
} from './leaf-digests.js';
export {
  decodeLogEntry,
  encodeLogEntry,
  type LogEntry,
  type LogEntryHeader,
  leafDataText,
  leafSaysRow,
} from './log-entry.js';
export {
  issuePickupCredential,
  MAX_PICKUP_CREDENTIAL_CHARS,
  type OpenPickupCredentialResult,
  openPickupCredential,
  PICKUP_CREDENTIAL_PREFIX,
  type PickupCredentialOpenCode,
  type PickupCredentialPayload,
  pickupCredentialOpenCodes,
} from './pickup-credential.js';
export {
  decodeBase64UrlStrict,
  deviceKeyFingerprint,
  formatPickupPass,
  isDevicePublicKey,
  isPickupPassText,
  MAX_PICKUP_PASS_CHARS,
  type ParsedPickupPass,
  type ParsePickupPassResult,
  PICKUP_PASS_ALLOWED_DRIFT,
  PICKUP_PASS_PREFIX,
  PICKUP_PASS_STEP_SECONDS,
  type PickupPassCode,
  type PickupPassSigner,
  parsePickupPass,
  pickupPassCodes,
  pickupPassCounter,
  pickupPassMessage,
  pickupPassSignerFromSecret,
  type VerifyPickupPassResult,
  verifyPickupPass,
} from './pickup-pass.js';
export {
  consistencyProofFromLeaves,
  consistencyProofPlan,
  inclusionProofFromLeaves,
  inclusionProofPlan,
  type ProofPlan,
  type RootPlan,
  rootPlan,
} from './proof.js';
export {
  encodeSignerKey,
  isValidKeyName,
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  type OpenNoteResult,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signerFromSeed,
  signNote,
  type VerifiedSignature,
  verifierFromSigner,
  verifierKeyString,
} from './signed-note.js';
export {
  appendLeaves,
  borderKeys,
  hashOfSubtreeParts,
  type NodeKey,
  rootFromBorder,
  rootOfLeafHashes,
  type SubtreeNode,
  subtreeKeysOfRange,
} from './tree.js';
export {
  type ConsistencyProofInput,
  type InclusionProofInput,
  type RootResult,
  rootFromInclusionProof,
  type VerifyResult,
  verifyConsistency,
  verifyInclusion,
} from './verify.js';
