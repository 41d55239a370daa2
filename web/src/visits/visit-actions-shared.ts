/** What the container page's action forms share: the visit as they see it, the hold kinds, slots and their frame. */
import type { Session } from '../api.js';
import { allows, type FormPolicy } from '../forms/form-schema.js';
import { holdKindName } from '../terms.js';

export interface Slot {
  terminal: string;
  block: string;
  bay: number;
  row: number;
  tier: number;
}

/** What the actions need to know of the visit, as the container page loaded it. */
export interface ActionVisit {
  visitRef: string;
  containerNumber: string;
  status: string;
  slot?: Slot | null;
  holds: { holdId: string; kind: string; reason?: string; placedAt: string }[];
  voidedVersions?: number[];
}

export interface ActionEvent {
  version: number;
  type: string;
  at: string;
}

export type HoldKind = 'customs' | 'police' | 'terminal' | 'line';

const HOLD_KINDS: readonly HoldKind[] = ['customs', 'police', 'terminal', 'line'];

/**
 * The kinds of hold this person may place (or lift) under `policy`: the session answer lists them from the
 * server's hold policy, so the console offers exactly what the server would accept.
 */
export function holdKindsOf(session: Session, policy: FormPolicy<string>): HoldKind[] {
  if (!allows(session, policy)) return [];
  return (session.holdKinds ?? []).filter((kind): kind is HoldKind =>
    (HOLD_KINDS as string[]).includes(kind),
  );
}

/** "Customs hold", in the console's language. */
export const kindLabel = (kind: string) => holdKindName(kind);

export const slotText = (slot: Slot) =>
  `${slot.terminal}/${slot.block}/${String(slot.bay).padStart(2, '0')}/${String(slot.row).padStart(2, '0')}/${slot.tier}`;

/** What every form of the Actions card gets from the card. */
export interface VisitFormProps {
  visit: ActionVisit;
  /** The visit reference, encoded for a request path. */
  visitPath: string;
  signedOut: () => void;
  onDone: (message: string) => void;
  onCancel: () => void;
}

/** The Actions card's forms sit under the card's heading, each named by its title. */
export const CARD_FORM = { headingLevel: 3, named: 'by-title', className: 'stack action-form' } as const;
