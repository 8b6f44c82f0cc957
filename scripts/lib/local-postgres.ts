import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { exitedWith, ManagedProcess, startProcess, stopProcess } from './child-process';
import { waitFor } from './free-port';

/** LocalPostgresOptions says where a project-owned PostgreSQL keeps its data and listens. */
export interface LocalPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  user: string;
  /** Tests trade durability for speed; the all-in-one start keeps PostgreSQL durable. */
  durable: boolean;
  showOutput?: boolean;
}

/** findPostgresBinDir locates the PostgreSQL server binaries (PG_BIN, else Debian's newest). */
export function findPostgresBinDir(): string {
  const candidates = [process.env.PG_BIN, ...debianBinDirs()].filter((d): d is string => !!d);
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'postgres')));
  if (!found) {
    throw new Error(
      'no PostgreSQL server binaries found: run `bash scripts/setup.sh` (installs Debian postgresql) or set PG_BIN',
    );
  }
  return found;
}

function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(root, version, 'bin'));
}

// PostgreSQL refuses to run as root, so as root we run it as the `postgres` system user.
function serverIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** LocalPostgres is a PostgreSQL server started and owned by this project's scripts. */
export class LocalPostgres {
  private proc: ManagedProcess | null = null;
  private readonly bin = findPostgresBinDir();
  private readonly identity = serverIdentity();

  constructor(readonly options: LocalPostgresOptions) {}

  /** url is the connection string of the project's database on this server. */
  get url(): string {
    return `postgres://${this.options.user}@127.0.0.1:${this.options.port}/${this.options.database}`;
  }

  /** start initialises the data folder on first use, starts the server and creates the database. */
  async start(): Promise<void> {
    const { dataDir, user } = this.options;
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (this.identity) fs.chownSync(dataDir, this.identity.uid, this.identity.gid);
      execFileSync(
        path.join(this.bin, 'initdb'),
        ['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
        { stdio: 'pipe', ...this.identity },
      );
    }
    await this.launch();
    await this.ensureDatabase();
  }

  private async launch(): Promise<void> {
    const { dataDir, port, durable, showOutput } = this.options;
    const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=300'];
    if (!durable) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
    const args = ['-D', dataDir, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
    this.proc = startProcess('postgres', path.join(this.bin, 'postgres'), args, { ...this.identity, showOutput });
    await waitFor(
      `PostgreSQL on port ${port}`,
      () => this.canConnect('postgres'),
      60_000,
      () => exitedWith(this.proc),
    );
  }

  private async canConnect(database: string): Promise<boolean> {
    const client = new Client({ host: '127.0.0.1', port: this.options.port, user: this.options.user, database });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async ensureDatabase(): Promise<void> {
    const client = new Client({
      host: '127.0.0.1',
      port: this.options.port,
      user: this.options.user,
      database: 'postgres',
    });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [this.options.database]);
      if (!rowCount) await client.query(`CREATE DATABASE "${this.options.database}"`);
    } finally {
      await client.end();
    }
  }

  /** stop shuts the server down fast (rolls back open transactions, keeps committed data). */
  async stop(): Promise<void> {
    if (this.proc) await stopProcess(this.proc, 'SIGINT');
    this.proc = null;
  }

  /** restart stops and starts the same server on the same port and data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}
