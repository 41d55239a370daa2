import { describe, expect, it } from 'vitest';
import {
  checkOrganisation,
  isOrgKind,
  orgKinds,
  parsePartyCode,
  parseTerminalCode,
} from './organisations.js';

const expectCode = (run: () => unknown, code: string, details?: Record<string, unknown>) => {
  expect(run).toThrow(
    expect.objectContaining({ code, ...(details ? { details: expect.objectContaining(details) } : {}) }),
  );
};

describe('organisations', () => {
  it('knows the seven kinds of MISSION §2', () => {
    expect(orgKinds).toHaveLength(7);
    expect(isOrgKind('port_police')).toBe(true);
    expect(isOrgKind('bank')).toBe(false);
  });

  it('normalises a terminal operator and the terminals it runs', () => {
    expect(
      checkOrganisation({
        orgId: 'org-psa',
        kind: 'terminal_operator',
        name: ' PSA Antwerp ',
        code: 'psa',
        terminals: ['t1', 'k913'],
      }),
    ).toEqual({
      orgId: 'org-psa',
      kind: 'terminal_operator',
      name: 'PSA Antwerp',
      code: 'PSA',
      terminals: ['T1', 'K913'],
    });
  });

  it('gives other kinds no terminals', () => {
    expect(checkOrganisation({ orgId: 'org-msc', kind: 'shipping_line', name: 'MSC', code: 'MSCU' })).toEqual(
      {
        orgId: 'org-msc',
        kind: 'shipping_line',
        name: 'MSC',
        code: 'MSCU',
        terminals: [],
      },
    );
  });

  it('refuses a terminal operator without terminals, and terminals for anyone else', () => {
    expectCode(
      () =>
        checkOrganisation({ orgId: 'o1', kind: 'terminal_operator', name: 'X', code: 'XX', terminals: [] }),
      'access.organisation_invalid',
      { field: 'terminals' },
    );
    expectCode(
      () => checkOrganisation({ orgId: 'o1', kind: 'haulier', name: 'X', code: 'XX', terminals: ['T1'] }),
      'access.organisation_invalid',
      { field: 'terminals' },
    );
    expectCode(
      () =>
        checkOrganisation({
          orgId: 'o1',
          kind: 'terminal_operator',
          name: 'X',
          code: 'XX',
          terminals: ['T1', 't1'],
        }),
      'access.organisation_invalid',
      { field: 'terminals' },
    );
  });

  it('refuses malformed fields, naming the field', () => {
    const good = { orgId: 'o1', kind: 'customs', name: 'Douane', code: 'BEDOU' };
    for (const [field, value] of [
      ['orgId', 'has space'],
      ['kind', 'bank'],
      ['name', ''],
      ['name', 'a\u0000b'],
      ['code', 'M'],
      ['terminals', 'T1'],
    ] as const) {
      expectCode(() => checkOrganisation({ ...good, [field]: value }), 'access.organisation_invalid', {
        field,
      });
    }
    expectCode(() => checkOrganisation(null), 'access.organisation_invalid');
  });

  it('parses party and terminal codes like visits and yard slots write them', () => {
    expect(parsePartyCode(' mscu ')).toBe('MSCU');
    expect(parseTerminalCode('dpw1')).toBe('DPW1');
    expectCode(() => parseTerminalCode('T-1'), 'access.organisation_invalid');
    expectCode(
      () => parseTerminalCode('T-1', 'terminal', 'approval.command_invalid'),
      'approval.command_invalid',
    );
  });
});
