import { type Kysely, sql } from 'kysely';
import type { IdentityReads, IdentityWrites } from '../app/access/identity.ports.js';
import {
  ConcurrencyError,
  type LedgerReads,
  type LedgerStore,
  type LedgerWriteTx,
  type NodeKey,
  type StoredEvent,
  StoreIntegrityError,
  type SubtreeNode,
} from '../app/ports.js';
import { createAuditRepository, nodeKey } from './audit.repository.js';
import { createCosignatureRepository } from './cosignature.repository.js';
import { createDetectionCursorRepository, detectionCursorReads } from './detection-cursor.repository.js';
import { type StoreDialect, type StoreDialectName, storeDialect } from './dialect.js';
import { createEdiInterchangeRepository, ediInterchangeReads } from './edi-interchange.repository.js';
import { createEventRepository } from './event.repository.js';
import { createGateRepository, gateReads } from './gate.repository.js';
import { type GroupTransaction, groupCommit } from './group-commit.js';
import { createIdentityRepository, type IdentityRepository } from './identity.repository.js';
import { createPartnerEventRepository } from './partner-event.repository.js';
import { createPositionViewRepository } from './position-view.repository.js';
import { createQueueCountRepository } from './queue-counts.repository.js';
import { createReadModelRepository } from './read-model.repository.js';
import { createReadModelTablesRepository, readModelTableReads } from './read-model-tables.repository.js';
import { createReleaseRepository, releaseReads } from './release.repository.js';
import type { Database } from './schema.js';
import { rangeReachedEnd, sliceStream } from './stream-range.js';
import {
  createOutboxStore,
  createSubscriptionRepository,
  subscriptionReads,
} from './subscription.repository.js';
import { createPostgresWindowCounts } from './window-counts.repository.js';
import { checkAppend, TransactionGuard } from './write-rules.js';

export interface KyselyLedgerStoreOptions {
  /** A migrated database (see `migrate`). The store owns it from now on: `close()` destroys it. */
  readonly db: Kysely<Database>;
  /**
   * Where write transactions run, when not on `db`: on SQLite a connection owned by a worker thread
   * (`sqlite-writer.ts`). The store owns it too.
   */
  readonly writer?: Kysely<Database> | undefined;
  readonly dialect: StoreDialectName;
}

function repositories(db: Kysely<Database>, dialect: StoreDialect) {
  return {
    events: createEventRepository({ db, dialect }),
    audit: createAuditRepository({ db, dialect }),
    models: createReadModelRepository({ db, dialect }),
  };
}

type Repositories = ReturnType<typeof repositories>;

/** The read half of the identity repository, so that the store's own `identity` offers no writes. */
function identityReads(identity: IdentityRepository): IdentityReads {
  return {
    getOrganisation: (orgId) => identity.getOrganisation(orgId),
    findOrganisationByCode: (code) => identity.findOrganisationByCode(code),
    listOrganisations: (where) => identity.listOrganisations(where),
    getUser: (userId) => identity.getUser(userId),
    findUserByUsername: (username) => identity.findUserByUsername(username),
    listUsers: (where) => identity.listUsers(where),
    getPasswordCredential: (userId) => identity.getPasswordCredential(userId),
    listPasskeys: (userId) => identity.listPasskeys(userId),
    getPasskey: (credentialId) => identity.getPasskey(credentialId),
    getSession: (idHash) => identity.getSession(idHash),
    getEnrolmentLink: (tokenHash) => identity.getEnrolmentLink(tokenHash),
    getEnrolment: (enrolmentId) => identity.getEnrolment(enrolmentId),
    findEnrolmentByCredential: (credentialId) => identity.findEnrolmentByCredential(credentialId),
    listEnrolments: (where) => identity.listEnrolments(where),
    getApiToken: (tokenHash) => identity.getApiToken(tokenHash),
    listApiTokens: (where) => identity.listApiTokens(where),
    getApproval: (requestId) => identity.getApproval(requestId),
    listApprovals: (where) => identity.listApprovals(where),
    loginFailures: (key, since) => identity.loginFailures(key, since),
  };
}

function reads(
  repos: Repositories,
  logSize: () => Promise<number>,
): Omit<LedgerReads, 'identity' | 'releases' | 'gate' | 'detection' | 'edi'> {
  const { events, audit, models } = repos;
  return {
    logSize,
    readStream: (streamId) => events.readStream(streamId),
    readStreamRange: (streamId, range) => events.readStreamRange(streamId, range),
    readStreams: (streamIds) => events.readStreams(streamIds),
    streamVersion: (streamId) => events.streamVersion(streamId),
    readEvents: (fromIndex, limit) => events.readEvents(fromIndex, limit),
    readLogRows: (fromIndex, limit) => events.readLogRows(fromIndex, limit),
    async readNodes(keys: readonly NodeKey[]) {
      if (keys.length === 0) return [];
      const found = await audit.findNodes(keys);
      return keys.map((k) => {
        const hash = found.get(nodeKey(k.level, k.index));
        if (!hash) {
          throw new StoreIntegrityError(
            'store.node_missing',
            `audit node (${k.level}, ${k.index}) is missing`,
          );
        }
        return hash;
      });
    },
    latestCheckpoint: () => audit.latestCheckpoint(),
    checkpointAt: (treeSize) => audit.checkpointAt(treeSize),
    readCheckpoints: (fromTreeSize, limit) => audit.readCheckpoints(fromTreeSize, limit),
    getVisit: (visitRef) => models.getVisit(visitRef),
    findActiveVisit: (containerNumber) => models.findActiveVisit(containerNumber),
    findActiveVisits: (containerNumbers) => models.findActiveVisits(containerNumbers),
    listVisits: (query) => models.listVisits(query),
    searchVisits: (query) => models.searchVisits(query),
    occupiedCells: (where) => models.occupiedCells(where),
    occupiedCellsIn: (stacks) => models.occupiedCellsIn(stacks),
    terminalOccupancy: (where) => models.terminalOccupancy(where),
    visitMapFlags: (visitRefs) => models.visitMapFlags(visitRefs),
    getVisits: (visitRefs) => models.getVisits(visitRefs),
    getAlertRecord: (alertId) => models.getAlertRecord(alertId),
    listAlertRecords: (query) => models.listAlertRecords(query),
  };
}

/**
 * The transaction statements of a group (`group-commit.ts`). SQLite takes the write lock at BEGIN, before any
 * read, so that two processes queue instead of failing to upgrade a read lock (SQLITE_BUSY), and so that the
 * size read first is final.
 */
function groupTransaction(db: Kysely<Database>, name: StoreDialectName): GroupTransaction<Kysely<Database>> {
  const run = (statement: ReturnType<typeof sql>) => async (connection: Kysely<Database>) => {
    await statement.execute(connection);
  };
  return {
    hold: (work) => db.connection().execute(work),
    begin: run(name === 'sqlite' ? sql`begin immediate` : sql`begin`),
    commit: run(sql`commit`),
    rollback: run(sql`rollback`),
    savepoint: run(sql`savepoint member`),
    releaseSavepoint: run(sql`release savepoint member`),
    rollbackToSavepoint: run(sql`rollback to savepoint member`),
  };
}

/**
 * The `LedgerStore` over SQLite or PostgreSQL through Kysely. Every write transaction first locks the log head, so
 * writers — in this process or any other — append one after another and the leaf order is the commit order.
 * Any failed write inside a transaction dooms it (as PostgreSQL does anyway): it rolls back even if `work` catches
 * the error.
 *
 * @example
 * const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new Sqlite('ledger.db') }) });
 * await migrate(db);
 * const store = createKyselyLedgerStore({ db, dialect: 'sqlite' });
 * await store.writeTransaction(async (tx) => tx.appendToStream('visit-1', 0, events));
 */
export function createKyselyLedgerStore({
  db,
  writer,
  dialect: name,
}: KyselyLedgerStoreOptions): LedgerStore {
  const dialect = storeDialect(name);
  const outside = repositories(db, dialect);

  function mapWriteError(error: unknown, context: { streamId?: string; expectedVersion?: number }): unknown {
    const violated = dialect.uniqueViolation(error);
    if (violated === undefined) return error;
    if (violated.includes('stream_version') && context.streamId !== undefined) {
      // Another writer got there first; its exact version is unknown here (a failed statement aborts the
      // PostgreSQL transaction), but it is at least the one we tried to write.
      const expected = context.expectedVersion ?? 0;
      return new ConcurrencyError(context.streamId, expected, expected + 1);
    }
    return new StoreIntegrityError('store.duplicate', `already stored: ${violated}`);
  }

  const writeInGroup = groupCommit(groupTransaction(writer ?? db, name), {
    gatherTurn: name === 'sqlite' && writer === undefined,
  });
  // The log size a group's connection reached with its last member that succeeded: the head is locked for the whole
  // group, so the next member starts there without asking (issue 13: one statement less per write). A member that
  // fails is rolled back to its savepoint, where the size is still the one recorded before it.
  const headOfGroup = new WeakMap<Kysely<Database>, number>();

  return {
    ...reads(outside, () => outside.events.headSize()),
    identity: identityReads(createIdentityRepository({ db })),
    releases: releaseReads(createReleaseRepository({ db })),
    gate: gateReads(createGateRepository({ db })),
    readModels: readModelTableReads(createReadModelTablesRepository({ db, dialect })),
    detection: detectionCursorReads(db),
    edi: ediInterchangeReads(db),
    // Written outside the log's transactions, but by the writer: on SQLite a write on the main thread's connection
    // would wait, blocking the event loop, for the writer's lock, held by a group whose writes need that loop.
    cosignatures: createCosignatureRepository({ db: writer ?? db }),
    queueCounts: createQueueCountRepository({ db, dialect }),
    positionViews: createPositionViewRepository({ db, dialect }),
    outbox: createOutboxStore({ db, writer: writer ?? db }),
    partnerEvents: createPartnerEventRepository({ db, dialect }),
    // Shared counts matter where several instances share the database: PostgreSQL (issue 13).
    ...(dialect.name === 'postgres' ? { windowCounts: createPostgresWindowCounts({ db }) } : {}),

    async writeTransaction(work) {
      const body = async (trx: Kysely<Database>): Promise<Awaited<ReturnType<typeof work>>> => {
        const repos = repositories(trx, dialect);
        const startSize = headOfGroup.get(trx) ?? (await repos.events.lockHead());
        const guard = new TransactionGuard(startSize);
        // The head is locked, so a stream version read in this transaction stays true until it commits.
        const streamVersions = new Map<string, number>();
        // The streams read in this transaction, kept with what it appends to them: a use case that folds a stream,
        // appends, and folds it again (or a bulk transaction of many commands on one stream) reads it once.
        const streams = new Map<string, StoredEvent[]>();

        const write = <A extends unknown[], R = void>(
          run: (...args: A) => Promise<R>,
          context: (...args: A) => { streamId?: string; expectedVersion?: number } = () => ({}),
        ) =>
          guard.wrap(async (...args: A): Promise<R> => {
            try {
              return await run(...args);
            } catch (error) {
              throw mapWriteError(error, context(...args));
            }
          });

        // Log writes wait here until the transaction next reads the log or commits, then go in one statement on
        // PostgreSQL (events, subtree hashes and the head size together): fewer round trips per append.
        let pendingEvents: StoredEvent[] = [];
        const pendingStreams = new Set<string>();
        let pendingNodes: SubtreeNode[] = [];
        // PostgreSQL: the expected versions of streams this transaction appends to without having read them,
        // checked inside the flushing statement instead of one query each.
        const unverified = new Map<string, number>();
        // SQLite: streams this transaction appends to at version 0 without having read them (a new attempt's or
        // alert's stream), left to the (stream_id, stream_version) unique key instead of one query each.
        const fresh = new Set<string>();
        const flush = write(async () => {
          if (pendingEvents.length === 0 && pendingNodes.length === 0) return;
          const events = pendingEvents;
          const nodes = pendingNodes;
          pendingEvents = [];
          pendingStreams.clear();
          pendingNodes = [];
          let held: boolean;
          try {
            ({ versionsHeld: held } = await repos.events.appendLog({
              events,
              nodes,
              headSize: guard.size,
              expectedVersions: unverified,
            }));
          } catch (error) {
            // The unique key refused a stream taken for new: which one, and how long it already is.
            if (dialect.uniqueViolation(error)?.includes('stream_version')) {
              for (const streamId of fresh) {
                const actual = await repos.events.streamVersion(streamId);
                if (actual !== 0) throw new ConcurrencyError(streamId, 0, actual);
              }
            }
            const first = events[0];
            throw mapWriteError(error, {
              streamId: first?.streamId,
              expectedVersion: (first?.streamVersion ?? 1) - 1,
            });
          }
          if (!held) {
            for (const [streamId, expectedVersion] of unverified) {
              const actual = await repos.events.streamVersion(streamId);
              if (actual !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actual);
            }
          }
          unverified.clear();
          fresh.clear();
        });

        const base = reads(repos, async () => guard.size);
        const guardedReads = guard.wrapReads(base);
        // Built on first use, so that a transaction that only appends pays nothing for it.
        let identityTx: IdentityWrites | undefined;
        const makeIdentityTx = (): IdentityWrites => {
          const identity = createIdentityRepository({ db: trx });
          return {
            ...guard.wrapReads(identityReads(identity)),
            putOrganisation: write((org) => identity.putOrganisation(org)),
            putUser: write((user) => identity.putUser(user)),
            putPasswordCredential: write((credential) => identity.putPasswordCredential(credential)),
            acceptTotpStep: write((userId, step) => identity.acceptTotpStep(userId, step)),
            addPasskey: write((passkey) => identity.addPasskey(passkey)),
            recordPasskeyUse: write((credentialId, use) => identity.recordPasskeyUse(credentialId, use)),
            removePasskey: write((credentialId) => identity.removePasskey(credentialId)),
            putSession: write((session) => identity.putSession(session)),
            revokeUserSessions: write((userId, at) => identity.revokeUserSessions(userId, at)),
            putEnrolmentLink: write((link) => identity.putEnrolmentLink(link)),
            consumeEnrolmentLink: write((tokenHash, at) => identity.consumeEnrolmentLink(tokenHash, at)),
            putEnrolment: write((enrolment) => identity.putEnrolment(enrolment)),
            putApiToken: write((token) => identity.putApiToken(token)),
            putChallenge: write((challenge) => identity.putChallenge(challenge)),
            takeChallenge: write((challengeId, at) => identity.takeChallenge(challengeId, at)),
            putApproval: write((approval) => identity.putApproval(approval)),
            recordLoginFailure: write((key, at) => identity.recordLoginFailure(key, at)),
            clearLoginFailures: write((key) => identity.clearLoginFailures(key)),
          };
        };
        const releases = createReleaseRepository({ db: trx });
        const gate = createGateRepository({ db: trx });
        const positionViews = createPositionViewRepository({ db: trx, dialect });
        const partnerEvents = createPartnerEventRepository({ db: trx, dialect });
        const readModels = createReadModelTablesRepository({ db: trx, dialect });
        const detectionCursor = createDetectionCursorRepository({ db: trx });
        const subscriptions = createSubscriptionRepository({ db: trx });
        const ediInterchanges = createEdiInterchangeRepository({ db: trx });
        const tx: LedgerWriteTx = {
          ...guardedReads,
          readModels: {
            ...guard.wrapReads(readModelTableReads(readModels)),
            removeRows: write((table, subjects) => readModels.removeRows(table, subjects)),
            setOpenAlerts: write((visitRef, openAlerts) => readModels.setOpenAlerts(visitRef, openAlerts)),
            recordProjectionVersion: write((version) => readModels.recordProjectionVersion(version)),
            settleCounts: write(() => readModels.settleCounts()),
          },
          releases: {
            ...guard.wrapReads(releaseReads(releases)),
            putRelease: write((record) => releases.putRelease(record)),
            addReleaseParties: write((visitRef, orgIds) => releases.addReleaseParties(visitRef, orgIds)),
          },
          gate: {
            ...guard.wrapReads(gateReads(gate)),
            putDriver: write((record) => gate.putDriver(record)),
            putDriverJob: write((record) => gate.putDriverJob(record)),
            putSlotBooking: write((record) => gate.putSlotBooking(record)),
            removeSlotBooking: write((visitRef) => gate.removeSlotBooking(visitRef)),
            putCredential: write((record) => gate.putCredential(record)),
            putDevice: write((record) => gate.putDevice(record)),
            putAlertGroup: write((record) => gate.putAlertGroup(record)),
          },
          partnerEvents: {
            add: write(async (rows) => {
              if (rows.length > 0) await partnerEvents.add(rows);
            }),
          },
          positionViews: {
            putPositionViews: write(async (rows) => {
              if (rows.length > 0) await positionViews.putPositionViews(rows);
            }),
          },
          get identity() {
            identityTx ??= makeIdentityTx();
            return identityTx;
          },
          edi: {
            ...guard.wrapReads(ediInterchangeReads(trx)),
            putEdiInterchange: write((record) => ediInterchanges.putEdiInterchange(record)),
          },
          detection: {
            ...guard.wrapReads(detectionCursorReads(trx)),
            advanceDetectionCursor: write((cursor, expectedPosition) =>
              detectionCursor.advanceDetectionCursor(cursor, expectedPosition),
            ),
          },
          subscriptions: {
            ...guard.wrapReads(subscriptionReads(trx)),
            putSubscription: write((record) => subscriptions.putSubscription(record)),
            addDeliveries: write((rows) => subscriptions.addDeliveries(rows)),
            advanceOutboxCursor: write((cursor, expectedPosition) =>
              subscriptions.advanceOutboxCursor(cursor, expectedPosition),
            ),
          },
          async readEvents(fromIndex, limit) {
            await flush();
            return guardedReads.readEvents(fromIndex, limit);
          },
          async readLogRows(fromIndex, limit) {
            await flush();
            return guardedReads.readLogRows(fromIndex, limit);
          },
          async readNodes(keys) {
            await flush();
            return guardedReads.readNodes(keys);
          },
          async readStream(streamId) {
            guard.assertOpen();
            const cached = streams.get(streamId);
            if (cached) return [...cached];
            // Only this stream's own unwritten appends need to be in the table before it is read.
            if (pendingStreams.has(streamId)) await flush();
            const events = await repos.events.readStream(streamId);
            streamVersions.set(streamId, events.at(-1)?.streamVersion ?? 0);
            streams.set(streamId, events);
            return [...events];
          },
          async readStreams(streamIds) {
            guard.assertOpen();
            const unread = [...new Set(streamIds)].filter((streamId) => !streams.has(streamId));
            if (unread.some((streamId) => pendingStreams.has(streamId))) await flush();
            if (unread.length > 0) {
              for (const [streamId, events] of await repos.events.readStreams(unread)) {
                streamVersions.set(streamId, events.at(-1)?.streamVersion ?? 0);
                streams.set(streamId, events);
              }
            }
            return new Map(streamIds.map((streamId) => [streamId, [...streams.get(streamId)!]]));
          },
          async readStreamRange(streamId, range) {
            guard.assertOpen();
            // A stream read whole here is kept with this transaction's appends: its range is a slice of it.
            const cached = streams.get(streamId);
            if (cached) return sliceStream(cached, range);
            if (pendingStreams.has(streamId)) await flush();
            const events = await repos.events.readStreamRange(streamId, range);
            // Only a whole stream goes into `streams`; a range that reached the end still tells the version, which
            // stays true while the head is locked.
            if (rangeReachedEnd(events, range)) {
              streamVersions.set(streamId, events.at(-1)?.streamVersion ?? 0);
            }
            return events;
          },
          async streamVersion(streamId) {
            guard.assertOpen();
            const known = streamVersions.get(streamId);
            if (known !== undefined) return known;
            // A stream this transaction appended to has its version known above: nothing of it waits unwritten.
            const version = await repos.events.streamVersion(streamId);
            streamVersions.set(streamId, version);
            return version;
          },
          appendToStream: write(
            async (streamId: string, expectedVersion: number, events: readonly StoredEvent[]) => {
              checkAppend({ streamId, expectedVersion, events, logSize: guard.size });
              const known = streamVersions.get(streamId);
              if (known === undefined && name === 'postgres') unverified.set(streamId, expectedVersion);
              else if (known === undefined && expectedVersion === 0 && events.length > 0) fresh.add(streamId);
              else {
                const actual = known ?? (await repos.events.streamVersion(streamId));
                if (actual !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actual);
              }
              if (events.length === 0) return;
              guard.size += events.length;
              streamVersions.set(streamId, expectedVersion + events.length);
              pendingEvents.push(...events);
              pendingStreams.add(streamId);
              streams.get(streamId)?.push(...events);
            },
            (streamId, expectedVersion) => ({ streamId, expectedVersion }),
          ),
          insertNodes: write(async (nodes) => {
            pendingNodes.push(...nodes);
          }),
          insertCheckpoint: write((checkpoint) => repos.audit.insertCheckpoint(checkpoint)),
          upsertVisit: write((visit) => repos.models.upsertVisit(visit)),
          upsertVisits: write(async (visits) => {
            if (visits.length > 0) await repos.models.upsertVisits(visits);
          }),
          occupyCellsOf: write(async (cells) => {
            if (cells.length > 0) await repos.models.occupyCellsOf(cells);
          }),
          occupyCells: write(async (cells, visitRef) => {
            if (cells.length > 0) await repos.models.occupyCells(cells, visitRef);
          }),
          vacateCells: write(async (cells) => {
            if (cells.length > 0) await repos.models.vacateCells(cells);
          }),
          adjustOpenAlerts: write((visitRef, delta) => repos.models.adjustOpenAlerts(visitRef, delta)),
          putAlertRecord: write((record) => repos.models.putAlertRecord(record)),
        };

        try {
          const result = await work(tx);
          await flush();
          guard.assertNotDoomed();
          headOfGroup.set(trx, guard.size);
          return result;
        } finally {
          guard.close();
        }
      };
      return writeInGroup(body);
    },

    async close() {
      await writer?.destroy();
      await db.destroy();
    },
  };
}
