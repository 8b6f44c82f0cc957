// Where the command line takes the business unit's API key from. A key on the command line is echoed by npm, kept in
// the shell's history and printed in CI logs, so it still works but draws a warning; a key file must be readable by
// its owner only, as ssh insists for its keys.
import fs from 'node:fs';
import { CliError } from './cli-client';

/** KeySources are the places a key may come from, in the order they are tried. */
export interface KeySources {
  /** --key */
  flag?: string;
  /** --key-file */
  file?: string;
  env: NodeJS.ProcessEnv;
}

/** KEY_HELP says how to give the key without exposing it. */
export const KEY_HELP =
  'set PROACTIVE_SMS_API_KEY, or put the key in a file only you can read (chmod 600) and pass --key-file <file> ' +
  'or set PROACTIVE_SMS_API_KEY_FILE';

/** readKeyFile reads a key file, refusing one that its group or others may read or write. */
export function readKeyFile(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw new CliError(`cannot read the key file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, 2);
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0)
    throw new CliError(
      `the key file ${file} is open to others (mode ${(stat.mode & 0o777).toString(8)}): run chmod 600 ${file}`,
      2,
    );
  const key = fs.readFileSync(file, 'utf8').trim();
  if (!key) throw new CliError(`the key file ${file} is empty`, 2);
  return key;
}

/** resolveApiKey finds the key (--key, --key-file, PROACTIVE_SMS_API_KEY, PROACTIVE_SMS_API_KEY_FILE) and warnings. */
export function resolveApiKey(sources: KeySources): { key: string | null; warnings: string[] } {
  if (sources.flag)
    return {
      key: sources.flag,
      warnings: [`warning: --key shows the key in your shell history, npm's echo and CI logs; instead ${KEY_HELP}.`],
    };
  if (sources.file) return { key: readKeyFile(sources.file), warnings: [] };
  if (sources.env.PROACTIVE_SMS_API_KEY) return { key: sources.env.PROACTIVE_SMS_API_KEY, warnings: [] };
  if (sources.env.PROACTIVE_SMS_API_KEY_FILE)
    return { key: readKeyFile(sources.env.PROACTIVE_SMS_API_KEY_FILE), warnings: [] };
  return { key: null, warnings: [] };
}
