import { getBusinessUnit } from '../db/business-units';
import { getCallingList, getListRecordByRow } from '../db/calling-lists';
import type { Db, NewMessage } from '../db/schema';
import { getSendersByIds } from '../db/senders';
import { getSkill } from '../db/skills';
import { insertMessage } from '../db/messages';
import { getTemplate } from '../db/templates';
import { dncScopeOf, isBlocked } from '../dnc/dnc-scope';
import { emptyBodySkip, pendingMessage } from '../outbound/outbound-message';
import { stickySender } from '../senders/sender-pool';
import { DirectionSetting, isBlankBody, mergeTemplate, parseTemplate } from '../templates';

/** CadenceEvent is a call outcome the voice dialer reports for one record of a calling list. */
export interface CadenceEvent {
  businessUnitId: string;
  skillId: string;
  listId: string;
  row: number;
  outcome: string;
}

/** CadencePlan is what the skill's cadence does for an event: one message to the record's mobile, or nothing and why. */
export type CadencePlan = { action: 'sms'; message: NewMessage } | { action: 'none'; reason: string };

/** PreparedCadenceStep is a stored message ready to send (DNC is checked again right before), or why not. */
export type PreparedCadenceStep = { action: 'sms'; messageId: string } | { action: 'none'; reason: string };

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
export async function planCadenceStep(db: Db, event: CadenceEvent): Promise<CadencePlan> {
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
  // A cadence step belongs to no campaign: the business unit's default group is its scope.
  if (await isBlocked(db, dncScopeOf(unit, null), mobile))
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
  if (isBlankBody(merged.text)) return none(emptyBodySkip(event.row).message);

  const message = pendingMessage(
    {
      businessUnitId: unit.id,
      kind: 'cadence',
      recordId: record.id,
      skillId: skill.id,
      to: mobile,
      senderId: stickySender(active, mobile).id,
      idempotencyKey: cadenceIdempotencyKey(event),
    },
    merged.text,
  );
  return { action: 'sms', message };
}

/** prepareCadenceMessage plans the step again (a STOP may have come in since the event) and stores its message once. */
export async function prepareCadenceMessage(db: Db, event: CadenceEvent): Promise<PreparedCadenceStep> {
  const plan = await planCadenceStep(db, event);
  if (plan.action === 'none') return plan;
  // The idempotency key makes a repeated event or a retried activity find the row it stored the first time.
  const message = await insertMessage(db, plan.message);
  return { action: 'sms', messageId: message.id };
}
