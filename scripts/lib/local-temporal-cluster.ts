// A real multi-node Temporal cluster on this machine, as production runs it: the frontend, two history nodes sharing
// the history shards, matching and the internal worker service, each its own `server` process, on PostgreSQL
// (persistence and visibility in databases of their own, set up and upgraded by Temporal's schema tool), plus the Web
// UI server. Every node runs deploy/temporal/cluster.yaml, the file docker-compose.yml mounts, told its ports through
// the environment; the schema and namespace steps are deploy/temporal's scripts, which docker-compose.yml runs too.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client } from 'pg';
import { exitedWith, ManagedProcess, startProcess, stopProcess } from './child-process';
import { freePort, waitFor } from './free-port';
import { findTemporalBinary, SEARCH_ATTRIBUTES, temporalCacheDir } from './local-temporal';

const root = path.join(__dirname, '../..');
const CONFIG_DIR = path.join(root, 'deploy/temporal');
const UI_CONFIG_DIR = path.join(root, 'deploy/temporal-ui');

/** The releases setup.sh builds: the server the Temporal CLI v1.5.1 embeds, and the Web UI it embeds. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

/** DEFAULT_HISTORY_SHARDS is the cluster's shard count unless NUM_HISTORY_SHARDS says otherwise (fixed at creation). */
export const DEFAULT_HISTORY_SHARDS = 8;

/**
 * ClusterProgram names the programs the cluster runs: the three setup.sh builds, each in a folder of its own (two are
 * called `server`), and the Temporal CLI, which registers the namespace.
 */
export type ClusterProgram = 'server' | 'sqlTool' | 'uiServer' | 'cli';

/**
 * findClusterBinary returns one of the cluster's programs: the environment's (TEMPORAL_SERVER_BIN, ...) or setup.sh's
 * cached build. Each is looked for only when needed: `npm test` builds the server and the schema tool, not the UI server.
 */
export function findClusterBinary(program: ClusterProgram): string {
  if (program === 'cli') return findTemporalBinary();
  const [variable, cached] = {
    server: ['TEMPORAL_SERVER_BIN', `temporal-server-${TEMPORAL_SERVER_VERSION}/server`],
    sqlTool: ['TEMPORAL_SQL_TOOL_BIN', `temporal-sql-tool-${TEMPORAL_SERVER_VERSION}/sql`],
    uiServer: ['TEMPORAL_UI_SERVER_BIN', `temporal-ui-server-${TEMPORAL_UI_VERSION}/server`],
  }[program];
  const file = process.env[variable] || path.join(path.dirname(temporalCacheDir()), cached);
  if (!fs.existsSync(file))
    throw new Error(
      `${file} not found: run \`bash scripts/setup.sh --cluster\` to build the Temporal cluster, or set ${variable}`,
    );
  return file;
}

/** ClusterService is one of Temporal's four services; a node runs one. */
export type ClusterService = 'frontend' | 'history' | 'matching' | 'worker';

/** ClusterNode is one server process of the cluster: its service, its ports (kept across restarts) and its process. */
export interface ClusterNode {
  name: string;
  service: ClusterService;
  env: Record<string, string>;
  proc: ManagedProcess | null;
}

/** TemporalClusterOptions say where the cluster keeps its data and listens. */
export interface TemporalClusterOptions {
  /** The PostgreSQL server (running) the two databases go on. */
  postgres: { port: number; user: string; password?: string };
  frontendPort: number;
  /** The Web UI's port; null starts no UI server. */
  uiPort: number | null;
  /** History nodes sharing the shards (default 2). */
  historyNodes?: number;
  /** NUM_HISTORY_SHARDS (default DEFAULT_HISTORY_SHARDS); only a new cluster takes a new count. */
  historyShards?: number;
  /** 'standard': Temporal's usual ports, for a cluster kept across starts (npm run start:cluster); default free ones. */
  ports?: 'standard' | 'free';
  /** Run below the API's CPU priority, as the dev server does where it shares the machine (BACKGROUND_NICE). */
  background?: boolean;
  showOutput?: boolean;
  log?: (line: string) => void;
}

const CLUSTER_ROLES: Record<ClusterService, number> = { frontend: 1, history: 2, matching: 3, worker: 4 };

/**
 * JOIN_TIMEOUT_MS bounds the wait for nodes to join the cluster (and for the frontend to answer), STEP_TIMEOUT_MS the
 * schema and namespace steps: generous, as nodes starting at once on a loaded 2-core machine can take a minute or more.
 */
export const JOIN_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 180_000;

/** LocalTemporalCluster is the running cluster: its frontend address, its nodes, and how to stop or kill them. */
export class LocalTemporalCluster {
  readonly nodes: ClusterNode[] = [];
  private ui: ManagedProcess | null = null;
  private readonly server = findClusterBinary('server');
  private readonly shared: Record<string, string>;

  constructor(readonly options: TemporalClusterOptions) {
    const { postgres, frontendPort } = options;
    this.shared = {
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(postgres.port),
      POSTGRES_USER: postgres.user,
      POSTGRES_PWD: postgres.password ?? '',
      NUM_HISTORY_SHARDS: String(
        options.historyShards ?? (Number(process.env.NUM_HISTORY_SHARDS) || DEFAULT_HISTORY_SHARDS),
      ),
      FRONTEND_GRPC_PORT: String(frontendPort),
      TEMPORAL_DYNAMIC_CONFIG: path.join(CONFIG_DIR, 'dynamicconfig.yaml'),
      TEMPORAL_LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL ?? 'error',
    };
  }

  /** address is the frontend's host:port, what clients and workers connect to. */
  get address(): string {
    return `127.0.0.1:${this.options.frontendPort}`;
  }

  /** uiUrl is the Web UI's address, or null without one. */
  get uiUrl(): string | null {
    return this.options.uiPort === null ? null : `http://127.0.0.1:${this.options.uiPort}`;
  }

  /** historyShards is the cluster's shard count. */
  get historyShards(): number {
    return Number(this.shared.NUM_HISTORY_SHARDS);
  }

  /** node returns a node by name ("frontend", "history-1", "history-2", "matching", "worker"). */
  node(name: string): ClusterNode {
    const found = this.nodes.find((n) => n.name === name);
    if (!found) throw new Error(`the cluster has no node ${name} (it has ${this.nodes.map((n) => n.name).join(', ')})`);
    return found;
  }

  /**
   * start sets up or upgrades the schemas, starts every node and the UI server, registers the namespace and the
   * search attributes, and returns once every node has joined the cluster and the namespace answers.
   */
  async start(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    log('setting up the Temporal databases (temporal, temporal_visibility) with temporal-sql-tool...');
    await this.run('temporal-sql-tool', 'sh', [path.join(CONFIG_DIR, 'setup-schema.sh')], {
      TEMPORAL_SQL_TOOL: findClusterBinary('sqlTool'),
    });
    if (this.nodes.length === 0) await this.planNodes();
    const since = new Date();
    log(`starting the Temporal cluster: ${this.nodes.map((n) => n.name).join(', ')} (${this.historyShards} shards)...`);
    // In stages: every node writes the cluster's metadata as it starts, and nodes doing that at once (a first start,
    // changed addresses) conflict and exit, so the frontend goes first; and the worker service, whose own workflows
    // need history and matching, fails its start when they are not there yet, so it goes last.
    const stages: ClusterService[][] = [['frontend'], ['history', 'matching'], ['worker']];
    for (const [i, services] of stages.entries()) {
      const nodes = this.nodes.filter((n) => services.includes(n.service));
      for (const node of nodes) this.startNode(node);
      if (i === 0)
        await waitFor(
          `the Temporal frontend on ${this.address}`,
          () => this.frontendAnswers(),
          JOIN_TIMEOUT_MS,
          () => this.anyNodeExited(),
        );
      await waitFor(
        `${nodes.map((n) => n.name).join(', ')} to join the cluster`,
        () => this.joinedSince(since, services),
        JOIN_TIMEOUT_MS,
        () => this.anyNodeExited(),
      );
    }
    await this.run('register-namespace', 'sh', [path.join(CONFIG_DIR, 'register-namespace.sh')], {
      TEMPORAL_CLI: findClusterBinary('cli'),
      TEMPORAL_ADDRESS: this.address,
      SEARCH_ATTRIBUTES: searchAttributesSetting(),
    });
    await waitFor(
      'the namespace and its search attributes',
      () => this.namespaceReady(),
      60_000,
      () => this.anyNodeExited(),
    );
    if (this.options.uiPort !== null) await this.startUi();
  }

  /** startNode starts a node's process (again, after a kill) with the ports it was given. */
  startNode(node: ClusterNode): void {
    if (node.proc && exitedWith(node.proc) === null) throw new Error(`${node.name} is running already`);
    const args = ['--root', root, '--config', path.relative(root, CONFIG_DIR), '--env', 'cluster', '--allow-no-auth'];
    args.push('start', '--service', node.service);
    node.proc = startProcess(`temporal-${node.name}`, this.server, args, {
      env: { ...process.env, ...this.shared, ...node.env },
      showOutput: this.options.showOutput,
      background: this.options.background,
    });
  }

  /** rejoin starts a stopped or killed node again and waits until it is back in the cluster's membership. */
  async rejoin(node: ClusterNode): Promise<void> {
    const since = new Date();
    this.startNode(node);
    await waitFor(
      `${node.name} to rejoin the cluster`,
      () => this.joinedSince(since, [node.service], 1),
      JOIN_TIMEOUT_MS,
      () => exitedWith(node.proc),
    );
  }

  /**
   * historyNodeOf names the history node that owns the shard a workflow lives on (from the `executions` and `shards`
   * tables: the shard's owner is the node's address), so a fault can strike the node actually running it.
   */
  async historyNodeOf(workflowId: string): Promise<ClusterNode> {
    const owner = await this.query(async (client) => {
      const { rows } = await client.query<{ data: Buffer }>(
        `SELECT s.data FROM shards s WHERE s.shard_id = (SELECT shard_id FROM executions WHERE workflow_id = $1 LIMIT 1)`,
        [workflowId],
      );
      if (!rows[0]) throw new Error(`no shard holds workflow ${workflowId}`);
      // ShardInfo (Proto3): field 3 is the owner, "<host>:<gRPC port>-<sequence>-<uuid>".
      return protoStringField(rows[0].data, 3);
    });
    const port = /^[^:]+:(\d+)-/.exec(owner ?? '')?.[1];
    const node = this.nodes.find((n) => n.service === 'history' && n.env.HISTORY_GRPC_PORT === port);
    if (!node) throw new Error(`no history node of this cluster owns the shard of ${workflowId} (owner ${owner})`);
    return node;
  }

  /** killNode SIGKILLs a node, as a crashed machine would end it; its work moves to the nodes left. */
  async killNode(node: ClusterNode): Promise<void> {
    if (!node.proc) return;
    node.proc.child.kill('SIGKILL');
    await node.proc.exited;
  }

  /** anyNodeExited names a node whose process has ended while it should run, or null. */
  anyNodeExited(): string | null {
    return [...this.nodes.map((n) => n.proc), this.ui].map(exitedWith).find((reason) => reason !== null) ?? null;
  }

  /** processes are the cluster's running processes (nodes and UI server). */
  get processes(): ManagedProcess[] {
    return [...this.nodes.map((n) => n.proc), this.ui].filter((p): p is ManagedProcess => p !== null);
  }

  /** stop shuts every node and the UI down; PostgreSQL keeps every workflow for the next start. */
  async stop(): Promise<void> {
    const ui = this.ui;
    this.ui = null;
    const procs = this.nodes.map((n) => n.proc).filter((p): p is ManagedProcess => p !== null);
    for (const node of this.nodes) node.proc = null;
    await Promise.allSettled([ui && stopProcess(ui), ...procs.map((p) => stopProcess(p, 'SIGTERM'))]);
  }

  /** restart stops the whole cluster and starts it again on the same ports and databases. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  // Ports: Temporal's usual ones (cluster.yaml's defaults; the history nodes after the first 10 above) for a cluster
  // whose data outlives it, so that a restart finds the nodes where the membership table last saw them; else free ones.
  private async planNodes(): Promise<void> {
    const historyNodes = this.options.historyNodes ?? 2;
    const standard = this.options.ports === 'standard';
    const port = async (usual: number) => (standard ? usual : await freePort());
    const node = async (name: string, service: ClusterService, grpc: number, membership: number) => {
      const prefix = service.toUpperCase();
      const env = {
        [`${prefix}_GRPC_PORT`]: String(service === 'frontend' ? this.options.frontendPort : await port(grpc)),
        [`${prefix}_MEMBERSHIP_PORT`]: String(await port(membership)),
      };
      this.nodes.push({ name, service, env, proc: null });
    };
    this.shared.FRONTEND_HTTP_PORT = String(await port(7243));
    await node('frontend', 'frontend', 7233, 6933);
    for (let i = 0; i < historyNodes; i++) await node(`history-${i + 1}`, 'history', 7234 + 10 * i, 6934 + 10 * i);
    await node('matching', 'matching', 7235, 6935);
    await node('worker', 'worker', 7239, 6939);
  }

  private async startUi(): Promise<void> {
    const args = ['--root', root, '--config', path.relative(root, UI_CONFIG_DIR), '--env', 'cluster', 'start'];
    this.ui = startProcess('temporal-ui', findClusterBinary('uiServer'), args, {
      env: { ...process.env, TEMPORAL_ADDRESS: this.address, TEMPORAL_UI_PORT: String(this.options.uiPort) },
      showOutput: this.options.showOutput,
      background: this.options.background,
    });
    const ui = this.ui;
    await waitFor(
      `the Temporal Web UI on ${this.uiUrl}`,
      async () => (await fetch(`${this.uiUrl}/`)).ok,
      60_000,
      () => exitedWith(ui),
    );
  }

  // Bounded like every wait here: a step stuck on a server that never answers is killed and reported, not waited for.
  private run(name: string, command: string, args: string[], env: Record<string, string>): Promise<void> {
    const timeout = STEP_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      execFile(
        command,
        args,
        { env: { ...process.env, ...this.shared, ...env }, cwd: root, timeout, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => {
          if (!error) return resolve();
          const why = error.killed ? `killed after ${timeout / 1000} s` : error.message.split('\n')[0];
          reject(new Error(`${name} failed (${why}):\n${stdout}${stderr}`));
        },
      );
    });
  }

  private async frontendAnswers(): Promise<boolean> {
    const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  }

  // The namespace register-namespace.sh registered (TEMPORAL_NAMESPACE, as it reads it) answers, with its attributes.
  private async namespaceReady(): Promise<boolean> {
    const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
    const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
    try {
      const answer = await connection.workflowService.describeNamespace({ namespace });
      const known = await connection.operatorService.listSearchAttributes({ namespace });
      return !!answer.namespaceInfo && Object.keys(SEARCH_ATTRIBUTES).every((a) => a in (known.customAttributes ?? {}));
    } finally {
      await connection.close();
    }
  }

  // Nodes announce themselves in the cluster_membership table; rows of earlier runs are older than this start.
  // At least `expected` nodes of each service (default: all of them) have joined since `since`.
  private async joinedSince(since: Date, services: ClusterService[], expected?: number): Promise<boolean> {
    const joined = await this.query(async (client) => {
      const { rows } = await client.query<{ role: number; nodes: number }>(
        `SELECT role, count(DISTINCT host_id)::int AS nodes FROM cluster_membership
          WHERE session_start >= ($1::timestamptz AT TIME ZONE 'UTC') AND record_expiry > (now() AT TIME ZONE 'UTC')
          GROUP BY role`,
        [new Date(since.getTime() - 5_000)],
      );
      return new Map(rows.map((r) => [r.role, r.nodes]));
    });
    return this.nodes
      .filter((n) => services.includes(n.service))
      .every(
        (n) =>
          (joined.get(CLUSTER_ROLES[n.service]) ?? 0) >=
          (expected ?? this.nodes.filter((m) => m.service === n.service).length),
      );
  }

  // One short connection to the cluster's persistence database, for what only its tables tell.
  private async query<T>(read: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({
      host: '127.0.0.1',
      port: this.options.postgres.port,
      user: this.options.postgres.user,
      password: this.options.postgres.password,
      database: 'temporal',
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await read(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

// protoStringField reads a string field of an encoded protobuf message (the first with that number), or null.
function protoStringField(bytes: Buffer, field: number): string | null {
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    const [number, wireType] = [Math.floor(tag / 8), tag % 8];
    if (wireType === 0) varint();
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const length = varint();
      if (number === field) return bytes.subarray(at, at + length).toString('utf8');
      at += length;
    } else return null;
  }
  return null;
}

/** searchAttributesSetting is SEARCH_ATTRIBUTES as register-namespace.sh and docker-compose.yml take them. */
export function searchAttributesSetting(): string {
  return Object.entries(SEARCH_ATTRIBUTES)
    .map(([name, type]) => `${name}=${type}`)
    .join(' ');
}
