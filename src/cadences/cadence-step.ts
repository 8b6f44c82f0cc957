import type { Insertable, Kysely } from 'kysely';
import { getBusinessUnit } from '../db/business-units';
import { getCallingList, getListRecordByRow } from '../db/calling-lists';
import { phonesOnDnc } from '../db/dnc';
import type { Database, MessageTable } from '../db/schema';
import { getSendersByIds } from '../db/senders';
import { getSkill } from '../db/skills';
import { insertMessage } from '../db/messages';
import { getTemplate } from '../db/templates';
import { stickySender } from '../senders/sender-pool';
import { DirectionSetting, measureSms, mergeTemplate, parseTemplate } from '../templates';

/** CadenceEvent is a call outcome the voice dialer reports for one record of a calling list. */
export interface CadenceEvent {
  businessUnitId: string;
  skillId: string;
  listId: string;
  row: number;
  outcome: string;
}

/** CadencePlan is what the skill's cadence does for an event: one message to the record's mobile, or nothing and why. */
export type CadencePlan =
  { action: 'sms'; message: Insertable<MessageTable>; dncGroupIds: string[] } | { action: 'none'; reason: string };

/** PreparedCadenceStep is a stored message ready to send (with the DNC groups to check right before), or why not. */
export type PreparedCadenceStep =
  { action: 'sms'; messageId: string; dncGroupIds: string[] } | { action: 'none'; reason: string };

/** CadenceEventError names the part of an event that points at nothing (404): the skill, the list or the row. */
export class CadenceEventError extends Error {
  constructor(
    readonly field: 'skillId' | 'listId' | 'row',
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** cadenceIdempotencyKey identifies the one message an event may cause: the same event reported twice sends once. */
export function cadenceIdempotencyKey(event: Omit<CadenceEvent, 'businessUnitId'>): string {
  return `cadence:${event.skillId}:${event.listId}:${event.row}:${event.outcome}`;
}

const none = (reason: string): CadencePlan => ({ action: 'none', reason });

/**
 * planCadenceStep decides what a call outcome triggers: the skill's cadence step for that outcome sends its template,
 * merged with the record, to the record's mobile from the step's active senders (sticky per contact), unless there is
 * no step, no mobile, the mobile is on DNC, a value is missing or no sender can send. Unknown ids throw.
 */
export async function planCadenceStep(db: Kysely<Database>, event: CadenceEvent): Promise<CadencePlan> {
  const [unit, skill, list] = await Promise.all([
    getBusinessUnit(db, event.businessUnitId),
    getSkill(db, event.businessUnitId, event.skillId),
    getCallingList(db, event.businessUnitId, event.listId),
  ]);
  if (!unit) throw new Error(`business unit ${event.businessUnitId} does not exist`);
  if (!skill) throw new CadenceEventError('skillId', `skill ${event.skillId} does not exist`);
  if (!list) throw new CadenceEventError('listId', `calling list ${event.listId} does not exist`);
  const record = await getListRecordByRow(db, list.id, event.row);
  if (!record) {
    throw new CadenceEventError(
      'row',
      `calling list ${list.id} has no record at row ${event.row} (rows rejected at import are not kept)`,
    );
  }

  const step = skill.cadence.find((s) => s.outcome === event.outcome);
  if (!step) return none(`skill "${skill.name}" has no cadence step for the outcome ${event.outcome}`);
  if (!list.mobile_field) return none('the calling list maps no mobile field, so no record has a mobile number');
  const mobile = record.mobile;
  if (!mobile) return none(`row ${event.row} has no usable mobile number in "${list.mobile_field}"`);
  const dncGroupIds = unit.default_dnc_group_id ? [unit.default_dnc_group_id] : [];
  if ((await phonesOnDnc(db, dncGroupIds, [mobile])).has(mobile))
    return none(`the mobile number of row ${event.row} is on a DNC list`);

  const [template, senders] = await Promise.all([
    getTemplate(db, unit.id, step.templateId),
    getSendersByIds(db, unit.id, step.senderIds),
  ]);
  if (!template) return none(`the cadence step's template ${step.templateId} no longer exists`);
  const active = senders.filter((s) => s.status === 'active');
  if (active.length === 0) {
    const why = senders.map((s) => `${s.address} is ${s.status}`).join(', ') || 'its senders no longer exist';
    return none(`no sender of the cadence step can send: ${why}`);
  }
  const parsed = parseTemplate(template.body, { smartEncoding: template.smart_encoding });
  const merged = mergeTemplate(parsed, record.fields, template.direction as DirectionSetting);
  if (!merged.ok) return none(`row ${event.row} has no value for {${merged.field}} and the template gives no fallback`);

  return {
    action: 'sms',
    dncGroupIds,
    message: {
      business_unit_id: unit.id,
      kind: 'cadence',
      campaign_id: null,
      record_id: record.id,
      conversation_id: null,
      skill_id: skill.id,
      to_phone: mobile,
      sender_id: stickySender(active, mobile).id,
      body: merged.text,
      segments: measureSms(merged.text).segments,
      state: 'pending',
      idempotency_key: cadenceIdempotencyKey(event),
      carrier_sid: null,
      error_code: null,
      error_message: null,
      sent_at: null,
    },
  };
}

/** prepareCadenceMessage plans the step again (a STOP may have come in since the event) and stores its message once. */
export async function prepareCadenceMessage(db: Kysely<Database>, event: CadenceEvent): Promise<PreparedCadenceStep> {
  const plan = await planCadenceStep(db, event);
  if (plan.action === 'none') return plan;
  // The idempotency key makes a repeated event or a retried activity find the row it stored the first time.
  const message = await insertMessage(db, plan.message);
  return { action: 'sms', messageId: message.id, dncGroupIds: plan.dncGroupIds };
}
