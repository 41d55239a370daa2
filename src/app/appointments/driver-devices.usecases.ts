/**
 * Driver devices (issue 10, row C: "a copied pass is worthless"). A driver enrols his phone in "My jobs": the
 * console makes a non-extractable Ed25519 key pair there and registers its public key. The gate then accepts only
 * rotating passes signed by that key (`src/audit/pickup-pass.ts`), so a screenshot, a copy of the printed
 * credential from a file or a badge number typed at the kiosk no longer opens the gate.
 *
 * A driver may sign in with a password and a TOTP code, both of which can be keylogged (MISSION §1), so a device
 * enrolled from his account does nothing until a planner of his own haulier confirms it. Whoever holds those can
 * enrol a phone of their own, with a label of their choosing; so the phone shows the driver a confirmation code
 * derived from its key (`deviceCode`), he reads it out to his planner, and confirming needs it. A wrong code is
 * refused (`driver.device_code_mismatch`) and recorded as a `DriverDeviceCodeMismatch` event; after five, the
 * phone can only be rejected (`driver.device_locked`). The planner's list never shows the code. Enrolling while
 * another device is active counts on the driver's one open `driver.device.enrolled_again` alert for the haulier
 * (raised on the first such try, its count growing after); while one waits for the planner, another enrolment is
 * refused (`driver.device_pending_exists`), recorded as a `DriverDeviceEnrolmentRefused` event and counted on that
 * alert too (gate issue 3). Confirming a device revokes the driver's previous one: he has one key at a time.
 *
 * Every step is an event on the driver's `driver-devices-<userId>` stream (with who, the key's fingerprint, the
 * IP address and the user agent); the `driver_device` read model is written beside it in the same transaction.
 */
import { decodeBase64UrlStrict, deviceKeyFingerprint, isDevicePublicKey } from '../../audit/index.js';
import {
  DEVICE_CODE_ATTEMPTS,
  deviceCodeFromDigest,
  deviceCodeInput,
  labelLooksLikeACode,
  normaliseDeviceCode,
} from '../../domain/index.js';
import type { RequestMeta } from '../access/index.js';
import type { SecretSealer } from '../access/security.ports.js';
import { ALERTS_STREAM, alertStream, applyAlertAction, deviceAlertRecord } from '../alerts/index.js';
import { AppError } from '../errors.js';
import type { DriverDeviceRecord, DriverDeviceStatus, PageQuery } from '../gate/gate.ports.js';
import type { Ledger, WriteContext } from '../ledger/index.js';
import { type JsonObject, type LedgerReads, MAX_ALERT_PAGE, type StoredEvent } from '../ports.js';
import { openDriverDetails } from './drivers.usecases.js';

export const driverDevicesStreamId = (userId: string) => `driver-devices-${userId}`;

/** The longest device label: a phone's name. */
export const MAX_DEVICE_LABEL = 60;

/** What the phone registers. */
export interface DeviceEnrolment {
  /** base64url (RFC 4648 §5, no padding) of the raw 32-byte Ed25519 public key. */
  readonly publicKey: string;
  readonly label: string;
}

/** A device as its driver sees it. */
export interface MyDeviceView {
  readonly deviceId: string;
  readonly label: string;
  readonly status: DriverDeviceStatus;
  readonly enrolledAt: string;
  readonly fingerprint: string;
}

/** A device as the planner of the driver's haulier sees it, to confirm or reject. Never its confirmation code. */
export interface HaulierDeviceView extends MyDeviceView {
  readonly driverName: string;
  readonly userId: string;
  readonly ip: string;
  readonly userAgent: string;
  /** Wrong confirmation codes typed for it so far. */
  readonly wrongCodes: number;
  /** After {@link DEVICE_CODE_ATTEMPTS} wrong codes a pending phone can only be rejected. */
  readonly locked: boolean;
}

/**
 * The confirmation code (`XXXX-XXXX`) of the phone whose raw Ed25519 public key this is: what the phone shows the
 * driver, and the planner types to confirm it (`src/domain/access/device-code.ts` says how it is made).
 *
 * @example
 * ```ts
 * await deviceCode(publicKey); // '7K3M-QW9P'
 * ```
 */
export async function deviceCode(publicKey: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', deviceCodeInput(publicKey));
  return deviceCodeFromDigest(new Uint8Array(digest));
}

/** Whether `typed` (as a planner types it) is the confirmation code of the phone with this public key. */
export async function deviceCodeMatches(typed: string, publicKey: Uint8Array): Promise<boolean> {
  const normalised = normaliseDeviceCode(typed);
  return normalised !== undefined && normalised === (await deviceCode(publicKey));
}

/** The wrong codes typed for each of a driver's devices: the `DriverDeviceCodeMismatch` events of his stream. */
function wrongCodesIn(events: readonly StoredEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) {
    if (event.type !== 'DriverDeviceCodeMismatch' || typeof event.data.deviceId !== 'string') continue;
    counts.set(event.data.deviceId, (counts.get(event.data.deviceId) ?? 0) + 1);
  }
  return counts;
}

/** Who acts: the driver himself, or a planner of his haulier. */
export interface DeviceActor {
  readonly orgId: string;
  readonly userId: string;
}

/**
 * Enrols a device for the calling driver: `pending` until a planner of his haulier confirms it. Records
 * `DriverDeviceEnrolled`; when the driver already has a device active or pending, also `DeviceAlertRaised`
 * (`driver.device.enrolled_again`) for his haulier.
 *
 * @example
 * ```ts
 * const { deviceId } = await enrolDriverDevice({ ledger }, { orgId: 'haul', userId: 'driver' },
 *   { publicKey: 'MCowBQYDK2VwAyEA…', label: 'Pixel 8' }, { ip: '192.0.2.7', userAgent: 'Mozilla/5.0' });
 * ```
 */
export async function enrolDriverDevice(
  deps: { ledger: Ledger },
  driver: DeviceActor,
  input: DeviceEnrolment,
  meta: RequestMeta,
): Promise<{ deviceId: string; status: 'pending'; fingerprint: string }> {
  const publicKey = typeof input.publicKey === 'string' ? decodeBase64UrlStrict(input.publicKey) : undefined;
  if (publicKey === undefined || publicKey.length !== 32 || !isDevicePublicKey(publicKey)) {
    throw new AppError(
      'driver.device_key_invalid',
      'publicKey must be the raw 32-byte Ed25519 public key, base64url without padding',
      { field: 'publicKey' },
    );
  }
  const label = typeof input.label === 'string' ? input.label.trim() : '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what the check refuses.
  if (label === '' || label.length > MAX_DEVICE_LABEL || /[\u0000-\u001f\u007f]/.test(label)) {
    throw new AppError('input.invalid', `label must be 1 to ${MAX_DEVICE_LABEL} printable characters`, {
      field: 'label',
    });
  }
  if (labelLooksLikeACode(label)) {
    throw new AppError('input.invalid', 'label must not look like a confirmation code', { field: 'label' });
  }
  const fingerprint = deviceKeyFingerprint(publicKey);
  // A refusal's event is committed, then the refusal thrown (gate issue 3).
  let refusal: AppError | undefined;
  const enrolled = await deps.ledger.write(async (context) => {
    const { tx } = context;
    const at = context.now.toISOString();
    const user = await tx.identity.getUser(driver.userId);
    if (!user || user.orgId !== driver.orgId || !user.roles.includes('driver')) {
      throw new AppError('auth.forbidden', 'only a driver enrols a device for his passes');
    }
    const stream = driverDevicesStreamId(driver.userId);
    const events = await tx.readStream(stream);
    const version = events.length;
    const ua = meta.userAgent.slice(0, 300);
    // Gate issue 3: at most one phone waits for the planner. From the log, not the read model.
    const pending = foldDriverDevices(events).find((d) => d.status === 'pending');
    if (pending !== undefined) {
      const [refused] = await context.append(stream, version, [
        {
          type: 'DriverDeviceEnrolmentRefused',
          data: {
            reason: 'pending_exists',
            pendingDeviceId: pending.deviceId,
            orgId: driver.orgId,
            userId: driver.userId,
            fingerprint,
            label,
            ip: meta.ip,
            userAgent: ua,
            at,
          },
        },
      ]);
      await countEnrolledAgain(context, driver, { deviceId: null, fingerprint, otherDevices: 1 }, refused!);
      refusal = new AppError(
        'driver.device_pending_exists',
        'another phone is already waiting for your planner: ask him to confirm or reject it before setting up another',
        { pendingDeviceId: pending.deviceId },
      );
      return undefined;
    }
    const deviceId = Buffer.from(context.ids.randomBytes(12)).toString('base64url');
    const others = (await tx.gate.devicesOfUser(driver.userId)).filter(
      (d) => d.status === 'active' || d.status === 'pending',
    );
    const [appended] = await context.append(stream, version, [
      {
        type: 'DriverDeviceEnrolled',
        data: {
          deviceId,
          orgId: driver.orgId,
          userId: driver.userId,
          publicKey: input.publicKey,
          fingerprint,
          label,
          ip: meta.ip,
          userAgent: ua,
          at,
        },
      },
    ]);
    await tx.gate.putDevice({
      deviceId,
      orgId: driver.orgId,
      userId: driver.userId,
      publicKey,
      fingerprint,
      label,
      status: 'pending',
      enrolledAt: at,
      ip: meta.ip,
      userAgent: ua,
      decidedBy: null,
      decidedAt: null,
    });
    if (others.length > 0) {
      await countEnrolledAgain(
        context,
        driver,
        { deviceId, fingerprint, otherDevices: others.length },
        appended!,
      );
    }
    return { deviceId, status: 'pending' as const, fingerprint };
  });
  if (refusal || !enrolled) throw refusal;
  return enrolled;
}

/**
 * Counts one more try to set up a phone while another is active or pending (gate issue 3): on the driver's open
 * `driver.device.enrolled_again` alert (`DeviceAlertRepeated` on its stream, carrying the count), else a new
 * alert. So a flood with a keylogged password is one alert whose count grows, as the gate groups its refusals.
 * `enrolment` is the device stream's event just appended (an enrolment, or a refused one).
 */
async function countEnrolledAgain(
  context: WriteContext,
  driver: DeviceActor,
  attempt: { deviceId: string | null; fingerprint: string; otherDevices: number },
  enrolment: StoredEvent,
): Promise<void> {
  const { tx } = context;
  const at = context.now.toISOString();
  const open = (
    await tx.listAlertRecords({
      visibleTo: { rules: [], orgId: driver.orgId, terminals: [] },
      statuses: ['open', 'acknowledged'],
      limit: MAX_ALERT_PAGE,
    })
  ).find((a) => a.rule === 'driver.device.enrolled_again' && a.subjectId === driver.userId);
  if (open !== undefined) {
    const earlier = (await tx.readStream(alertStream(open.alertId))).filter(
      (e) => e.type === 'DeviceAlertRepeated',
    ).length;
    const [repeated] = await context.appendAtEnd(alertStream(open.alertId), [
      {
        type: 'DeviceAlertRepeated',
        data: {
          alertId: String(open.alertId),
          userId: driver.userId,
          deviceId: attempt.deviceId,
          fingerprint: attempt.fingerprint,
          refused: attempt.deviceId === null,
          enrolmentIndex: enrolment.index,
          // The raising try, the earlier repeats and this one.
          occurrences: earlier + 2,
          at,
        },
      },
    ]);
    await tx.putAlertRecord(applyAlertAction(open, repeated!));
    return;
  }
  const data: JsonObject = {
    rule: 'driver.device.enrolled_again',
    userId: driver.userId,
    orgId: driver.orgId,
    deviceId: attempt.deviceId,
    fingerprint: attempt.fingerprint,
    otherDevices: attempt.otherDevices,
    at,
  };
  const [raised] = await context.appendAtEnd(ALERTS_STREAM, [{ type: 'DeviceAlertRaised', data }]);
  await tx.putAlertRecord(deviceAlertRecord(raised!));
}

/**
 * The caller's own devices, oldest first.
 *
 * @example
 * ```ts
 * (await listMyDevices(store, 'driver')).map((d) => d.status); // ['revoked', 'active']
 * ```
 */
export async function listMyDevices(reads: LedgerReads, userId: string): Promise<MyDeviceView[]> {
  return (await reads.gate.devicesOfUser(userId)).map(myView);
}

/**
 * The devices of the planner's own haulier's drivers, oldest first, in `status` when given. The driver's name
 * comes from the haulier's own driver records (sealed at rest), else from his account.
 *
 * @example
 * ```ts
 * (await listHaulierDevices(store, sealer, 'haul', 'pending'))[0]?.driverName; // 'Dirk Driver'
 * ```
 */
export async function listHaulierDevices(
  reads: LedgerReads,
  sealer: SecretSealer,
  orgId: string,
  status?: DriverDeviceStatus,
  /** One page of them (issue 13): without a status, every phone the haulier's drivers ever enrolled; either way. */
  page?: PageQuery<{ readonly enrolledAt: string; readonly deviceId: string }> & {
    readonly direction?: 'asc' | 'desc';
  },
): Promise<HaulierDeviceView[]> {
  return haulierViews(reads, sealer, orgId, await reads.gate.devicesOfOrg(orgId, status, page));
}

/** The planner's view of these devices of one haulier: each driver's name, and the wrong codes typed for each. */
async function haulierViews(
  reads: LedgerReads,
  sealer: SecretSealer,
  orgId: string,
  devices: readonly DriverDeviceRecord[],
): Promise<HaulierDeviceView[]> {
  const names = new Map<string, string>();
  const wrongCodes = new Map<string, number>();
  for (const userId of new Set(devices.map((d) => d.userId))) {
    const [record] = await reads.gate.driversOfUser(orgId, userId);
    const name = record
      ? openDriverDetails(sealer, record.sealed).name
      : (await reads.identity.getUser(userId))?.displayName;
    names.set(userId, name ?? userId);
    for (const [deviceId, count] of wrongCodesIn(await reads.readStream(driverDevicesStreamId(userId))))
      wrongCodes.set(deviceId, count);
  }
  return devices.map((device) =>
    haulierView(device, names.get(device.userId) ?? device.userId, wrongCodes.get(device.deviceId) ?? 0),
  );
}

/** A confirmation carries the code the driver read out from his phone; a rejection needs none. */
export type DeviceDecision =
  | { readonly decision: 'confirm'; readonly code: string }
  | { readonly decision: 'reject' };

/**
 * A planner of the driver's haulier confirms or rejects a pending device. Confirming needs the confirmation code
 * the phone shows the driver (`deviceCode`), which he reads out to the planner: a wrong one is recorded as a
 * `DriverDeviceCodeMismatch` event (who typed it, from where, which attempt) and refused
 * (`driver.device_code_mismatch`, with the attempts left), and after five the phone can only be rejected
 * (`driver.device_locked`). Confirming makes it the driver's one active device and revokes the one active before
 * (`DriverDeviceConfirmed` names it); rejecting records `DriverDeviceRejected`. `driver.device_not_found` for an
 * unknown device or another haulier's (one answer, so asking confirms nothing); `driver.device_not_pending` when it
 * was already decided. The route demands a passkey session and a recent step-up.
 *
 * @example
 * ```ts
 * await decideDriverDevice({ ledger, sealer }, { orgId: 'haul', userId: 'haulier-planner' }, deviceId,
 *   { decision: 'confirm', code: '7K3M-QW9P' }, { ip: '192.0.2.7', userAgent: 'Mozilla/5.0' });
 * ```
 */
export async function decideDriverDevice(
  deps: { ledger: Ledger; sealer: SecretSealer },
  planner: DeviceActor,
  deviceId: string,
  args: DeviceDecision,
  meta: RequestMeta,
): Promise<HaulierDeviceView> {
  const { decision } = args;
  // A wrong code's event is committed, then the refusal thrown.
  let refusal: AppError | undefined;
  const decided = await deps.ledger.write(async (context): Promise<DriverDeviceRecord | undefined> => {
    const { tx } = context;
    const at = context.now.toISOString();
    const device = await tx.gate.getDevice(deviceId);
    if (!device || device.orgId !== planner.orgId) {
      throw new AppError('driver.device_not_found', `your haulier has no device ${deviceId}`);
    }
    if (device.status !== 'pending') {
      throw new AppError('driver.device_not_pending', `device ${deviceId} is ${device.status}, not pending`, {
        status: device.status,
      });
    }
    const stream = driverDevicesStreamId(device.userId);
    const events = await tx.readStream(stream);
    const version = events.length;
    const decision_ = { decidedBy: planner.userId, decidedAt: at };
    if (args.decision === 'confirm') {
      const wrongCodes = wrongCodesIn(events).get(deviceId) ?? 0;
      if (wrongCodes >= DEVICE_CODE_ATTEMPTS) {
        throw new AppError(
          'driver.device_locked',
          `${DEVICE_CODE_ATTEMPTS} wrong confirmation codes were typed for phone ${deviceId}: it can only be rejected now; the driver sets his phone up again`,
          { attempts: DEVICE_CODE_ATTEMPTS },
        );
      }
      if (!(await deviceCodeMatches(args.code, device.publicKey))) {
        const attempt = wrongCodes + 1;
        const attemptsLeft = DEVICE_CODE_ATTEMPTS - attempt;
        await context.append(stream, version, [
          {
            type: 'DriverDeviceCodeMismatch',
            data: {
              deviceId,
              userId: device.userId,
              attempt,
              by: planner.userId,
              ip: meta.ip,
              userAgent: meta.userAgent.slice(0, 300),
              at,
            },
          },
        ]);
        refusal = new AppError(
          'driver.device_code_mismatch',
          attemptsLeft > 0
            ? `that is not the confirmation code of this phone: ask the driver for the code his phone shows, in person or on a call you place (${attemptsLeft} ${attemptsLeft === 1 ? 'try' : 'tries'} left). If he did not set up this phone, reject it`
            : 'that is not the confirmation code of this phone, and it was the last try: it can only be rejected now',
          { attemptsLeft },
        );
        return undefined;
      }
    }
    if (decision === 'reject') {
      await context.append(stream, version, [
        { type: 'DriverDeviceRejected', data: { deviceId, userId: device.userId, by: planner.userId, at } },
      ]);
      const rejected: DriverDeviceRecord = { ...device, status: 'rejected', ...decision_ };
      await tx.gate.putDevice(rejected);
      return rejected;
    }
    const previous = (await tx.gate.devicesOfUser(device.userId)).filter((d) => d.status === 'active');
    await context.append(stream, version, [
      {
        type: 'DriverDeviceConfirmed',
        data: {
          deviceId,
          userId: device.userId,
          fingerprint: device.fingerprint,
          revoked: previous.map((d) => d.deviceId),
          by: planner.userId,
          at,
        },
      },
    ]);
    for (const old of previous) await tx.gate.putDevice({ ...old, status: 'revoked', ...decision_ });
    const confirmed: DriverDeviceRecord = { ...device, status: 'active', ...decision_ };
    await tx.gate.putDevice(confirmed);
    return confirmed;
  });
  if (refusal || !decided) throw refusal;
  // The one device decided, not every phone the haulier's drivers ever enrolled (issue 13).
  const [view] = await haulierViews(deps.ledger.store, deps.sealer, planner.orgId, [decided]);
  return view ?? haulierView(decided, decided.userId, 0);
}

/** A device as the driver's `driver-devices-<userId>` stream says it stands. */
export interface LoggedDevice {
  readonly deviceId: string;
  readonly publicKey: Uint8Array;
  readonly status: DriverDeviceStatus;
}

/**
 * The devices of one driver folded from his `driver-devices-<userId>` events, in enrolment order: the record the
 * `driver_device` read model derives from. The events sit in the append-only, Merkle-verified log, so a database
 * administrator who edits the read model (issue 10, row E) cannot slip a key of his own to the gate this way.
 *
 * @example
 * ```ts
 * foldDriverDevices(await tx.readStream(driverDevicesStreamId('driver'))).at(-1)?.status; // 'active'
 * ```
 */
export function foldDriverDevices(
  events: readonly { readonly type: string; readonly data: JsonObject }[],
): LoggedDevice[] {
  const devices = new Map<string, LoggedDevice>();
  for (const { type, data } of events) {
    const deviceId = typeof data.deviceId === 'string' ? data.deviceId : undefined;
    if (deviceId === undefined) continue;
    const known = devices.get(deviceId);
    if (type === 'DriverDeviceEnrolled' && typeof data.publicKey === 'string') {
      const publicKey = decodeBase64UrlStrict(data.publicKey);
      if (publicKey) devices.set(deviceId, { deviceId, publicKey, status: 'pending' });
    } else if (type === 'DriverDeviceRejected' && known) {
      devices.set(deviceId, { ...known, status: 'rejected' });
    } else if (type === 'DriverDeviceConfirmed' && known) {
      const revoked = Array.isArray(data.revoked) ? data.revoked : [];
      for (const old of revoked) {
        const before = typeof old === 'string' ? devices.get(old) : undefined;
        if (before) devices.set(before.deviceId, { ...before, status: 'revoked' });
      }
      devices.set(deviceId, { ...known, status: 'active' });
    }
  }
  return [...devices.values()];
}

/**
 * The device whose key the gate verifies a driver's passes with, read from the log itself rather than the read
 * model: his active device, if any.
 *
 * @example
 * ```ts
 * const device = await activeDeviceInLog(tx, 'driver');
 * ```
 */
export async function activeDeviceInLog(
  reads: Pick<LedgerReads, 'readStream'>,
  userId: string,
): Promise<LoggedDevice | undefined> {
  return foldDriverDevices(await reads.readStream(driverDevicesStreamId(userId)))
    .filter((d) => d.status === 'active')
    .at(-1);
}

/**
 * The one device whose key the gate verifies a driver's passes with: his active device, if any.
 *
 * @example
 * ```ts
 * const device = await activeDeviceOf(tx, 'driver');
 * ```
 */
export async function activeDeviceOf(
  reads: Pick<LedgerReads, 'gate'>,
  userId: string,
): Promise<DriverDeviceRecord | undefined> {
  return (await reads.gate.devicesOfUser(userId)).filter((d) => d.status === 'active').at(-1);
}

function myView(device: DriverDeviceRecord): MyDeviceView {
  return {
    deviceId: device.deviceId,
    label: device.label,
    status: device.status,
    enrolledAt: device.enrolledAt,
    fingerprint: device.fingerprint,
  };
}

function haulierView(device: DriverDeviceRecord, driverName: string, wrongCodes: number): HaulierDeviceView {
  return {
    ...myView(device),
    driverName,
    userId: device.userId,
    ip: device.ip,
    userAgent: device.userAgent,
    wrongCodes,
    locked: device.status === 'pending' && wrongCodes >= DEVICE_CODE_ATTEMPTS,
  };
}
