import { describe, expect, it } from 'vitest';
import type { VisitEvent } from '../visits/index.js';
import {
  DCSA_EQUIPMENT_EVENT_MAP,
  mapVisitEvent,
  type PartnerMappingContext,
  partnerEquipmentEventCode,
  toTnt22Event,
  toTnt30Event,
} from './dcsa.js';

const slot = { terminal: 'T1', block: 'A', bay: 3, row: 2, tier: 1 };
const at = '2026-05-01T10:00:00.000Z';
const visit: PartnerMappingContext['visit'] = {
  containerNumber: 'MSCU1234565',
  line: 'MSCU',
  sizeType: '22G1',
  fullEmpty: 'full',
  slot,
  carrierBookingReference: 'BKG123',
  transportDocumentReference: 'BOL456',
};
const context: PartnerMappingContext = {
  eventId: '0d4f2f1e-6a36-8b8f-9a4e-2f0f5b0c1d2e',
  recordedAt: '2026-05-01T10:00:01.000Z',
  visit,
  locationOf: (terminal) => (terminal === 'T1' ? { unLocode: 'BEANR', facilityCode: 'T1' } : undefined),
};

const events: Record<string, VisitEvent> = {
  discharged: {
    type: 'ContainerDischarged',
    visitRef: 'V-1',
    vesselCall: 'MSC-2026-18',
    slot,
    equipment: null,
    operator: null,
    at,
  },
  gatedIn: {
    type: 'ContainerGatedIn',
    visitRef: 'V-1',
    slot,
    truckPlate: '1-ABC-123',
    equipment: null,
    operator: null,
    at,
  },
  gatedOut: { type: 'ContainerGatedOut', visitRef: 'V-1', from: slot, truckPlate: '1-ABC-123', at },
  loaded: { type: 'ContainerLoaded', visitRef: 'V-1', from: slot, vesselCall: 'MSC-2026-19', at },
  customsPlaced: {
    type: 'HoldPlaced',
    visitRef: 'V-1',
    holdId: 'H1',
    kind: 'customs',
    reason: 'selected for scan',
    reference: 'C-1',
    at,
  },
  customsLifted: {
    type: 'HoldLifted',
    visitRef: 'V-1',
    holdId: 'H1',
    kind: 'customs',
    reason: 'cleared',
    at,
  },
};

describe('the DCSA mapping table (issue 16)', () => {
  it.each([
    ['discharged', 'DISC'],
    ['gatedIn', 'GTIN'],
    ['gatedOut', 'GTOT'],
    ['loaded', 'LOAD'],
    ['customsPlaced', 'CUSI'],
    ['customsLifted', 'CUSR'],
  ] as const)('maps %s to %s', (name, code) => {
    expect(partnerEquipmentEventCode(events[name]!)).toBe(code);
    expect(mapVisitEvent(events[name]!, context)?.equipmentEventTypeCode).toBe(code);
  });

  it('has one row per published event, and every row is exercised above', () => {
    expect(DCSA_EQUIPMENT_EVENT_MAP.map((row) => row.code).sort()).toEqual(
      ['CUSI', 'CUSR', 'DISC', 'GTIN', 'GTOT', 'LOAD'].sort(),
    );
  });

  it('never publishes police, line or terminal holds, nor yard moves or announcements', () => {
    for (const kind of ['police', 'line', 'terminal'] as const) {
      expect(mapVisitEvent({ ...events.customsPlaced, kind } as VisitEvent, context)).toBeUndefined();
      expect(mapVisitEvent({ ...events.customsLifted, kind } as VisitEvent, context)).toBeUndefined();
    }
    const moved: VisitEvent = {
      type: 'ContainerMoved',
      visitRef: 'V-1',
      from: slot,
      to: { ...slot, bay: 5 },
      equipment: 'RTG1',
      operator: 'op',
      at,
    };
    expect(mapVisitEvent(moved, context)).toBeUndefined();
  });

  it('puts the terminal, never the yard slot, in eventLocation', () => {
    for (const event of Object.values(events)) {
      const mapped = mapVisitEvent(event, context)!;
      expect(mapped.location).toEqual({ unLocode: 'BEANR', facilityCode: 'T1' });
      for (const shape of [toTnt22Event(mapped), toTnt30Event(mapped)]) {
        const text = JSON.stringify(shape ?? {});
        expect(text).not.toMatch(/"(block|bay|row|tier|slot|slotText)"/);
        expect(text).not.toContain('selected for scan');
      }
    }
  });

  it('maps a void to a retraction of the voided event (3.0 isRetracted), absent from 2.2', () => {
    const voided: VisitEvent = {
      type: 'EventVoided',
      visitRef: 'V-1',
      voidedVersion: 2,
      voidedType: 'ContainerGatedIn',
      reason: 'wrong box',
      requestedBy: 'u1',
      approvedBy: 'u2',
      at,
    };
    const retractedId = '11111111-2222-8333-8444-555555555555';
    const mapped = mapVisitEvent(voided, {
      ...context,
      voided: { event: events.gatedIn!, eventId: retractedId },
    })!;
    expect(mapped).toMatchObject({ retractedEventId: retractedId, equipmentEventTypeCode: 'GTIN' });
    expect(toTnt30Event(mapped)).toEqual({
      eventID: retractedId,
      isRetracted: true,
      eventUpdatedDateTime: context.recordedAt,
    });
    expect(toTnt22Event(mapped)).toBeUndefined();
    // A void of an unpublished event publishes nothing.
    expect(
      mapVisitEvent(voided, {
        ...context,
        voided: { event: { ...events.customsPlaced!, kind: 'police' } as VisitEvent, eventId: retractedId },
      }),
    ).toBeUndefined();
  });

  it('serialises 2.2 with documents and the vessel call; leaves customs codes out of 2.2', () => {
    const disc = toTnt22Event(mapVisitEvent(events.discharged!, context)!)!;
    expect(disc).toMatchObject({
      eventType: 'EQUIPMENT',
      eventClassifierCode: 'ACT',
      equipmentEventTypeCode: 'DISC',
      equipmentReference: 'MSCU1234565',
      ISOEquipmentCode: '22G1',
      emptyIndicatorCode: 'LADEN',
      eventLocation: { UNLocationCode: 'BEANR', facilityCode: 'T1', facilityCodeListProvider: 'SMDG' },
      transportCall: { transportCallID: 'MSC-2026-18', modeOfTransport: 'VESSEL' },
      documentReferences: [
        { documentReferenceType: 'BKG', documentReferenceValue: 'BKG123' },
        { documentReferenceType: 'TRD', documentReferenceValue: 'BOL456' },
      ],
    });
    expect(toTnt22Event(mapVisitEvent(events.gatedIn!, context)!)).not.toHaveProperty('transportCall');
    expect(toTnt22Event(mapVisitEvent(events.customsPlaced!, context)!)).toBeUndefined();
    expect(toTnt30Event(mapVisitEvent(events.customsPlaced!, context)!)).toMatchObject({
      eventClassification: { equipmentEventTypeCode: 'CUSI' },
    });
  });

  it('omits eventLocation when the terminal has no UN/LOCODE configured', () => {
    const mapped = mapVisitEvent(events.gatedIn!, { ...context, locationOf: () => undefined })!;
    expect(toTnt22Event(mapped)).not.toHaveProperty('eventLocation');
    expect(toTnt30Event(mapped)).not.toHaveProperty('eventLocation');
  });
});
