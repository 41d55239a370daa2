/**
 * `npm run eval:detection -- --seed S [--days N] [--json]` (issue 15): generates a port from the seed with honest
 * work and labelled incidents, appends it through the real ledger, runs the real detection engine over the log, and
 * scores the alerts against the labels the engine never saw. Prints per-scenario recall, per-rule precision and
 * recall, and the overall figures; `--json` prints them as one object.
 *
 * Seeds 1, 2 and 3 are for tuning the rules; 101, 102 and 103 are for evaluation only.
 */
import { createMemoryLedgerStore } from '../../src/store/memory-store.js';
import { appendToLedger } from './append.js';
import { alertsInLog, detectionRunner, readSeconds } from './engine.js';
import { generatePort } from './generate.js';
import { type Score, score } from './score.js';

export interface EvaluationResult {
  readonly score: Score;
  /** The rules the engine ran. */
  readonly rules: readonly string[];
  readonly faults: Readonly<Record<string, number>>;
  /** Visits the engine froze on a high or critical alert. */
  readonly frozen: number;
  /** Reading the log alone, and reading it with the engine: the engine's cost as a ratio. */
  readonly readSeconds: number;
  readonly detectSeconds: number;
  readonly events: number;
  readonly seconds: number;
  readonly phases: { readonly generate: number; readonly append: number; readonly detect: number };
}

/** One whole evaluation: generate, append with the engine catching up after each day, score. */
export async function evaluate(
  seed: string,
  days: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EvaluationResult> {
  const started = performance.now();
  const port = generatePort(seed, days);
  const generated = performance.now();
  const store = createMemoryLedgerStore();
  const detection = detectionRunner(env);
  const { ledger, events } = await appendToLedger(store, port.events, seed, (l) => detection.catchUp(l));
  await ledger.close();
  const alerts = await alertsInLog(store);
  const read = await readSeconds(store);
  const finished = performance.now();
  await store.close();
  const engine = detection.result();
  return {
    score: score(alerts, port.labels),
    rules: engine.rules,
    faults: engine.faults,
    frozen: engine.frozen,
    readSeconds: read,
    detectSeconds: engine.seconds,
    events,
    seconds: (finished - started) / 1000,
    phases: {
      generate: (generated - started) / 1000,
      append: (finished - generated) / 1000 - engine.seconds,
      detect: engine.seconds,
    },
  };
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

function table(result: EvaluationResult, seed: string, days: number): string {
  const { score: s } = result;
  const lines = [
    `Detection evaluation, seed ${seed}, ${days} days: ${result.events.toLocaleString('en')} events in ${result.seconds.toFixed(1)} s (generate ${result.phases.generate.toFixed(1)} s, append ${result.phases.append.toFixed(1)} s, detect ${result.phases.detect.toFixed(1)} s)`,
    `Engine: ${result.rules.length} rules (${result.rules.join(', ')}); ${Math.round(result.events / result.detectSeconds).toLocaleString('en')} events/s, ${(result.readSeconds / result.detectSeconds).toFixed(2)}× the speed of reading the log alone; ${result.frozen} visits frozen`,
    ...Object.entries(result.faults).map(([rule, n]) => `  rule ${rule} threw on ${n} events`),
    '',
    'Scenario               incidents  found  recall  missed',
  ];
  for (const [name, entry] of Object.entries(s.scenarios)) {
    lines.push(
      `${name.padEnd(22)} ${String(entry.incidents).padStart(9)}  ${String(entry.found).padStart(5)}  ${pct(entry.recall).padStart(6)}  ${entry.missed.join(', ')}`,
    );
  }
  lines.push('', 'Rule                             alerts  true  precision  recall  matched scenarios');
  for (const [name, rule] of Object.entries(s.rules)) {
    const matched = Object.entries(rule.matched)
      .map(([scenario, n]) => `${scenario}×${n}`)
      .join(' ');
    lines.push(
      `${name.padEnd(32)} ${String(rule.alerts).padStart(6)}  ${String(rule.truePositives).padStart(4)}  ${pct(rule.precision).padStart(9)}  ${pct(rule.recall).padStart(6)}  ${matched}`,
    );
    for (const example of rule.falseExamples.slice(0, 3)) lines.push(`    false: ${example.slice(0, 150)}`);
  }
  lines.push(
    '',
    `Overall: recall ${pct(s.overall.recall)} of ${s.overall.incidents} incidents, precision ${pct(s.overall.precision)} of ${s.overall.alerts} alerts`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const seed = argument('--seed');
  const days = Number(argument('--days') ?? '90');
  if (!seed || !Number.isInteger(days) || days < 1 || days > 365) {
    process.stderr.write(
      'usage: npm run eval:detection -- --seed S [--days N (1–365, default 90)] [--json]\n',
    );
    process.exit(2);
  }
  const result = await evaluate(seed, days);
  if (process.argv.includes('--json')) {
    const { overall, scenarios, rules } = result.score;
    process.stdout.write(
      `${JSON.stringify({
        seed,
        days,
        overall: {
          recall: overall.recall,
          precision: overall.precision,
          incidents: overall.incidents,
          alerts: overall.alerts,
        },
        scenarios,
        rules,
        engine: {
          rules: result.rules,
          faults: result.faults,
          frozen: result.frozen,
          readSeconds: result.readSeconds,
          detectSeconds: result.detectSeconds,
        },
        events: result.events,
        seconds: Number(result.seconds.toFixed(2)),
        phases: result.phases,
      })}\n`,
    );
  } else {
    process.stdout.write(`${table(result, seed, days)}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`eval:detection: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
