import { describe, expect, it } from 'vitest';
import { foldEvents } from '../decider.js';
import type { VisitEvent } from './visit.events.js';
import { visitDecider } from './visit.js';
import { newVisitReference } from './visit-reference.js';
import {
  matchedKeys,
  searchKeysOrNone,
  searchQueryOf,
  searchText,
  type VisitSearchKeys,
  visitSearchKeys,
} from './visit-search.js';

const visitRef = newVisitReference(new Uint8Array(13).fill(0x42));
const at = (minute: number) => new Date(Date.UTC(2030, 2, 4, 6, minute)).toISOString();
const slot = { terminal: 'T1', block: 'A', bay: 4, row: 2, tier: 1 };
const announced = (extra: Partial<Extract<VisitEvent, { type: 'VisitAnnounced' }>> = {}): VisitEvent => ({
  type: 'VisitAnnounced',
  visitRef,
  containerNumber: 'MSCU1234566',
  line: 'MSCU',
  sizeType: '42G1',
  fullEmpty: 'full',
  arrival: { mode: 'vessel', vesselCall: 'MSC Anna 042W' },
  at: at(0),
  ...extra,
});
const noKeys: VisitSearchKeys = {
  transportDocumentReference: null,
  carrierBookingReference: null,
  arrivalVesselCall: null,
  departureVesselCall: null,
  arrivalTruckPlate: null,
  departureTruckPlate: null,
};
const keysOf = (events: VisitEvent[]) => visitSearchKeys(foldEvents(visitDecider, events));

describe('the search form of a key (issue 14)', () => {
  it('drops spaces, dashes, dots and slashes and compares in capitals', () => {
    expect(searchText(' 1-abc-123 ')).toBe('1ABC123');
    expect(searchText('MSC Anna / 042W')).toBe('MSCANNA042W');
    expect(searchText('msc–ab.12')).toBe('MSCAB12'); // an en dash, as a word processor types it
    expect(searchText('ＭＳＣＵ１２３')).toBe('MSCU123'); // full-width, as some keyboards type it (NFKC)
  });

  it('has nothing to search in separators alone, nor in more than any key holds', () => {
    expect(searchText(' - / . ')).toBeUndefined();
    expect(searchText('A'.repeat(65))).toBeUndefined();
    expect(searchQueryOf('  ')).toBeUndefined();
  });

  it('takes a query for a container number only with its right check digit', () => {
    expect(searchQueryOf('mscu 123456-6')).toEqual({ text: 'MSCU1234566', containerNumber: 'MSCU1234566' });
    expect(searchQueryOf('MSCU1234567')).toEqual({ text: 'MSCU1234567', containerNumber: null });
    expect(searchQueryOf('1-ABC-123')).toEqual({ text: '1ABC123', containerNumber: null });
  });
});

describe('the keys of a visit', () => {
  it('names the documents and the arrival vessel call of an announced box', () => {
    expect(
      keysOf([announced({ transportDocumentReference: 'MSCUB-778', carrierBookingReference: 'bk 42' })]),
    ).toEqual({
      ...noKeys,
      transportDocumentReference: 'MSCUB778',
      carrierBookingReference: 'BK42',
      arrivalVesselCall: 'MSCANNA042W',
    });
  });

  it('names the truck that brought the box in and the truck that took it out', () => {
    const events: VisitEvent[] = [
      announced({ arrival: { mode: 'truck' } }),
      {
        type: 'ContainerGatedIn',
        visitRef,
        slot,
        truckPlate: '2-xyz-987',
        equipment: null,
        operator: null,
        at: at(5),
      },
      {
        type: 'ContainerGatedOut',
        visitRef,
        from: slot,
        truckPlate: '1ABC123',
        gateAttemptId: 'A-1',
        verdictIndex: 9,
        at: at(50),
      },
    ];
    expect(keysOf(events)).toEqual({
      ...noKeys,
      arrivalTruckPlate: '2XYZ987',
      departureTruckPlate: '1ABC123',
    });
  });

  it('names the vessel call a box was loaded onto', () => {
    const events: VisitEvent[] = [
      announced({ arrival: { mode: 'truck' } }),
      {
        type: 'ContainerGatedIn',
        visitRef,
        slot,
        truckPlate: null,
        equipment: null,
        operator: null,
        at: at(5),
      },
      { type: 'ContainerLoaded', visitRef, from: slot, vesselCall: 'MSC-E12', at: at(50) },
    ];
    expect(keysOf(events)).toEqual({ ...noKeys, departureVesselCall: 'MSCE12' });
  });

  it('forgets the truck of a voided gate-in, as the fold does', () => {
    const events: VisitEvent[] = [
      announced({ arrival: { mode: 'truck' } }),
      {
        type: 'ContainerGatedIn',
        visitRef,
        slot,
        truckPlate: '2XYZ987',
        equipment: null,
        operator: null,
        at: at(5),
      },
      {
        type: 'EventVoided',
        visitRef,
        voidedVersion: 2,
        voidedType: 'ContainerGatedIn',
        reason: 'wrong box',
        requestedBy: 'u-1',
        approvedBy: 'u-2',
        at: at(6),
      },
    ];
    expect(keysOf(events)).toBeUndefined();
  });

  it('has none for a box announced by truck with no document, so its row is as it was before search', () => {
    expect(keysOf([announced({ arrival: { mode: 'truck' } })])).toBeUndefined();
    expect(searchKeysOrNone(noKeys)).toBeUndefined();
  });
});

describe('which keys matched', () => {
  const keys = { ...noKeys, arrivalVesselCall: 'MSCANNA042W', departureTruckPlate: '1ABC123' };
  it('names every key that equals the query, in the order of the five keys', () => {
    const query = searchQueryOf('1-ABC-123')!;
    expect(matchedKeys(query, { containerNumber: 'MSCU1234566', keys, bookedTruckPlate: null })).toEqual([
      'truckPlate',
    ]);
    expect(
      matchedKeys(searchQueryOf('MSCU1234566')!, {
        containerNumber: 'MSCU1234566',
        keys,
        bookedTruckPlate: null,
      }),
    ).toEqual(['containerNumber']);
    expect(
      matchedKeys(searchQueryOf('7-KLM-001')!, {
        containerNumber: 'MSCU1234566',
        keys,
        bookedTruckPlate: '7KLM001',
      }),
    ).toEqual(['truckPlate']);
    expect(
      matchedKeys(searchQueryOf('msc anna 042w')!, {
        containerNumber: 'MSCU1234566',
        keys,
        bookedTruckPlate: null,
      }),
    ).toEqual(['vesselCall']);
  });

  it('matches nothing else', () => {
    expect(
      matchedKeys(searchQueryOf('MSCANNA')!, {
        containerNumber: 'MSCU1234566',
        keys,
        bookedTruckPlate: null,
      }),
    ).toEqual([]);
  });
});
