import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { csvRecord, wantsCsv } from './csv.js';

describe('CSV export (issue 14)', () => {
  it('writes RFC 4180 records: quotes what needs quoting, doubles quotes, ends with CRLF', () => {
    expect(csvRecord(['MSCU1234566', 'in_yard', 3, true, null, undefined])).toBe(
      'MSCU1234566,in_yard,3,true,,\r\n',
    );
    expect(csvRecord(['a,b', 'say "hi"', 'two\nlines'])).toBe('"a,b","say ""hi""","two\nlines"\r\n');
  });

  it('makes text a spreadsheet would run as a formula plain text', () => {
    expect(csvRecord(['=HYPERLINK("http://x")', '+1', '-1', '@SUM(A1)'])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'-1,'@SUM(A1)\r\n`,
    );
    // Numbers stay numbers.
    expect(csvRecord([-1])).toBe('-1\r\n');
  });

  it('is asked for with format=csv, or text/csv before JSON in Accept', () => {
    const request = (query: object, accept?: string) =>
      ({ query, headers: accept === undefined ? {} : { accept } }) as unknown as FastifyRequest;
    expect(wantsCsv(request({ format: 'csv' }))).toBe(true);
    expect(wantsCsv(request({}, 'text/csv'))).toBe(true);
    expect(wantsCsv(request({}, 'text/csv, application/json;q=0.5'))).toBe(true);
    expect(wantsCsv(request({}, 'application/json, text/csv'))).toBe(false);
    expect(wantsCsv(request({}, '*/*'))).toBe(false);
    expect(wantsCsv(request({}))).toBe(false);
  });
});
