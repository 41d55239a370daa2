/**
 * Draws the console's app icons (web/public/icons/icon-192.png and icon-512.png, named by the web app manifest) as
 * plain PNGs, with nothing but node:zlib: a container box in the port's amber on the console's header blue, kept
 * inside the middle 60 % so that a launcher's round or squircle mask (a "maskable" icon) never cuts it.
 *
 * Run `node scripts/make-app-icons.mjs` after changing the drawing, and commit the two PNGs it writes.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const HEADER_BLUE = [0x0f, 0x2a, 0x43];
const AMBER = [0xff, 0xbf, 0x47];
const AMBER_DARK = [0xc2, 0x61, 0x0f];
const WHITE = [0xff, 0xff, 0xff];

/** The colour of pixel (x, y) of a `size`-pixel icon, all in fractions of the side. */
function colourAt(x, y, size) {
  const u = (x + 0.5) / size;
  const v = (y + 0.5) / size;
  // The box: 60 % wide, 34 % high, its doors' bars and its corrugation as darker stripes.
  const left = 0.2;
  const right = 0.8;
  const top = 0.4;
  const bottom = 0.74;
  if (u >= left && u < right && v >= top && v < bottom) {
    const frame = 0.025;
    if (u < left + frame || u >= right - frame || v < top + frame || v >= bottom - frame) return AMBER_DARK;
    const ribs = Math.floor(((u - left) / (right - left)) * 20);
    return ribs % 2 === 1 ? AMBER_DARK : AMBER;
  }
  // A white pass above the box, as the driver shows it at the gate.
  if (u >= 0.4 && u < 0.6 && v >= 0.2 && v < 0.35) {
    const cell = Math.floor((u - 0.4) / 0.04) + Math.floor((v - 0.2) / 0.0375);
    return cell % 2 === 0 ? WHITE : HEADER_BLUE;
  }
  return HEADER_BLUE;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGB PNG (colour type 2), each row with filter 0. */
function png(size) {
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y += 1) {
    const start = y * (1 + size * 3);
    rows[start] = 0;
    for (let x = 0; x < size; x += 1) {
      const [r, g, b] = colourAt(x, y, size);
      rows[start + 1 + x * 3] = r;
      rows[start + 2 + x * 3] = g;
      rows[start + 3 + x * 3] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const folder = resolve(import.meta.dirname, '..', 'web', 'public', 'icons');
for (const size of [192, 512]) {
  const path = resolve(folder, `icon-${size}.png`);
  writeFileSync(path, png(size));
  console.log(`wrote ${path}`);
}
