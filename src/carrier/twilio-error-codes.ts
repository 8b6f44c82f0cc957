// What Twilio's error codes mean for the engine: one table, so every send path reads a refusal the same way.
// Codes from Twilio's error dictionary (https://www.twilio.com/docs/api/errors).

/**
 * RefusalScope says whom a refusal is about: `recipient` (this message fails with the code), `opt_out` (the contact
 * unsubscribed at the carrier: DNC), `sender` (the sender or the account cannot send: never the recipient's failure;
 * the campaign pauses and the sender needs attention) or `transient` (retry with backoff).
 */
export type RefusalScope = 'recipient' | 'opt_out' | 'sender' | 'transient';

/** TWILIO_ERROR_CODES maps each code the engine knows to its scope and meaning. */
export const TWILIO_ERROR_CODES: Readonly<Record<number, { scope: RefusalScope; meaning: string }>> = {
  21211: { scope: 'recipient', meaning: "invalid 'To' number" },
  21614: { scope: 'recipient', meaning: "'To' is not a mobile number" },
  21612: { scope: 'recipient', meaning: "the 'To' number cannot be reached from this sender" },
  21610: { scope: 'opt_out', meaning: 'the recipient unsubscribed at the carrier (STOP)' },
  20003: { scope: 'sender', meaning: 'the carrier refused the account credentials' },
  21606: {
    scope: 'sender',
    meaning: "the 'From' number cannot send messages (not message-capable for this destination)",
  },
  21212: { scope: 'sender', meaning: "invalid 'From' number" },
  21659: { scope: 'sender', meaning: "the 'From' number is not the account's" },
  30034: { scope: 'sender', meaning: 'the sender is not registered for A2P 10DLC' },
  21408: { scope: 'sender', meaning: 'the account may not send to that region' },
  20429: { scope: 'transient', meaning: 'too many requests' },
  21611: { scope: 'transient', meaning: "the 'From' number's queue is full" },
};

/** refusalScopeOf reads a refusal's scope from its code; null for a code the table does not know. */
export function refusalScopeOf(code: number | null): RefusalScope | null {
  return code === null ? null : (TWILIO_ERROR_CODES[code]?.scope ?? null);
}
