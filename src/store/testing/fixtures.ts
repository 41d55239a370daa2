import type { JsonObject, StoredEvent, VisitRecord } from '../../app/ports.js';

/**
 * An event as the app layer would store it. The leaf is made-up bytes (every byte value, so that a driver that
 * mangles binary shows it), not a real RFC 8785 encoding: the store treats it as opaque.
 */
export function makeEvent(args: {
  index: number;
  streamId: string;
  streamVersion: number;
  type?: string;
  data?: JsonObject;
}): StoredEvent {
  const leaf = new Uint8Array(256 + (args.index % 7));
  for (let i = 0; i < leaf.length; i++) leaf[i] = (i + args.index) % 256;
  return {
    index: args.index,
    eventId: `evt-${args.streamId}-${args.streamVersion}`,
    streamId: args.streamId,
    streamVersion: args.streamVersion,
    type: args.type ?? 'ContainerAnnounced',
    recordedAt: new Date(Date.UTC(2025, 0, 1, 8, 0, 0, args.index % 1000)).toISOString(),
    data: args.data ?? {
      containerNumber: 'MSCU1234565',
      note: 'Zoë → quay 1 ✓',
      n: args.index,
      nested: { ok: true },
    },
    leaf,
  };
}

/** `count` events continuing `streamId` from `fromVersion` and the log from `fromIndex`. */
export function makeEvents(args: {
  streamId: string;
  fromIndex: number;
  fromVersion?: number;
  count: number;
}): StoredEvent[] {
  return Array.from({ length: args.count }, (_, i) =>
    makeEvent({
      index: args.fromIndex + i,
      streamId: args.streamId,
      streamVersion: (args.fromVersion ?? 0) + i + 1,
    }),
  );
}

export function makeVisit(overrides: Partial<VisitRecord> & { visitRef: string }): VisitRecord {
  return {
    containerNumber: 'MSCU1234565',
    status: 'in_yard',
    terminal: 'T1',
    streamVersion: 1,
    lastIndex: 0,
    view: { visitRef: overrides.visitRef, holds: [] },
    ...overrides,
  };
}
