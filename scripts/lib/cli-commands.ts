// What `npm run cli` does: import a calling list with a progress bar, start a campaign and follow it to the end.
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import cliProgress from 'cli-progress';
import type {
  CallingList,
  CallingListColumns,
  Campaign,
  CampaignAction,
  ProactiveSmsClient,
} from '../../src/api-client';
import { CliError } from './cli-client';

/** ImportOptions map the CSV's columns, as POST /calling-lists takes them; the name defaults to the file's. */
export type ImportOptions = Omit<CallingListColumns, 'name'> & { name?: string };

function progressBar(format: string): cliProgress.SingleBar {
  // Outside a terminal (CI logs, pipes) the bar is printed every few seconds instead of redrawn.
  return new cliProgress.SingleBar(
    { format, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

/** importList streams a CSV file to POST /calling-lists, showing the bytes sent, and prints what was kept. */
export async function importList(
  api: ProactiveSmsClient,
  file: string,
  options: ImportOptions,
  out: NodeJS.WritableStream,
): Promise<void> {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new CliError(`cannot read ${file}: give the path of a CSV file with a header row`);
  }
  const columns = { ...options, name: options.name ?? path.basename(file).replace(/\.csv$/i, '') };

  const bar = progressBar('uploading |{bar}| {percentage}% {sentMb}/{totalMb} MB {speed} MB/s');
  bar.start(size, 0, { sentMb: '0.0', totalMb: megabytes(size), speed: '0.0' });
  const startedAt = Date.now();
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
      bar.update(sent, { sentMb: megabytes(sent), speed: megabytes(sent / seconds) });
      done(null, chunk);
    },
  });
  const body = fs.createReadStream(file).pipe(counter);
  let list: CallingList;
  try {
    list = await api.importCallingList(columns, body);
  } finally {
    bar.stop();
  }
  out.write(`calling list ${list.id} "${list.name}": ${list.accepted} accepted, ${list.rejected} rejected\n`);
  for (const error of list.errors.slice(0, 10)) out.write(`  row ${error.row} ${error.field}: ${error.message}\n`);
}

/** campaignAction asks for start, pause, resume or cancel and prints the new status. */
export async function campaignAction(
  api: ProactiveSmsClient,
  id: string,
  action: CampaignAction,
  out: NodeJS.WritableStream,
): Promise<void> {
  const answer = await api.changeCampaign(id, action);
  out.write(`campaign ${answer.id}: ${answer.status}\n`);
}

/** followCampaign shows a campaign's progress bar until it completes; a cancelled campaign is an error. */
export async function followCampaign(
  api: ProactiveSmsClient,
  id: string,
  out: NodeJS.WritableStream,
  pollMs = 1000,
): Promise<void> {
  const bar = progressBar(
    '{name} |{bar}| {percentage}% {value}/{total} {status} · delivered {delivered} · failed {failed} · skipped {skipped}',
  );
  let campaign = await api.getCampaign(id);
  const payload = (c: Campaign) => ({
    name: c.name,
    status: c.status.replaceAll('_', ' '),
    delivered: c.counts.delivered,
    failed: c.counts.failed,
    skipped: c.counts.skippedDnc + c.counts.skippedInvalid + c.counts.optedOut + c.counts.expired,
  });
  bar.start(campaign.counts.total, campaign.counts.total - campaign.counts.pending, payload(campaign));
  try {
    while (campaign.status !== 'completed' && campaign.status !== 'cancelled') {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      campaign = await api.getCampaign(id);
      bar.setTotal(campaign.counts.total);
      bar.update(campaign.counts.total - campaign.counts.pending, payload(campaign));
    }
  } finally {
    bar.stop();
  }
  const { counts } = campaign;
  out.write(
    `campaign ${campaign.id} ${campaign.status}: ${counts.total} recipients, ${counts.delivered} delivered, ${counts.sent} sent, ` +
      `${counts.failed} failed, ${counts.skippedDnc} skipped (DNC), ${counts.skippedInvalid} invalid, ${counts.optedOut} opted out, ` +
      `${counts.expired} expired\n`,
  );
  if (campaign.status === 'cancelled')
    throw new CliError(
      `campaign ${campaign.id} was cancelled${campaign.statusReason ? `: ${campaign.statusReason}` : ''}`,
    );
}

/** listCampaigns prints one line per campaign. */
export async function listCampaigns(api: ProactiveSmsClient, out: NodeJS.WritableStream): Promise<void> {
  for (const c of await api.listCampaigns()) {
    out.write(
      `${c.id}  ${c.status.padEnd(19)} ${String(c.counts.total - c.counts.pending).padStart(8)}/${c.counts.total}  ${c.name}\n`,
    );
  }
}
