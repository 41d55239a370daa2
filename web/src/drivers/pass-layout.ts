/** The layout of the full-screen pass (PassView.tsx), apart from React so that tests can use it. */

/**
 * The side of the QR code in CSS pixels: the width of an upright phone less its margins, leaving the heading and the
 * gate window in view below it; on a wide screen, the height less the heading, with the facts beside it.
 */
export function passQrSize({ width, height }: { width: number; height: number }): number {
  const landscape = width > height * 1.1;
  const side = landscape ? Math.min(height - 140, width * 0.55) : Math.min(width - 32, height - 250);
  return Math.round(Math.max(200, Math.min(side, 900)));
}
