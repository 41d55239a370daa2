import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { testAuthDeps } from '../../test/support/auth.js';
import {
  openTestLedger,
  type TestLedger,
  testTerminals,
  testVerifierKey,
} from '../../test/support/ledger.js';
import { addOrganisation, createApiToken } from '../app/access/index.js';
import { announceVisit, runVisitCommand, type TerminalLayouts } from '../app/visits/index.js';
import { computeCheckDigit } from '../domain/index.js';
import { encodeCursor } from './page-cursor.js';
import { buildServer } from './server.js';

const dcsa = path.resolve(import.meta.dirname, '../../../shared/conformance/dcsa');
const haveDcsa = existsSync(path.join(dcsa, 'schemas/TNT_v2.2.0-resolved.yaml'));

// ajv-formats is CommonJS with a default export: under NodeNext the function is the module or its `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * A validator of one schema of a DCSA OpenAPI document, by JSON pointer into it. OpenAPI 3.0 schemas are JSON Schema
 * with a few keywords of its own (`example`, `nullable`, `deprecated`): not strict.
 */
function validatorOf(file: string, pointer: string): ValidateFunction {
  const document = parseYaml(readFileSync(path.join(dcsa, 'schemas', file), 'utf8')) as Record<
    string,
    unknown
  >;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, discriminator: false });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'float', 'double']) ajv.addFormat(format, true);
  ajv.addSchema({ ...document, $id: file });
  const validate = ajv.getSchema(`${file}#${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer} of ${file}`);
  return validate;
}

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(dcsa, 'messages', name), 'utf8')) as unknown;

/** The fields of a 2.2 event the negative samples get wrong. */
interface Located {
  eventType?: string;
  eventClassifierCode?: string;
  equipmentEventTypeCode?: string;
  emptyIndicatorCode?: string;
  eventLocation?: { UNLocationCode?: string };
  transportCall?: { UNLocationCode?: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const slotKeys = /"(slot|slotText|block|bay|row|tier)"/;

/** An ISO 6346 number of `owner` with serial `serial`, its check digit computed. */
const box = (owner: string, serial: number) => {
  const first10 = `${owner}${String(serial).padStart(6, '0')}`;
  return `${first10}${computeCheckDigit(first10)}`;
};

describe.skipIf(!haveDcsa)(
  `DCSA Track & Trace /v2/events and /v3/events on a seeded port (issue 16)${haveDcsa ? '' : ' (skipped: ../shared/conformance/dcsa is missing)'}`,
  () => {
    let fixture: TestLedger;
    let app: FastifyInstance;
    const tokens: Record<'msc' | 'maersk' | 'terminal' | 'customs', string> = {
      msc: '',
      maersk: '',
      terminal: '',
      customs: '',
    };
    const mscBoxes: string[] = [];
    const maerskBoxes: string[] = [];
    let validate22: ValidateFunction;
    let validate30: ValidateFunction;
    let voidedBox = '';

    const terminals: TerminalLayouts = new Map(
      [...testTerminals].map(([code, layout]) => [
        code,
        { ...layout, unLocode: 'BEANR', facilityCode: 'PLT1' },
      ]),
    );

    beforeAll(async () => {
      validate22 = validatorOf(
        'TNT_v2.2.0-resolved.yaml',
        '/paths/~1v2~1events/get/responses/200/content/application~1json/schema',
      );
      validate30 = validatorOf('TNT_v3.0.0.yaml', '/components/schemas/GetEventsResponse');
      fixture = await openTestLedger('sqlite');
      const auth = testAuthDeps(fixture.ledger);
      await addOrganisation(auth, { orgId: 'msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' });
      await addOrganisation(auth, { orgId: 'maersk', kind: 'shipping_line', name: 'Maersk', code: 'MAEU' });
      await addOrganisation(auth, { orgId: 'customs', kind: 'customs', name: 'Customs', code: 'BECUS' });
      await addOrganisation(auth, {
        orgId: 'nqt',
        kind: 'terminal_operator',
        name: 'NQT',
        code: 'NQT',
        terminals: ['T1'],
      });
      for (const [key, orgId] of [
        ['msc', 'msc'],
        ['maersk', 'maersk'],
        ['terminal', 'nqt'],
        ['customs', 'customs'],
      ] as const) {
        tokens[key] = (
          await createApiToken(auth, { orgId, permissions: ['visit.read'], createdBy: 'test' })
        ).token;
      }
      const slot = (n: number) => ({
        terminal: 'T1',
        block: 'A',
        bay: 1 + 2 * (n % 30),
        row: 1 + (n % 5),
        tier: 1,
      });
      // Seven MSC boxes and three Maersk ones, each discharged or gated in; bookings on some; a customs hold placed
      // and lifted on one; one loaded; one gate-in voided.
      for (let i = 0; i < 10; i++) {
        const line = i < 7 ? 'MSCU' : 'MAEU';
        const containerNumber = box(line === 'MSCU' ? 'MSCU' : 'MSKU', 100 + i);
        (line === 'MSCU' ? mscBoxes : maerskBoxes).push(containerNumber);
        const { visit } = await announceVisit(fixture.ledger, terminals, {
          containerNumber,
          line,
          sizeType: i % 2 === 0 ? '22G1' : '22R1',
          fullEmpty: i % 3 === 0 ? 'empty' : 'full',
          arrival: i % 2 === 0 ? { mode: 'vessel', vesselCall: 'MSC-2026-18' } : { mode: 'truck' },
          ...(i % 2 === 0
            ? { carrierBookingReference: `BKG${i}`, transportDocumentReference: `BOL${i}` }
            : {}),
        });
        const ref = visit.visitRef;
        await runVisitCommand(
          fixture.ledger,
          terminals,
          ref,
          i % 2 === 0
            ? { type: 'DischargeContainer', vesselCall: 'MSC-2026-18', slot: slot(i) }
            : { type: 'GateInContainer', slot: slot(i), truckPlate: '1-ABC-123' },
        );
        if (i === 2) {
          await runVisitCommand(fixture.ledger, terminals, ref, {
            type: 'PlaceHold',
            holdId: 'H-CUS-1',
            kind: 'customs',
            reason: 'selected for scan',
            reference: 'C-2026-1',
            by: 'officer-1',
          });
          await runVisitCommand(fixture.ledger, terminals, ref, {
            type: 'LiftHold',
            holdId: 'H-CUS-1',
            reason: 'scanned, clear',
            by: 'officer-1',
            approvalId: 'A-1',
            approvedBy: 'officer-2',
          });
          await runVisitCommand(fixture.ledger, terminals, ref, {
            type: 'LoadContainer',
            vesselCall: 'MSC-2026-19',
          });
        }
        if (i === 3) {
          voidedBox = containerNumber;
          await runVisitCommand(fixture.ledger, terminals, ref, {
            type: 'VoidEvent',
            voidedVersion: 2,
            reason: 'recorded on the wrong box',
            requestedBy: 'clerk-1',
            approvedBy: 'supervisor-1',
          });
        }
      }
      app = await buildServer({ reads: fixture.store, verifierKey: testVerifierKey, auth, terminals });
    });

    afterAll(async () => {
      await app?.close();
      await fixture?.cleanup();
    });

    const get = (url: string, token: string) =>
      app.inject({ url, headers: { authorization: `Bearer ${token}` } });

    /** Every page of a listing, following `Next-Page-Cursor`; each page checked against the schema of its version. */
    async function pages(version: 'v2' | 'v3', query: string, token: string) {
      const all: Record<string, unknown>[][] = [];
      let url = `/${version}/events?${query}`;
      for (;;) {
        const response = await get(url, token);
        expect(response.statusCode, response.body).toBe(200);
        const body = response.json();
        const validate = version === 'v2' ? validate22 : validate30;
        expect(validate(body), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
        expect(response.headers['api-version']).toBe(version === 'v2' ? '2.2.0' : '3.0.0');
        expect(response.headers['current-page']).toEqual(expect.any(String));
        all.push(version === 'v2' ? body : body.events);
        const next = response.headers['next-page-cursor'];
        if (typeof next !== 'string') break;
        expect(response.headers['next-page']).toBe(next);
        url = `/${version}/events?cursor=${next}`;
      }
      return all;
    }

    it('validates every 2.2 response, for every filter and for a second page, against the resolved 2.2 schema', async () => {
      const everything = (await pages('v2', 'limit=4', tokens.customs)).flat();
      // 10 arrivals, one load, one gate-in voided: 10 events in force (customs holds are not 2.2's).
      expect(everything).toHaveLength(10);
      const byPage = await pages('v2', 'limit=4', tokens.customs);
      expect(byPage.map((page) => page.length)).toEqual([4, 4, 2]);
      const codes = (events: Record<string, unknown>[]) => events.map((e) => e.equipmentEventTypeCode);
      const filters: [string, (events: Record<string, unknown>[]) => void][] = [
        [`equipmentReference=${mscBoxes[2]}`, (e) => expect(codes(e)).toEqual(['DISC', 'LOAD'])],
        ['eventType=EQUIPMENT', (e) => expect(e).toHaveLength(10)],
        ['eventType=SHIPMENT,TRANSPORT', (e) => expect(e).toEqual([])],
        ['equipmentEventTypeCode=LOAD', (e) => expect(codes(e)).toEqual(['LOAD'])],
        [
          'equipmentEventTypeCode=GTIN,LOAD',
          (e) => expect(codes(e).sort()).toEqual(['GTIN', 'GTIN', 'GTIN', 'GTIN', 'LOAD']),
        ],
        [
          'carrierBookingReference=BKG4',
          (e) => expect(e.map((x) => x.equipmentReference)).toEqual([mscBoxes[4]]),
        ],
        [
          'transportDocumentReference=BOL8',
          (e) => expect(e.map((x) => x.equipmentReference)).toEqual([maerskBoxes[1]]),
        ],
        [
          `eventCreatedDateTime:gte=${encodeURIComponent(String(everything[5]?.eventCreatedDateTime))}`,
          (e) => expect(e.length).toBeGreaterThanOrEqual(5),
        ],
        [
          `eventCreatedDateTime:lt=${encodeURIComponent(String(everything[5]?.eventCreatedDateTime))}`,
          (e) => expect(e.length).toBeLessThanOrEqual(5),
        ],
        [`eventCreatedDateTime:gt=2000-01-01T00:00:00%2B01:00`, (e) => expect(e).toHaveLength(10)],
        [`eventCreatedDateTime:lte=2000-01-01T00:00:00Z`, (e) => expect(e).toEqual([])],
        [
          `eventCreatedDateTime=${encodeURIComponent(String(everything[0]?.eventCreatedDateTime))}`,
          (e) => expect(e.map((x) => x.eventID)).toContain(everything[0]?.eventID),
        ],
        [
          `eventCreatedDateTime:eq=${encodeURIComponent(String(everything[0]?.eventCreatedDateTime))}`,
          (e) => expect(e.map((x) => x.eventID)).toContain(everything[0]?.eventID),
        ],
      ];
      for (const [query, check] of filters) {
        const listed = await pages('v2', `${query}&limit=2`, tokens.customs);
        check(listed.flat());
      }
    });

    it('validates every 3.0 response, with the customs codes and the retraction, against the 3.0 schema', async () => {
      const byPage = await pages('v3', 'limit=5', tokens.customs);
      expect(byPage.length).toBeGreaterThanOrEqual(2);
      const events = byPage.flat();
      const codes = events.map(
        (e) =>
          (e.eventClassification as { equipmentEventTypeCode?: string } | undefined)?.equipmentEventTypeCode,
      );
      expect(codes.filter((c) => c === 'CUSI' || c === 'CUSR')).toEqual(['CUSI', 'CUSR']);
      const retraction = events.find((e) => e.isRetracted === true);
      expect(retraction).toBeDefined();
      // The retraction names the voided gate-in by its eventID.
      const voided = events.find(
        (e) =>
          (e.equipmentDetails as { equipmentReference?: string } | undefined)?.equipmentReference ===
          voidedBox,
      );
      expect(retraction?.eventID).toBe(voided?.eventID);
      for (const query of [
        `equipmentReference=${mscBoxes[2]}`,
        'eventTypes=EQUIPMENT',
        'eventTypes=SHIPMENT',
        'carrierBookingReference=BKG0',
        'transportDocumentReference=BOL0',
        'eventUpdatedDateTimeMin=2000-01-01T00:00:00Z',
        'eventUpdatedDateTimeMax=2000-01-01T00:00:00Z',
      ]) {
        await pages('v3', `${query}&limit=2`, tokens.customs);
      }
    });

    it("gives a line's token its own boxes and no yard position; another line's box does not appear", async () => {
      for (const version of ['v2', 'v3'] as const) {
        const events = (await pages(version, 'limit=3', tokens.msc)).flat();
        const text = JSON.stringify(events);
        expect(text).not.toMatch(slotKeys);
        const boxes = new Set(
          events.map(
            (e) =>
              (e.equipmentReference as string | undefined) ??
              (e.equipmentDetails as { equipmentReference?: string } | undefined)?.equipmentReference,
          ),
        );
        boxes.delete(undefined);
        expect([...boxes].every((b) => mscBoxes.includes(b as string))).toBe(true);
        for (const other of maerskBoxes) expect(text).not.toContain(other);
        // Asking for another line's box by number finds nothing.
        const asked = await get(`/${version}/events?equipmentReference=${maerskBoxes[0]}`, tokens.msc);
        expect(asked.statusCode).toBe(200);
        expect(version === 'v2' ? asked.json() : asked.json().events).toEqual([]);
      }
      const maersk = (await pages('v2', '', tokens.maersk)).flat();
      expect(maersk.map((e) => e.equipmentReference).sort()).toEqual([...maerskBoxes].sort());
      // The terminal's own staff see every box of their terminal through DCSA, and still no slot.
      const terminal = (await pages('v2', '', tokens.terminal)).flat();
      expect(terminal).toHaveLength(10);
      expect(JSON.stringify(terminal)).not.toMatch(slotKeys);
      expect(
        terminal.every((e) => (e.eventLocation as { UNLocationCode?: string }).UNLocationCode === 'BEANR'),
      ).toBe(true);
    });

    it('refuses malformed filters and cursors with problem+json', async () => {
      for (const query of [
        'eventCreatedDateTime:gte=yesterday',
        'eventType=PARCEL',
        'equipmentEventTypeCode=CUSS',
        'cursor=bm90LWEtY3Vyc29y',
        'limit=0',
      ]) {
        const response = await get(`/v2/events?${query}`, tokens.customs);
        expect(response.statusCode, query).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
      expect((await app.inject({ url: '/v2/events' })).statusCode).toBe(401);
    });

    it('refuses a forged cursor whose filters no query could give with 400, never a 500', async () => {
      // An outside test wrote its own cursors (they are opaque, not signed) and got 500s from values of the wrong type.
      const forged = (version: '2.2' | '3.0', filters: unknown) =>
        encodeCursor([JSON.stringify({ version, filters, after: null, limit: 2 })]);
      const cases: [string, unknown][] = [
        ['v2', { equipmentEventTypeCodes: 'GTIN' }],
        ['v2', { equipmentReference: ['MSCU1234565'] }],
        ['v2', { equipmentReference: { $ne: 1 } }],
        ['v2', { eventTypes: ['PARCEL'] }],
        ['v2', { orgId: 'msc' }],
        ['v2', []],
        ['v3', { eventCreatedDateTime: [{ op: 'ne', value: '2026-12-06T23:00:00.000Z' }] }],
        ['v3', { eventCreatedDateTime: [{ op: '__proto__', value: '2026-12-06T23:00:00.000Z' }] }],
        ['v3', { eventCreatedDateTime: [{ op: 'gte', value: 'yesterday' }] }],
        ['v3', { eventCreatedDateTime: { op: 'gte', value: '2026-12-06T23:00:00.000Z' } }],
      ];
      for (const [path, filters] of cases) {
        const cursor = forged(path === 'v2' ? '2.2' : '3.0', filters);
        const response = await get(`/${path}/events?cursor=${cursor}`, tokens.customs);
        expect(response.statusCode, JSON.stringify(filters)).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
      // A cursor the server wrote still works, filters and all.
      const first = await get('/v3/events?limit=1&eventTypes=EQUIPMENT', tokens.customs);
      const next = first.headers['next-page-cursor'];
      expect(typeof next).toBe('string');
      expect((await get(`/v3/events?cursor=${next}`, tokens.customs)).statusCode).toBe(200);
    });

    it('accepts the positive 2.2 sample with the same validator', () => {
      expect(validate22(sample('tnt-220-response.json')), JSON.stringify(validate22.errors)).toBe(true);
    });

    describe('the four negative 2.2 samples hold values our producer can never emit', () => {
      let ours: Record<string, unknown>[] = [];
      beforeAll(async () => {
        ours = (await pages('v2', 'limit=3', tokens.customs)).flat();
        expect(ours.length).toBeGreaterThan(0);
      });

      it('wrong attribute values: values that pass the schema but contradict each other; ours cannot', () => {
        // The sample's equipment event is estimated (EST) yet long past, is located at one place and its transport
        // call at another, and names a UN/LOCODE of no country (XY); the schema cannot see any of it.
        const wrong = sample('tnt-220-response-wrong-attribute-values.json') as Located[];
        const equipment = wrong.find((event) => event.eventType === 'EQUIPMENT')!;
        expect(equipment.eventClassifierCode).toBe('EST');
        expect(equipment.eventLocation?.UNLocationCode).not.toBe(equipment.transportCall?.UNLocationCode);
        // Ours: constants and table codes only (EQUIPMENT, ACT, a 2.2 code, EMPTY or LADEN), and one place per
        // event: the terminal's configured UN/LOCODE, the same in the event and its transport call.
        for (const event of ours as Located[]) {
          expect(event.eventType).toBe('EQUIPMENT');
          expect(event.eventClassifierCode).toBe('ACT');
          expect(['LOAD', 'DISC', 'GTIN', 'GTOT']).toContain(event.equipmentEventTypeCode);
          expect(['EMPTY', 'LADEN']).toContain(event.emptyIndicatorCode);
          expect(event.eventLocation?.UNLocationCode).toBe('BEANR');
          if (event.transportCall) {
            expect(event.transportCall.UNLocationCode).toBe(event.eventLocation?.UNLocationCode);
          }
          expect(validate22([event])).toBe(true);
        }
      });

      it('wrong date-times: both times always present, RFC 3339, and the event recorded after it happened, not in the future', () => {
        // The sample misses either time, writes them in other formats (the schema catches those) or records an
        // event before it happened or in 2099 (it cannot).
        expect(validate22(sample('tnt-220-response-wrong-date-times.json'))).toBe(false);
        for (const event of ours) {
          const created = Date.parse(String(event.eventCreatedDateTime));
          const happened = Date.parse(String(event.eventDateTime));
          expect(String(event.eventCreatedDateTime)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
          expect(String(event.eventDateTime)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
          // The ledger stamps both from its clock when it records the event: ACT events are never "too early".
          expect(happened).toBeLessThanOrEqual(created);
          expect(created).toBeLessThanOrEqual(Date.now());
        }
      });

      it('wrong event ids: every eventID is a UUID, and unique across pages (derived from our unique event ids)', () => {
        // The sample has a number and a non-UUID as eventID (the schema catches those) and one id twice (it cannot).
        expect(validate22(sample('tnt-220-response-wrong-event-ids.json'))).toBe(false);
        for (const event of ours) expect(String(event.eventID)).toMatch(UUID);
        expect(new Set(ours.map((event) => event.eventID)).size).toBe(ours.length);
      });

      it('wrong structure: the body is a flat array of events, never wrapped', () => {
        expect(validate22(sample('tnt-220-response-wrong-structure.json'))).toBe(false);
        for (const event of ours) {
          expect(Object.keys(event)).not.toContain('someEvents');
          expect(event.eventType).toBe('EQUIPMENT');
        }
      });
    });
  },
);
