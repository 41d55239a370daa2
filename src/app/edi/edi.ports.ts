/**
 * The interchanges received (issue 17): one row per UN/EDIFACT interchange that was applied, written in the same
 * transaction as its `EdiInterchangeReceived` event and the events it caused. The row is the index the duplicate
 * check and the console's list read; the event in the log is the record an investigator trusts.
 *
 * A refused interchange leaves no row and no event (the acceptance: "a refused interchange leaves the log's size
 * unchanged"); its refusal is in the CONTRL answer returned to the sender.
 */

/** The outcome of one message of an applied interchange, as stored. */
export interface EdiMessageOutcome {
  /** UNH 0062 message reference. */
  readonly ref: string;
  /** UNH S009 0065, e.g. `BAPLIE`. */
  readonly type: string;
  /** The audit indexes of the events this message caused, in log order. */
  readonly eventIndexes: readonly number[];
  /** What the message did, in a few words (e.g. "announced 2,799 boxes"). */
  readonly summary: string;
}

/** One received and applied interchange. */
export interface EdiInterchangeRecord {
  /** `EDI-` and the first 24 hex digits of the interchange's SHA-256: stable and unguessable without the text. */
  readonly interchangeId: string;
  /** UNB S002 0004, the sender's identification as sent. */
  readonly sender: string;
  /** UNB S003 0010. */
  readonly recipient: string;
  /** UNB 0020 interchange control reference. */
  readonly controlRef: string;
  /** The organisation the interchange spoke for. */
  readonly orgId: string;
  /** Who submitted it (a user, an API token, or `cli:<operator>`). */
  readonly receivedBy: string;
  /** Hex SHA-256 of the interchange text as received (its UTF-8 bytes). */
  readonly sha256: string;
  readonly receivedAt: string;
  /** The audit index of the `EdiInterchangeReceived` event. */
  readonly auditIndex: number;
  readonly messages: readonly EdiMessageOutcome[];
}

/** Which interchanges a listing reads: newest first, keyset paged on (receivedAt, interchangeId). */
export interface EdiInterchangeQuery {
  /** Only this organisation's; every organisation's when absent (operators). */
  readonly orgId?: string;
  readonly limit: number;
  /** The last row of the previous page. */
  readonly before?: { readonly receivedAt: string; readonly interchangeId: string };
}

export interface EdiInterchangeReads {
  getEdiInterchange(interchangeId: string): Promise<EdiInterchangeRecord | undefined>;
  /** The interchange already received from this sender under this control reference, if any (ISO 9735-1 §5: UNB 0020 is unique per sender). */
  /** The organisation's receipt of this UNB sender and reference (another organisation's is not a duplicate). */
  findEdiInterchange(
    orgId: string,
    sender: string,
    controlRef: string,
  ): Promise<EdiInterchangeRecord | undefined>;
  listEdiInterchanges(query: EdiInterchangeQuery): Promise<EdiInterchangeRecord[]>;
}

export interface EdiInterchangeWrites extends EdiInterchangeReads {
  /** Stores the receipt; a second receipt of the same (orgId, sender, controlRef) or id is a `store.duplicate`. */
  putEdiInterchange(record: EdiInterchangeRecord): Promise<void>;
}
