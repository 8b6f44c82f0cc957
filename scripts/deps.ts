// The import boundaries of .dependency-cruiser.cjs, run three ways:
//   npm run deps:check     fails on a violation that is not in the known-violations baseline; lists the known ones
//   npm run deps:baseline  rewrites the baseline (after removing violations, so they cannot come back unnoticed)
//   npm run deps:graph     draws the folders' import graph for the README (needs Graphviz: apt-get install graphviz)
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');
const bin = path.join(root, 'node_modules', '.bin');
// Every folder of TypeScript the rules speak about; the one list the three commands share.
const cruised = ['src', 'workflows', 'activities', 'scripts', 'test'];
const baselineFile = '.dependency-cruiser-known-violations.json';
// The picture shows the production code by folder (a src/ subject, workflows, activities) and the packages the rules
// are about. scripts/ and test/ are left out: they drive everything, and their edges would hide the layers.
const graphModules =
  '^(src|activities|workflows)/|^node_modules/(express|kysely|pg|@temporalio/(client|workflow|common))/';
const graphFolders = '^(workflows|activities)|^src/[^/]+|^node_modules/(@temporalio/[^/]+|[^/]+)';

interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}

interface CruiseResult {
  summary: {
    violations: Violation[];
    totalCruised: number;
    totalDependenciesCruised: number;
    ruleSetUsed: { forbidden?: { name: string; comment?: string }[] };
  };
}

function run(command: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
}

function fail(message: string): never {
  console.error(`[deps] ${message}`);
  process.exit(1);
}

function describe(violation: Violation): string {
  const cycle = violation.cycle?.length
    ? ` (cycle: ${[violation.from, ...violation.cycle.map((step) => step.name)].join(' → ')})`
    : '';
  return `${violation.rule.name}: ${violation.from} → ${violation.to}${cycle}`;
}

const key = (violation: Violation) => `${violation.rule.name}|${violation.from}|${violation.to}`;

/** checkBoundaries cruises the tree and exits non-zero when an import breaks a rule and is not a known violation. */
function checkBoundaries(): void {
  const cruise = run(path.join(bin, 'depcruise'), [
    ...cruised,
    '--ignore-known',
    baselineFile,
    '--output-type',
    'json',
  ]);
  let result: CruiseResult;
  try {
    result = JSON.parse(cruise.stdout) as CruiseResult;
  } catch {
    fail(`dependency-cruiser did not run (exit ${cruise.status}):\n${cruise.stderr}`);
  }
  const { violations, totalCruised, totalDependenciesCruised, ruleSetUsed } = result.summary;
  // --ignore-known turns the baseline's violations into severity "ignore"; every other one is new.
  const known = violations.filter((violation) => violation.rule.severity === 'ignore');
  const fresh = violations.filter((violation) => violation.rule.severity !== 'ignore');
  const current = new Set(violations.map(key));
  const fixed = (JSON.parse(readFileSync(path.join(root, baselineFile), 'utf8')) as Violation[]).filter(
    (violation) => !current.has(key(violation)),
  );

  for (const violation of known) console.log(`  warn  (known) ${describe(violation)}`);
  for (const violation of fresh) {
    const why = ruleSetUsed.forbidden?.find((rule) => rule.name === violation.rule.name)?.comment;
    console.log(`  ${violation.rule.severity} ${describe(violation)}${why ? `\n        why: ${why}` : ''}`);
  }
  console.log(
    `[deps] ${totalCruised} modules, ${totalDependenciesCruised} imports: ${fresh.length} new violation(s), ` +
      `${known.length} known (listed in ${baselineFile}, being removed), ${fixed.length} known one(s) fixed since`,
  );
  if (fixed.length > 0)
    console.log(`[deps] run \`npm run deps:baseline\` so the fixed ones cannot come back unnoticed`);
  if (fresh.some((violation) => violation.rule.severity === 'error')) {
    fail(
      'an import breaks a boundary rule (.dependency-cruiser.cjs says why): import through the layer the rule names. ' +
        'A violation that must stay for now is added with `npm run deps:baseline`, and the commit says why.',
    );
  }
}

/** writeBaseline records every violation the tree has now as known, formatted as Prettier wants it. */
function writeBaseline(): void {
  const cruise = run(path.join(bin, 'depcruise'), [
    ...cruised,
    '--output-type',
    'baseline',
    '--output-to',
    baselineFile,
  ]);
  if (cruise.status !== 0) fail(`dependency-cruiser did not write ${baselineFile}:\n${cruise.stderr}`);
  const format = run(path.join(bin, 'prettier'), ['--write', '--log-level=warn', baselineFile]);
  if (format.status !== 0) fail(`prettier could not format ${baselineFile}:\n${format.stderr}`);
  const count = (JSON.parse(readFileSync(path.join(root, baselineFile), 'utf8')) as Violation[]).length;
  console.log(`[deps] ${baselineFile}: ${count} known violation(s)`);
}

/** drawGraph writes docs/architecture.dot (the folders' import graph, rule violations in red) and its SVG. */
function drawGraph(): void {
  if (run('dot', ['-V']).error) {
    fail("Graphviz's `dot` draws the picture and is not installed: apt-get install -y graphviz, then run this again.");
  }
  const dotFile = path.join('docs', 'architecture.dot');
  const svgFile = path.join('docs', 'architecture.svg');
  const cruise = run(path.join(bin, 'depcruise'), [
    ...cruised,
    '--include-only',
    graphModules,
    '--collapse',
    graphFolders,
    '--output-type',
    'dot',
    '--output-to',
    dotFile,
  ]);
  if (cruise.status !== 0) fail(`dependency-cruiser did not write ${dotFile}:\n${cruise.stderr}`);
  const draw = run('dot', ['-Tsvg', dotFile, '-o', svgFile]);
  if (draw.status !== 0) fail(`dot could not draw ${svgFile}:\n${draw.stderr}`);
  console.log(`[deps] ${dotFile} and ${svgFile} written`);
}

const commands: Record<string, () => void> = { check: checkBoundaries, baseline: writeBaseline, graph: drawGraph };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  console.error('usage: tsx scripts/deps.ts check|baseline|graph (npm run deps:check, deps:baseline, deps:graph)');
  process.exit(2);
}
command();
