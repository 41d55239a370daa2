/**
 * Conversions between driver values and the port's types, shared by the repositories. `pg` returns `bigint` as a
 * string and both drivers return blobs as `Buffer`.
 */

/** A 64-bit integer column value as a number (indices stay far below 2^53). */
export function toNumber(value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}

/** A plain `Uint8Array` view of a driver's `Buffer`, without copying. */
export function toBytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** A `Buffer` view of bytes, as both drivers bind them, without copying. */
export function toBuffer(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Splits `items` into runs of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
