// Plain-words revocation of consent. The FCC lets a consumer revoke "in any reasonable manner", so a reply that
// clearly says "stop texting me" must opt out even though it is not a keyword. The patterns stay narrow on purpose:
// in appointment and delivery campaigns "stop" and "cancel" are everyday verbs ("can you stop by the store",
// "I want to cancel my appointment"), and opting such a contact out would silently cut them off from the business.
// A sentence that only might be a revocation is therefore left as a message, which reaches an agent who can act on it.
// Each pattern runs on replyWords() output: lowercase, accents and apostrophes removed, one space between words.

const NEGATION = String.raw`(?:dont|do not|didnt|did not|doesnt|does not|not|never|cant|cannot|wont|will not)`;
const MESSAGES = String.raw`(?:texts?|txts?|messages?|msgs?|sms|notifications?|alerts?|spam)`;
const DETERMINERS = String.raw`(?:all|the|these|those|this|your|ur|any|such|more|of|my)`;
const MY_NUMBER = String.raw`(?:me|us|(?:my|this) (?:phone |cell |mobile )?number)`;
const LIST_QUALIFIERS = String.raw`(?:${DETERMINERS}|mailing|contact|texting|text|sms|messaging|marketing)`;
const LISTS = String.raw`(?:lists?|texts?|messages?|database|system|contacts?|sms)`;
const COURTESY_TAIL = String.raw`(?: (?:please|pls|plz|now|thanks|thank you|thx|asap|immediately))*$`;

/** unlessNegated wraps a pattern so a negation up to two words before it cancels it ("I don't want to unsubscribe"). */
function unlessNegated(source: string): RegExp {
  return new RegExp(String.raw`(?<!\b${NEGATION}(?: \w+){0,2} )\b(?:${source})\b`);
}

/** anywhere wraps a pattern that is a revocation wherever it appears, negations included ("don't text me"). */
function anywhere(source: string): RegExp {
  return new RegExp(String.raw`\b(?:${source})\b`);
}

// Order matters only for the rule name reported; the first pattern that matches names the reason.
const REVOCATION_PHRASES: readonly { rule: string; pattern: RegExp }[] = [
  {
    // "stop texting me", "stop sending me messages", "stop these texts"; not "stop by", "stop sending the invoice".
    rule: 'phrase:stop-messaging',
    pattern: unlessNegated(
      String.raw`stop (?:texting|txting|messaging|msging|contacting|spamming|sending (?:me|us)` +
        String.raw`|sending${COURTESY_TAIL}|(?:sending )?(?:${DETERMINERS} )*(?:${MESSAGES}|reminders?))`,
    ),
  },
  {
    // "don't text me anymore", "never message me again", "don't call or text me"; not "don't text me back".
    rule: 'phrase:dont-message',
    pattern: anywhere(
      String.raw`(?:dont|do not|never|no longer|quit) (?:ever )?(?:call (?:or|and|nor) )?` +
        String.raw`(?:(?:text|txt|message|msg|sms|contact)(?:ing)? ${MY_NUMBER}` +
        String.raw`(?! (?:back|until|till|til|before|after|tonight|today|tomorrow|later|yet)\b)` +
        String.raw`|send (?:me |us )?(?:${DETERMINERS} |anymore )*${MESSAGES})`,
    ),
  },
  { rule: 'phrase:no-more-messages', pattern: anywhere(String.raw`no more ${MESSAGES}`) },
  {
    // "I don't want these texts", "I no longer want to receive messages".
    rule: 'phrase:dont-want-messages',
    pattern: anywhere(
      String.raw`(?:dont|do not|no longer) want (?:to (?:get|receive) )?` +
        String.raw`(?:${DETERMINERS} |anymore |any more )*${MESSAGES}`,
    ),
  },
  { rule: 'phrase:unsubscribe', pattern: unlessNegated(String.raw`unsubscribe|unsub`) },
  { rule: 'phrase:opt-out', pattern: unlessNegated(String.raw`opt (?:${MY_NUMBER} )?out`) },
  {
    // "remove me from this list", "take me off your list", "remove my number"; not "remove me from the 3pm slot".
    rule: 'phrase:remove-me',
    pattern: unlessNegated(
      String.raw`(?:remove|delete|erase|take|get) ${MY_NUMBER} (?:off|from)(?: ${LIST_QUALIFIERS})* ${LISTS}` +
        String.raw`|(?:remove|delete|erase) ${MY_NUMBER}(?: off)?${COURTESY_TAIL}` +
        String.raw`|(?:take|get) ${MY_NUMBER} off${COURTESY_TAIL}`,
    ),
  },
  {
    // "cancel these texts", "cancel my text alerts"; "cancel my subscription" alone may mean the product, not the SMS.
    rule: 'phrase:cancel-messages',
    pattern: unlessNegated(
      String.raw`cancel (?:${DETERMINERS} )*` +
        String.raw`(?:(?:text|txt|sms|message|messaging) (?:subscriptions?|alerts?|notifications?)|${MESSAGES})`,
    ),
  },
  {
    rule: 'phrase:revoke-consent',
    pattern: unlessNegated(
      String.raw`(?:revoke|revoking|withdraw|withdrawing)(?: my| all| any)? (?:consent|permission)`,
    ),
  },
];

/** matchRevocationPhrase names the plain-words revocation in a folded reply ("phrase:…"), or null if none. */
export function matchRevocationPhrase(words: string): string | null {
  return REVOCATION_PHRASES.find(({ pattern }) => pattern.test(words))?.rule ?? null;
}
