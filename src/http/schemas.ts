import { Type } from 'typebox';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable, namespaced error code, e.g. `audit.index_out_of_range`.' }),
    instance: Type.Optional(Type.String()),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export const Base64Hash = Type.String({
  description: 'SHA-256 hash, standard base64',
  contentEncoding: 'base64',
});

export const CheckpointSchema = Type.Object({
  treeSize: Type.Integer({ minimum: 0 }),
  rootHash: Base64Hash,
  signedAt: Type.String({ format: 'date-time' }),
  note: Type.String({
    description:
      "The C2SP signed note (tlog-checkpoint): the log's signature line, then the witnesses' cosignature/v1 lines (tlog-cosignature) stored for it",
  }),
  verifierKey: Type.String({ description: 'C2SP note verifier key, `name+keyid+base64`' }),
  cosignatures: Type.Optional(
    Type.Array(
      Type.Object({
        witness: Type.String({ description: "The witness's key name" }),
        timestamp: Type.Integer({ minimum: 1, description: 'cosignature/v1 timestamp, POSIX seconds' }),
        receivedAt: Type.String({ format: 'date-time' }),
        line: Type.String({ description: 'The note signature line, as it appears in `note`' }),
      }),
      { description: "The witnesses' cosignatures of this checkpoint, also appended to `note`" },
    ),
  ),
});

export const InclusionProofSchema = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  treeSize: Type.Integer({ minimum: 1 }),
  leafHash: Base64Hash,
  proof: Type.Array(Base64Hash),
  checkpoint: Type.Union([Type.String(), Type.Null()]),
});

export const ConsistencyProofSchema = Type.Object({
  from: Type.Integer({ minimum: 1 }),
  to: Type.Integer({ minimum: 1 }),
  proof: Type.Array(Base64Hash),
  fromCheckpoint: Type.Union([Type.String(), Type.Null()]),
  toCheckpoint: Type.Union([Type.String(), Type.Null()]),
});

export const EntrySchema = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  leaf: Type.String({ description: 'The exact leaf bytes (RFC 8785 canonical JSON), base64' }),
  leafHash: Base64Hash,
  eventId: Type.String(),
  stream: Type.String(),
  version: Type.Integer(),
  type: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
});

export const problemResponses = {
  400: { $ref: 'Problem#' },
  404: { $ref: 'Problem#' },
  500: { $ref: 'Problem#' },
} as const;
