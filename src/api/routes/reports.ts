import { Request, Response, Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { agentReport, AgentReportRow } from '../../reports/agent-report';
import { csvTable } from '../../reports/csv';
import { messageReport, MessageReportRow } from '../../reports/message-report';
import { exportCampaignRecipients } from '../../reports/recipient-export';
import { reportPeriod } from '../../reports/report-period';
import type { ReportPeriod } from '../../db/message-figures';
import type { Answer } from '../answer';
import { businessUnitOf } from '../auth';
import type { ApiDeps } from '../deps';
import type { agentReportResponse, messageReportResponse } from '../openapi/report-resources';
import { agentReportQuerySchema, idParamSchema, messageReportQuerySchema } from '../schemas';
import { parseInput } from '../validation';

type Column<T> = { header: string; value: (row: T) => unknown };

const column = <T>(header: keyof T & string): Column<T> => ({ header, value: (row) => row[header] });

const MESSAGE_COLUMNS = (
  [
    'key',
    'name',
    'sent',
    'segmentsSent',
    'delivered',
    'failed',
    'expired',
    'awaitingReceipt',
    'skippedDnc',
    'skippedInvalid',
    'optOuts',
    'optOutRate',
    'optIns',
    'replies',
    'replyRate',
    'estimatedCost',
  ] as const
).map((h) => column<MessageReportRow>(h));

const AGENT_COLUMNS = (
  [
    'key',
    'name',
    'offered',
    'accepted',
    'closed',
    'avgTimeToAccept',
    'p90TimeToAccept',
    'avgTimeToFirstAnswer',
    'p90TimeToFirstAnswer',
    'avgHandleTime',
    'serviceLevel',
    'sent',
    'delivered',
    'failed',
    'expired',
    'replies',
    'optOuts',
  ] as const
).map((h) => column<AgentReportRow>(h));

// Failures by code become one column per code the period saw ("failed:30007"), so a spreadsheet can sum them.
function messageColumns(rows: MessageReportRow[]): Column<MessageReportRow>[] {
  const codes = [...new Set(rows.flatMap((r) => Object.keys(r.failedByCode)))].sort();
  return [
    ...MESSAGE_COLUMNS,
    ...codes.map((code) => ({ header: `failed:${code}`, value: (r: MessageReportRow) => r.failedByCode[code] ?? 0 })),
  ];
}

function wantsCsv(req: Request): boolean {
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

function sendCsv(res: Response, name: string, csv: string): void {
  res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(csv);
}

function periodOf(period: ReportPeriod, groupBy: string) {
  return { from: period.from, to: period.to, timeZone: period.timeZone, groupBy };
}

/** reportRoutes is GET /reports/messages, GET /reports/agents (JSON, or CSV on Accept: text/csv) and a campaign's export. */
export function reportRoutes({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/reports/messages', async (req, res) => {
    const query = parseInput(messageReportQuerySchema, req.query);
    const unit = businessUnitOf(res);
    const period = reportPeriod(query, unit.time_zone);
    const rows = await messageReport(db, unit, period, query.groupBy);
    if (wantsCsv(req)) return sendCsv(res, `messages-by-${query.groupBy}`, csvTable(messageColumns(rows), rows));
    const answer: Answer<typeof messageReportResponse> = { ...periodOf(period, query.groupBy), rows };
    res.json(answer);
  });

  router.get('/reports/agents', async (req, res) => {
    const query = parseInput(agentReportQuerySchema, req.query);
    const unit = businessUnitOf(res);
    const period = reportPeriod(query, unit.time_zone);
    const rows = await agentReport(db, unit, period, query.groupBy);
    if (wantsCsv(req)) return sendCsv(res, `agents-by-${query.groupBy}`, csvTable(AGENT_COLUMNS, rows));
    const answer: Answer<typeof agentReportResponse> = { ...periodOf(period, query.groupBy), rows };
    res.json(answer);
  });

  router.get('/campaigns/:id/recipients', async (req, res) => {
    const { id } = parseInput(idParamSchema, req.params);
    const csv = await exportCampaignRecipients(db, businessUnitOf(res).id, id);
    res.type('text/csv; charset=utf-8').attachment(`campaign-${id}-recipients.csv`);
    await pipeline(csv, res);
  });
  return router;
}
