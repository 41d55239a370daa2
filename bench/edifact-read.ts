/**
 * The UN/EDIFACT reader's speed (issue 17): segments per second reading the full D.95B BAPLIE of the conformance
 * samples (19,841 segments, 384 KB), as a ratio to baselines measured in the same run over the same text:
 * - `split`: `text.split("'")`, which finds the segments and nothing else;
 * - `naive`: the same, then each segment split on `+` and `:` — a tokeniser without release characters, repertoire
 *   checks, envelopes or positions (what the unmaintained npm readers do, roughly), its pieces thrown away;
 * - `naiveTree`: the same, but keeping the segments → elements → components arrays, as a reader must.
 * Rounds are interleaved and the median taken, and time is the process's CPU time (user + system, GC threads
 * included) rather than the wall clock, because the machine is shared and loaded (a load of 19 on 2 cores was seen:
 * wall time then measures the neighbours).
 *
 * Run: `npx tsc -p tsconfig.build.json && node dist/bench/edifact-read.js [FILE] [--json]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readInterchange } from '../src/edifact/index.js';

const ROUNDS = 9;
const round = (n: number) => Math.round(n * 1000) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function edifactReadFigures(file: string) {
  const text = readFileSync(file).toString('latin1');
  const first = readInterchange(text);
  if (!first.ok) throw new Error(`the sample is refused: ${JSON.stringify(first.errors.slice(0, 3))}`);
  const segments = 2 + first.interchange.messages.reduce((n, m) => n + m.segments.length + 2, 0);

  let sink = 0;
  const runs = {
    reader: () => {
      const r = readInterchange(text);
      sink += r.ok ? r.interchange.messages.length : 0;
    },
    split: () => {
      sink += text.split("'").length;
    },
    naive: () => {
      for (const s of text.split("'")) for (const e of s.split('+')) sink += e.split(':').length;
    },
    naiveTree: () => {
      const tree = text.split("'").map((s) => s.split('+').map((e) => e.split(':')));
      sink += tree.length;
    },
  };
  // Each round reads the file enough times to last a few tens of milliseconds.
  const repeat = 10;
  const times: Record<keyof typeof runs, number[]> = { reader: [], split: [], naive: [], naiveTree: [] };
  for (let r = 0; r < ROUNDS + 2; r++) {
    for (const [name, run] of Object.entries(runs) as [keyof typeof runs, () => void][]) {
      const start = process.cpuUsage();
      for (let i = 0; i < repeat; i++) run();
      const used = process.cpuUsage(start);
      const seconds = (used.user + used.system) / 1e6;
      if (r >= 2) times[name].push(seconds); // two warm-up rounds
    }
  }
  const perSecond = (name: keyof typeof runs) => (segments * repeat) / median(times[name]);
  const reader = perSecond('reader');
  return {
    file,
    bytes: text.length,
    segments,
    readerSegmentsPerSecond: Math.round(reader),
    splitSegmentsPerSecond: Math.round(perSecond('split')),
    naiveSegmentsPerSecond: Math.round(perSecond('naive')),
    naiveTreeSegmentsPerSecond: Math.round(perSecond('naiveTree')),
    readerToSplitRatio: round(reader / perSecond('split')),
    readerToNaiveRatio: round(reader / perSecond('naive')),
    readerToNaiveTreeRatio: round(reader / perSecond('naiveTree')),
    sink: sink > 0,
  };
}

const isMain = process.argv[1]?.endsWith('edifact-read.js');
if (isMain) {
  const file =
    process.argv.slice(2).find((a) => !a.startsWith('--')) ??
    join(import.meta.dirname, '../../../shared/conformance/edifact/full/D95BBAPLIE-full.edi');
  const figures = edifactReadFigures(file);
  if (process.argv.includes('--json')) console.log(JSON.stringify(figures));
  else console.table(figures);
}
