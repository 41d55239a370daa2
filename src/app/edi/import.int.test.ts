import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openTestLedger,
  postgresReachable,
  type StoreKind,
  type TestLedger,
  testTerminals,
} from '../../../test/support/ledger.js';
import { makeOrganisation } from '../../store/testing/identity-fixtures.js';
import { announceVisit, runVisitCommand } from '../visits/index.js';
import { EDI_INTERCHANGE_RECEIVED, ediStreamId, importInterchange } from './index.js';

/** An interchange of one message, with its counts (UNT, UNZ) right. */
function interchangeText(sender: string, ref: string, identifier: string, body: readonly string[]): string {
  return [
    `UNB+UNOA:2+${sender}+PORTLEDGER+261206:1200+${ref}'`,
    `UNH+M1+${identifier}'`,
    ...body.map((segment) => `${segment}'`),
    `UNT+${body.length + 2}+M1'`,
    `UNZ+1+${ref}'`,
  ].join('\n');
}

const conformance = path.resolve(import.meta.dirname, '../../../../shared/conformance/edifact');
const haveSamples = existsSync(conformance);
const sample = (file: string) => readFileSync(path.join(conformance, file)).toString('latin1');

const kinds: StoreKind[] = [
  'memory',
  'sqlite',
  ...((await postgresReachable()) ? ['postgres' as const] : []),
];

let open: TestLedger[] = [];
afterEach(async () => {
  for (const t of open) await t.cleanup();
  open = [];
});

/** A ledger with the parties of the samples: two lines of the BAPLIE, COSCO, and the COARRI's terminal. */
async function ledgerWithParties(kind: StoreKind): Promise<TestLedger> {
  const t = await openTestLedger(kind);
  open.push(t);
  await t.store.writeTransaction(async (tx) => {
    for (const [orgId, code] of [
      ['org-ool', 'OOL'],
      ['org-mol', 'MOL'],
      ['org-cos', 'COS'],
    ] as const) {
      await tx.identity.putOrganisation(
        makeOrganisation({ orgId, kind: 'shipping_line', code, terminals: [] }),
      );
    }
    await tx.identity.putOrganisation(
      makeOrganisation({ orgId: 'org-vte', kind: 'terminal_operator', code: 'ITGOAVTE', terminals: ['T1'] }),
    );
  });
  return t;
}

const deps = (t: TestLedger) => ({ ledger: t.ledger, terminals: testTerminals });

/**
 * Every sample, imported for the organisation named (or the UNB sender), with the outcome expected: applied with
 * its summary, or refused with the code and the segment (ordinal in the interchange) and byte offset.
 */
const expected: readonly {
  file: string;
  as?: string;
  outcome: 'applied' | 'refused';
  code?: string;
  segment?: number;
  offset?: number;
  summary?: RegExp;
}[] = [
  // OOL's bay plan: its own two boxes announced, MOL's left out (a line speaks only for its own boxes).
  {
    file: 'D95BBAPLIE.edi',
    as: 'org-ool',
    outcome: 'applied',
    summary: /^announced 2; left out .* 1; other lines: MOL$/,
  },
  {
    file: 'full/D95BBAPLIE-full.edi',
    as: 'org-ool',
    outcome: 'applied',
    summary: /^announced 1,702; left out .* 1,097; other lines: APL, HLC, HMM, MOL, NYK$/,
  },
  // The TOS's discharges name no yard slot: refused at the first box's EQD, nothing of the loads applied either.
  { file: 'D95BCOARRI.edi', outcome: 'refused', code: 'edi.yard_slot_required', segment: 9, offset: 277 },
  {
    file: 'full/D95BCOARRI-full.edi',
    outcome: 'refused',
    code: 'edi.yard_slot_required',
    segment: 9,
    offset: 277,
  },
  // The generator's samples all use CBHU1234567, whose check digit is wrong (it is 1).
  {
    file: 'generator-samples/CODECO.edi',
    as: 'org-ool',
    outcome: 'refused',
    code: 'edi.container_number',
    segment: 7,
  },
  {
    file: 'generator-samples/COPARN.edi',
    as: 'org-ool',
    outcome: 'refused',
    code: 'edi.container_number',
    segment: 14,
  },
  {
    file: 'generator-samples/COPINO.edi',
    as: 'org-ool',
    outcome: 'refused',
    code: 'edi.container_number',
    segment: 12,
  },
  {
    file: 'generator-samples/COPRAR.edi',
    as: 'org-ool',
    outcome: 'refused',
    code: 'edi.unsupported_message',
    segment: 2,
  },
  {
    file: 'generator-samples/ORDERS.edi',
    as: 'org-ool',
    outcome: 'refused',
    code: 'edi.unsupported_message',
    segment: 2,
  },
  // Not UNOA text (lower case, `@`), and WESTIM is ISO 9897, not UN/EDIFACT: refused by the reader.
  {
    file: 'generator-samples/COHAOR.edi',
    outcome: 'refused',
    code: 'edi.syntax_invalid',
    segment: 3,
    offset: 97,
  },
  {
    file: 'generator-samples/VERMAS.edi',
    outcome: 'refused',
    code: 'edi.syntax_invalid',
    segment: 7,
    offset: 175,
  },
  {
    file: 'generator-samples/WESTIM.edi',
    outcome: 'refused',
    code: 'edi.syntax_invalid',
    segment: 2,
    offset: 57,
  },
];

describe.skipIf(!haveSamples)(
  `EDI import of the conformance samples${haveSamples ? '' : ' (skipped: ../shared/conformance/edifact is missing)'}`,
  () => {
    it.each(expected)(
      '$file: $outcome $code',
      async (row) => {
        const t = await ledgerWithParties('memory');
        const before = await t.store.logSize();
        const answer = await importInterchange(deps(t), {
          text: sample(row.file),
          ...(row.as ? { as: row.as } : {}),
          by: 'test',
        });
        expect(answer.outcome).toBe(row.outcome);
        if (row.outcome === 'refused') {
          const refused = answer.messages.find((m) => m.outcome === 'refused')?.refusal ?? answer.refusal;
          expect(refused?.code).toBe(row.code);
          expect(refused?.segment).toBe(row.segment);
          if (row.offset !== undefined) expect(refused?.offset).toBe(row.offset);
          expect(await t.store.logSize()).toBe(before);
          expect(answer.contrl).toMatch(/UCI\+[^']*\+4/);
        } else {
          expect(answer.messages[0]?.summary).toMatch(row.summary ?? /./);
          expect(answer.contrl).toMatch(/UCI\+[^']*\+7'/);
        }
      },
      120_000,
    );
  },
);

describe.skipIf(!haveSamples)('EDI import: whole, once, recorded, for its sender only', () => {
  describe.each(kinds)('on %s', (kind) => {
    it('the full BAPLIE announces its line’s 1,702 boxes in one transaction with its receipt; the second time changes nothing', async () => {
      const t = await ledgerWithParties(kind);
      const text = sample('full/D95BBAPLIE-full.edi');
      const before = await t.store.logSize();
      const progress: number[] = [];
      const answer = await importInterchange(deps(t), {
        text,
        as: 'org-ool',
        by: 'cli:test',
        onProgress: ({ done, total }) => {
          progress.push(done);
          expect(total).toBe(2_799);
        },
      });
      expect(answer.outcome).toBe('applied');
      const [message] = answer.messages;
      expect(message?.eventIndexes).toHaveLength(1_702);
      expect(progress.at(-1)).toBe(2_799);
      // The boxes' events and the receipt: one more than the boxes, contiguous in the log.
      const after = await t.store.logSize();
      expect(after - before).toBe(1_703);
      expect(answer.receiptIndex).toBe(after - 1);
      const [receipt] = await t.store.readStream(ediStreamId('LBCTI'));
      expect(receipt?.type).toBe(EDI_INTERCHANGE_RECEIVED);
      expect(receipt?.data).toMatchObject({
        sender: 'LBCTI',
        controlRef: '1865',
        sha256: answer.sha256,
        orgId: 'org-ool',
        receivedBy: 'cli:test',
        messages: [
          { ref: '1907', type: 'BAPLIE', events: 1_702, firstIndex: before, lastIndex: before + 1_701 },
        ],
      });
      const visit = await t.store.findActiveVisit('OOLU4293959');
      expect(visit?.status).toBe('announced');
      expect(await t.store.findActiveVisit('MOEU0710945')).toBeUndefined();
      expect(await t.store.edi.findEdiInterchange('org-ool', 'LBCTI', '1865')).toMatchObject({
        interchangeId: answer.interchangeId,
        auditIndex: answer.receiptIndex,
      });

      // The same interchange again (the small BAPLIE has the same sender and UNB reference): nothing changes.
      const again = await importInterchange(deps(t), {
        text: sample('D95BBAPLIE.edi'),
        as: 'org-ool',
        by: 'x',
      });
      expect(again.outcome).toBe('duplicate');
      expect(again.interchangeId).toBe(answer.interchangeId);
      expect(again.receiptIndex).toBe(answer.receiptIndex);
      expect(again.refusal?.reason).toMatch(/already received/);
      expect(again.contrl).toMatch(/UCI\+1865\+LBCTI:01\+OOCLIES:ZZ\+4\+26\+UNB'/);
      expect(await t.store.logSize()).toBe(after);
    }, 300_000);

    it('a line cannot announce another line’s box, and the refused interchange leaves the log as it was', async () => {
      const t = await ledgerWithParties(kind);
      // The generator's COPARN with its box's check digit put right: a pre-advice of COSCO's box (NAD+CF+COS).
      const coparn = sample('generator-samples/COPARN.edi').replaceAll('CBHU1234567', 'CBHU1234561');
      const before = await t.store.logSize();
      const refused = await importInterchange(deps(t), { text: coparn, as: 'org-ool', by: 'test' });
      expect(refused.outcome).toBe('refused');
      expect(refused.refusal?.code).toBe('auth.forbidden');
      expect(refused.messages[0]).toMatchObject({
        outcome: 'refused',
        refusal: { code: 'auth.forbidden', tag: 'EQD', segment: 14 },
      });
      expect(refused.contrl).toMatch(/UCM\+M5C5201079DE48\+COPARN:D:00B:UN:SMDG20\+4\+18'\nUCS\+13\+18'/);
      expect(await t.store.logSize()).toBe(before);
      expect(await t.store.findActiveVisit('CBHU1234561')).toBeUndefined();
      // Nothing kept: COSCO's own resend under the same reference is applied, not taken for a duplicate.
      const own = await importInterchange(deps(t), { text: coparn, as: 'org-cos', by: 'test' });
      expect(own.outcome).toBe('applied');
      expect((await t.store.findActiveVisit('CBHU1234561'))?.status).toBe('announced');
    }, 120_000);
  });

  it.each(kinds)(
    'COREOR on %s: the line releases its own box to the party named, never another line’s',
    async (kind) => {
      const t = await ledgerWithParties(kind);
      await t.store.writeTransaction(async (tx) => {
        await tx.identity.putOrganisation(
          makeOrganisation({ orgId: 'org-msc', kind: 'shipping_line', code: 'MSC', terminals: [] }),
        );
        await tx.identity.putOrganisation(
          makeOrganisation({ orgId: 'org-fwd', kind: 'forwarder', code: 'FWD01', terminals: [] }),
        );
      });
      const { visit } = await announceVisit(t.ledger, testTerminals, {
        containerNumber: 'MSKU9070323',
        line: 'MSC',
        sizeType: '45G1',
        fullEmpty: 'full',
        arrival: { mode: 'vessel', vesselCall: '9234567/031W' },
      });
      // Written from the UN D.95B COREOR segment table, as src/domain/edi/coreor.test.ts (no public sample exists).
      const coreor = interchangeText('MSC', 'REL1', 'COREOR:D:95B:UN', [
        'BGM+129+REL20270001+9',
        'RFF+RE:PIN77881',
        'TDT+20+031W+1++MSC:172:20+++9234567:146::MSC ANNA',
        'LOC+11+BEANR:139:6',
        'DTM+132:202701011200:203',
        'NAD+CF+MSC:160:20',
        'NAD+FW+FWD01:160:ZZZ',
        'DTM+400:202701020000:203',
        'DTM+405:202701152359:203',
        'EQD+CN+MSKU9070323+45G1:102:5',
        'RFF+BM:MEDUAB123456',
        'CNT+16:1',
      ]);
      const before = await t.store.logSize();
      const forbidden = await importInterchange(deps(t), { text: coreor, as: 'org-ool', by: 'test' });
      expect(forbidden.outcome).toBe('refused');
      expect(forbidden.messages[0]?.refusal, forbidden.messages[0]?.refusal?.reason).toMatchObject({
        code: 'auth.forbidden',
        tag: 'EQD',
      });
      expect(await t.store.logSize()).toBe(before);

      const released = await importInterchange(deps(t), { text: coreor, by: 'test' });
      expect(released.outcome, JSON.stringify(released.refusal)).toBe('applied');
      expect(released.messages[0]?.summary).toBe('released 1');
      const release = await t.store.releases.getRelease(visit.visitRef);
      expect(release).toMatchObject({ lineOrgId: 'org-msc' });
      expect(JSON.stringify(release)).toContain('org-fwd');
    },
    120_000,
  );

  it.each(kinds)(
    'COARRI load on %s: refused to another terminal, and not applied yet at its own',
    async (kind) => {
      const t = await ledgerWithParties(kind);
      await t.store.writeTransaction((tx) =>
        tx.identity.putOrganisation(
          makeOrganisation({
            orgId: 'org-other',
            kind: 'terminal_operator',
            code: 'OTHER',
            terminals: ['T2'],
          }),
        ),
      );
      const { visit } = await announceVisit(t.ledger, testTerminals, {
        containerNumber: 'CBHU6192031',
        line: 'COS',
        sizeType: '42G1',
        fullEmpty: 'full',
        arrival: { mode: 'truck' },
      });
      await runVisitCommand(t.ledger, testTerminals, visit.visitRef, {
        type: 'GateInContainer',
        slot: { terminal: 'T1', block: 'A', bay: 2, row: 1, tier: 1 },
      });
      // The load message of the D.95B COARRI sample (ITG13), one box of it.
      const coarri = (sender: string) =>
        interchangeText(sender, 'LOAD1', 'COARRI:D:95B:UN:ITG13', [
          'BGM+46+35961881700001+9',
          'TDT+20+032E+1+13+COS:172:20+++3ERX3:103::COSCO AFRICA',
          'LOC+9+ITGOA:139:6+VTE:TER:ZZZ',
          'DTM+132:201602020000:203',
          'DTM+133:201602041652:203',
          'NAD+CF+COE:172:20',
          'EQD+CN+CBHU6192031+42G1:102:5++2+5',
          'RFF+BN:9000157890',
          'TMD+3',
          'DTM+203:201602041438:203',
          'LOC+11+GRPIR:139:6',
          'LOC+7+GRPIR:139:6',
          'LOC+147+261386::6',
          'CNT+16:1',
        ]);
      const before = await t.store.logSize();
      const other = await importInterchange(deps(t), { text: coarri('OTHER'), by: 'test' });
      expect(other.messages[0]?.refusal, other.messages[0]?.refusal?.reason).toMatchObject({
        code: 'auth.forbidden',
        tag: 'EQD',
      });
      expect(await t.store.logSize()).toBe(before);
      // At its own terminal, a load is not applied yet either: nothing checks the vessel call or an outbound
      // booking, so a stolen TOS token could make any box "sail" (outside test); the box stays in the yard.
      const own = await importInterchange(deps(t), { text: coarri('ITGOAVTE'), by: 'test' });
      expect(own.outcome).toBe('refused');
      expect(own.messages[0]?.refusal).toMatchObject({ code: 'edi.unsupported_intent', tag: 'EQD' });
      expect(await t.store.logSize()).toBe(before);
      expect((await t.store.getVisit(visit.visitRef))?.status).toBe('in_yard');
    },
    120_000,
  );

  it('an unknown UNB sender is refused naming it, and a syntax error names the segment and byte offset', async () => {
    const t = await ledgerWithParties('memory');
    const unknown = await importInterchange(deps(t), {
      text: sample('generator-samples/CODECO.edi'),
      by: 't',
    });
    expect(unknown.refusal).toMatchObject({ code: 'edi.sender_unknown', tag: 'UNB' });
    expect(unknown.contrl).toMatch(/UCI\+I5C520285973E2\+ME\+YOU\+4\+23\+UNB'/);
    const truncated = await importInterchange(deps(t), {
      text: sample('D95BBAPLIE.edi').slice(0, 400),
      as: 'org-ool',
      by: 't',
    });
    expect(truncated.outcome).toBe('refused');
    expect(truncated.refusal?.code).toBe('edi.syntax_invalid');
    expect(truncated.refusal?.reason).toMatch(/segment \d+, byte \d+/);
    expect(truncated.contrl).toMatch(/UCI\+1865\+LBCTI\+OOCLIES\+4\+/);
  });

  it('property: mutated interchanges never throw past the reader, and a refused one leaves the log’s size unchanged', async () => {
    const t = await ledgerWithParties('memory');
    const valid = [sample('D95BBAPLIE.edi'), sample('D95BCOARRI.edi')];
    type Mutation = (text: string, at: number) => string;
    const mutations: Record<string, Mutation> = {
      truncate: (text, at) => text.slice(0, at % text.length),
      wrongCount: (text, at) =>
        text.replace(/UNT\+(\d+)/, (_m, n: string) => `UNT+${Number(n) + 1 + (at % 3)}`),
      badRelease: (text, at) => {
        const i = at % text.length;
        return `${text.slice(0, i)}?Z${text.slice(i)}`;
      },
      badCheckDigit: (text, at) =>
        text.replace(
          /(EQD\+CN\+[A-Z]{4}\d{6})(\d)/,
          (_m, head: string, digit: string) => `${head}${(Number(digit) + 1 + (at % 8)) % 10}`,
        ),
      unknownSegment: (text, at) => {
        const lines = text.split('\n');
        const i = 2 + (at % Math.max(1, lines.length - 4));
        return [...lines.slice(0, i), "XYZ+1+2'", ...lines.slice(i)].join('\n');
      },
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...valid),
        fc.constantFrom(...Object.keys(mutations)),
        fc.nat(100_000),
        fc.constantFrom('org-ool', 'org-vte', undefined),
        async (text, mutation, at, as) => {
          const before = await t.store.logSize();
          const mutated = (mutations[mutation] as Mutation)(text, at);
          const answer = await importInterchange(deps(t), { text: mutated, ...(as ? { as } : {}), by: 'fc' });
          const after = await t.store.logSize();
          if (answer.outcome === 'applied') expect(after).toBeGreaterThan(before);
          else expect(after).toBe(before);
          expect(answer.contrl).toMatch(/^UNB\+/);
        },
      ),
      { numRuns: 150 },
    );
  }, 300_000);
});
