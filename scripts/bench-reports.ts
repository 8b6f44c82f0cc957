// `npm run bench:reports [-- --rows N] [--export-rows N] [--runs N]`: how fast the reports answer over a business
// unit's months of traffic, and what the per-recipient export of a large campaign costs. It starts its own PostgreSQL
// (or uses DATABASE_URL) and API process, writes the traffic straight into the tables (10,000,000 messages across 100
// campaigns, 20 skills and 90 days by default; the first campaign has 1,000,000 recipients), then asks every report
// over the 90 days `--runs` times through HTTP and prints p50/p95 (target p95 under 300 ms), and streams the export
// (target under 30 s, the API's peak resident memory under 200 MB).
import { figuresToFold } from '../src/db/figure-backlog';
import { generateTraffic } from '../src/db/synthetic-traffic';
import { MemorySampler } from './lib/bench-memory';
import { intOption, loadAverage } from './lib/bench-system';
import { startBenchUnit } from './lib/bench-unit';
import { percentile } from './lib/webhook-load';

const REPORT_P95_TARGET_MS = 300;
const EXPORT_TARGET_S = 30;
const EXPORT_MEMORY_TARGET_MB = 200;
const CAMPAIGNS = 100;
const SKILLS = 20;
const DAYS = 90;

async function timed(url: string, key: string, accept = 'application/json'): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const rows = intOption('rows', 10_000_000);
  const exportRows = Math.min(rows, intOption('export-rows', 1_000_000));
  const runs = intOption('runs', 20);
  const { stack, db, unit, client, stop } = await startBenchUnit({ label: 'bench-reports', apis: 1, poolSize: 2 });
  try {
    const [api] = stack.apis;
    const skillIds: string[] = [];
    for (let i = 0; i < SKILLS; i++)
      skillIds.push((await client.createSkill({ name: `skill ${i + 1}`, kind: 'agent', replyHandling: true })).id);
    for (let g = 0; g < 4; g++)
      await client.send('POST', '/v1/skill-groups', {
        json: { name: `group ${g + 1}`, skillIds: skillIds.filter((_, i) => i % 4 === g || i < 2) },
      });
    const senderIds: string[] = [];
    for (const [kind, address] of [
      ['long_code', '+14155550100'],
      ['long_code', '+14155550101'],
      ['short_code', '55501'],
      ['toll_free', '+18885550100'],
    ])
      senderIds.push((await client.createSender({ kind, address, mps: 100 } as never)).id);
    await client.send('PATCH', '/v1/settings', {
      json: { timeZone: 'America/New_York', segmentPrices: { long_code: 0.0079, short_code: 0.01, toll_free: 0.0083 } },
    });

    const perCampaign = Math.max(1, Math.floor((rows - exportRows) / (CAMPAIGNS - 1)));
    console.log(
      `[bench] writing ${rows.toLocaleString('en-US')} messages (${CAMPAIGNS} campaigns, ${SKILLS} skills, ${DAYS} days)...`,
    );
    const writing = Date.now();
    const { exportedCampaignId } = await generateTraffic(db, {
      businessUnitId: unit.id,
      skillIds,
      senderIds,
      campaigns: CAMPAIGNS,
      days: DAYS,
      messagesPerCampaign: perCampaign,
      exportedRecipients: exportRows,
      slice: 100_000,
      progress: (line) => console.log(`[bench] ${line}`),
    });
    console.log(`[bench] written in ${((Date.now() - writing) / 1000).toFixed(0)} s`);

    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - DAYS * 86_400_000).toISOString().slice(0, 10);
    const base = `${api.url}/v1/reports`;
    // Reports never fold: the first one reads the figure rows written so far as they are, while the API's figures
    // folder folds them in the background (shown apart from the steady state, measured once nothing waits).
    const folding = Date.now();
    const first = await timed(`${base}/messages?from=${from}&to=${to}&groupBy=day`, unit.apiKey);
    const firstAgents = await timed(`${base}/agents?from=${from}&to=${to}&groupBy=agent`, unit.apiKey);
    console.log(
      `first requests, nothing folded yet: messages by day ${first.toFixed(0)} ms, agents by agent ${firstAgents.toFixed(0)} ms`,
    );
    while ((await figuresToFold(db)).some((u) => u.businessUnitId === unit.id))
      await new Promise((resolve) => setTimeout(resolve, 500));
    console.log(`the figures folder folded the backlog within ${((Date.now() - folding) / 1000).toFixed(1)} s`);
    // The generator opens a conversation for 1 in 100 messages of each campaign: a report measured over fewer rows
    // than that (a fold once lost conversations' keys) would flatter its times.
    const written = Math.floor(exportRows / 100) + (CAMPAIGNS - 1) * Math.floor(perCampaign / 100);
    const byDay = await fetch(`${base}/agents?from=${from}&to=${to}&groupBy=day`, {
      headers: { authorization: `Bearer ${unit.apiKey}` },
    });
    const counted = ((await byDay.json()) as { rows: { offered: number }[] }).rows.reduce((n, r) => n + r.offered, 0);
    console.log(
      `the agents report counts ${counted.toLocaleString('en-US')} of the ${written.toLocaleString('en-US')} conversations written`,
    );
    console.log(`machine load (1/5/15 min) ${loadAverage()}: a busy machine gives worse figures than a quiet one`);
    // Every report over the 90 days; hours (at most 31 days a report) over the last week.
    const week = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    const reports = [
      ...['skill', 'skillGroup', 'campaign', 'sender', 'day'].map((g) => `messages?groupBy=${g}&from=${from}`),
      `messages?groupBy=hour&from=${week}`,
      ...['agent', 'skill', 'skillGroup', 'campaign', 'day'].map((g) => `agents?groupBy=${g}&from=${from}`),
    ];
    console.log(
      `report (${DAYS} days, ${runs} runs)            p50 ms   p95 ms   target p95 < ${REPORT_P95_TARGET_MS} ms`,
    );
    for (const report of reports) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await timed(`${base}/${report}&to=${to}`, unit.apiKey));
      times.sort((a, b) => a - b);
      const p95 = percentile(times, 95);
      console.log(
        `${report.replace(from, '90 days').replace(week, '7 days').padEnd(40)} ${percentile(times, 50).toFixed(0).padStart(6)} ${p95.toFixed(0).padStart(8)}   ${p95 < REPORT_P95_TARGET_MS ? 'met' : 'MISSED'}`,
      );
    }
    const csvTime = await timed(`${base}/messages?groupBy=campaign&from=${from}&to=${to}`, unit.apiKey, 'text/csv');
    console.log(`messages by campaign as CSV               ${csvTime.toFixed(0)} ms (one run)`);

    const memory = new MemorySampler(api.process!.child.pid!, 100);
    const started = process.hrtime.bigint();
    const res = await fetch(`${api.url}/v1/campaigns/${exportedCampaignId}/recipients`, {
      headers: { authorization: `Bearer ${unit.apiKey}` },
    });
    if (!res.ok || !res.body) throw new Error(`the export answered ${res.status}`);
    let bytes = 0;
    let records = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 0x0a) records++;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { maxMb, minMb } = memory.stop();
    console.log(
      `export of ${exportRows.toLocaleString('en-US')} recipients: ${records - 1} records, ` +
        `${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (target < ${EXPORT_TARGET_S} s: ` +
        `${seconds < EXPORT_TARGET_S ? 'met' : 'MISSED'}); API resident memory ${minMb.toFixed(0)} -> peak ` +
        `${maxMb.toFixed(0)} MB (target < ${EXPORT_MEMORY_TARGET_MB} MB: ${maxMb < EXPORT_MEMORY_TARGET_MB ? 'met' : 'MISSED'})`,
    );
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
  console.error('[bench] run `bash scripts/setup.sh` first; --rows 1000000 gives a quicker, smaller run.');
  process.exit(1);
});
