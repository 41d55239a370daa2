/**
 * The rotating pickup pass on the driver's phone (issue 10, row C). A pickup credential copied from a file, a
 * screenshot or a badge number typed at the kiosk must not open the gate: the pass is signed afresh, every 30
 * seconds, by a key made on the phone itself and never exported from it.
 *
 * - The key: Ed25519 from WebCrypto, generated NON-extractable, so no script on the page (nor the driver) can read
 *   the private half; the `CryptoKeyPair` is kept in IndexedDB by structured clone, which stores a non-extractable
 *   key as an opaque handle (WebCrypto §14.5, HTML "StructuredSerialize" of CryptoKey). The server learns only the
 *   raw 32-byte public key (RFC 8032 §5.1.5), and the haulier's planner confirms the phone before it signs anything,
 *   typing the confirmation code this phone shows its driver ({@link deviceConfirmationCode}), computed here from
 *   the key this phone holds (never taken from the server).
 * - The pass: `plp1.<credentialId>.<counter>.<base64url(signature)>`, where `counter` = ⌊unix seconds / 30⌋ (the
 *   time step of RFC 6238 §4) and the signature is Ed25519 over the UTF-8 of
 *   `"portledger pickup pass v1\n" + credentialId + "\n" + counter + "\n"`. The gate accepts the current step, the one
 *   before or the one after; so a pass captured a minute ago is refused.
 */

import { deviceCodeFromDigest, deviceCodeInput } from '../../src/domain/access/device-code.js';

/** The time step of a pass, in seconds: a new signature every 30 s. */
export const PASS_STEP_SECONDS = 30;

const PASS_DOMAIN = 'portledger pickup pass v1';

/** The 30-second step of `nowMs` (ms since the Unix epoch), as the gate counts it. */
export function passCounter(nowMs: number): number {
  return Math.floor(nowMs / 1000 / PASS_STEP_SECONDS);
}

/** The exact bytes a pass signs: domain, credential and step, each line ended by a newline. */
export function passMessage(credentialId: string, counter: number): Uint8Array {
  return new TextEncoder().encode(`${PASS_DOMAIN}\n${credentialId}\n${counter}\n`);
}

/** RFC 4648 §5 base64url, without padding. */
export function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = '';
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of RFC 4648 §5 base64url text (padding optional). */
export function fromBase64url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * The confirmation code (`XXXX-XXXX`) of the phone whose raw public key is `publicKey` (base64url): the driver reads
 * it out to his planner, who types it to confirm this phone (`src/domain/access/device-code.ts` says how it is made).
 */
export async function deviceConfirmationCode(publicKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', deviceCodeInput(fromBase64url(publicKey)));
  return deviceCodeFromDigest(new Uint8Array(digest));
}

export interface SignedPass {
  /** What the QR code carries and the kiosk reads. */
  readonly text: string;
  readonly counter: number;
  /** When this pass's step ends and the phone signs the next one (ms since the epoch). */
  readonly renewsAt: number;
}

/** Signs the pass of `credentialId` for the step of `nowMs` with the phone's private key. */
export async function signPass(
  privateKey: CryptoKey,
  credentialId: string,
  nowMs: number,
): Promise<SignedPass> {
  const counter = passCounter(nowMs);
  const signature = await crypto.subtle.sign(
    { name: 'Ed25519' },
    privateKey,
    passMessage(credentialId, counter) as BufferSource,
  );
  return {
    text: `plp1.${credentialId}.${counter}.${base64url(signature)}`,
    counter,
    renewsAt: (counter + 1) * PASS_STEP_SECONDS * 1000,
  };
}

/**
 * What a kiosk input looks like before it is sent: a rotating pass from a phone, the terminal's printed fallback
 * (`plc1.`), or neither (a badge number, a PIN, a stray scan), which the kiosk says plainly without asking the server.
 */
export function passShape(text: string): 'rotating' | 'printed' | 'unknown' {
  const value = text.trim();
  if (/^plp1\.[A-Za-z0-9_-]+\.\d+\.[A-Za-z0-9_-]+$/.test(value)) return 'rotating';
  if (/^plc1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value)) return 'printed';
  return 'unknown';
}

/** The pickup-pass key of one person on this phone. */
export interface DeviceKey {
  readonly userId: string;
  readonly keyPair: CryptoKeyPair;
  /** The raw 32-byte public key, base64url: what `POST /v1/me/devices` registers. */
  readonly publicKey: string;
  /** The server's id of this phone once registered. */
  readonly deviceId: string | null;
  readonly createdAt: string;
}

/** Makes a fresh Ed25519 key pair whose private half can never leave this browser. */
export async function generateDeviceKey(userId: string, now: Date): Promise<DeviceKey> {
  const keyPair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  // The public half of a pair is always exportable (WebCrypto §14.3.6); the private half stays non-extractable.
  const raw = await crypto.subtle.exportKey('raw', keyPair.publicKey);
  return { userId, keyPair, publicKey: base64url(raw), deviceId: null, createdAt: now.toISOString() };
}

const DATABASE = 'portledger-pickup-pass';
const STORE = 'device-keys';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'userId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(
  mode: IDBTransactionMode,
  use: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const database = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = use(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    database.close();
  }
}

/** The key this phone keeps for `userId`, if it made one. */
export async function loadDeviceKey(userId: string): Promise<DeviceKey | undefined> {
  const found = await withStore<DeviceKey | undefined>('readonly', (store) => store.get(userId));
  return found ?? undefined;
}

export async function saveDeviceKey(key: DeviceKey): Promise<void> {
  await withStore('readwrite', (store) => store.put(key));
}

/** Forgets the key of `userId` on this phone (a rejected or replaced phone starts again with a new key). */
export async function forgetDeviceKey(userId: string): Promise<void> {
  await withStore('readwrite', (store) => store.delete(userId));
}
