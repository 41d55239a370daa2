/**
 * The documents a demo box travels under (issue 14: the search finds a box by them): a carrier booking for every
 * box, and a bill of lading for an import, in DCSA's names. They are derived from the box rather than drawn, so
 * that adding them changed no other draw of the seeded demo, and a person can tell them from the container page.
 */
export function demoDocuments(box: { line: string; containerNumber: string; import: boolean }): {
  transportDocumentReference?: string;
  carrierBookingReference: string;
} {
  const serial = box.containerNumber.slice(4, 10);
  return {
    // A line's bill of lading starts with its SCAC, as MSC's and Maersk's do: `MSCUB` + six digits, 11 of DCSA's 20.
    ...(box.import ? { transportDocumentReference: `${box.line}B${serial}` } : {}),
    carrierBookingReference: `BK-${box.line}-${serial}`,
  };
}
