import type { BusinessUnit, Sender } from '../db/schema';
import { carrierManagesOptConfirmations, TransportCodeKind } from '../senders/transport-codes';

/** DEFAULT_CONFIRMATIONS are the texts sent when neither the business unit nor the sender has written its own. */
export const DEFAULT_CONFIRMATIONS = {
  optOutText: 'You have been unsubscribed and will receive no more messages. Reply START to opt back in.',
  optInText: 'You are subscribed again. Reply STOP to unsubscribe, HELP for help.',
  helpText: 'Reply STOP to unsubscribe. Msg&data rates may apply.',
};

/** ConfirmationKind is a reply the system answers with a fixed text. */
export type ConfirmationKind = 'opt_out' | 'opt_in' | 'help';

type ConfirmationTexts = Pick<BusinessUnit, 'opt_out_text' | 'opt_in_text' | 'help_text'>;

const TEXT_FIELDS: Record<ConfirmationKind, { column: keyof ConfirmationTexts; fallback: string }> = {
  opt_out: { column: 'opt_out_text', fallback: DEFAULT_CONFIRMATIONS.optOutText },
  opt_in: { column: 'opt_in_text', fallback: DEFAULT_CONFIRMATIONS.optInText },
  help: { column: 'help_text', fallback: DEFAULT_CONFIRMATIONS.helpText },
};

/**
 * confirmationText is what the system answers a keyword with: the sender's own text, else the business unit's, else
 * the default; null when the system must stay silent because the carrier answers STOP and START itself (toll-free).
 */
export function confirmationText(
  kind: ConfirmationKind,
  unit: ConfirmationTexts,
  sender: ConfirmationTexts & Pick<Sender, 'kind'>,
): string | null {
  if (kind !== 'help' && carrierManagesOptConfirmations(sender.kind as TransportCodeKind)) return null;
  const { column, fallback } = TEXT_FIELDS[kind];
  return sender[column] ?? unit[column] ?? fallback;
}
