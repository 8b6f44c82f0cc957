// What the API answers about skill groups and reports (see resources.ts).
import { z } from 'zod';
import { named, timestamp } from './resources';

/** skillGroupResponse is a reporting group of skills. */
export const skillGroupResponse = named(
  'SkillGroup',
  z.looseObject({ id: z.uuid(), name: z.string(), skillIds: z.array(z.uuid()), createdAt: timestamp }),
);

const reportKey = {
  key: z.string().nullable().describe('the skill, group, campaign or sender id, the day or the hour; null: none'),
  name: z.string().nullable().describe("the skill's, group's or campaign's name, the sender's address"),
};
const seconds = z.number().nullable();

/** messageReportResponse is GET /reports/messages. */
export const messageReportResponse = named(
  'MessageReport',
  z.looseObject({
    from: timestamp,
    to: timestamp,
    timeZone: z.string(),
    groupBy: z.string(),
    rows: z.array(
      z.looseObject({
        ...reportKey,
        sent: z.int(),
        segmentsSent: z.int(),
        delivered: z.int(),
        failed: z.int(),
        failedByCode: z.record(z.string(), z.int()),
        expired: z.int(),
        awaitingReceipt: z.int(),
        skippedDnc: z.int(),
        skippedInvalid: z.int(),
        optOuts: z.int(),
        optOutRate: z.number(),
        optIns: z.int(),
        replies: z.int(),
        replyRate: z.number(),
        estimatedCost: z.number(),
      }),
    ),
  }),
);

/** agentReportResponse is GET /reports/agents. */
export const agentReportResponse = named(
  'AgentReport',
  z.looseObject({
    from: timestamp,
    to: timestamp,
    timeZone: z.string(),
    groupBy: z.string(),
    rows: z.array(
      z.looseObject({
        ...reportKey,
        offered: z.int(),
        accepted: z.int(),
        closed: z.int(),
        avgTimeToAccept: seconds,
        p90TimeToAccept: seconds,
        avgTimeToFirstAnswer: seconds,
        p90TimeToFirstAnswer: seconds,
        avgHandleTime: seconds,
        serviceLevel: z.number(),
        sent: z.int().describe("agents' answers in these conversations handed to the carrier"),
        delivered: z.int(),
        failed: z.int(),
        expired: z.int(),
        replies: z.int().describe("the contacts' messages in these conversations (keywords apart)"),
        optOuts: z.int(),
      }),
    ),
  }),
);
