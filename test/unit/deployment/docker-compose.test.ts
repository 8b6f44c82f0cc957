import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

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

  it('has the production shape: Temporal server on PostgreSQL, Temporal UI, PostgreSQL, API and worker', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'api', 'worker']),
    );
    expect(compose.services.temporal.environment.DB).toMatch(/^postgres/);
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
    expect(share('temporal')).toBeLessThan(share('api'));
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

  it('registers the search attributes the campaign workflows set', () => {
    const command: string = compose.services['temporal-search-attributes'].command;
    for (const name of ['CampaignId', 'BusinessUnitId', 'CampaignStatus'])
      expect(command).toContain(`--name ${name} --type Keyword`);
  });
});
