/**
 * The callback side of the outbox (issue 16): HMAC-SHA256 for the signatures, and the HTTP POST that never follows
 * a redirect and connects only to an address the SSRF guard passes. The host is resolved at each delivery (DNS may
 * change) inside the connection's own `lookup`, so the address checked is the address connected to: a name that
 * resolves to a public address for the check and a private one for the connection cannot slip through.
 */
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import {
  type AddressRange,
  type CallbackResponse,
  type CallbackTransport,
  type HmacSha256,
  parseCallbackUrl,
  refusedAddress,
} from '../app/partners/index.js';

export const hmacSha256: HmacSha256 = (key, data) =>
  new Uint8Array(createHmac('sha256', key).update(data).digest());

/** Every address of a host name now (A and AAAA), for the guard at subscribe time. */
export function resolveHost(host: string): Promise<readonly string[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => a.address));
    });
  });
}

/** A `lookup` that refuses the connection when any address of the host is one the guard refuses. */
function guardedLookup(allow: readonly AddressRange[]): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { all: true, verbatim: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      for (const { address } of addresses) {
        const why = refusedAddress(address, allow);
        if (why) return callback(new Error(`${hostname} resolves to ${address}, a ${why} address`), '', 4);
      }
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} does not resolve`), '', 4);
      if (options.all)
        return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

/** The HTTP transport of callbacks: a POST with a timeout, no redirect followed, the body not read beyond 4 KiB. */
export function httpCallbackTransport(options: {
  allow: readonly AddressRange[];
  userAgent?: string;
}): CallbackTransport {
  return {
    post({ url, headers, body, timeoutMs }) {
      return new Promise<CallbackResponse>((resolve) => {
        let target: URL;
        try {
          target = parseCallbackUrl(url);
        } catch (error) {
          resolve({ kind: 'failed', error: error instanceof Error ? error.message : String(error) });
          return;
        }
        const host = target.hostname.replace(/^\[|\]$/g, '');
        // An address literal is judged here; a name, by the lookup at connect time.
        const literalRefusal = isIP(host) ? refusedAddress(host, options.allow) : undefined;
        if (literalRefusal) {
          resolve({ kind: 'failed', error: `callback address ${host} is ${literalRefusal}: refused` });
          return;
        }
        const client = target.protocol === 'https:' ? https : http;
        const payload = Buffer.from(body, 'utf8');
        const request = client.request(
          target,
          {
            method: 'POST',
            headers: {
              ...headers,
              'Content-Length': String(payload.length),
              'User-Agent': options.userAgent ?? 'PortLedger-Outbox/1',
            },
            lookup: guardedLookup(options.allow),
            timeout: timeoutMs,
            agent: false,
          },
          (response) => {
            let read = 0;
            response.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > 4096) response.destroy();
            });
            const done = () =>
              resolve({
                kind: 'answered',
                status: response.statusCode ?? 0,
                retryAfter: response.headers['retry-after'],
              });
            response.on('end', done);
            response.on('close', done);
            response.on('error', done);
          },
        );
        request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        request.on('error', (error) => resolve({ kind: 'failed', error: error.message }));
        request.end(payload);
      });
    },
  };
}
