/**
 * The audit log: its signed checkpoints (each signature checked here, in the browser), charts of log growth and of
 * events per hour, and "verify everything", which streams every entry and recomputes the RFC 9162 tree in the
 * browser, so the verdict does not rest on the server's word.
 */
import { useEffect, useRef, useState } from 'react';
import { apiGet, type Session } from '../api.js';
import { Button, Loading, Notice, PageHeading } from '../components.js';
import { messageOf } from '../errors.js';
import { formatDateTime } from '../labels.js';
import {
  bytesEqual,
  fromBase64,
  leafHash,
  nodeHash,
  type SignatureResult,
  toBase64,
  verifyCheckpointNote,
  verifyInclusion,
} from '../proof.js';
import { holds } from '../session.js';

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  signedAt: string;
  note: string;
  verifierKey: string;
  /** The witnesses' cosignatures (C2SP tlog-cosignature), also appended to `note`; absent from older servers. */
  cosignatures?: { witness: string; timestamp: number; receivedAt: string; line: string }[];
}

/** `GET /v1/audit/witnesses`: who cosigns the log, and how far each has got. */
interface Witnesses {
  quorum: number;
  cosignedSize: number | null;
  waitingSince: string | null;
  lagging: boolean;
  witnesses: {
    name: string;
    url: string;
    cosignedSize: number | null;
    cosignedAt: string | null;
    lastError: string | null;
    finding: { code: string; reason: string } | null;
  }[];
}

/** "3 min ago", coarse on purpose: how stale a witness is matters, not the second. */
function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} days ago`;
}

interface Stats {
  logSize: number;
  growth: { at: string; treeSize: number }[];
  eventsPerHour: { hour: string; events: number }[];
  truncated: boolean;
}

interface Entry {
  index: number;
  leaf: string;
  leafHash: string;
}

const SHOWN_CHECKPOINTS = 20;
const CHECKPOINT_PAGE = 500;
const ENTRY_PAGE = 1000;
/** How many inclusion proofs the search for a bad leaf may fetch before it names a range instead. */
const MAX_PROOF_SEARCH = 256;

/** The signature lines of a signed note: everything after the blank line. */
const signatureLines = (note: string) => {
  const split = note.lastIndexOf('\n\n');
  return split < 0
    ? []
    : note
        .slice(split + 2)
        .split('\n')
        .filter(Boolean);
};

/** Every checkpoint with a tree size ≥ `from`, page by page. */
async function checkpointsFrom(from: number): Promise<Checkpoint[]> {
  const all: Checkpoint[] = [];
  for (let next = from; ; ) {
    const { checkpoints } = await apiGet<{ checkpoints: Checkpoint[] }>(
      `/v1/audit/checkpoints?from=${next}&limit=${CHECKPOINT_PAGE}`,
    );
    all.push(...checkpoints);
    const last = checkpoints.at(-1);
    if (checkpoints.length < CHECKPOINT_PAGE || !last) return all;
    next = last.treeSize + 1;
  }
}

function SignatureVerdict({ result }: { result: SignatureResult | undefined }) {
  if (!result) return <span className="verdict-pending">checking…</span>;
  if (result.status === 'valid')
    return <span className="audit-ok">✓ Signature verified in your browser</span>;
  if (result.status === 'unsupported') return <span className="muted">Not checked: {result.detail}</span>;
  return <span className="audit-bad">✗ Signature not verified: {result.detail}</span>;
}

function CheckpointList({ checkpoints }: { checkpoints: Checkpoint[] }) {
  const [results, setResults] = useState<Record<number, SignatureResult>>({});
  useEffect(() => {
    let live = true;
    void (async () => {
      for (const c of checkpoints) {
        const root = fromBase64(c.rootHash);
        const result: SignatureResult = root
          ? await verifyCheckpointNote({
              note: c.note,
              verifierKey: c.verifierKey,
              treeSize: c.treeSize,
              rootHash: root,
            })
          : { status: 'invalid', detail: 'the root is not base64' };
        if (!live) return;
        setResults((previous) => ({ ...previous, [c.treeSize]: result }));
      }
    })();
    return () => {
      live = false;
    };
  }, [checkpoints]);

  if (checkpoints.length === 0) return <p className="muted">No checkpoint has been signed yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table audit-checkpoints">
        <caption className="visually-hidden">Signed checkpoints, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Size</th>
            <th scope="col">Root hash</th>
            <th scope="col">Signed at</th>
            <th scope="col">Signature</th>
            <th scope="col">Cosigned by</th>
          </tr>
        </thead>
        <tbody>
          {[...checkpoints].reverse().map((c) => (
            <tr key={c.treeSize} data-tree-size={c.treeSize}>
              <td>{c.treeSize.toLocaleString()}</td>
              <td>
                <code className="hash">{c.rootHash}</code>
              </td>
              <td>{formatDateTime(c.signedAt)}</td>
              <td>
                {signatureLines(c.note).map((line) => (
                  <code key={line} className="hash audit-sigline">
                    {line}
                  </code>
                ))}
                <SignatureVerdict result={results[c.treeSize]} />
              </td>
              <td className="audit-cosigners">
                {c.cosignatures?.length ? (
                  <ul className="stack-list">
                    {c.cosignatures.map((cosignature) => (
                      <li key={cosignature.witness}>
                        {cosignature.witness}{' '}
                        <span className="muted">
                          at {formatDateTime(new Date(cosignature.timestamp * 1000).toISOString())}
                        </span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">none (witnesses are asked for the latest checkpoint)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const CHART_W = 640;
const CHART_H = 200;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

/** Log size at each checkpoint: a line over time, with a table of the same figures for screen readers. */
function GrowthChart({ growth }: { growth: Stats['growth'] }) {
  if (growth.length === 0) return <p className="muted">No checkpoint yet, so no growth to draw.</p>;
  const times = growth.map((g) => Date.parse(g.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const maxSize = Math.max(1, ...growth.map((g) => g.treeSize));
  const x = (t: number) =>
    PAD.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (CHART_W - PAD.left - PAD.right);
  const y = (size: number) => CHART_H - PAD.bottom - (size / maxSize) * (CHART_H - PAD.top - PAD.bottom);
  const points = growth.map((g, i) => `${x(times[i] as number).toFixed(1)},${y(g.treeSize).toFixed(1)}`);
  const first = growth[0];
  const last = growth.at(-1);
  const summary = `Log size grew from ${first?.treeSize.toLocaleString()} entries on ${formatDateTime(first?.at)} to ${last?.treeSize.toLocaleString()} on ${formatDateTime(last?.at)}, over ${growth.length} checkpoints.`;
  return (
    <figure className="audit-chart">
      <svg viewBox={`0 0 ${CHART_W} ${CHART_H}`} role="img" aria-label={summary}>
        <line x1={PAD.left} x2={CHART_W - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={y(0)} className="chart-axis" />
        <text x={PAD.left - 6} y={y(maxSize) + 4} textAnchor="end" className="chart-label">
          {maxSize.toLocaleString()}
        </text>
        <text x={PAD.left - 6} y={y(0)} textAnchor="end" className="chart-label">
          0
        </text>
        <text x={PAD.left} y={CHART_H - 8} className="chart-label">
          {formatDateTime(first?.at)}
        </text>
        <text x={CHART_W - PAD.right} y={CHART_H - 8} textAnchor="end" className="chart-label">
          {formatDateTime(last?.at)}
        </text>
        <polyline points={points.join(' ')} className="chart-line" />
      </svg>
      <figcaption>{summary}</figcaption>
      <details>
        <summary>Show the figures as a table</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Signed at</th>
              <th scope="col">Log size</th>
            </tr>
          </thead>
          <tbody>
            {growth.map((g) => (
              <tr key={`${g.at}-${g.treeSize}`}>
                <td>{formatDateTime(g.at)}</td>
                <td>{g.treeSize.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** Events per hour: one bar per hour, with a table of the same figures. */
function HourlyChart({ hours, truncated }: { hours: Stats['eventsPerHour']; truncated: boolean }) {
  if (hours.length === 0) return <p className="muted">No events yet.</p>;
  const max = Math.max(1, ...hours.map((h) => h.events));
  const total = hours.reduce((sum, h) => sum + h.events, 0);
  const busiest = hours.reduce(
    (best, h) => (h.events > best.events ? h : best),
    hours[0] as Stats['eventsPerHour'][0],
  );
  const band = (CHART_W - PAD.left - PAD.right) / hours.length;
  const barH = (n: number) => (n / max) * (CHART_H - PAD.top - PAD.bottom);
  const summary = `${total.toLocaleString()} events over ${hours.length} hours; the busiest hour, ${formatDateTime(busiest.hour)}, had ${busiest.events.toLocaleString()}.${truncated ? ' Counting stopped at the scan limit.' : ''}`;
  return (
    <figure className="audit-chart">
      <svg viewBox={`0 0 ${CHART_W} ${CHART_H}`} role="img" aria-label={summary}>
        <line
          x1={PAD.left}
          x2={CHART_W - PAD.right}
          y1={CHART_H - PAD.bottom}
          y2={CHART_H - PAD.bottom}
          className="chart-axis"
        />
        <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" className="chart-label">
          {max.toLocaleString()}
        </text>
        <text x={PAD.left - 6} y={CHART_H - PAD.bottom} textAnchor="end" className="chart-label">
          0
        </text>
        {hours.map((h, i) => (
          <rect
            key={h.hour}
            x={PAD.left + i * band + band * 0.1}
            width={band * 0.8}
            y={CHART_H - PAD.bottom - barH(h.events)}
            height={barH(h.events)}
            className="chart-bar"
          >
            <title>{`${formatDateTime(h.hour)}: ${h.events}`}</title>
          </rect>
        ))}
        <text x={PAD.left} y={CHART_H - 8} className="chart-label">
          {formatDateTime(hours[0]?.hour)}
        </text>
        <text x={CHART_W - PAD.right} y={CHART_H - 8} textAnchor="end" className="chart-label">
          {formatDateTime(hours.at(-1)?.hour)}
        </text>
      </svg>
      <figcaption>{summary}</figcaption>
      <details>
        <summary>Show the figures as a table</summary>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Hour starting</th>
              <th scope="col">Events</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <td>{formatDateTime(h.hour)}</td>
                <td>{h.events.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** RFC 9162 tree hash kept as its right border: the roots of the perfect subtrees, largest first. */
class RightBorder {
  private readonly stack: { hash: Uint8Array; size: number }[] = [];
  size = 0;

  async append(hash: Uint8Array): Promise<void> {
    this.stack.push({ hash, size: 1 });
    this.size += 1;
    for (;;) {
      const right = this.stack.at(-1);
      const left = this.stack.at(-2);
      if (!right || !left || left.size !== right.size) break;
      this.stack.splice(-2, 2, { hash: await nodeHash(left.hash, right.hash), size: left.size * 2 });
    }
  }

  /** MTH of the leaves so far (RFC 9162 §2.1.1): the border folded right to left. */
  async root(): Promise<Uint8Array> {
    const top = this.stack.at(-1);
    if (!top) return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(0)));
    let root = top.hash;
    for (let i = this.stack.length - 2; i >= 0; i -= 1)
      root = await nodeHash((this.stack[i] as { hash: Uint8Array }).hash, root);
    return root;
  }
}

type Verdict =
  | { kind: 'ok'; treeSize: number; rootHash: string }
  | { kind: 'bad'; index?: number; range?: [number, number]; detail: string };

interface Progress {
  done: number;
  total: number;
}

/** Finds the first leaf of [from, to) whose hash the server's own inclusion proof against `treeSize` rejects. */
async function firstRejectedLeaf(
  leafHashes: Uint8Array[],
  from: number,
  to: number,
  treeSize: number,
  rootHash: Uint8Array,
): Promise<number | undefined> {
  for (let index = from; index < to && index - from < MAX_PROOF_SEARCH; index += 1) {
    const proof = await apiGet<{ proof: string[] }>(
      `/v1/audit/proof/inclusion?index=${index}&treeSize=${treeSize}`,
    );
    const hashes = proof.proof.map(fromBase64);
    const leaf = leafHashes[index - from];
    if (!leaf || hashes.some((h) => !h)) return index;
    const result = await verifyInclusion({
      leafIndex: index,
      treeSize,
      leafHash: leaf,
      proof: hashes as Uint8Array[],
      rootHash,
    });
    if (!result.ok) return index;
  }
  return undefined;
}

/**
 * Streams every entry up to the latest checkpoint and recomputes the tree. Each leaf's hash is recomputed from its
 * bytes; the running root is compared with every signed checkpoint on the way, so a bad leaf is pinned between two
 * checkpoints and then named with inclusion proofs.
 */
async function verifyEverything(
  onProgress: (p: Progress) => void,
  cancelled: () => boolean,
): Promise<Verdict> {
  const latest = await apiGet<Checkpoint>('/v1/audit/checkpoint');
  const latestRoot = fromBase64(latest.rootHash);
  if (!latestRoot) return { kind: 'bad', detail: 'The latest checkpoint has no valid root hash.' };
  const signature = await verifyCheckpointNote({
    note: latest.note,
    verifierKey: latest.verifierKey,
    treeSize: latest.treeSize,
    rootHash: latestRoot,
  });
  // A log that adds up to an unsigned root proves nothing: "verified" needs the signature checked here too.
  if (signature.status === 'invalid')
    return { kind: 'bad', detail: `The latest checkpoint's signature does not verify: ${signature.detail}.` };
  if (signature.status === 'unsupported')
    return {
      kind: 'bad',
      detail: `The latest checkpoint's signature could not be checked: ${signature.detail}.`,
    };
  const checkpoints = new Map<number, Uint8Array>();
  for (const c of await checkpointsFrom(1)) {
    const root = fromBase64(c.rootHash);
    if (root && c.treeSize <= latest.treeSize) checkpoints.set(c.treeSize, root);
  }
  checkpoints.set(latest.treeSize, latestRoot);

  const tree = new RightBorder();
  let lastGood = 0;
  // Leaf hashes since the last checkpoint that matched, to name a bad one.
  let pending: Uint8Array[] = [];
  const total = latest.treeSize;
  onProgress({ done: 0, total });
  while (tree.size < total) {
    if (cancelled()) return { kind: 'bad', detail: 'Stopped before the end.' };
    const limit = Math.min(ENTRY_PAGE, total - tree.size);
    const { entries } = await apiGet<{ entries: Entry[] }>(
      `/v1/audit/entries?start=${tree.size}&limit=${limit}`,
    );
    if (entries.length === 0)
      return { kind: 'bad', index: tree.size, detail: `The server sent no entry ${tree.size}.` };
    for (const entry of entries) {
      const index = tree.size;
      const bytes = fromBase64(entry.leaf);
      if (entry.index !== index || !bytes)
        return { kind: 'bad', index, detail: `Entry ${index} is missing or malformed.` };
      const hash = await leafHash(bytes);
      const claimed = fromBase64(entry.leafHash);
      if (!claimed || !bytesEqual(hash, claimed))
        return {
          kind: 'bad',
          index,
          detail: `The bytes of entry ${index} do not hash to the leaf hash the log recorded.`,
        };
      await tree.append(hash);
      pending.push(hash);
      const signedRoot = checkpoints.get(tree.size);
      if (signedRoot) {
        if (!bytesEqual(await tree.root(), signedRoot)) {
          const bad = await firstRejectedLeaf(pending, lastGood, tree.size, tree.size, signedRoot);
          return bad !== undefined
            ? {
                kind: 'bad',
                index: bad,
                detail: `Entry ${bad} is not the leaf the signed checkpoint of size ${tree.size} holds.`,
              }
            : {
                kind: 'bad',
                range: [lastGood, tree.size - 1],
                detail: `The entries ${lastGood}–${tree.size - 1} do not add up to the signed checkpoint of size ${tree.size}.`,
              };
        }
        lastGood = tree.size;
        pending = [];
      }
    }
    onProgress({ done: tree.size, total });
  }
  return { kind: 'ok', treeSize: total, rootHash: toBase64(await tree.root()) };
}

function VerifyEverything() {
  const [progress, setProgress] = useState<Progress>();
  const [verdict, setVerdict] = useState<Verdict>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const cancelled = useRef(false);
  useEffect(
    () => () => {
      cancelled.current = true;
    },
    [],
  );

  async function run() {
    cancelled.current = false;
    setRunning(true);
    setVerdict(undefined);
    setError(undefined);
    try {
      const result = await verifyEverything(setProgress, () => cancelled.current);
      // Entries before the bad one were checked: show how far the check got.
      const reached = result.kind === 'bad' ? (result.index ?? result.range?.[0]) : undefined;
      if (reached !== undefined) setProgress((p) => (p ? { ...p, done: reached } : p));
      setVerdict(result);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="audit-verify">
      <p>
        Downloads every entry of the log, hashes each one in your browser (SHA-256 of 0x00 and the leaf bytes)
        and rebuilds the Merkle tree (RFC 9162), then compares its root with the latest signed checkpoint.
      </p>
      <div className="button-row">
        <Button variant="primary" busy={running} busyLabel="Verifying…" onClick={() => void run()}>
          Verify everything
        </Button>
      </div>
      {progress ? (
        <div className="audit-progress">
          <label htmlFor="audit-progress">
            {progress.done.toLocaleString()} of {progress.total.toLocaleString()} entries checked
          </label>
          <progress id="audit-progress" value={progress.done} max={Math.max(progress.total, 1)} />
        </div>
      ) : null}
      {error ? (
        <Notice tone="error" title="The log could not be verified">
          <p>{error}</p>
        </Notice>
      ) : null}
      {verdict?.kind === 'ok' ? (
        <Notice tone="success" title="Verified: every entry is in the signed log">
          <p>
            All {verdict.treeSize.toLocaleString()} entries hash to the root of the latest signed checkpoint,{' '}
            <code className="hash">{verdict.rootHash}</code>.
          </p>
        </Notice>
      ) : null}
      {verdict?.kind === 'bad' ? (
        <Notice
          tone="error"
          title={verdict.index !== undefined ? `Not verified: entry ${verdict.index} is bad` : 'Not verified'}
        >
          <p>{verdict.detail}</p>
          {verdict.index !== undefined ? (
            <p>
              First bad index: <strong data-bad-index={verdict.index}>{verdict.index}</strong>
            </p>
          ) : null}
        </Notice>
      ) : null}
    </div>
  );
}

/** Every witness with the size it last cosigned and how long ago, and whether a quorum keeps up. */
function WitnessList({ witnesses }: { witnesses: Witnesses }) {
  const now = Date.now();
  if (witnesses.witnesses.length === 0) {
    return (
      <p className="muted">
        No witness is configured (PORTLEDGER_WITNESSES): only this server vouches for its own log.
      </p>
    );
  }
  return (
    <>
      <p className={witnesses.lagging ? 'audit-bad' : 'muted'}>
        {witnesses.cosignedSize === null
          ? `No checkpoint has a quorum of ${witnesses.quorum} cosignatures yet.`
          : `A quorum of ${witnesses.quorum} has cosigned the log up to ${witnesses.cosignedSize.toLocaleString()} entries.`}{' '}
        {witnesses.waitingSince
          ? `The latest checkpoint has waited for it since ${formatDateTime(witnesses.waitingSince)}${witnesses.lagging ? ', longer than allowed' : ''}.`
          : ''}
      </p>
      <div className="table-wrap">
        <table className="table audit-witnesses">
          <caption className="visually-hidden">The log's witnesses</caption>
          <thead>
            <tr>
              <th scope="col">Witness</th>
              <th scope="col">Last cosigned size</th>
              <th scope="col">When</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {witnesses.witnesses.map((w) => (
              <tr key={w.name} data-witness={w.name}>
                <td>
                  {w.name}
                  <br />
                  <code className="muted">{w.url}</code>
                </td>
                <td>{w.cosignedSize === null ? '—' : w.cosignedSize.toLocaleString()}</td>
                <td title={w.cosignedAt ? formatDateTime(w.cosignedAt) : undefined}>
                  {ago(w.cosignedAt, now)}
                </td>
                <td>
                  {w.finding ? (
                    <strong className="audit-bad">
                      {w.finding.code === 'integrity.rollback' ? 'Rollback' : 'Fork'}: {w.finding.reason}
                    </strong>
                  ) : w.lastError ? (
                    <span className="audit-bad">Unreachable or refusing: {w.lastError}</span>
                  ) : (
                    'Cosigning'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function AuditPage({ session }: { session: Session }) {
  const [stats, setStats] = useState<Stats>();
  const [checkpoints, setCheckpoints] = useState<Checkpoint[]>();
  const [witnesses, setWitnesses] = useState<Witnesses>();
  const [error, setError] = useState<string>();
  const mayReadEntries = holds(session, 'audit.entries.read');

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const loaded = await apiGet<Stats>('/v1/audit/stats?hours=48');
        const start = loaded.growth.at(-SHOWN_CHECKPOINTS)?.treeSize ?? 0;
        const [recent, cosigners] = await Promise.all([
          checkpointsFrom(start).then((all) => all.slice(-SHOWN_CHECKPOINTS)),
          apiGet<Witnesses>('/v1/audit/witnesses'),
        ]);
        if (!live) return;
        setStats(loaded);
        setCheckpoints(recent);
        setWitnesses(cosigners);
      } catch (caught) {
        if (live) setError(messageOf(caught));
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  return (
    <div className="page audit-page">
      <PageHeading title="Audit log" />
      <p className="lead">
        Every event is a leaf of an append-only Merkle log (RFC 9162). The log signs checkpoints of its size
        and root; your browser checks the signatures itself.
      </p>
      {error ? (
        <Notice tone="error" title="The audit log could not be loaded">
          <p>{error}</p>
        </Notice>
      ) : null}
      {!error && (!stats || !checkpoints) ? <Loading label="Loading the audit log…" /> : null}
      {stats && checkpoints ? (
        <>
          <section className="card card-wide" aria-labelledby="verify-heading">
            <h2 id="verify-heading">Verify everything</h2>
            {mayReadEntries ? (
              <VerifyEverything />
            ) : (
              <Notice tone="info" title="Whole-log verification needs the entries permission">
                <p>
                  {session.method === 'password_totp'
                    ? 'Checking every entry means reading every event, with every yard position in it: sign in with your passkey for that. '
                    : 'Checking every entry means reading every event, which only customs officers and investigators may do. '}
                  You can still check each checkpoint's signature below, and each event's inclusion proof on
                  its container page.
                </p>
              </Notice>
            )}
          </section>
          <div className="cards audit-charts">
            <section className="card" aria-labelledby="growth-heading">
              <h2 id="growth-heading">Log growth</h2>
              <GrowthChart growth={stats.growth} />
            </section>
            <section className="card" aria-labelledby="hourly-heading">
              <h2 id="hourly-heading">Events per hour</h2>
              <HourlyChart hours={stats.eventsPerHour} truncated={stats.truncated} />
            </section>
          </div>
          <section className="card card-wide" aria-labelledby="checkpoints-heading">
            <h2 id="checkpoints-heading">Signed checkpoints</h2>
            <p className="muted">
              The {checkpoints.length} newest of the log's checkpoints; {stats.logSize.toLocaleString()}{' '}
              entries in all. The witnesses' cosignatures follow the log's own signature line; your browser
              checks the log's.
            </p>
            <CheckpointList checkpoints={checkpoints} />
          </section>
          {witnesses ? (
            <section className="card card-wide" aria-labelledby="witnesses-heading">
              <h2 id="witnesses-heading">Witnesses</h2>
              <p className="muted">
                Outside parties (customs, the port authority) cosign each checkpoint only if it extends the
                one they cosigned before: a log cut back or rewritten cannot get their signatures.
              </p>
              <WitnessList witnesses={witnesses} />
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
