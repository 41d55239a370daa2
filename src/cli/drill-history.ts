/**
 * The drill's history steps (issue 11): a rogue administrator who holds the SQLite file — and, for the fork, the
 * stolen log key beside it — rewrites the log while the server is stopped, carefully enough that the database
 * verifies on its own. The drill cannot stop the server itself: with `--server-stopped` it waits for whoever runs
 * the server to stop it, edits the file, and waits for the server to come back. Before, it acts as an auditor's
 * monitor (the use case `portledger monitor` runs) and keeps the checkpoint it saw; after, it checks every angle a
 * real port has: the restarted server's `/readyz` and critical alert, `verify --db --checkpoint` with the monitor's
 * kept checkpoint, the monitor's own check, and the witnesses that cosigned the true history.
 *
 * `cutLog` and `forkLog` are the two edits; the tests that must catch them use these too.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import Sqlite from 'better-sqlite3';
import { checkLog, type MonitorState } from '../app/audit/index.js';
import {
  appendLeaves,
  decodeLogEntry,
  encodeLogEntry,
  entryAuthenticatorFor,
  leafHash,
  parseCheckpointBody,
  parseSignerKey,
  rootFromBorder,
  signCheckpoint,
} from '../audit/index.js';
import { borderKeys } from '../audit/tree.js';
import {
  type AlertObserver,
  type AlertSeen,
  type Client,
  type DrillStep,
  passwordLogin,
  type Secrets,
  type Session,
  sleep,
} from './drill-client.js';
import { verifyDatabaseCommand } from './export-verify.js';
import { httpLog, writeStateAtomically } from './monitor.js';

/** The append-only tables a careful cut or rewrite must open (their triggers refuse UPDATE and DELETE). */
const LOG_TABLES = ['event', 'audit_node', 'checkpoint', 'alert', 'cosignature'];

/** Runs `edit` in one transaction with the append-only triggers dropped, then recreates them as they were. */
function withoutAppendOnlyTriggers(
  path: string,
  edit: (db: Sqlite.Database, tables: Set<string>) => void,
): void {
  const db = new Sqlite(path);
  try {
    db.transaction(() => {
      const tables = new Set(
        (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
          (t) => t.name,
        ),
      );
      const triggers = db
        .prepare(
          `select name, sql from sqlite_master where type = 'trigger' and tbl_name in (${LOG_TABLES.map(() => '?').join(', ')})`,
        )
        .all(...LOG_TABLES) as { name: string; sql: string }[];
      for (const { name } of triggers) db.exec(`drop trigger "${name}"`);
      edit(db, tables);
      for (const { sql } of triggers) db.exec(sql);
      // Immediate: the write lock is taken at the start, waiting for a running server's commit, rather than asked
      // for after the reads, when a commit in between makes SQLite refuse at once ("database is locked").
    }).immediate();
  } finally {
    db.close();
  }
}

function logSize(db: Sqlite.Database): number {
  const row = db.prepare('select max(idx) as last from event').get() as { last: number | null };
  return row.last === null ? 0 : row.last + 1;
}

/**
 * The careful cut of issue 11: every event from `from` on, every subtree covering them, every checkpoint above
 * `from`, their cosignatures and the alerts they raised, gone in one transaction, triggers restored.
 *
 * @returns the log sizes before and after.
 */
export function cutLog(path: string, from: number): { before: number; after: number } {
  let before = 0;
  withoutAppendOnlyTriggers(path, (db, tables) => {
    before = logSize(db);
    if (from >= before) throw new Error(`the log holds ${before} events; nothing to cut from ${from}`);
    db.prepare('delete from event where idx >= ?').run(from);
    db.prepare('delete from audit_node where last_leaf >= ?').run(from);
    db.prepare('delete from checkpoint where tree_size > ?').run(from);
    if (tables.has('cosignature')) db.prepare('delete from cosignature where tree_size > ?').run(from);
    if (tables.has('alert')) db.prepare('delete from alert where alert_id >= ?').run(from);
  });
  return { before, after: from };
}

/**
 * The fork with the stolen log key: one event rewritten (a field added to its data, the leaf re-encoded as the log
 * encodes it), every subtree recomputed, and every checkpoint that covers it signed again with the key from
 * `keyFile`. The cosignatures of the old checkpoints no longer verify, so a careful thief deletes them too.
 *
 * @returns the rewritten index and the size of the latest checkpoint, now over the other history.
 */
export function forkLog(
  path: string,
  args: { index: number; keyFile: string },
): { index: number; treeSize: number } {
  const signer = parseSignerKey(readFileSync(args.keyFile, 'utf8').trim());
  let treeSize = 0;
  withoutAppendOnlyTriggers(path, (db, tables) => {
    const row = db.prepare('select leaf from event where idx = ?').get(args.index) as
      | { leaf: Buffer }
      | undefined;
    if (!row) throw new Error(`no event ${args.index}`);
    const entry = decodeLogEntry(new Uint8Array(row.leaf));
    const data = { ...entry.data, note: 'rewritten with the stolen key' };
    const leaf = encodeLogEntry({ ...entry, data });
    db.prepare('update event set data = ?, leaf = ? where idx = ?').run(
      JSON.stringify(data),
      Buffer.from(leaf),
      args.index,
    );
    // The writer's MAC key derives from the stolen log key (issue 13): the careful forger re-MACs the entry too, so
    // that only a witness or the kept checkpoint can tell.
    if (
      (
        db.prepare('select writer_mac from event where idx = ?').get(args.index) as {
          writer_mac: Buffer | null;
        }
      )?.writer_mac
    ) {
      db.prepare('update event set writer_mac = ? where idx = ?').run(
        Buffer.from(entryAuthenticatorFor(signer).mac(leaf)),
        args.index,
      );
    }

    const leaves = (db.prepare('select leaf from event order by idx').all() as { leaf: Buffer }[]).map((r) =>
      leafHash(new Uint8Array(r.leaf)),
    );
    const { newNodes } = appendLeaves(0, [], leaves);
    db.prepare('delete from audit_node').run();
    const insertNode = db.prepare('insert into audit_node (last_leaf, level, hash) values (?, ?, ?)');
    const nodes = new Map<string, Uint8Array>();
    for (const node of newNodes) {
      insertNode.run((node.index + 1) * 2 ** node.level - 1, node.level, Buffer.from(node.hash));
      nodes.set(`${node.level}/${node.index}`, node.hash);
    }
    const rootAt = (size: number) =>
      rootFromBorder(borderKeys(size).map((key) => nodes.get(`${key.level}/${key.index}`)!));
    const checkpoints = db
      .prepare('select tree_size, note from checkpoint where tree_size > ? order by tree_size')
      .all(args.index) as { tree_size: number; note: string }[];
    const update = db.prepare('update checkpoint set root_hash = ?, note = ? where tree_size = ?');
    for (const checkpoint of checkpoints) {
      const body = parseCheckpointBody(checkpoint.note.slice(0, checkpoint.note.indexOf('\n\n') + 1));
      if (!body.ok) throw new Error(`checkpoint ${checkpoint.tree_size} does not parse: ${body.message}`);
      const rootHash = rootAt(checkpoint.tree_size);
      const note = signCheckpoint({ origin: body.origin, treeSize: checkpoint.tree_size, rootHash }, signer);
      update.run(Buffer.from(rootHash), note, checkpoint.tree_size);
      treeSize = checkpoint.tree_size;
    }
    if (tables.has('cosignature')) db.prepare('delete from cosignature where tree_size > ?').run(args.index);
  });
  return { index: args.index, treeSize };
}

/** What the history steps hold and share. */
export interface HistoryContext {
  readonly client: Client;
  readonly secrets: Secrets;
  /** The investigator's password + TOTP session: the gang's eyes on the witness list. */
  investigator: Session | undefined;
  /**
   * The drill's observer of detection (the operator's alert.read token); without one, or when it reads the database,
   * the alerts are read from the alert table of the file.
   */
  readonly observer?: AlertObserver;
  /** The SQLite file, as the DBA holds it. */
  readonly path: string;
  /** Where the auditor's monitor keeps its state (`portledger monitor --state`). */
  readonly monitorState: string;
  /** How long to wait for the server to stop, or to come back. */
  readonly waitMs?: number;
  /** Where to say "stop the server now" and "start it again". */
  readonly say: (line: string) => void;
}

/** The auditor's monitor, one check as `portledger monitor --once --state FILE` makes it. */
export async function monitorOnce(ctx: HistoryContext): Promise<{ ok: boolean; line: string; ms: number }> {
  let state: MonitorState | undefined;
  if (existsSync(ctx.monitorState))
    state = JSON.parse(readFileSync(ctx.monitorState, 'utf8')) as MonitorState;
  const started = Date.now();
  const outcome = await checkLog({ log: httpLog(ctx.client.base), state, witnesses: [], now: new Date() });
  const ms = Date.now() - started;
  if (outcome.state && outcome.state !== state) writeStateAtomically(ctx.monitorState, outcome.state);
  if (outcome.ok) {
    const growth =
      outcome.previousSize === undefined
        ? 'first check, the log key pinned'
        : `extends the kept checkpoint of size ${outcome.previousSize} (consistency proof verified)`;
    return { ok: true, line: `ok: checkpoint of size ${outcome.treeSize} ${growth}`, ms };
  }
  return { ok: false, line: outcome.message, ms };
}

async function answers(client: Client): Promise<boolean> {
  try {
    const response = await fetch(new URL('/healthz', client.base), { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Waits until the server answers (`up`) or stops answering; false when it did not within the wait. */
async function awaitServer(ctx: HistoryContext, up: boolean): Promise<boolean> {
  const deadline = Date.now() + (ctx.waitMs ?? 600_000);
  while (Date.now() < deadline) {
    if ((await answers(ctx.client)) === up) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Waits until no other process holds the database file (or its WAL) open, as a DBA checks with `lsof` before editing
 * the file of a stopped server: the server stops answering before it has closed the file, and an edit made in between
 * could be overwritten by its last writes. Reads Linux's /proc; elsewhere it waits two seconds. False when a holder
 * stayed past the wait.
 */
async function awaitFileReleased(ctx: HistoryContext): Promise<boolean> {
  if (!existsSync('/proc/self/fd')) {
    await sleep(2_000);
    return true;
  }
  const files = new Set(
    ['', '-wal'].flatMap((suffix) =>
      existsSync(`${ctx.path}${suffix}`) ? [realpathSync(`${ctx.path}${suffix}`)] : [],
    ),
  );
  const deadline = Date.now() + (ctx.waitMs ?? 600_000);
  while (Date.now() < deadline) {
    if (!heldByAnotherProcess(files)) return true;
    await sleep(100);
  }
  return false;
}

function heldByAnotherProcess(files: ReadonlySet<string>): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        if (files.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
      } catch {
        // closed while we looked
      }
    }
  }
  return false;
}

/** Copies the database file, and its WAL if one is left, as a DBA's backup. */
function copyDatabase(from: string, to: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(`${to}${suffix}`, { force: true });
    if (existsSync(`${from}${suffix}`)) copyFileSync(`${from}${suffix}`, `${to}${suffix}`);
  }
}

/** `verify --db sqlite:PATH [--checkpoint FILE]`, run in this process as the command runs it. */
async function verify(
  path: string,
  checkpoint?: string,
): Promise<{ code: number; line: string; ms: number }> {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const started = Date.now();
  const code = await verifyDatabaseCommand(
    { db: `sqlite:${path}`, ...(checkpoint ? { checkpoint } : {}) },
    { stdout: sink, stderr: sink },
  );
  const line =
    text
      .split(/[\r\n]/)
      .map((l) => l.trim())
      .filter((l) => /^verif/.test(l))
      .pop() ?? text.trim();
  return { code, line, ms: Date.now() - started };
}

/** The investigator's session, signed in again when the restart ended it. */
async function investigatorSession(ctx: HistoryContext): Promise<Session | undefined> {
  if (ctx.investigator) {
    const probe = await ctx.client.call('GET', '/v1/auth/session', { session: ctx.investigator });
    if (probe.status === 200) return ctx.investigator;
  }
  const user = ctx.secrets.users.find((u) => u.roles.includes('investigator'));
  if (!user) return undefined;
  const fallback = ctx.secrets.users.find((u) => u.password)?.password ?? '';
  ctx.investigator = (await passwordLogin(ctx.client, user, fallback)).session;
  return ctx.investigator;
}

interface WitnessSeen {
  readonly name: string;
  readonly url: string;
}

/** The witnesses the log names (`GET /v1/audit/witnesses`, an investigator may read it): where each listens. */
async function witnessesOf(ctx: HistoryContext, evidence: string[]): Promise<WitnessSeen[]> {
  const investigator = await investigatorSession(ctx);
  if (!investigator) {
    evidence.push('no investigator session to read the witness list with');
    return [];
  }
  const listed = await ctx.client.call('GET', '/v1/audit/witnesses', { session: investigator });
  const witnesses = ((listed.body.witnesses as { name?: string; vkey?: string; url?: string }[]) ?? [])
    .filter((w) => typeof w.url === 'string')
    .map((w) => ({ name: w.name ?? String(w.vkey).split('+')[0]!, url: String(w.url) }));
  if (witnesses.length === 0) evidence.push(`GET /v1/audit/witnesses: HTTP ${listed.status}, no witness`);
  return witnesses;
}

/** The log's own checkpoint note at `size` as the DBA reads it from the file (signed by the log alone). */
function noteAt(path: string, size?: number): { size: number; note: string } | undefined {
  const db = new Sqlite(path, { readonly: true });
  try {
    const row = (
      size === undefined
        ? db.prepare('select tree_size, note from checkpoint order by tree_size desc limit 1').get()
        : db.prepare('select tree_size, note from checkpoint where tree_size = ?').get(size)
    ) as { tree_size: number; note: string } | undefined;
    return row ? { size: row.tree_size, note: row.note } : undefined;
  } finally {
    db.close();
  }
}

/**
 * Asks each witness what it cosigned, then submits the edited log's checkpoint to it (tlog-witness
 * add-checkpoint, from the size it holds): a witness that saw the true history must refuse it.
 */
async function askWitnesses(
  ctx: HistoryContext,
  witnesses: readonly WitnessSeen[],
  checkpoint: { size: number; note: string },
  evidence: string[],
): Promise<{ refused: number; cosigned: number; ms: number }> {
  const origin = checkpoint.note.split('\n')[0]!;
  const originHash = createHash('sha256').update(origin).digest('hex');
  let refused = 0;
  let cosigned = 0;
  let ms = 0;
  for (const witness of witnesses) {
    const base = witness.url.replace(/\/+$/, '');
    const started = Date.now();
    try {
      const held = await fetch(`${base}/${originHash}/checkpoint`, { signal: AbortSignal.timeout(10_000) });
      const heldNote = held.status === 200 ? await held.text() : '';
      const heldSize = Number(heldNote.split('\n')[1] ?? 0);
      let proof: string[] = [];
      if (heldSize > 0 && heldSize < checkpoint.size) {
        const answer = await ctx.client.call(
          'GET',
          `/v1/audit/proof/consistency?from=${heldSize}&to=${checkpoint.size}`,
        );
        proof = (answer.body.proof as string[] | undefined) ?? [];
      }
      const body = `old ${heldSize}\n${proof.map((p) => `${p}\n`).join('')}\n${checkpoint.note}`;
      const submitted = await fetch(`${base}/add-checkpoint`, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const said = (await submitted.text()).trim().split('\n')[0]?.slice(0, 120) ?? '';
      const took = Date.now() - started;
      ms = Math.max(ms, took);
      evidence.push(
        `witness ${witness.name} holds a cosigned checkpoint of size ${heldSize}; add-checkpoint (old ${heldSize}) of the edited log's checkpoint of size ${checkpoint.size}: HTTP ${submitted.status}${said ? ` "${said}"` : ''} (${took} ms)`,
      );
      if (submitted.status === 200) cosigned += 1;
      else if ([400, 409, 422].includes(submitted.status)) refused += 1;
    } catch (error) {
      evidence.push(`witness ${witness.name} at ${base}: ${(error as Error).message}`);
    }
  }
  return { refused, cosigned, ms };
}

/** The restarted server's `/readyz`, until it names `code` (or the wait ends), and the critical alert it raised. */
async function serverAngle(
  ctx: HistoryContext,
  code: 'integrity.rollback' | 'integrity.fork',
  evidence: string[],
): Promise<{ readyMs?: number; alert?: AlertSeen }> {
  const back = Date.now();
  let readyMs: number | undefined;
  let last = '';
  while (Date.now() < back + 30_000) {
    const ready = await ctx.client.call('GET', '/readyz').catch(() => undefined);
    const integrity = ready?.body.integrity as Record<string, unknown> | undefined;
    last = `HTTP ${ready?.status ?? 'no answer'} ${JSON.stringify(integrity ?? null)}`;
    if (ready?.status === 503 && integrity?.code === code) {
      readyMs = Date.now() - back;
      evidence.push(
        `/readyz 503 ${readyMs} ms after the restarted server first answered: ${code}: ${String(integrity.reason ?? '')}`,
      );
      break;
    }
    await sleep(100);
  }
  if (readyMs === undefined) evidence.push(`/readyz never named ${code} within 30 s: last ${last}`);
  // The port's staff read it on GET /v1/alerts, as the drill does with the operator's alert.read token; without
  // one, it is read where it lands, in the alert table of the file. Never through a session the gang holds.
  let alert: AlertSeen | undefined;
  const token = ctx.observer?.bearer ? ctx.observer : undefined;
  const where = token
    ? token.where
    : 'in the alert table of the file (--db; no --alert-token was given, so not through GET /v1/alerts)';
  const isIt = (a: { severity: string; rule: string; summary: string }) =>
    a.severity === 'critical' && a.rule.startsWith('integrity.') && a.summary.includes(code);
  for (let tries = 0; tries < 50 && !alert; tries++) {
    alert = token ? (await token.unresolved().catch(() => [])).find(isIt) : alertInFile(ctx.path, isIt);
    if (!alert) await sleep(200);
  }
  evidence.push(
    alert
      ? `alert ${alert.rule} (${alert.severity}) ${alert.alertId}: "${alert.summary}", ${where}`
      : `no critical alert naming ${code} was found`,
  );
  return { ...(readyMs !== undefined ? { readyMs } : {}), ...(alert ? { alert } : {}) };
}

/** The newest alert row in the SQLite file that `isIt` picks, as the DBA reads it. */
function alertInFile(
  path: string,
  isIt: (a: { severity: string; rule: string; summary: string }) => boolean,
): AlertSeen | undefined {
  const db = new Sqlite(path, { readonly: true });
  try {
    const rows = db
      .prepare(
        "select alert_id, rule, severity, summary from alert where rule like 'integrity.%' order by alert_id desc limit 200",
      )
      .all() as { alert_id: number; rule: string; severity: string; summary: string }[];
    const row = rows.find(isIt);
    return row
      ? {
          alertId: String(row.alert_id),
          rule: row.rule,
          severity: row.severity,
          summary: row.summary,
          evidence: [],
        }
      : undefined;
  } finally {
    db.close();
  }
}

/** One history step: wait for the stop, edit, check the file, wait for the restart, check the running angles. */
async function historyStep(
  ctx: HistoryContext,
  args: {
    name: string;
    code: 'integrity.rollback' | 'integrity.fork';
    /** While the server is stopped: the edit, with its evidence; returns the checkpoint the edited log shows. */
    edit: (evidence: string[]) => { size: number; note: string } | undefined;
    /** Whether the monitor checks the log before the stop (it has seen the true history already otherwise). */
    monitorBefore: boolean;
  },
): Promise<DrillStep> {
  const { name, code } = args;
  const kind = code.slice('integrity.'.length);
  const evidence: string[] = [];
  if (args.monitorBefore) {
    const before = await monitorOnce(ctx);
    evidence.push(`the auditor's monitor before the stop (${before.ms} ms): ${before.line}`);
  }
  ctx.say(`waiting for the server at ${ctx.client.base} to stop, to make ${name}: stop it now`);
  if (!(await awaitServer(ctx, false)) || !(await awaitFileReleased(ctx))) {
    return {
      name,
      outcome: 'succeeded',
      how: 'the attack could not be made: the server was not stopped in time; the drill cannot vouch for this step',
      evidence,
    };
  }
  const checkpoint = args.edit(evidence);
  const alone = await verify(ctx.path);
  evidence.push(`verify --db alone (${alone.ms} ms): exit ${alone.code}: ${alone.line}`);
  const keptFile = `${ctx.monitorState}.checkpoint`;
  const kept = JSON.parse(readFileSync(ctx.monitorState, 'utf8')) as MonitorState;
  writeFileSync(keptFile, kept.note);
  const withKept = await verify(ctx.path, keptFile);
  const verifyNamed = withKept.code === 1 && withKept.line.includes(`${kind}:`);
  evidence.push(
    `verify --db --checkpoint with the monitor's kept checkpoint of size ${kept.treeSize} (${withKept.ms} ms): exit ${withKept.code}: ${withKept.line}`,
  );
  ctx.say(`${name} is made; start the server again`);
  if (!(await awaitServer(ctx, true))) {
    evidence.push('the server did not come back in time');
  }
  const server = await serverAngle(ctx, code, evidence);
  const witnesses = await witnessesOf(ctx, evidence);
  const after = await monitorOnce(ctx);
  const monitorNamed = !after.ok && after.line.startsWith(`${kind}:`);
  evidence.push(`the auditor's monitor after (${after.ms} ms): ${after.line}`);
  const witnessed = checkpoint
    ? await askWitnesses(ctx, witnesses, checkpoint, evidence)
    : { refused: 0, cosigned: 0, ms: 0 };
  const angles = [
    server.readyMs !== undefined
      ? `the restarted server answered /readyz 503 ${code} ${server.readyMs} ms after it came back${server.alert ? ` with critical ${server.alert.rule} alert ${server.alert.alertId}` : ', but no critical alert was listed'}`
      : `the restarted server did not name ${code}`,
    verifyNamed
      ? `verify --db --checkpoint named the ${kind} in ${withKept.ms} ms (verify --db alone ${alone.code === 0 ? 'passed: the edit was careful' : 'failed too'})`
      : 'verify --db --checkpoint did not name it',
    monitorNamed ? `the monitor named the ${kind} in ${after.ms} ms` : 'the monitor did not name it',
    witnesses.length > 0
      ? `${witnessed.refused} of ${witnesses.length} witnesses refused the edited log's checkpoint (within ${witnessed.ms} ms)${witnessed.cosigned > 0 ? `, ${witnessed.cosigned} cosigned it` : ''}`
      : 'no witness was asked',
  ];
  const caughtEverywhere =
    server.readyMs !== undefined &&
    server.alert !== undefined &&
    verifyNamed &&
    monitorNamed &&
    witnessed.cosigned === 0 &&
    (witnesses.length === 0 || witnessed.refused === witnesses.length);
  const caughtSomewhere =
    server.readyMs !== undefined || verifyNamed || monitorNamed || witnessed.refused > 0;
  return {
    name,
    outcome: caughtSomewhere && witnessed.cosigned === 0 ? 'detected' : 'succeeded',
    how: `${caughtEverywhere ? '' : caughtSomewhere ? 'detected from some angles only: ' : 'unnoticed: '}${angles.join('; ')}`,
    evidence,
  };
}

/**
 * Both history steps, with the server stopped for each: the careful cut (then the true history restored from the
 * DBA's backup, as a port would after finding it) and the fork with the stolen log key.
 */
export async function rewriteHistory(ctx: HistoryContext): Promise<DrillStep[]> {
  const steps: DrillStep[] = [];
  const backup = `${ctx.path}.drill-backup`;
  steps.push(
    await historyStep(ctx, {
      name: 'cut the log back carefully while the server is stopped (rogue DBA)',
      code: 'integrity.rollback',
      monitorBefore: true,
      edit: (evidence) => {
        copyDatabase(ctx.path, backup);
        const head = noteAt(ctx.path);
        const size = head?.size ?? 0;
        const from = Math.max(1, size - Math.max(1, Math.floor(size / 10)));
        const cut = cutLog(ctx.path, from);
        evidence.push(
          `backed the file up, then in one transaction dropped the append-only triggers, deleted events ${from}–${cut.before - 1}, the subtrees covering them, the checkpoints above ${from}, their cosignatures and alerts, and recreated the triggers: ${cut.before} → ${cut.after} entries`,
        );
        return noteAt(ctx.path);
      },
    }),
  );
  steps.push(
    await historyStep(ctx, {
      name: 'fork the log with the stolen log key while the server is stopped (rogue DBA)',
      code: 'integrity.fork',
      monitorBefore: false,
      edit: (evidence) => {
        copyDatabase(backup, ctx.path);
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${backup}${suffix}`, { force: true });
        const keyFile = join(dirname(ctx.path), 'log.key');
        const head = noteAt(ctx.path);
        const index = Math.floor((head?.size ?? 2) / 2);
        const forked = forkLog(ctx.path, { index, keyFile });
        evidence.push(
          `restored the true history from the backup (as a port does after a rollback), then with the log key stolen from ${keyFile} rewrote event ${index}, recomputed every subtree and re-signed every checkpoint above it, up to size ${forked.treeSize}; their cosignatures deleted`,
        );
        return noteAt(ctx.path, forked.treeSize);
      },
    }),
  );
  return steps;
}
