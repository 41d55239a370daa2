import type { Migration } from 'kysely';
import { searchText, type VisitSearchKeys } from '../../domain/index.js';
import type { StoreDialect } from '../dialect.js';
import type { MigrationDb } from './migration-db.js';

/**
 * One search box finds a box by its number, bill of lading, carrier booking, vessel call or truck plate (issue 14).
 * The visit read model keeps each key but the number in search form (`searchText`) in a column of its own, read
 * through an index of (key, visit reference) so that a page of matches is one range of each index in the order the
 * search pages in; the booking's truck is `driver_job.truck_plate`, already normalised by the booking, indexed the
 * same way. The indexes are partial (`is not null`): most boxes have no document named, a vessel box no truck at
 * its arrival, and a box in the yard no departure, so those rows cost no index entry.
 *
 * The keys of the visits already recorded are derived here as the writer derives them (`visitSearchKeys`), so that
 * the integrity watch finds the rows as the log says they are without a rebuild at the upgrade: the vessel calls and
 * the gate-out's truck from the view, the gate-in's truck from the visit's own gate-in event (the view does not keep
 * it; a voided gate-in is skipped, as the fold skips it). No visit announced before this migration names a document.
 */
export const VISIT_SEARCH_COLUMNS = {
  transportDocumentReference: 'search_transport_document',
  carrierBookingReference: 'search_carrier_booking',
  arrivalVesselCall: 'search_arrival_vessel_call',
  departureVesselCall: 'search_departure_vessel_call',
  arrivalTruckPlate: 'search_arrival_truck_plate',
  departureTruckPlate: 'search_departure_truck_plate',
} as const satisfies { readonly [F in keyof VisitSearchKeys]: string };

const BACKFILL_PAGE = 500;

type StoredView = {
  status?: string;
  arrival?: { mode?: string; vesselCall?: string };
  departure?: { mode?: string; vesselCall?: string; truckPlate?: string | null } | null;
  voidedVersions?: number[];
};

const formOf = (value: unknown): string | null =>
  typeof value === 'string' ? (searchText(value) ?? null) : null;

export function visitSearchKeysMigration0031(dialect: StoreDialect): Migration {
  return {
    async up(db: MigrationDb) {
      for (const column of Object.values(VISIT_SEARCH_COLUMNS)) {
        await db.schema.alterTable('visit').addColumn(column, dialect.orderedTextType).execute();
        await db.schema
          .createIndex(`visit_${column}_idx`)
          .on('visit')
          .columns([column, 'visit_ref'])
          .where(column, 'is not', null)
          .execute();
      }
      await db.schema
        .createIndex('driver_job_truck_plate_idx')
        .on('driver_job')
        .columns(['truck_plate', 'visit_ref'])
        .execute();
      await backfill(db);
    },
    async down(db: MigrationDb) {
      await db.schema.dropIndex('driver_job_truck_plate_idx').ifExists().execute();
      for (const column of Object.values(VISIT_SEARCH_COLUMNS)) {
        await db.schema.dropIndex(`visit_${column}_idx`).ifExists().execute();
        await db.schema.alterTable('visit').dropColumn(column).execute();
      }
    },
  };
}

async function backfill(db: MigrationDb): Promise<void> {
  let after = '';
  for (;;) {
    const rows: { visit_ref: string; view: string }[] = await db
      .selectFrom('visit')
      .select(['visit_ref', 'view'])
      .where('visit_ref', '>', after)
      .orderBy('visit_ref')
      .limit(BACKFILL_PAGE)
      .execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      const view = JSON.parse(row.view) as StoredView;
      const departure = view.departure ?? null;
      const arrived = view.status !== 'announced' && view.status !== 'cancelled';
      const keys: Partial<Record<keyof VisitSearchKeys, string | null>> = {
        arrivalVesselCall: view.arrival?.mode === 'vessel' ? formOf(view.arrival.vesselCall) : null,
        departureVesselCall: departure?.mode === 'vessel' ? formOf(departure.vesselCall) : null,
        departureTruckPlate: departure?.mode === 'truck' ? formOf(departure.truckPlate) : null,
        arrivalTruckPlate:
          view.arrival?.mode === 'truck' && arrived
            ? await gateInTruckPlate(db, row.visit_ref, view.voidedVersions ?? [])
            : null,
      };
      const values = Object.fromEntries(
        Object.entries(keys)
          .filter(([, value]) => value !== null)
          .map(([field, value]) => [VISIT_SEARCH_COLUMNS[field as keyof VisitSearchKeys], value]),
      );
      if (Object.keys(values).length > 0) {
        await db.updateTable('visit').set(values).where('visit_ref', '=', row.visit_ref).execute();
      }
    }
    after = rows.at(-1)!.visit_ref;
  }
}

/** The truck of the visit's gate-in that still counts (the latest not voided), as the fold takes it. */
async function gateInTruckPlate(
  db: MigrationDb,
  visitRef: string,
  voided: readonly number[],
): Promise<string | null> {
  const events: { stream_version: number; data: string }[] = await db
    .selectFrom('event')
    .select(['stream_version', 'data'])
    .where('stream_id', '=', `visit-${visitRef}`)
    .where('type', '=', 'ContainerGatedIn')
    .orderBy('stream_version', 'desc')
    .execute();
  const effective = events.find((event) => !voided.includes(Number(event.stream_version)));
  return effective ? formOf((JSON.parse(effective.data) as { truckPlate?: unknown }).truckPlate) : null;
}
