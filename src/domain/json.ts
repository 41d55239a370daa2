/**
 * Plain JSON values. Events and views are built only from these, because each event is canonicalised
 * (RFC 8785) into an audit leaf: no `undefined`, no `Date`, no class instances.
 *
 * The shapes match `JsonValue` / `JsonObject` of the application ports structurally, so one passes for the other.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };
