import type { IdentityWrites } from '../app/access/identity.ports.js';
import type { DetectionCursor } from '../app/detection/detection.ports.js';
import {
  type AlertRecord,
  ConcurrencyError,
  type JsonObject,
  type LedgerReads,
  type LedgerStore,
  type LedgerWriteTx,
  type OccupiedCell,
  type StoredCheckpoint,
  type StoredEvent,
  type StoredLogRow,
  StoreIntegrityError,
  type VisitMapFlags,
  type VisitRecord,
  type YardCell,
} from '../app/ports.js';
import { leafDataText } from '../audit/index.js';
import { matchedKeys } from '../domain/index.js';
import { createMemoryCosignatureStore } from './cosignature.repository.js';
import {
  type EdiInterchangeTable,
  memoryEdiInterchangeReads,
  memoryEdiInterchangeWrites,
} from './edi-interchange.memory.js';
import {
  cloneGateTables,
  emptyGateTables,
  type GateTables,
  memoryGateReads,
  memoryGateWrites,
} from './memory-gate.js';
import {
  cloneIdentityState,
  emptyIdentityState,
  type IdentityState,
  memoryIdentityReads,
  memoryIdentityWrites,
} from './memory-identity.js';
import {
  addMemoryPartnerEvents,
  memoryPartnerEventReads,
  type PartnerEventTable,
} from './memory-partner-events.js';
import {
  memoryPositionViewReads,
  type PositionViewTable,
  putMemoryPositionViews,
} from './memory-position-views.js';
import { memoryQueueCounts } from './memory-queue-counts.js';
import {
  cloneReleaseTables,
  emptyReleaseTables,
  memoryReleaseReads,
  memoryReleaseWrites,
  type ReleaseTables,
} from './memory-release.js';
import { emptySubscriptionTables, memoryOutboxStore, memorySubscriptionTx } from './memory-subscriptions.js';
import { alertPageSize, visitPageSize } from './read-model.repository.js';
import { ENDED_VISIT_STATUSES } from './schema.js';
import { sliceStream } from './stream-range.js';
import { checkAppend, TransactionGuard } from './write-rules.js';

const nodeKey = (level: number, index: number) => `${level}:${index}`;
const cellKey = (c: YardCell) => `${c.terminal}\u0000${c.block}\u0000${c.bay}\u0000${c.row}\u0000${c.tier}`;
const ended = new Set(ENDED_VISIT_STATUSES);
/** Code-unit order, as the SQL stores sort keys (BINARY on SQLite, `collate "C"` on PostgreSQL). */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What the store holds, or what one transaction adds to it. `null` in `cells` marks a vacated cell. */
interface Layer {
  readonly events: StoredEvent[];
  readonly eventIds: Set<string>;
  readonly streams: Map<string, number[]>;
  readonly nodes: Map<string, Uint8Array>;
  readonly checkpoints: Map<number, StoredCheckpoint>;
  readonly visits: Map<string, VisitRecord>;
  readonly cells: Map<string, OccupiedCell | null>;
  /** Unresolved alerts per visit (the `visit_flag` table of the SQL stores); a staged value replaces the base one. */
  readonly openAlerts: Map<string, number>;
  /** Alert read models by alert id; a staged row replaces the base one. */
  readonly alerts: Map<number, AlertRecord>;
}

function emptyLayer(): Layer {
  return {
    events: [],
    eventIds: new Set(),
    streams: new Map(),
    nodes: new Map(),
    checkpoints: new Map(),
    visits: new Map(),
    cells: new Map(),
    openAlerts: new Map(),
    alerts: new Map(),
  };
}

// The SQL stores keep data as JSON text and bytes as copies; so does this one, so that callers can mutate
// neither what was stored nor what they read.
const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const copyEvent = (e: StoredEvent): StoredEvent => ({ ...e, data: jsonCopy(e.data), leaf: e.leaf.slice() });
const copyCheckpoint = (c: StoredCheckpoint): StoredCheckpoint => ({ ...c, rootHash: c.rootHash.slice() });
const copyVisit = (v: VisitRecord): VisitRecord => ({ ...v, view: jsonCopy(v.view) as JsonObject });
const copyAlert = (a: AlertRecord): AlertRecord => jsonCopy(a);

/** Reads over the committed layer, seen through a transaction's staged layer when there is one. */
function layeredReads(
  base: Layer,
  staged: Layer | undefined,
  /** The booking's truck of each booked visit, by reference: the memory `driver_job`. */
  bookedTrucks: () => ReadonlyMap<string, { readonly truckPlate: string }>,
): Omit<LedgerReads, 'identity' | 'releases' | 'gate' | 'visitMapFlags' | 'detection' | 'edi'> {
  const layers = staged ? [base, staged] : [base];
  const size = () => base.events.length + (staged?.events.length ?? 0);
  const eventAt = (index: number) =>
    index < base.events.length ? base.events[index] : staged?.events[index - base.events.length];
  const visits = () => {
    const all = new Map(base.visits);
    for (const [ref, visit] of staged?.visits ?? []) all.set(ref, visit);
    return [...all.values()];
  };
  const cells = () => {
    const all = new Map(base.cells);
    for (const [key, cell] of staged?.cells ?? []) all.set(key, cell);
    return [...all.values()].filter((c): c is OccupiedCell => c !== null);
  };
  const alerts = () => {
    const all = new Map(base.alerts);
    for (const [id, alert] of staged?.alerts ?? []) all.set(id, alert);
    return [...all.values()];
  };
  const byPosition = (a: OccupiedCell, b: OccupiedCell) =>
    compareText(a.block, b.block) || a.bay - b.bay || a.row - b.row || a.tier - b.tier;
  const find = <K, V>(pick: (layer: Layer) => Map<K, V>, key: K): V | undefined => {
    for (const layer of [...layers].reverse()) {
      if (pick(layer).has(key)) return pick(layer).get(key);
    }
    return undefined;
  };

  return {
    async logSize() {
      return size();
    },
    async readStream(streamId) {
      const indices = layers.flatMap((layer) => layer.streams.get(streamId) ?? []);
      return indices.map((i) => copyEvent(eventAt(i)!));
    },
    async readStreamRange(streamId, range) {
      const indices = layers.flatMap((layer) => layer.streams.get(streamId) ?? []);
      return sliceStream(
        indices.map((i) => eventAt(i)!),
        range,
      ).map(copyEvent);
    },
    async readStreams(streamIds) {
      return new Map(
        streamIds.map((streamId) => [
          streamId,
          layers.flatMap((layer) => layer.streams.get(streamId) ?? []).map((i) => copyEvent(eventAt(i)!)),
        ]),
      );
    },
    async streamVersion(streamId) {
      return layers.reduce((n, layer) => n + (layer.streams.get(streamId)?.length ?? 0), 0);
    },
    async readEvents(fromIndex, limit) {
      const result: StoredEvent[] = [];
      for (let i = Math.max(fromIndex, 0); i < Math.min(fromIndex + limit, size()); i++) {
        result.push(copyEvent(eventAt(i)!));
      }
      return result;
    },
    async readLogRows(fromIndex, limit) {
      const rows: StoredLogRow[] = [];
      for (let i = Math.max(fromIndex, 0); i < Math.min(fromIndex + limit, size()); i++) {
        const { data, ...row } = copyEvent(eventAt(i)!);
        rows.push({ ...row, dataText: leafDataText(row, row.leaf) ?? JSON.stringify(data) });
      }
      return rows;
    },
    async readNodes(keys) {
      return keys.map((k) => {
        const hash = find((l) => l.nodes, nodeKey(k.level, k.index));
        if (!hash) {
          throw new StoreIntegrityError(
            'store.node_missing',
            `audit node (${k.level}, ${k.index}) is missing`,
          );
        }
        return hash.slice();
      });
    },
    async latestCheckpoint() {
      let latest: StoredCheckpoint | undefined;
      for (const layer of layers) {
        for (const c of layer.checkpoints.values()) if (!latest || c.treeSize > latest.treeSize) latest = c;
      }
      return latest && copyCheckpoint(latest);
    },
    async checkpointAt(treeSize) {
      const found = find((l) => l.checkpoints, treeSize);
      return found && copyCheckpoint(found);
    },
    async readCheckpoints(fromTreeSize, limit) {
      return layers
        .flatMap((layer) => [...layer.checkpoints.values()])
        .filter((c) => c.treeSize >= fromTreeSize)
        .sort((a, b) => a.treeSize - b.treeSize)
        .slice(0, Math.max(limit, 0))
        .map(copyCheckpoint);
    },
    async getVisit(visitRef) {
      const found = find((l) => l.visits, visitRef);
      return found && copyVisit(found);
    },
    async getVisits(visitRefs) {
      const found = new Map<string, VisitRecord>();
      for (const visitRef of visitRefs) {
        const visit = find((l) => l.visits, visitRef);
        if (visit) found.set(visitRef, copyVisit(visit));
      }
      return found;
    },
    async getAlertRecord(alertId) {
      const found = find((l) => l.alerts, alertId);
      return found && copyAlert(found);
    },
    async listAlertRecords(query) {
      const visible = query.visibleTo;
      const statuses = query.statuses && new Set<string>(query.statuses);
      return alerts()
        .filter(
          (a) =>
            (!visible ||
              visible.rules.includes(a.rule) ||
              a.orgId === visible.orgId ||
              (a.terminal !== null && visible.terminals.includes(a.terminal))) &&
            (!statuses || statuses.has(a.status)) &&
            (query.notAboutUser === undefined ||
              a.subjectKind !== 'user' ||
              a.subjectId !== query.notAboutUser) &&
            (query.rule === undefined || a.rule === query.rule) &&
            (query.severity === undefined || a.severity === query.severity) &&
            (query.assignedTo === undefined || a.assignedTo === query.assignedTo) &&
            (query.before === undefined || a.alertId < query.before) &&
            (query.after === undefined || a.alertId > query.after),
        )
        .sort((a, b) => (query.direction === 'asc' ? a.alertId - b.alertId : b.alertId - a.alertId))
        .slice(0, alertPageSize(query.limit))
        .map(copyAlert);
    },
    async findActiveVisit(containerNumber) {
      const active = visits()
        .filter((v) => v.containerNumber === containerNumber && !ended.has(v.status))
        .sort((a, b) => b.lastIndex - a.lastIndex);
      return active[0] && copyVisit(active[0]);
    },
    async findActiveVisits(containerNumbers) {
      const wanted = new Set(containerNumbers);
      const found = new Map<string, VisitRecord>();
      for (const visit of visits()) {
        if (!wanted.has(visit.containerNumber) || ended.has(visit.status)) continue;
        const known = found.get(visit.containerNumber);
        if (!known || known.lastIndex < visit.lastIndex) found.set(visit.containerNumber, copyVisit(visit));
      }
      return found;
    },
    async listVisits(query) {
      return visits()
        .filter(
          (v) =>
            (query.containerNumber === undefined || v.containerNumber === query.containerNumber) &&
            (query.status === undefined || v.status === query.status) &&
            (query.terminal === undefined || v.terminal === query.terminal) &&
            (query.after === undefined ||
              (query.direction === 'desc' ? v.visitRef < query.after : v.visitRef > query.after)),
        )
        .sort((a, b) =>
          query.direction === 'desc'
            ? compareText(b.visitRef, a.visitRef)
            : compareText(a.visitRef, b.visitRef),
        )
        .slice(0, visitPageSize(query.limit))
        .map(copyVisit);
    },
    async searchVisits(query) {
      const jobs = bookedTrucks();
      return visits()
        .filter((v) => query.after === undefined || v.visitRef > query.after)
        .sort((a, b) => compareText(a.visitRef, b.visitRef))
        .flatMap((visit) => {
          const matched = matchedKeys(query, {
            containerNumber: visit.containerNumber,
            keys: visit.searchKeys,
            bookedTruckPlate: jobs.get(visit.visitRef)?.truckPlate ?? null,
          });
          return matched.length > 0 ? [{ visit: copyVisit(visit), matched }] : [];
        })
        .slice(0, visitPageSize(query.limit));
    },
    async occupiedCells(where) {
      const bays = new Set(where.bays);
      return cells()
        .filter((c) => c.terminal === where.terminal && c.block === where.block && c.row === where.row)
        .filter((c) => bays.has(c.bay))
        .sort(byPosition)
        .map((c) => ({ ...c }));
    },
    async occupiedCellsIn(stacks) {
      const wanted = new Set(
        stacks.flatMap(({ terminal, block, row, bays }) =>
          bays.map((bay) => cellKey({ terminal, block, row, bay, tier: 0 })),
        ),
      );
      return cells()
        .filter((c) => wanted.has(cellKey({ ...c, tier: 0 })))
        .map((c) => ({ ...c }));
    },
    async terminalOccupancy(where) {
      return cells()
        .filter(
          (c) => c.terminal === where.terminal && (where.block === undefined || c.block === where.block),
        )
        .sort(byPosition)
        .map((c) => ({ ...c }));
    },
  };
}

function apply(base: Layer, staged: Layer): void {
  base.events.push(...staged.events);
  for (const id of staged.eventIds) base.eventIds.add(id);
  for (const [streamId, indices] of staged.streams) {
    const existing = base.streams.get(streamId);
    if (existing) existing.push(...indices);
    else base.streams.set(streamId, indices);
  }
  for (const [key, hash] of staged.nodes) base.nodes.set(key, hash);
  for (const [size, checkpoint] of staged.checkpoints) base.checkpoints.set(size, checkpoint);
  for (const [ref, visit] of staged.visits) base.visits.set(ref, visit);
  for (const [key, cell] of staged.cells) {
    if (cell) base.cells.set(key, cell);
    else base.cells.delete(key);
  }
  for (const [visitRef, count] of staged.openAlerts) base.openAlerts.set(visitRef, count);
  for (const [alertId, alert] of staged.alerts) base.alerts.set(alertId, alert);
}

/** `visitMapFlags` over the memory tables: the same definition as the SQL join in `read-model.repository.ts`. */
function memoryVisitMapFlags(
  reads: Pick<LedgerReads, 'releases' | 'identity'>,
  openAlerts: (visitRef: string) => number,
): LedgerReads['visitMapFlags'] {
  return async (visitRefs) => {
    const flags = new Map<string, VisitMapFlags>();
    for (const visitRef of visitRefs) {
      const release = await reads.releases.getRelease(visitRef);
      const holder =
        release && release.holder !== null && !release.blocked && !release.revoked
          ? await reads.identity.getOrganisation(release.holder)
          : undefined;
      const released = holder?.kind === 'haulier';
      const alerts = openAlerts(visitRef);
      if (released || alerts > 0) flags.set(visitRef, { released, openAlerts: alerts });
    }
    return flags;
  };
}

/**
 * The in-memory `LedgerStore`, with the semantics of the SQL stores: write transactions run one at a time (a
 * promise mutex stands in for the head lock), their writes are staged and applied only when `work` resolves, so
 * a throw rolls back everything; a failed write dooms its transaction. Identity writes go to a copy of the
 * identity state that replaces it on commit (see `memory-identity.ts`). For tests and demos: nothing survives
 * the process.
 *
 * @example
 * const store = createMemoryLedgerStore();
 * await store.writeTransaction((tx) => tx.appendToStream('visit-1', 0, events));
 */
export function createMemoryLedgerStore(): LedgerStore {
  const committed = emptyLayer();
  let committedIdentity = emptyIdentityState();
  let committedReleases = emptyReleaseTables();
  let committedGate = emptyGateTables();
  // The detection engines' places (issue 15): small, replaced whole, so a transaction stages its own copies.
  const committedCursors = new Map<string, DetectionCursor>();
  const committedViews: PositionViewTable = new Map();
  const committedSubscriptions = emptySubscriptionTables();
  const committedInterchanges: EdiInterchangeTable = new Map();
  const committedPartnerEvents: PartnerEventTable = new Map();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function run<T>(work: (tx: LedgerWriteTx) => Promise<T>): Promise<T> {
    if (closed) throw new Error('portledger: the store is closed');
    const staged = emptyLayer();
    const guard = new TransactionGuard(committed.events.length);
    const read = layeredReads(committed, staged, () => (stagedGate ?? committedGate).jobs);
    // Identity writes go to a copy of the identity state, made on the first one: a transaction that only
    // appends pays nothing for it.
    let stagedIdentity: IdentityState | undefined;
    const identityNow = () => stagedIdentity ?? committedIdentity;
    const identityStaged = () => {
      stagedIdentity ??= cloneIdentityState(committedIdentity);
      return stagedIdentity;
    };
    let identityTx: IdentityWrites | undefined;
    const makeIdentityTx = (): IdentityWrites => ({
      ...guard.wrapReads(memoryIdentityReads(identityNow)),
      ...guard.wrapWrites(memoryIdentityWrites(identityStaged)),
    });
    let stagedReleases: ReleaseTables | undefined;
    const releasesNow = () => stagedReleases ?? committedReleases;
    const releasesStaged = () => {
      stagedReleases ??= cloneReleaseTables(committedReleases);
      return stagedReleases;
    };
    let stagedGate: GateTables | undefined;
    const gateNow = () => stagedGate ?? committedGate;
    const gateStaged = () => {
      stagedGate ??= cloneGateTables(committedGate);
      return stagedGate;
    };
    const stagedViews: PositionViewTable = new Map();
    const stagedPartnerEvents: PartnerEventTable = new Map();
    const has = <K, V>(pick: (layer: Layer) => Map<K, V>, key: K) =>
      pick(committed).has(key) || pick(staged).has(key);
    const openAlertsNow = (visitRef: string) =>
      staged.openAlerts.get(visitRef) ?? committed.openAlerts.get(visitRef) ?? 0;
    const stagedCursors = new Map<string, DetectionCursor>();
    const subscriptionTx = memorySubscriptionTx(committedSubscriptions);
    const stagedInterchanges: EdiInterchangeTable = new Map();
    const cursorNow = (engineId: string) => stagedCursors.get(engineId) ?? committedCursors.get(engineId);

    const tx: LedgerWriteTx = {
      ...guard.wrapReads(read),
      subscriptions: {
        ...guard.wrapReads(subscriptionTx.writes),
        ...guard.wrapWrites(subscriptionTx.writes),
      },
      get identity() {
        identityTx ??= makeIdentityTx();
        return identityTx;
      },
      releases: {
        ...guard.wrapReads(memoryReleaseReads(releasesNow)),
        ...guard.wrapWrites(memoryReleaseWrites(releasesStaged)),
      },
      gate: {
        ...guard.wrapReads(memoryGateReads(gateNow)),
        ...guard.wrapWrites(memoryGateWrites(gateStaged)),
      },
      detection: {
        getDetectionCursor: guard.wrap(async (engineId: string) => {
          const cursor = cursorNow(engineId);
          return cursor && { ...cursor };
        }),
        advanceDetectionCursor: guard.wrap(
          async (cursor: DetectionCursor, expectedPosition: number | null) => {
            if ((cursorNow(cursor.engineId)?.position ?? null) !== expectedPosition) return false;
            stagedCursors.set(cursor.engineId, { ...cursor });
            return true;
          },
        ),
      },
      partnerEvents: {
        add: guard.wrap(async (rows) =>
          addMemoryPartnerEvents(committedPartnerEvents, stagedPartnerEvents, rows),
        ),
      },
      edi: {
        ...guard.wrapReads(memoryEdiInterchangeReads(committedInterchanges, stagedInterchanges)),
        putEdiInterchange: guard.wrap(
          memoryEdiInterchangeWrites(committedInterchanges, stagedInterchanges).putEdiInterchange,
        ),
      },
      positionViews: {
        putPositionViews: guard.wrap(async (rows) =>
          putMemoryPositionViews(committedViews, stagedViews, rows),
        ),
      },
      appendToStream: guard.wrap(async (streamId, expectedVersion, events) => {
        checkAppend({ streamId, expectedVersion, events, logSize: guard.size });
        const actual =
          (committed.streams.get(streamId)?.length ?? 0) + (staged.streams.get(streamId)?.length ?? 0);
        if (actual !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actual);
        const ids = new Set<string>();
        for (const e of events) {
          if (committed.eventIds.has(e.eventId) || staged.eventIds.has(e.eventId) || ids.has(e.eventId)) {
            throw new StoreIntegrityError('store.duplicate', `event ${e.eventId} is already stored`);
          }
          ids.add(e.eventId);
        }
        for (const e of events) {
          staged.events.push(copyEvent(e));
          staged.eventIds.add(e.eventId);
          const indices = staged.streams.get(streamId) ?? [];
          indices.push(e.index);
          staged.streams.set(streamId, indices);
        }
        guard.size += events.length;
      }),
      insertNodes: guard.wrap(async (nodes) => {
        const keys = nodes.map((n) => nodeKey(n.level, n.index));
        if (new Set(keys).size !== keys.length || keys.some((k) => has((l) => l.nodes, k))) {
          throw new StoreIntegrityError('store.duplicate', 'audit node is already stored');
        }
        for (const [i, n] of nodes.entries()) staged.nodes.set(keys[i]!, n.hash.slice());
      }),
      insertCheckpoint: guard.wrap(async (checkpoint) => {
        if (has((l) => l.checkpoints, checkpoint.treeSize)) {
          throw new StoreIntegrityError(
            'store.duplicate',
            `checkpoint of size ${checkpoint.treeSize} already stored`,
          );
        }
        staged.checkpoints.set(checkpoint.treeSize, copyCheckpoint(checkpoint));
      }),
      upsertVisit: guard.wrap(async (visit) => {
        staged.visits.set(visit.visitRef, copyVisit(visit));
      }),
      occupyCells: guard.wrap(async (cells, visitRef) => {
        const keys = cells.map(cellKey);
        const taken = (key: string) =>
          staged.cells.has(key) ? staged.cells.get(key) : committed.cells.get(key);
        if (new Set(keys).size !== keys.length || keys.some((k) => taken(k))) {
          throw new StoreIntegrityError('store.duplicate', 'yard cell is already occupied');
        }
        for (const [i, c] of cells.entries()) {
          const { terminal, block, bay, row, tier } = c;
          staged.cells.set(keys[i]!, { terminal, block, bay, row, tier, visitRef });
        }
      }),
      upsertVisits: guard.wrap(async (visits) => {
        for (const visit of visits) staged.visits.set(visit.visitRef, copyVisit(visit));
      }),
      occupyCellsOf: guard.wrap(async (cells) => {
        const keys = cells.map(cellKey);
        const taken = (key: string) =>
          staged.cells.has(key) ? staged.cells.get(key) : committed.cells.get(key);
        if (new Set(keys).size !== keys.length || keys.some((k) => taken(k))) {
          throw new StoreIntegrityError('store.duplicate', 'yard cell is already occupied');
        }
        for (const [i, { terminal, block, bay, row, tier, visitRef }] of cells.entries()) {
          staged.cells.set(keys[i]!, { terminal, block, bay, row, tier, visitRef });
        }
      }),
      vacateCells: guard.wrap(async (cells) => {
        for (const c of cells) staged.cells.set(cellKey(c), null);
      }),
      adjustOpenAlerts: guard.wrap(async (visitRef, delta) => {
        staged.openAlerts.set(visitRef, Math.max(openAlertsNow(visitRef) + delta, 0));
      }),
      putAlertRecord: guard.wrap(async (record) => {
        staged.alerts.set(record.alertId, copyAlert(record));
      }),
      visitMapFlags: guard.wrap((visitRefs: readonly string[]) =>
        memoryVisitMapFlags(tx, openAlertsNow)(visitRefs),
      ),
    };

    try {
      const result = await work(tx);
      guard.assertNotDoomed();
      apply(committed, staged);
      if (stagedIdentity) committedIdentity = stagedIdentity;
      if (stagedReleases) committedReleases = stagedReleases;
      if (stagedGate) committedGate = stagedGate;
      for (const [engineId, cursor] of stagedCursors) committedCursors.set(engineId, cursor);
      subscriptionTx.commit();
      for (const [key, row] of stagedViews) committedViews.set(key, row);
      for (const [id, row] of stagedInterchanges) committedInterchanges.set(id, row);
      for (const [key, row] of stagedPartnerEvents) committedPartnerEvents.set(key, row);
      return result;
    } finally {
      guard.close();
    }
  }

  const identity = memoryIdentityReads(() => committedIdentity);
  const releases = memoryReleaseReads(() => committedReleases);
  return {
    ...layeredReads(committed, undefined, () => committedGate.jobs),
    identity,
    releases,
    gate: memoryGateReads(() => committedGate),
    detection: {
      async getDetectionCursor(engineId) {
        const cursor = committedCursors.get(engineId);
        return cursor && { ...cursor };
      },
    },
    visitMapFlags: memoryVisitMapFlags(
      { identity, releases },
      (visitRef) => committed.openAlerts.get(visitRef) ?? 0,
    ),
    edi: memoryEdiInterchangeReads(committedInterchanges),
    cosignatures: createMemoryCosignatureStore(),
    outbox: memoryOutboxStore(committedSubscriptions),
    positionViews: memoryPositionViewReads(() => committedViews),
    partnerEvents: memoryPartnerEventReads(
      () => committedPartnerEvents,
      (visitRef) => committedReleases.parties.get(visitRef),
    ),
    queueCounts: memoryQueueCounts({
      releases: () => committedReleases.releases.values(),
      approvals: () => committedIdentity.approvals.values(),
      alerts: () => committed.alerts.values(),
      bookings: () => committedGate.bookings.values(),
      devices: () => committedGate.devices.values(),
      visits: () => committed.visits.values(),
    }),
    writeTransaction<T>(work: (tx: LedgerWriteTx) => Promise<T>): Promise<T> {
      const result = queue.then(() => run(work));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      await queue;
    },
  };
}
