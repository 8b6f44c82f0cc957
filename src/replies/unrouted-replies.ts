/** UnroutedReason is why a reply that asked nothing of the system (not a keyword) reached no agent. */
export type UnroutedReason = 'sms_channel_off' | 'no_reply_handling';

/** UNROUTED_PREFIX starts the stored outcome of every such reply ("not_routed:<reason>"). */
export const UNROUTED_PREFIX = 'not_routed:' as const;

const EXPLANATIONS: Record<UnroutedReason, string> = {
  sms_channel_off: 'the business unit has no SMS channel (settings: smsChannel), so no reply reaches an agent',
  no_reply_handling:
    'the campaign that last texted the contact has no skill with reply handling, so its replies reach no agent',
};

/** unroutedOutcome is the stored outcome of a reply that reached no agent for this reason. */
export function unroutedOutcome<R extends UnroutedReason>(reason: R): `${typeof UNROUTED_PREFIX}${R}` {
  return `${UNROUTED_PREFIX}${reason}`;
}

/** unroutedReason reads the reason out of a stored reply outcome, or null when the reply was routed or a keyword. */
export function unroutedReason(outcome: string | null): UnroutedReason | null {
  const reason = outcome?.startsWith(UNROUTED_PREFIX) ? outcome.slice(UNROUTED_PREFIX.length) : null;
  return reason && reason in EXPLANATIONS ? (reason as UnroutedReason) : null;
}

/** explainUnrouted says in a sentence why a reply reached nobody, for the console and the logs. */
export function explainUnrouted(reason: UnroutedReason): string {
  return EXPLANATIONS[reason];
}
