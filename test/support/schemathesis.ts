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
