import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { temporalCacheDir } from '../../scripts/lib/local-temporal';

/** schemathesisBinary is SCHEMATHESIS_BIN or the copy scripts/setup.sh installs into a venv in the cache folder. */
export function schemathesisBinary(): string {
  const candidate =
    process.env.SCHEMATHESIS_BIN || path.join(path.dirname(temporalCacheDir()), 'schemathesis', 'bin', 'schemathesis');
  if (!fs.existsSync(candidate)) {
    throw new Error(
      `schemathesis is not installed at ${candidate}: run \`bash scripts/setup.sh\` (needs python3 and PyPI)`,
    );
  }
  return candidate;
}

// ---- what a run did, read from its NDJSON event stream ----

/** One request schemathesis sent and the answer it got (status null when none came: a timeout, a stopped run). */
export interface Interaction {
  method: string;
  url: string;
  status: number | null;
  body: string;
}

/** What one phase (examples, coverage, fuzzing, stateful) ran: the stateful phase counts scenarios, not operations. */
export interface PhaseReport {
  name: string;
  status: string;
  operations: number;
  scenarios: number;
  cases: number;
  seconds: number;
}

/** SchemathesisRun is what a bounded run did, whether it finished or its budget ran out. */
export interface SchemathesisRun {
  exitCode: number | null;
  /** The budget ran out and the run was stopped: what ran is reported, what did not run is not a failure. */
  cutShort: boolean;
  seconds: number;
  /** Operations in the document, and those at least one case was generated for. */
  operationsInDocument: number | null;
  operationsTested: number;
  phases: PhaseReport[];
  /** Every failed check and error, one line each; empty means nothing failed in what ran. */
  problems: string[];
  interactions: Interaction[];
  /** The command's own text output, for the failure message. */
  output: string;
}

type Event = Record<string, Record<string, unknown>>;
interface RecordedScenario {
  label?: string;
  cases?: Record<string, unknown>;
  checks?: Record<string, { name: string; status: string; failure_info?: { failure?: { title?: string } } }[]>;
  interactions?: Record<
    string,
    {
      request?: { method?: string; uri?: string };
      response?: { status_code?: number; content?: string | { $base64: string } | null };
    }
  >;
}

function decodeBody(content: string | { $base64: string } | null | undefined): string {
  if (content == null) return '';
  return typeof content === 'string' ? content : Buffer.from(content.$base64, 'base64').toString('utf8');
}

/** readEvents parses an NDJSON report; a run killed mid-write leaves a torn last line, which is dropped. */
function readEvents(file: string): Event[] {
  if (!fs.existsSync(file)) return [];
  const events: Event[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as Event);
    } catch {
      // Only the last line can be torn; everything before it was flushed whole.
    }
  }
  return events;
}

function summarizeEvents(events: Event[]) {
  const phases = new Map<string, PhaseReport & { started: number }>();
  const labels = new Map<string, Set<string>>();
  const tested = new Set<string>();
  const problems: string[] = [];
  const interactions: Interaction[] = [];
  let operationsInDocument: number | null = null;
  for (const event of events) {
    const [name, data] = Object.entries(event)[0] ?? [];
    if (!name || !data) continue;
    if (name === 'LoadingFinished') {
      const statistic = data.statistic as { operations?: { selected?: number; total?: number } } | undefined;
      operationsInDocument = statistic?.operations?.selected ?? statistic?.operations?.total ?? null;
    } else if (name === 'PhaseStarted') {
      const phase = (data.phase as { name: string }).name;
      const report = phases.get(phase);
      // A phase may run more than once (coverage catches up); its passes add up.
      if (report) report.started = data.timestamp as number;
      else {
        const started = data.timestamp as number;
        phases.set(phase, {
          name: phase,
          status: 'running',
          operations: 0,
          scenarios: 0,
          cases: 0,
          seconds: 0,
          started,
        });
        labels.set(phase, new Set());
      }
    } else if (name === 'PhaseFinished') {
      const phase = (data.phase as { name: string }).name;
      const report = phases.get(phase);
      if (report) {
        report.status = data.status as string;
        report.seconds += (data.timestamp as number) - report.started;
      }
      if (data.status === 'failure' || data.status === 'error') problems.push(`phase ${phase}: ${data.status}`);
    } else if (name === 'ScenarioFinished') {
      const phase = data.phase as string;
      const recorder = (data.recorder ?? {}) as RecordedScenario;
      const label = recorder.label ?? '(unlabelled)';
      const cases = Object.keys(recorder.cases ?? {}).length;
      const report = phases.get(phase);
      if (report && cases > 0) {
        report.cases += cases;
        report.scenarios += 1;
        labels.get(phase)?.add(label);
      }
      if (cases > 0 && phase !== 'stateful') tested.add(label);
      for (const checks of Object.values(recorder.checks ?? {}))
        for (const check of checks)
          if (check.status === 'failure')
            problems.push(`${phase} ${label}: ${check.name}: ${check.failure_info?.failure?.title ?? 'failed'}`);
      if (data.status === 'error') problems.push(`${phase} ${label}: error`);
      for (const interaction of Object.values(recorder.interactions ?? {}))
        interactions.push({
          method: interaction.request?.method ?? '',
          url: interaction.request?.uri ?? '',
          status: interaction.response?.status_code ?? null,
          body: decodeBody(interaction.response?.content),
        });
    } else if (name === 'NonFatalError' || name === 'FatalError') {
      const value = data.value as { type?: string; message?: string } | undefined;
      problems.push(
        `${name} ${(data.label as string | undefined) ?? ''}: ${value?.type ?? ''} ${value?.message ?? ''}`,
      );
    }
  }
  return {
    operationsInDocument,
    operationsTested: tested.size,
    phases: [...phases.values()].map(({ started: _started, ...report }) => ({
      ...report,
      operations: labels.get(report.name)?.size ?? 0,
    })),
    problems: [...new Set(problems)],
    interactions,
  };
}

// ---- running it within a budget ----

/** RunOptions bound a run: schemathesis' own arguments, and the wall-clock time it may take in all. */
export interface RunOptions {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  budgetMs: number;
  /** How long a stopped run may take to finish its reports before it is killed. */
  graceMs: number;
}

/**
 * runSchemathesis runs schemathesis with an NDJSON event report and stops it (SIGINT, then SIGKILL after the grace
 * period) once the budget is spent, so a slow machine shortens the run instead of failing it; what ran is read
 * from the events, which are flushed one by one.
 */
export function runSchemathesis(options: RunOptions): Promise<SchemathesisRun> {
  const ndjson = path.join(options.cwd, 'schemathesis-events.ndjson');
  const args = [...options.args, '--report', 'ndjson', '--report-ndjson-path', ndjson];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(schemathesisBinary(), args, { cwd: options.cwd, env: options.env });
    let output = '';
    // The text output is only for the failure message: keep its end.
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-40_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let cutShort = false;
    let kill: NodeJS.Timeout | undefined;
    const budget = setTimeout(() => {
      cutShort = true;
      child.kill('SIGINT');
      kill = setTimeout(() => child.kill('SIGKILL'), options.graceMs);
    }, options.budgetMs);
    child.on('error', (error) => {
      clearTimeout(budget);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(budget);
      clearTimeout(kill);
      resolve({
        exitCode: code,
        cutShort,
        seconds: (Date.now() - started) / 1000,
        output,
        ...summarizeEvents(readEvents(ndjson)),
      });
    });
  });
}

/** describeRun is one line saying what a run covered: operations, cases per phase, time, and whether it finished. */
export function describeRun(run: SchemathesisRun, budgetMs: number): string {
  const phases = ['examples', 'coverage', 'fuzzing', 'stateful']
    .map((name) => {
      const phase = run.phases.find((report) => report.name === name);
      if (!phase) return `${name} not run`;
      const on = name === 'stateful' ? `${phase.scenarios} scenarios` : `${phase.operations} operations`;
      return `${name} ${phase.cases} cases on ${on} in ${phase.seconds.toFixed(1)} s (${phase.status})`;
    })
    .join(', ');
  const found = run.problems.length === 0 ? 'nothing failed' : `${run.problems.length} problem(s)`;
  const ending = run.cutShort
    ? `stopped when its ${budgetMs / 1000} s budget ran out (the rest was not tested); ${found} in what ran`
    : `finished within its ${budgetMs / 1000} s budget; ${found}`;
  return (
    `schemathesis: ${run.operationsTested} of ${run.operationsInDocument ?? '?'} operations, ` +
    `${run.interactions.length} requests in ${run.seconds.toFixed(1)} s; ${phases}; ${ending}`
  );
}
