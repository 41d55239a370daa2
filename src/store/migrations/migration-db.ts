import type { Kysely } from 'kysely';

/**
 * The database as a migration sees it. Migrations run against a schema that changes under them, so they are
 * typed loosely, as Kysely advises, rather than against today's `Database`.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export type MigrationDb = Kysely<any>;
