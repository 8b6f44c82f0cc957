import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { exitedWith, ManagedProcess, startProcess, stopProcess } from './child-process';
import { freePort, waitFor } from './free-port';

/** SEARCH_ATTRIBUTES are the custom search attributes campaign workflows carry (API.md, "Temporal"). */
export const SEARCH_ATTRIBUTES = { CampaignId: 'Keyword', BusinessUnitId: 'Keyword', CampaignStatus: 'Keyword' };

/** temporalCacheDir is where setup.sh caches the Temporal CLI it builds (outside the repo, shared by clones). */
export function temporalCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'proactive-sms', 'bin');
}

/** findTemporalBinary returns TEMPORAL_BIN, the cached build, or `temporal` on PATH. */
export function findTemporalBinary(): string {
  const candidates = [process.env.TEMPORAL_BIN, path.join(temporalCacheDir(), 'temporal')];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) candidates.push(path.join(dir, 'temporal'));
  const found = candidates.find((c) => c && fs.existsSync(c));
  if (!found) throw new Error('no Temporal CLI found: run `bash scripts/setup.sh` to build it, or set TEMPORAL_BIN');
  return found;
}

/** LocalTemporalOptions says where the Temporal dev server keeps its SQLite file and listens. */
export interface LocalTemporalOptions {
  dbFile: string;
  port: number;
  /** null runs headless (tests); the all-in-one start serves the Web UI on 8233. */
  uiPort: number | null;
  showOutput?: boolean;
  /** Run at background CPU priority (BACKGROUND_NICE): where it shares the machine with the API it serves. */
  background?: boolean;
}

/** LocalTemporal is the real Temporal server (the CLI's dev server) owned by this project's scripts. */
export class LocalTemporal {
  private proc: ManagedProcess | null = null;

  constructor(readonly options: LocalTemporalOptions) {}

  /** address is the frontend's host:port. */
  get address(): string {
    return `127.0.0.1:${this.options.port}`;
  }

  /** running is true from start until stop. */
  get running(): boolean {
    return this.proc !== null;
  }

  /** start launches the dev server with the search attributes registered and waits until it answers. */
  async start(): Promise<void> {
    const { dbFile, port, uiPort, showOutput, background } = this.options;
    fs.mkdirSync(path.dirname(dbFile), { recursive: true });
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', dbFile];
    args.push(...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]));
    args.push('--log-level', 'error');
    // The dev server would pick these from the ephemeral range, where an outgoing connection can take them first.
    args.push('--http-port', String(await freePort()), '--metrics-port', String(await freePort()));
    // WAL with normal sync keeps the file durable across a server restart (what the fault tests restart) while not
    // syncing the disk on every history write, which otherwise caps signal-with-start at ~70/s on this machine.
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
    this.proc = startProcess('temporal', findTemporalBinary(), args, { showOutput, background });
    await waitFor(
      `Temporal on ${this.address}`,
      () => this.answers(),
      120_000,
      () => exitedWith(this.proc),
    );
  }

  private async answers(): Promise<boolean> {
    const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } finally {
      await connection.close();
    }
  }

  /** stop shuts the server down; its SQLite file keeps every workflow for the next start. */
  async stop(): Promise<void> {
    if (this.proc) await stopProcess(this.proc, 'SIGTERM');
    this.proc = null;
  }

  /** restart stops and starts the server on the same port and database file. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
