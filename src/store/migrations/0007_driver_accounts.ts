import { type Migration, sql } from 'kysely';
import { type BookingEvent, type BookingState, bookingDecider } from '../../domain/index.js';
import type { StoreDialect } from '../dialect.js';
import { APP_ROLE } from './0001_ledger.js';
import type { MigrationDb } from './migration-db.js';

/**
 * Driver accounts (issue 5; MISSION §2, "the driver sees only his own jobs"): a driver record may name the console
 * account of the driver person, and each visit's appointment is kept per nominated driver, so that a driver's job
 * list is one indexed look-up rather than a fold of every appointment stream. `driver_job` is derived from the
 * appointment stream in the transaction that appends to it, like `slot_booking`; the stream stays the record.
 * Appointments booked before this migration get their row here, folded from their streams with the domain's own
 * decider, as the use case would have written it.
 */
export function driverAccountsMigration0007(dialect: StoreDialect): Migration {
  const { orderedTextType: ordered } = dialect;
  return {
    async up(db: MigrationDb) {
      await db.schema.alterTable('driver').addColumn('user_id', ordered).execute();
      // "Which driver records are this person's": a driver's every request starts here.
      await db.schema.createIndex('driver_user_idx').on('driver').columns(['user_id', 'org_id']).execute();

      await db.schema
        .createTable('driver_job')
        .addColumn('visit_ref', ordered, (c) => c.primaryKey())
        .addColumn('org_id', ordered, (c) => c.notNull())
        .addColumn('driver_badge_ref', ordered, (c) => c.notNull())
        .addColumn('terminal', 'text', (c) => c.notNull())
        .addColumn('slot_id', 'text', (c) => c.notNull())
        .addColumn('slot_start', ordered, (c) => c.notNull())
        .addColumn('slot_end', ordered, (c) => c.notNull())
        .addColumn('truck_plate', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('booked', 'cancelled')`))
        .addColumn('booking_version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', ordered, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('driver_job_driver_idx')
        .on('driver_job')
        .columns(['org_id', 'driver_badge_ref', 'slot_start'])
        .execute();
      await backfillDriverJobs(db);

      if (dialect.name === 'postgres') {
        await sql.raw(`grant select, insert, update on driver_job to ${APP_ROLE}`).execute(db);
      }
    },

    async down(db: MigrationDb) {
      await db.schema.dropTable('driver_job').ifExists().execute();
      await db.schema.dropIndex('driver_user_idx').ifExists().execute();
      await db.schema.alterTable('driver').dropColumn('user_id').execute();
    },
  };
}

/** One row per appointment stream recorded before `driver_job` existed. */
async function backfillDriverJobs(db: MigrationDb): Promise<void> {
  const events: { stream_id: string; type: string; data: string; recorded_at: string }[] = await db
    .selectFrom('event')
    .select(['stream_id', 'type', 'data', 'recorded_at'])
    .where('stream_id', 'like', 'appointment-%')
    .orderBy('stream_id')
    .orderBy('stream_version')
    .execute();
  const streams = new Map<string, { state: BookingState; at: string }>();
  for (const event of events) {
    const current = streams.get(event.stream_id) ?? { state: bookingDecider.initialState(), at: '' };
    const folded = bookingDecider.evolve(current.state, {
      ...(JSON.parse(event.data) as object),
      type: event.type,
    } as BookingEvent);
    streams.set(event.stream_id, { state: folded, at: event.recorded_at });
  }
  for (const { state, at } of streams.values()) {
    const booking = state.booking;
    if (!booking) continue;
    await db
      .insertInto('driver_job')
      .values({
        visit_ref: booking.visitRef,
        org_id: booking.nominatedBy.orgId,
        driver_badge_ref: booking.driverBadgeRef,
        terminal: booking.terminal,
        slot_id: booking.slotId,
        slot_start: booking.slotStart,
        slot_end: booking.slotEnd,
        truck_plate: booking.truckPlate,
        status: booking.status,
        booking_version: state.bookingVersion,
        updated_at: at,
      })
      .execute();
  }
}
