import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertQuery } from '../app/ports.js';
import { migrate } from './migrations/index.js';
import { createPostgresKysely, createSqliteKysely } from './open-store.js';
import { alertPageQuery } from './read-model.repository.js';
import type { Database } from './schema.js';
import {
  describeWithPostgres,
  dropSchema,
  TEST_POSTGRES_URL,
  tempDirectory,
  uniqueSchemaName,
} from './testing/databases.js';

/** What the console asks (`listAlerts`): a terminal clerk's view, an organisation's, customs' (everything). */
const terminalStaff = {
  rules: ['integrity.failed', 'integrity.read_model_mismatch'] as const,
  orgId: 'org-nqt',
  terminals: ['T1', 'T2'],
};
const pages: { name: string; query: AlertQuery; branches: number; filterIndex?: RegExp }[] = [
  { name: 'everything, newest first', query: { limit: 101 }, branches: 1 },
  { name: 'everything, an older page', query: { limit: 101, before: 5000 }, branches: 1 },
  { name: 'everything open', query: { limit: 101, statuses: ['open'] }, branches: 1 },
  {
    name: 'everything unresolved, an older page',
    query: { limit: 101, statuses: ['open', 'acknowledged'], before: 5000 },
    branches: 2,
  },
  { name: 'my terminals', query: { limit: 101, visibleTo: terminalStaff }, branches: 5 },
  {
    name: 'my terminals, unresolved',
    query: { limit: 101, visibleTo: terminalStaff, statuses: ['open', 'acknowledged'] },
    branches: 10,
  },
  {
    name: 'my terminals, resolved, an older page',
    query: { limit: 101, visibleTo: terminalStaff, statuses: ['resolved'], before: 5000 },
    branches: 5,
  },
  {
    name: 'my organisation, unresolved (the enrolment and device alert writers)',
    query: {
      limit: 500,
      visibleTo: { rules: [], orgId: 'org-haul', terminals: [] },
      statuses: ['open', 'acknowledged'],
    },
    branches: 2,
  },
  // The list's filters (issue 14, migration 0036): each branch one range of an index that holds the filter.
  {
    name: 'everything of one rule, newest first (a state a branch)',
    query: { limit: 101, rule: 'auth.lockout' },
    branches: 3,
    filterIndex: /alert_rule_status_idx/,
  },
  {
    name: 'one of my own rules, open: that rule is the whole page',
    query: { limit: 101, visibleTo: terminalStaff, rule: 'integrity.failed', statuses: ['open'] },
    branches: 1,
    filterIndex: /alert_rule_status_idx/,
  },
  {
    name: 'my terminals, gate refusals, unresolved',
    query: { limit: 101, visibleTo: terminalStaff, rule: 'gate.refused', statuses: ['open', 'acknowledged'] },
    branches: 6,
    filterIndex: /alert_(org_id|terminal)_rule_status_idx/,
  },
  {
    name: 'my terminals, critical, resolved, oldest first, a later page',
    query: {
      limit: 101,
      visibleTo: terminalStaff,
      severity: 'critical',
      statuses: ['resolved'],
      direction: 'asc',
      after: 100,
    },
    branches: 5,
    filterIndex: /alert_(rule|org_id|terminal)_severity_status_idx/,
  },
  {
    name: 'everything critical, oldest first',
    query: { limit: 101, severity: 'critical', direction: 'asc' },
    branches: 3,
    filterIndex: /alert_severity_status_idx/,
  },
  {
    name: 'my terminals, assigned to me, unresolved',
    query: { limit: 101, visibleTo: terminalStaff, assignedTo: 'u-1', statuses: ['open', 'acknowledged'] },
    branches: 2,
    filterIndex: /alert_assigned_to_status_idx/,
  },
  {
    name: 'my terminals, assigned to me, any state, an older page',
    query: { limit: 101, visibleTo: terminalStaff, assignedTo: 'u-1', before: 30_000 },
    branches: 3,
    filterIndex: /alert_assigned_to_status_idx/,
  },
];

/** A port's alerts after years: almost all resolved, a few open, over two terminals and a few organisations. */
async function fillAlerts(db: Kysely<Database>, count: number): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = i + 1;
    const lockout = id % 7 === 0;
    const integrity = id % 97 === 0;
    return {
      alert_id: id,
      rule: integrity ? 'integrity.failed' : lockout ? 'auth.lockout' : 'gate.refused',
      severity: id % 5 === 0 ? 'critical' : id % 2 === 0 ? 'medium' : 'high',
      raised_at: new Date(Date.UTC(2030, 0, 1) + id * 60_000).toISOString(),
      subject_kind: lockout ? 'user' : 'visit',
      subject_id: `s-${id}`,
      terminal: lockout || integrity ? null : `T${(id % 3) + 1}`,
      org_id: lockout ? ['org-nqt', 'org-haul', 'org-msc'][id % 3]! : null,
      summary: 'a refusal',
      evidence: '[]',
      status: id > count - 40 ? 'open' : id % 500 === 0 ? 'acknowledged' : 'resolved',
      updated_at: '2030-01-01T00:00:00.000Z',
      assigned_to: id % 11 === 0 ? `u-${id % 4}` : null,
    };
  });
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('alert')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

describe('an alert page reads a bounded number of index entries, whatever the history (issue 13): SQLite', () => {
  const dir = tempDirectory('alert-page');
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = createSqliteKysely(join(dir.path, 'alerts.db'));
    await migrate(db);
    await fillAlerts(db, 5000);
  });
  afterAll(async () => {
    await db?.destroy();
    dir.remove();
  });

  for (const page of pages) {
    it(`${page.name}: each branch one backward range of an index, stopped by the page`, async () => {
      const compiled = alertPageQuery(db, page.query)!.compile();
      const { rows } = await db.executeQuery<{ detail: string }>({
        ...compiled,
        sql: `explain query plan ${compiled.sql}`,
      });
      const plan = rows.map((row) => row.detail);
      const reads = plan.filter((line) => /^(SCAN|SEARCH) alert\b/.test(line));
      if (page.branches === 1 && page.query.visibleTo === undefined && page.query.statuses === undefined) {
        // Newest first by the primary key, with nothing to filter: the page's rows and no more.
        expect(reads).toHaveLength(1);
      } else {
        for (const read of reads) {
          expect(read, plan.join('\n')).toMatch(
            /^SEARCH alert USING (INTEGER PRIMARY KEY \(rowid=\?\)|(COVERING )?INDEX alert_\w+_idx \((rule|org_id|terminal|status|severity|assigned_to)=\?)/,
          );
        }
      }
      if (page.filterIndex) {
        // A filtered page reads each branch along an index that holds the filter, the rows by their key.
        const branchReads = reads.filter((line) => !line.includes('INTEGER PRIMARY KEY'));
        expect(branchReads, plan.join('\n')).toHaveLength(page.branches);
        for (const read of branchReads) expect(read, plan.join('\n')).toMatch(page.filterIndex);
      }
      // No branch sorts what it reads: its index gives the order, so its `limit` stops the scan. The merge of the
      // branches sorts each branch's few ids, and nothing else.
      expect(plan.filter((line) => line === 'USE TEMP B-TREE FOR ORDER BY')).toHaveLength(
        page.branches === 1 ? 0 : page.branches,
      );
      expect(plan.filter((line) => /^(SCAN|SEARCH) b\d+$/.test(line))).toHaveLength(
        page.branches === 1 ? 0 : page.branches,
      );
    });
  }
});

await describeWithPostgres('an alert page reads a bounded number of rows: PostgreSQL', () => {
  const schema = uniqueSchemaName('alert_page');
  const count = 40_000;
  let db: Kysely<Database>;

  beforeAll(async () => {
    db = await createPostgresKysely(TEST_POSTGRES_URL, { schema });
    await migrate(db, { dialect: 'postgres' });
    await fillAlerts(db, count);
    await sql`analyze alert`.execute(db);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  for (const page of pages) {
    it(`${page.name}: no sequential scan, and rows read bounded by the branches' pages`, async () => {
      const compiled = alertPageQuery(db, page.query)!.compile();
      const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>({
        ...compiled,
        sql: `explain (analyze, costs off, timing off) ${compiled.sql}`,
      });
      const plan = rows.map((row) => row['QUERY PLAN']);
      const text = plan.join('\n');
      expect(text).not.toMatch(/Seq Scan/);
      // A filtered page reads along an index that holds its filter.
      if (page.filterIndex) expect(text).toMatch(page.filterIndex);
      // Every row a scan of `alert` produced or filtered out: the work the page did.
      let read = 0;
      for (const [i, line] of plan.entries()) {
        const produced = /Scan.* on alert\b.*actual rows=(\d+) loops=(\d+)/.exec(line);
        if (!produced) continue;
        read += Number(produced[1]) * Number(produced[2]);
        // The node's own details follow it, up to the next node.
        for (const detail of plan.slice(i + 1)) {
          if (detail.includes('->')) break;
          const removed = /Rows Removed by (Filter|Index Recheck): (\d+)/.exec(detail);
          if (removed) read += Number(removed[2]);
        }
      }
      const limit = page.query.limit;
      // A branch the planner reads along the primary key filters out the other scopes' rows on the way, a few
      // pages' worth; nothing near the table's `count` rows.
      expect(read, text).toBeLessThanOrEqual(page.branches * limit * 8 + limit);
      expect(read, text).toBeLessThan(count / 10);
    });
  }
});
