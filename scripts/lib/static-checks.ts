// The checks `npm test` runs before the tests: types, lint, formatting and the import boundaries. Each failure is
// reported, but the tests still run, so one report shows everything.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'node_modules', '.bin');

/** runStep runs one command in the repository's root with inherited output, and returns its exit status. */
export function runStep(step: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  console.log(`\n[test] ${step}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

/** runStaticChecks type-checks, lints, checks the formatting and the import boundaries; true when all passed. */
export function runStaticChecks(): boolean {
  const statuses = [
    runStep('type-check', path.join(bin, 'tsc'), ['--noEmit', '-p', '.']),
    // The web console's browser modules have their own tsconfig (DOM, checked JavaScript).
    runStep('type-check console', path.join(bin, 'tsc'), ['-p', 'src/console/public']),
    runStep('lint', path.join(bin, 'eslint'), ['.']),
    runStep('format', path.join(bin, 'prettier'), ['--check', '--log-level=warn', '.']),
    // The layers' import rules (.dependency-cruiser.cjs): a new violation fails, the known ones are listed.
    runStep('boundaries', path.join(bin, 'tsx'), ['scripts/deps.ts', 'check']),
  ];
  return statuses.every((status) => status === 0);
}
