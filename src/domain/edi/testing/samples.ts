/**
 * Test support for the EDI mappers: the conformance samples (kept outside the repository, see
 * ../shared/conformance/README.md, never copied in) and small inline interchanges with correct envelopes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Message, readInterchange } from '../../../edifact/index.js';
import type { EdiIntent, MapResult } from '../intents.js';

/** ../shared/conformance/edifact from the repository root. */
export const edifactSamplesDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'conformance',
  'edifact',
);

/** Whether the conformance samples are there (tests skip visibly when not). */
export const hasSamples = existsSync(join(edifactSamplesDir, 'D95BBAPLIE.edi'));

/** The title of a describe block over the samples, saying why it is skipped when it is. */
export function samplesTitle(title: string): string {
  return hasSamples ? title : `${title} (skipped: conformance samples missing at ${edifactSamplesDir})`;
}

/** A sample's text, as the bytes decoded one per character (the reader's convention). */
export function sample(relative: string): string {
  return readFileSync(join(edifactSamplesDir, relative), 'latin1');
}

/** The messages of an interchange; fails the test with the reader's errors when it cannot be read. */
export function messagesOf(text: string): Message[] {
  const read = readInterchange(text);
  if (!read.ok)
    throw new Error(`the reader refused the interchange: ${JSON.stringify(read.errors.slice(0, 3))}`);
  return read.interchange.messages;
}

/**
 * An interchange of one message with the UNH identifier `identifier` (e.g. `COREOR:D:95B:UN`) and the body segments
 * given (without terminators), with the UNT count and the UNZ count right. The UNB is segment 1, the UNH segment 2,
 * so body segment i (0-based) is segment i + 3.
 */
export function interchangeOf(identifier: string, body: readonly string[], ref = 'M1'): string {
  const segments = [
    'UNB+UNOA:2+SENDER+PORTLEDGER+260101:1200+IC1',
    `UNH+${ref}+${identifier}`,
    ...body,
    `UNT+${body.length + 2}+${ref}`,
    'UNZ+1+IC1',
  ];
  return `${segments.join("'\n")}'\n`;
}

/** The one message of an inline interchange. */
export function messageOf(identifier: string, body: readonly string[]): Message {
  const [message] = messagesOf(interchangeOf(identifier, body));
  if (message === undefined) throw new Error('no message');
  return message;
}

/** The intents of a result, failing the test with the refusals when it was refused. */
export function intentsOf(result: MapResult): readonly EdiIntent[] {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.refusals.slice(0, 3))}`);
  return result.intents;
}
