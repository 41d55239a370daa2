import { describe, expect, it } from 'vitest';
import { foldDriverDevices } from './driver-devices.usecases.js';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64url');
const enrolled = (deviceId: string, fill: number) => ({
  type: 'DriverDeviceEnrolled',
  data: { deviceId, publicKey: key(fill), label: deviceId, at: '2030-03-04T08:00:00.000Z' },
});
const confirmed = (deviceId: string, revoked: string[] = []) => ({
  type: 'DriverDeviceConfirmed',
  data: { deviceId, revoked, by: 'planner', at: '2030-03-04T08:01:00.000Z' },
});
const rejected = (deviceId: string) => ({
  type: 'DriverDeviceRejected',
  data: { deviceId, by: 'planner', at: '2030-03-04T08:01:00.000Z' },
});
const statuses = (events: Parameters<typeof foldDriverDevices>[0]) =>
  Object.fromEntries(foldDriverDevices(events).map((d) => [d.deviceId, d.status]));

describe("a driver's devices, folded from his driver-devices stream", () => {
  it('are pending until confirmed or rejected; confirming a new phone revokes the one it names', () => {
    expect(statuses([enrolled('a', 1)])).toEqual({ a: 'pending' });
    expect(statuses([enrolled('a', 1), confirmed('a')])).toEqual({ a: 'active' });
    expect(statuses([enrolled('a', 1), rejected('a')])).toEqual({ a: 'rejected' });
    expect(
      statuses([enrolled('a', 1), confirmed('a'), enrolled('b', 2), confirmed('b', ['a']), enrolled('c', 3)]),
    ).toEqual({ a: 'revoked', b: 'active', c: 'pending' });
    expect(foldDriverDevices([enrolled('a', 7)])[0]?.publicKey).toEqual(new Uint8Array(32).fill(7));
  });

  it('ignores decisions about devices never enrolled, and enrolments whose key is not base64url', () => {
    expect(statuses([confirmed('ghost'), rejected('ghost')])).toEqual({});
    expect(
      statuses([{ type: 'DriverDeviceEnrolled', data: { deviceId: 'x', publicKey: 'not base64url!' } }]),
    ).toEqual({});
  });
});
