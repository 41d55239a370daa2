/**
 * A driver's phone for pickup passes (issue 10, row C), for SETUP where the phone is not the subject of the test:
 * an Ed25519 key made with WebCrypto (Node's, as the console makes it with the browser's), registered through
 * `POST /v1/me/devices` as the driver and confirmed by a planner of his haulier, signing passes with the console's own
 * code (`web/src/pickup-pass.ts`). The phone in the browser has its own test: test/e2e/browser/rotating-pass.test.ts.
 */
import { expect } from 'vitest';
import { base64url, signPass } from '../../web/src/pickup-pass.js';
import type { ConsoleServer } from '../e2e/browser/console-server.js';
import { callAs } from './journeys.js';

export interface ConfirmedPhone {
  readonly deviceId: string;
  /** The `plp1.` pass of `credentialId` for the 30-second step of `atMs` (default: the server's now). */
  pass(credentialId: string, atMs?: number): Promise<string>;
}

/** Sets up a phone as `driverUserId` and has `plannerUserId` (a haulier planner of his haulier) confirm it. */
export async function confirmedPhone(
  server: ConsoleServer,
  people: { driver: string; planner: string },
): Promise<ConfirmedPhone> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKey = base64url(await crypto.subtle.exportKey('raw', pair.publicKey));
  const enrolled = await callAs(server, people.driver, 'POST', '/v1/me/devices', {
    publicKey,
    label: `phone of ${people.driver}`,
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
  const deviceId = String(enrolled.body.deviceId);
  const confirmed = await callAs(
    server,
    people.planner,
    'POST',
    `/v1/drivers/devices/${encodeURIComponent(deviceId)}/confirm`,
    {},
  );
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return {
    deviceId,
    async pass(credentialId, atMs = server.fixture.ledger.clock.now().getTime()) {
      return (await signPass(pair.privateKey, credentialId, atMs)).text;
    },
  };
}
