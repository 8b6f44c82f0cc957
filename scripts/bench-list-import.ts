// `npx tsx scripts/bench-list-import.ts`: how fast a generated 1,000,000-row calling list imports, and how much memory
// the API (and, if named, the worker) needs for it. The CSV is generated while it is uploaded, never held in memory.
//
// Against a running system: API_URL and ADMIN_TOKEN; API_PID and WORKER_PID let it sample their
// memory. Without API_URL it starts its own API process on DATABASE_URL (or on a throwaway PostgreSQL when unset).
// BENCH_ROWS changes the row count.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { ProactiveSmsClient } from '../src/api-client';
import { startLocalStack } from './lib/local-stack';

const TARGET_SECONDS = 30;
// Real area codes of several US states, so the numbers are valid for the phone library, not just well-formed.
const AREA_CODES = ['212', '415', '312', '617', '213', '305', '404', '206', '512', '702', '303', '718'];
const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', ''];
const FIRST_NAMES = ['Ada', 'Omar', 'Mei', 'José', 'Zoë', 'Fatima', 'Liam', 'Priya', "O'Neil", 'Nkechi'];

/** phoneOf is a distinct valid NANP number for every row index below 12 × 800 × 10,000. */
function phoneOf(i: number): string {
  const area = AREA_CODES[i % AREA_CODES.length];
  const exchange = 200 + (Math.floor(i / AREA_CODES.length) % 800);
  const line = Math.floor(i / (AREA_CODES.length * 800)) % 10_000;
  return `+1${area}${exchange}${String(line).padStart(4, '0')}`;
}

/** csvRows generates the list in chunks of a thousand lines: every row has a phone, half a mobile, some quoting. */
async function* csvRows(rows: number): AsyncGenerator<string> {
  yield 'CustomerId,FirstName,LastName,Phone,Mobile,TimeZone,Balance,Note\n';
  for (let start = 0; start < rows; start += 1000) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + 1000); i++) {
      const name = FIRST_NAMES[i % FIRST_NAMES.length];
      const mobile = i % 2 === 0 ? phoneOf(i + rows) : '';
      // Every tenth note is quoted with a comma inside, as spreadsheets write them.
      const note = i % 10 === 0 ? '"call after 5pm, weekdays"' : 'none';
      chunk += `C${i},${name},Customer${i},${phoneOf(i)},${mobile},${ZONES[i % ZONES.length]},${(i % 997) + 0.5},${note}\n`;
    }
    yield chunk;
  }
}

/** MemoryWatch samples a process's resident memory from /proc and keeps the peak (Linux only). */
class MemoryWatch {
  peakKb = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
    this.sample();
  }
  private sample() {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (match) this.peakKb = Math.max(this.peakKb, Number(match[1]));
    } catch {
      // The process is gone or /proc does not exist: report what was seen.
    }
  }
  stop(): string {
    clearInterval(this.timer);
    this.sample();
    return this.peakKb ? `${(this.peakKb / 1024).toFixed(0)} MB` : 'unknown (no /proc)';
  }
}

/** uploadCsv streams the generated rows into POST /v1/calling-lists (chunked, never held whole), counting the bytes. */
async function uploadCsv(api: ProactiveSmsClient, rows: number) {
  let bytes = 0;
  async function* counted() {
    for await (const chunk of csvRows(rows)) {
      bytes += Buffer.byteLength(chunk);
      yield chunk;
    }
  }
  const list = await api.importCallingList(
    { name: `bench-${rows}`, phoneField: 'Phone', mobileField: 'Mobile', timezoneField: 'TimeZone' },
    counted(),
  );
  return { list, bytes };
}

interface Target {
  apiUrl: string;
  adminToken: string;
  apiPid: number | null;
  workerPid: number | null;
  stop(): Promise<void>;
}

/** ownApi starts an API process (and a throwaway PostgreSQL when DATABASE_URL is unset) for the benchmark. */
async function ownApi(): Promise<Target> {
  const adminToken = randomBytes(18).toString('base64url');
  const stack = await startLocalStack({
    label: 'bench',
    log: (line) => console.log(`[bench] ${line}`),
    env: { ...process.env, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' },
    postgres: { durable: false, unlessEnvironment: true },
    temporal: 'none',
    apis: { count: 1 },
    signals: { exitCode: 130 },
  });
  const [api] = stack.apis;
  return {
    apiUrl: api.url,
    adminToken,
    apiPid: api.process?.child.pid ?? null,
    workerPid: null,
    stop: () => stack.stop(),
  };
}

/** runningApi targets the system named by the environment. */
function runningApi(): Target {
  const adminToken = process.env.ADMIN_TOKEN;
  if (!adminToken) throw new Error('ADMIN_TOKEN is required with API_URL (the token `npm start` printed)');
  const pid = (name: string) => (process.env[name] ? Number(process.env[name]) : null);
  return {
    apiUrl: process.env.API_URL!.replace(/\/+$/, ''),
    adminToken,
    apiPid: pid('API_PID'),
    workerPid: pid('WORKER_PID'),
    stop: async () => undefined,
  };
}

async function main(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1)
    throw new Error(`BENCH_ROWS must be a positive integer, got "${process.env.BENCH_ROWS}"`);
  const target = process.env.API_URL ? runningApi() : await ownApi();
  try {
    const admin = new ProactiveSmsClient(target.apiUrl, target.adminToken);
    const unit = await admin.createBusinessUnit({ name: `bench ${new Date().toISOString()}` });
    const apiMemory = target.apiPid ? new MemoryWatch(target.apiPid) : null;
    const workerMemory = target.workerPid ? new MemoryWatch(target.workerPid) : null;
    console.log(`[bench] uploading ${rows.toLocaleString('en-US')} generated rows to ${target.apiUrl}...`);
    const started = process.hrtime.bigint();
    const result = await uploadCsv(admin.withKey(unit.apiKey), rows);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const apiPeak = apiMemory?.stop() ?? 'not measured (set API_PID)';
    const workerPeak = workerMemory?.stop() ?? 'not measured (set WORKER_PID)';
    if (result.list.accepted !== rows)
      throw new Error(`expected ${rows} accepted rows, got ${JSON.stringify(result.list)}`);
    console.log(`rows            ${rows.toLocaleString('en-US')} (${(result.bytes / 1e6).toFixed(1)} MB of CSV)`);
    console.log(
      `total           ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s: ${seconds < TARGET_SECONDS ? 'met' : 'MISSED'})`,
    );
    console.log(`rate            ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`);
    console.log(`API peak RSS    ${apiPeak}`);
    console.log(`worker peak RSS ${workerPeak}`);
  } finally {
    await target.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error(
    '[bench] against a running system set API_URL and ADMIN_TOKEN; otherwise run `bash scripts/setup.sh` first.',
  );
  process.exit(1);
});
