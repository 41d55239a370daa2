import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

/**
 * CSV export of a list (issue 14): what the list's filter shows, every page of it, streamed a page at a time so that
 * neither the server nor the client holds the whole list. The rows are the ones the JSON list gives the same caller,
 * so need-to-know is the list's own. A client asks with `format=csv` or by preferring `text/csv` in `Accept`.
 */
export const CsvFormat = Type.Optional(
  Type.Literal('csv', { description: 'csv: every page of the list as one CSV file (RFC 4180), streamed' }),
);

/** Whether the request asks for CSV: `format=csv`, or `text/csv` before any JSON in `Accept`. */
export function wantsCsv(request: FastifyRequest): boolean {
  if ((request.query as { format?: unknown } | undefined)?.format === 'csv') return true;
  const accept = request.headers.accept ?? '';
  const csv = accept.indexOf('text/csv');
  const json = accept.indexOf('application/json');
  return csv !== -1 && (json === -1 || csv < json);
}

export type CsvValue = string | number | boolean | null | undefined;

// A cell a spreadsheet would run as a formula (OWASP, CSV injection): a leading quote makes it text.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV record (RFC 4180 §2): fields with a comma, a quote or a line break are quoted, quotes doubled; CRLF ends
 * it. Text that a spreadsheet would take for a formula is prefixed with `'`.
 *
 * @example
 * ```ts
 * csvRecord(['MSCU1234566', 'in, yard', '=1+1']); // 'MSCU1234566,"in, yard",\'=1+1\r\n'
 * ```
 */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values
    .map((value) => {
      if (value === null || value === undefined) return '';
      let text = String(value);
      if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',')}\r\n`;
}

/**
 * Streams `pages` as one CSV file named `filename`: the header first, then each page's records as the page is read.
 * `pages` yields the records of one page at a time and ends after the last.
 */
export function sendCsv(
  reply: FastifyReply,
  filename: string,
  header: readonly string[],
  pages: AsyncIterable<readonly (readonly CsvValue[])[]>,
): FastifyReply {
  async function* lines() {
    yield csvRecord(header);
    for await (const records of pages) {
      if (records.length > 0) yield records.map(csvRecord).join('');
    }
  }
  return reply
    .code(200)
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(Readable.from(lines(), { objectMode: false }));
}
