import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  searchAttributesSetting,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_VERSION,
} from '../../../scripts/lib/local-temporal-cluster';

const root = path.join(__dirname, '../../..');
// merge: true resolves the shared x-app-env anchor the way Docker Compose does.
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;

/** Every variable name the product's code reads from its environment (src/, activities/, workflows/). */
function variablesTheCodeReads(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts'))
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]);
    }
  };
  ['src', 'activities', 'workflows'].forEach((d) => walk(path.join(root, d)));
  return names;
}

// The contract's variables (API.md, "Processes and configuration").
const CONTRACT_VARIABLES = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'PORT',
  'PUBLIC_URL',
  'ADMIN_TOKEN',
  'TWILIO_API_URL',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
];

describe('docker-compose.yml matches the code', () => {
  const appServices = ['migrate', 'api', 'worker', 'sim'];

  const temporalNodes = [
    'temporal',
    'temporal-history-1',
    'temporal-history-2',
    'temporal-matching',
    'temporal-worker',
  ];

  it('has the production shape: a Temporal cluster on PostgreSQL, Temporal UI, PostgreSQL, API and worker', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', ...temporalNodes, 'temporal-ui', 'api', 'worker']),
    );
    const services = temporalNodes.map((n) => compose.services[n].environment.TEMPORAL_SERVICE);
    expect(services).toEqual(['frontend', 'history', 'history', 'matching', 'worker']);
  });

  // npm run start:cluster runs these very files (scripts/lib/local-temporal-cluster.ts), so the two cannot drift.
  it('runs every Temporal node, the schema step, the namespace step and the UI from the files in deploy/', () => {
    for (const node of temporalNodes) {
      expect(compose.services[node].volumes).toContain('./deploy/temporal:/etc/temporal/deploy:ro');
      expect(compose.services[node].entrypoint.join(' ')).toContain('--config deploy --env cluster');
      expect(compose.services[node].environment.TEMPORAL_DYNAMIC_CONFIG).toBe(
        '/etc/temporal/deploy/dynamicconfig.yaml',
      );
    }
    expect(fs.existsSync(path.join(root, 'deploy/temporal/cluster.yaml'))).toBe(true);
    expect(compose.services['temporal-schema'].entrypoint).toEqual(['sh', '/etc/temporal/deploy/setup-schema.sh']);
    expect(compose.services['temporal-namespace'].entrypoint).toEqual([
      'sh',
      '/etc/temporal/deploy/register-namespace.sh',
    ]);
    expect(compose.services['temporal-ui'].volumes).toContain(
      './deploy/temporal-ui/cluster.yaml:/home/ui-server/config/docker.yaml:ro',
    );
  });

  it('uses the Temporal releases setup.sh builds for npm run start:cluster', () => {
    const setup = fs.readFileSync(path.join(root, 'scripts/setup.sh'), 'utf8');
    expect(setup).toContain(`TEMPORAL_SERVER_VERSION="${TEMPORAL_SERVER_VERSION}"`);
    expect(setup).toContain(`TEMPORAL_UI_VERSION="${TEMPORAL_UI_VERSION}"`);
    const serverTag = TEMPORAL_SERVER_VERSION.slice(1);
    for (const node of temporalNodes) expect(compose.services[node].image).toBe(`temporalio/server:${serverTag}`);
    expect(compose.services['temporal-schema'].image).toBe(`temporalio/admin-tools:${serverTag}`);
    expect(compose.services['temporal-namespace'].image).toBe(`temporalio/admin-tools:${serverTag}`);
    expect(compose.services['temporal-ui'].image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION.slice(1)}`);
  });

  it.each(appServices)('runs %s with an npm script that package.json defines', (service) => {
    const [npm, run, script] = compose.services[service].command;
    expect([npm, run]).toEqual(['npm', 'run']);
    expect(scripts[script]).toBeDefined();
  });

  it.each(appServices)('gives %s only variables the code reads', (service) => {
    const read = variablesTheCodeReads();
    for (const name of Object.keys(compose.services[service].environment))
      expect({ service, name, read: read.has(name) }).toEqual({ service, name, read: true });
  });

  it('configures the API and the worker with every contract variable the code reads', () => {
    const read = variablesTheCodeReads();
    for (const name of CONTRACT_VARIABLES) expect(read.has(name)).toBe(true);
    const api = Object.keys(compose.services.api.environment);
    const worker = Object.keys(compose.services.worker.environment);
    expect(api).toEqual(expect.arrayContaining(CONTRACT_VARIABLES));
    expect(worker).toEqual(
      expect.arrayContaining(CONTRACT_VARIABLES.filter((v) => v !== 'PORT' && v !== 'ADMIN_TOKEN')),
    );
  });

  it('gives the worker and Temporal less CPU than the API when they share it, as npm start does', () => {
    const share = (service: string) => compose.services[service].cpu_shares ?? 1024; // Docker's default weight
    expect(share('worker')).toBeLessThan(share('api'));
    for (const node of temporalNodes) expect(share(node)).toBeLessThan(share('api'));
    const start = fs.readFileSync(path.join(root, 'scripts/start.ts'), 'utf8');
    // The running processes' nice values are checked by test/integration/local-stack.test.ts.
    expect(start).toMatch(/temporal: \{[^}]*background: true/);
    expect(start).toMatch(/workers: \{[^}]*background: true/);
  });

  it('has the worker serve its metrics on a port the deployment exposes', () => {
    const worker = compose.services.worker;
    expect(worker.environment.WORKER_METRICS_PORT).toBeDefined();
    expect(worker.expose.map(String)).toContain(String(worker.environment.WORKER_METRICS_PORT));
  });

  it('registers the search attributes the campaign workflows set, as npm start and npm run start:cluster do', () => {
    expect(compose.services['temporal-namespace'].environment.SEARCH_ATTRIBUTES).toBe(searchAttributesSetting());
  });
});
