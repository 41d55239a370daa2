import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { humanLogLine, parseLogLevel, serverLog, urlPeopleOpen } from './server-log.js';

describe('start-up output for people (issue 14, item 10)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portledger-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints localhost for an address on this machine, where passkeys work', () => {
    expect(urlPeopleOpen('127.0.0.1', 8080)).toBe('http://localhost:8080');
    expect(urlPeopleOpen('localhost', 8080)).toBe('http://localhost:8080');
    expect(urlPeopleOpen('0.0.0.0', 8080)).toBe('http://localhost:8080');
    expect(urlPeopleOpen('::', 8080)).toBe('http://localhost:8080');
    expect(urlPeopleOpen('port.example', 443)).toBe('http://port.example:443');
    expect(urlPeopleOpen('fd00::7', 8080)).toBe('http://[fd00::7]:8080');
  });

  it('takes a log level from the flag or a setting, and stops on one it does not know', () => {
    expect(parseLogLevel(undefined, '--log-level')).toBeUndefined();
    expect(parseLogLevel('', 'PORTLEDGER_LOG_LEVEL')).toBeUndefined();
    expect(parseLogLevel(' Info ', '--log-level')).toBe('info');
    expect(() => parseLogLevel('loud', 'PORTLEDGER_LOG_LEVEL')).toThrow(
      'PORTLEDGER_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not loud',
    );
  });

  it('says a log line as a person reads it, on the terminal clock with the zone named', () => {
    const time = Date.parse('2030-03-04T08:30:00Z');
    expect(
      humanLogLine(
        JSON.stringify({ level: 50, time, msg: 'could not sign a checkpoint', err: { message: 'locked' } }),
        'Europe/Brussels',
      ),
    ).toBe('2030-03-04 09:30 (Europe/Brussels) error: could not sign a checkpoint: locked\n');
    expect(humanLogLine(JSON.stringify({ level: 40, time, msg: 'slow' }), undefined)).toBe(
      '2030-03-04 08:30 (UTC) warning: slow\n',
    );
    expect(humanLogLine('not json', 'Europe/Brussels')).toBe('not json\n');
  });

  it('without a level, writes JSON lines to the file and only readable warnings to stderr', () => {
    const file = join(dir, 'nested', 'portledger.log');
    const stderr = new PassThrough();
    let said = '';
    stderr.on('data', (chunk) => {
      said += chunk;
    });
    const log = serverLog({ level: undefined, file, stderr, timeZone: () => 'Europe/Brussels' });
    expect(log.destination).toBe(file);
    log.logger.info({ req: { url: '/healthz' } }, 'incoming request');
    log.logger.warn('the witnesses lag');
    log.close();
    log.logger.info('after close: dropped, not thrown');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'the witnesses lag']);
    expect(said).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Europe\/Brussels\) warning: the witnesses lag\n$/);
    expect(said).not.toMatch(/incoming request|\{/);
  });

  it('with a level, writes JSON to stderr as before', () => {
    const log = serverLog({
      level: 'warn',
      file: join(dir, 'unused.log'),
      stderr: new PassThrough(),
      timeZone: () => undefined,
    });
    expect(log.destination).toBe('stderr');
    expect(log.logger.level).toBe('warn');
  });
});
