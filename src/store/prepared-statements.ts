/**
 * PostgreSQL named prepared statements for the store's append path. Every append runs the same few SQL texts (the
 * head lock, the one-statement log write); sent unnamed, the server parses and plans each of them on every
 * transaction. A text registered here is sent as a named statement instead, so each pooled connection parses it
 * once and reuses it. Only texts whose result columns never change are registered (a prepared statement whose
 * result type changes under a migration fails), and the registry is bounded, so that a connection holds a few
 * hundred statements at most.
 */
const MAX_PREPARED = 256;

const names = new Map<string, string>();

/**
 * Registers `text` to run as a named prepared statement on PostgreSQL, while there is room, and returns it.
 *
 * @example
 * const lockText = preparedStatement('select size from log_head where id = 1 for update');
 */
export function preparedStatement(text: string): string {
  if (!names.has(text) && names.size < MAX_PREPARED) names.set(text, `portledger_${names.size}`);
  return text;
}

/** The statement name `text` runs under, when it was registered. */
export function preparedStatementName(text: string): string | undefined {
  return names.get(text);
}
