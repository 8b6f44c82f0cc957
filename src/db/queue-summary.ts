import { sql } from 'kysely';
import type { DbOrTransaction } from './schema';

/** SkillQueueFigures are one skill's queue and agents now, and its conversations accepted within the service level. */
export interface SkillQueueFigures {
  business_unit_id: string;
  skill_id: string;
  name: string;
  queued: number;
  offered: number;
  assigned: number;
  longest_wait_seconds: number | null;
  available: number;
  unavailable: number;
  offline: number;
  /** Conversations queued in the last 24 hours and accepted by now, and of them those accepted within the limit. */
  accepted: number;
  within_service_level: number;
}

/**
 * skillQueueFigures reads, per skill with reply handling (of one business unit, or all for /metrics), its queue now,
 * its agents by state and its service level over the conversations queued in the last 24 hours.
 */
export async function skillQueueFigures(
  db: DbOrTransaction,
  serviceLevelSeconds: number,
  businessUnitId?: string,
): Promise<SkillQueueFigures[]> {
  const unit = businessUnitId ? sql`AND s.business_unit_id = ${businessUnitId}` : sql``;
  const rows = await sql<SkillQueueFigures>`
    SELECT s.business_unit_id, s.id AS skill_id, s.name,
      coalesce(q.queued, 0)::int AS queued, coalesce(q.offered, 0)::int AS offered,
      coalesce(q.assigned, 0)::int AS assigned, q.longest_wait_seconds,
      coalesce(a.available, 0)::int AS available, coalesce(a.unavailable, 0)::int AS unavailable,
      coalesce(a.offline, 0)::int AS offline,
      coalesce(l.accepted, 0)::int AS accepted, coalesce(l.within_service_level, 0)::int AS within_service_level
    FROM skills s
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
             count(*) FILTER (WHERE status = 'offered') AS offered,
             count(*) FILTER (WHERE status = 'assigned') AS assigned,
             extract(epoch FROM now() - min(queued_at) FILTER (WHERE status IN ('queued', 'offered')))::float8
               AS longest_wait_seconds
      FROM conversations c WHERE c.skill_id = s.id AND c.status <> 'closed'
    ) q ON true
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE ag.state = 'available') AS available,
             count(*) FILTER (WHERE ag.state = 'unavailable') AS unavailable,
             count(*) FILTER (WHERE ag.state = 'offline') AS offline
      FROM agent_skills sk JOIN agents ag ON ag.id = sk.agent_id WHERE sk.skill_id = s.id
    ) a ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS accepted,
             count(*) FILTER (WHERE c.assigned_at - c.queued_at <= make_interval(secs => ${serviceLevelSeconds}))
               AS within_service_level
      FROM conversations c
      WHERE c.skill_id = s.id AND c.queued_at > now() - interval '24 hours' AND c.assigned_at IS NOT NULL
    ) l ON true
    WHERE s.reply_handling ${unit}
    ORDER BY s.business_unit_id, s.created_at, s.id
  `.execute(db);
  return rows.rows;
}
