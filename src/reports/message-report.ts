import type { BusinessUnit, Db } from '../db/schema';
import { FigureCell, figureCells, figureDayZone, ReportGrouping, ReportPeriod } from '../db/message-figures';

// What supervisors read every day: per skill, skill group, campaign, sender, day or hour, what was sent, what arrived,
// who opted out and what it cost. Every figure comes from message_figures (kept as messages change state), and a
// message counts in the quarter hour the carrier first answered its send, so a late receipt or one after midnight
// changes the figures of the day it was sent.

/** MessageReportRow is one row of GET /reports/messages. */
export interface MessageReportRow {
  key: string | null;
  name: string | null;
  /** Accepted by the carrier (whatever came of them). */
  sent: number;
  segmentsSent: number;
  delivered: number;
  failed: number;
  failedByCode: Record<string, number>;
  expired: number;
  /** Sent and still waiting for a final receipt. */
  awaitingReceipt: number;
  /** Not sent: on a DNC list, or refused by the carrier as opted out (21610). */
  skippedDnc: number;
  /** Not sent: a number or a merged message that cannot be sent. */
  skippedInvalid: number;
  optOuts: number;
  optOutRate: number;
  optIns: number;
  replies: number;
  replyRate: number;
  /** Segments sent times the business unit's price per segment of each sender's kind. */
  estimatedCost: number;
}

function emptyRow(key: string | null, name: string | null): MessageReportRow {
  return {
    key,
    name,
    sent: 0,
    segmentsSent: 0,
    delivered: 0,
    failed: 0,
    failedByCode: {},
    expired: 0,
    awaitingReceipt: 0,
    skippedDnc: 0,
    skippedInvalid: 0,
    optOuts: 0,
    optOutRate: 0,
    optIns: 0,
    replies: 0,
    replyRate: 0,
    estimatedCost: 0,
  };
}

// Whole messages per state; inbound messages per classification (reply-keywords' kinds, 'message' for other text).
const OUTBOUND_COUNTS: Partial<
  Record<string, 'delivered' | 'failed' | 'expired' | 'awaitingReceipt' | 'skippedDnc' | 'skippedInvalid'>
> = {
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  expired: 'expired',
  sent: 'awaitingReceipt',
  skipped_dnc: 'skippedDnc',
  opted_out: 'skippedDnc',
  skipped_invalid: 'skippedInvalid',
};
const INBOUND_COUNTS: Partial<Record<string, 'optOuts' | 'optIns' | 'replies'>> = {
  opt_out: 'optOuts',
  opt_in: 'optIns',
  message: 'replies',
};

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

/** foldCells turns figure sums into report rows, in key order (no key last). */
export function foldCells(cells: FigureCell[], segmentPrices: Record<string, number>): MessageReportRow[] {
  const rows = new Map<string | null, MessageReportRow>();
  for (const cell of cells) {
    const row = rows.get(cell.key) ?? emptyRow(cell.key, cell.name);
    rows.set(cell.key, row);
    if (cell.kind === 'inbound') {
      const count = INBOUND_COUNTS[cell.state];
      if (count) row[count] += cell.messages;
      continue;
    }
    if (cell.accepted) {
      row.sent += cell.messages;
      row.segmentsSent += cell.segments;
      row.estimatedCost += cell.segments * (segmentPrices[cell.senderKind ?? ''] ?? 0);
    }
    const count = OUTBOUND_COUNTS[cell.state];
    if (count) row[count] += cell.messages;
    if (count === 'failed' && cell.errorCode)
      row.failedByCode[cell.errorCode] = (row.failedByCode[cell.errorCode] ?? 0) + cell.messages;
  }
  for (const row of rows.values()) {
    row.optOutRate = ratio(row.optOuts, row.delivered);
    row.replyRate = ratio(row.replies, row.delivered);
    row.estimatedCost = Math.round(row.estimatedCost * 1_000_000) / 1_000_000;
  }
  return [...rows.values()].sort(byKey);
}

/** byKey orders report rows by key, the row without a key (no skill, no group…) last. */
export function byKey(a: { key: string | null }, b: { key: string | null }): number {
  if (a.key === b.key) return 0;
  if (a.key === null || b.key === null) return a.key === null ? 1 : -1;
  return a.key < b.key ? -1 : 1;
}

/** messageReport is GET /reports/messages: a business unit's message figures in a period, per grouping key. */
export async function messageReport(
  db: Db,
  unit: BusinessUnit,
  period: ReportPeriod,
  grouping: ReportGrouping,
): Promise<MessageReportRow[]> {
  // Reads never fold (the figures folder does, src/reports/figures-folder.ts): a report pays for no backlog.
  const dayZone = await figureDayZone(db, unit.id);
  return foldCells(await figureCells(db, unit.id, period, grouping, dayZone), unit.segment_prices);
}
