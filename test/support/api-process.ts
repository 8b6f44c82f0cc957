import path from 'node:path';
import { ManagedProcess, startTsProcess, stopProcess } from '../../scripts/lib/child-process';
import { freePort } from '../../scripts/lib/free-port';
import { ApiClient } from './api-client';
import { ADMIN_TOKEN, eventually, METRICS_TOKEN, TestSystem, workerProcessEnv } from './test-system';

/** ApiProcess is another API replica (`npm run api` as production runs it) on a test system's database. */
export interface ApiProcess {
  url: string;
  process: ManagedProcess;
  /** anonymous is a client of this replica; `.as(key)` calls it with a key. */
  anonymous: ApiClient;
  stop(): Promise<void>;
}

/** startApiProcess starts a second API process on the test system's PostgreSQL and Temporal and waits for /healthz. */
export async function startApiProcess(system: TestSystem, env: Record<string, string> = {}): Promise<ApiProcess> {
  const port = await freePort();
  const proc = startTsProcess('api-2', 'src/api/main.ts', {
    cwd: path.join(__dirname, '../..'),
    env: {
      ...workerProcessEnv(system),
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      METRICS_TOKEN,
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const anonymous = new ApiClient(url);
  await eventually(
    'the second API process',
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`the second API exited with ${proc.child.exitCode}`);
      return (await anonymous.get('/healthz')).status === 200 ? true : undefined;
    },
    120_000,
  );
  return { url, process: proc, anonymous, stop: () => stopProcess(proc) };
}
