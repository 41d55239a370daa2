/** A JSON value as RFC 8259 defines it; the shape every canonicalised payload must have. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, e.g. the `data` of an event. */
export type JsonObject = { [key: string]: JsonValue };
