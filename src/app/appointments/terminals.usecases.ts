/**
 * The terminals of the port as every screen needs them: code, name and the IANA time zone of their clocks. The
 * console shows everything a terminal schedules (slots, gate windows) in that zone, named, so that a browser in
 * another zone reads the same times as the gate (issue 14, one clock rule).
 */
import type { SlotConfig } from '../../domain/index.js';
import type { IdentityReads } from '../access/identity.ports.js';

/** One terminal: its code, the name of the operator running it, and its clocks' zone. */
export interface TerminalInfo {
  readonly terminal: string;
  /** The terminal operator's name; the code itself when no operator registered the terminal yet. */
  readonly name: string;
  readonly timeZone: string;
}

/**
 * The terminals that take pickups (those with a slot table), in code order, each named after the terminal
 * operator that runs it.
 *
 * @example
 * ```ts
 * await listTerminals(store, pickup.slots); // [{ terminal: 'T1', name: 'North Quay Terminal', timeZone: 'Europe/Brussels' }]
 * ```
 */
export async function listTerminals(
  reads: { readonly identity: Pick<IdentityReads, 'listOrganisations'> },
  slots: ReadonlyMap<string, SlotConfig>,
): Promise<{ terminals: TerminalInfo[] }> {
  const organisations = await reads.identity.listOrganisations();
  const operatorOf = new Map<string, string>();
  for (const org of organisations) {
    if (org.kind !== 'terminal_operator') continue;
    for (const terminal of org.terminals) if (!operatorOf.has(terminal)) operatorOf.set(terminal, org.name);
  }
  const terminals = [...slots.values()]
    .map((config) => ({
      terminal: config.terminal,
      name: operatorOf.get(config.terminal) ?? config.terminal,
      timeZone: config.timeZone,
    }))
    .sort((a, b) => a.terminal.localeCompare(b.terminal, 'en'));
  return { terminals };
}
