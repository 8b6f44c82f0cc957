import { AgentGrouping, ConversationFigures, conversationFigures } from '../db/conversation-figures';
import type { ReportPeriod } from '../db/message-figures';
import type { BusinessUnit, Db } from '../db/schema';
import { byKey } from './message-report';

/** AgentReportRow is one row of GET /reports/agents. */
export type AgentReportRow = ConversationFigures & {
  /** Share of offered conversations accepted within the business unit's service-level threshold. */
  serviceLevel: number;
};

/**
 * agentReport is GET /reports/agents: how a business unit's agents took up the conversations its contacts opened in a
 * period (from today's conversations: offered, accepted, closed, time to accept and to first answer, handle time,
 * service level), per key, in key order (no key last).
 */
export async function agentReport(
  db: Db,
  unit: BusinessUnit,
  period: ReportPeriod,
  grouping: AgentGrouping,
): Promise<AgentReportRow[]> {
  const figures = await conversationFigures(db, unit.id, period, grouping, unit.service_level_seconds);
  return figures
    .map((f) => ({
      ...f,
      serviceLevel: f.offered === 0 ? 0 : Math.round((f.withinServiceLevel / f.offered) * 10_000) / 10_000,
    }))
    .sort(byKey);
}
