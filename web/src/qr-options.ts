/** How the console's QR codes are made (web/src/qr.tsx draws them), apart from React so that tests can use it. */
import QRCode from 'qrcode';

/**
 * How every QR code of the console is made. Error correction M (about 15 % of the code may be unreadable) rather than
 * Q or H keeps the code low density: fewer, larger modules, which a kiosk scanner reads off a phone screen held at
 * arm's length and behind a scratched window. No version is given, so `qrcode` picks the smallest that holds the
 * text: a rotating pass (`plp1.`, at most about 120 characters) comes out at version 7 (45×45 modules), within the
 * version 10 issue 14 asks for (test/web/pass-qr.test.ts).
 */
export const qrOptions = { errorCorrectionLevel: 'M' } as const;

/**
 * The modules across the code of `text`, quiet zone included, or undefined when `text` is too long for any QR code.
 */
export function qrModulesAcross(text: string, margin: number): number | undefined {
  try {
    return QRCode.create(text, qrOptions).modules.size + 2 * margin;
  } catch {
    return undefined;
  }
}
