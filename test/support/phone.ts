/**
 * A driver's phone for pickup passes (issue 10, row C), for SETUP where the phone is not the subject of the test:
 * an Ed25519 key made with WebCrypto (Node's, as the console makes it with the browser's), registered through
 * `POST /v1/me/devices` as the driver and confirmed by a planner of his haulier with the confirmation code the phone
 * shows, signing passes with the console's own code (`web/src/pickup-pass.ts`). The phone in the browser has its own
 * test: test/e2e/browser/rotating-pass.test.ts; `phoneCodeOnScreen` and `confirmPhoneInConsole` are its steps for
 * the journeys that walk through it.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { base64url, deviceConfirmationCode, signPass } from '../../web/src/pickup-pass.js';
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
    { code: await deviceConfirmationCode(publicKey) },
  );
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return {
    deviceId,
    async pass(credentialId, atMs = server.fixture.ledger.clock.now().getTime()) {
      return (await signPass(pair.privateKey, credentialId, atMs)).text;
    },
  };
}

/** The confirmation code the driver's phone shows under My jobs while it waits for his planner. */
export async function phoneCodeOnScreen(phone: Page): Promise<string> {
  const output = phone.getByRole('status', { name: 'Confirmation code' });
  await expect
    .poll(async () => ((await output.textContent()) ?? '').trim(), { timeout: 15_000 })
    .toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  return ((await output.textContent()) ?? '').trim();
}

/**
 * The planner, on Approvals, opens Confirm on the driver's phone and types the code the driver read out; the console
 * then asks for the step-up as it does (the caller handles it, or the session holds a recent one).
 */
export async function confirmPhoneInConsole(
  planner: Page,
  phone: { driverName: string; label: string; code: string },
): Promise<void> {
  const section = planner.getByRole('region', { name: "Drivers' phones" });
  await section
    .getByRole('button', { name: `Confirm ${phone.driverName}'s phone ${phone.label}` })
    .click({ timeout: 15_000 });
  await section.getByRole('textbox', { name: 'Confirmation code' }).fill(phone.code);
  await section.getByRole('button', { name: 'Confirm with this code' }).click();
}
