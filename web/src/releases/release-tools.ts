/** What the release page hands its lists and panels: the shared action, the panel to open, and how to name things. */
import type { ReleaseRow } from './inbox.js';

export type PanelKind = 'offer' | 'revoke' | 'block' | 'deny' | 'book';

/** The panel open below the lists, for one row. */
export type Panel = { [Kind in PanelKind]: { kind: Kind; row: ReleaseRow } }[PanelKind];

export interface ReleaseTools {
  /** Sends one release action; `success` is what the page says once it worked, and any open panel closes. */
  act: (key: string, label: string, action: () => Promise<unknown>, success: string) => Promise<void>;
  /** The key of the action in flight, if any. */
  busy: string | undefined;
  open: (panel: Panel) => void;
  /** The box as the page names it: its number, or its visit when the caller may not know the number yet. */
  number: (row: ReleaseRow) => string;
  party: (orgId: string) => string;
}
