import { keywordKey, replyWords } from './reply-text';
import { matchRevocationPhrase } from './revocation-phrases';

/** ReplyKind is what an inbound reply asks for: leave, come back, get help, or talk to someone. */
export type ReplyKind = 'opt_out' | 'opt_in' | 'help' | 'message';

/** ReplyClassification is a reply's kind and the rule that decided it (null for an ordinary message). */
export interface ReplyClassification {
  kind: ReplyKind;
  rule: string | null;
}

interface KeywordFamily {
  kind: Exclude<ReplyKind, 'message'>;
  family: 'keyword' | 'keyword-fr' | 'keyword-es' | 'keyword-ar';
  keywords: readonly string[];
}

// A keyword is the whole message. The CTIA sets come first; ARRET is the Canadian French opt-out every carrier honours.
// The localised sets hold unambiguous STOP and HELP equivalents only: "annuler", "cancelar" and "إلغاء" mean "cancel"
// and in reminder campaigns usually refer to the appointment, so they reach an agent as messages.
const KEYWORD_FAMILIES: readonly KeywordFamily[] = [
  {
    kind: 'opt_out',
    family: 'keyword',
    keywords: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE', 'ARRET'],
  },
  { kind: 'opt_in', family: 'keyword', keywords: ['START', 'UNSTOP', 'YES'] },
  { kind: 'help', family: 'keyword', keywords: ['HELP', 'INFO'] },
  {
    kind: 'opt_out',
    family: 'keyword-fr',
    keywords: [
      'ARRÊTER',
      'DÉSABONNER',
      'DÉSINSCRIRE',
      'DÉSABONNEMENT',
      'DÉSINSCRIPTION',
      'ME DÉSABONNER',
      'ME DÉSINSCRIRE',
    ],
  },
  {
    kind: 'opt_out',
    family: 'keyword-es',
    keywords: [
      'ALTO',
      'PARAR',
      'DETENER',
      'BAJA',
      'DAR DE BAJA',
      'DARME DE BAJA',
      'CANCELAR SUSCRIPCIÓN',
      'NO MÁS MENSAJES',
    ],
  },
  { kind: 'opt_out', family: 'keyword-ar', keywords: ['إيقاف', 'توقف', 'أوقف', 'إلغاء الاشتراك'] },
  { kind: 'help', family: 'keyword-fr', keywords: ['AIDE'] },
  { kind: 'help', family: 'keyword-es', keywords: ['AYUDA'] },
  { kind: 'help', family: 'keyword-ar', keywords: ['مساعدة'] },
];

// Words that make a request polite without changing it: "stop please", "please unsubscribe", "stop it now".
const COURTESY_WORDS = new Set(
  ['please', 'pls', 'plz', 'now', 'it', 'all', 'thanks', 'thank', 'you', 'thx', 'ty', 'ok', 'okay', 'immediately']
    .concat(['asap', 'already', 'svp', 'merci', 'por', 'favor', 'gracias', 'من', 'فضلك', 'شكرا'])
    .map(keywordKey),
);
// CANCEL alone is a CTIA opt-out, but "cancel it" or "cancel please" usually answers an appointment reminder.
const COURTESY_EXCLUDED_RULES = new Set(['keyword:CANCEL']);

/** keywordTable indexes every keyword by its folded form, refusing two rules for the same folded text. */
function keywordTable(families: readonly KeywordFamily[]): ReadonlyMap<string, ReplyClassification> {
  const table = new Map<string, ReplyClassification>();
  for (const { kind, family, keywords } of families) {
    for (const keyword of keywords) {
      const key = keywordKey(keyword);
      const existing = table.get(key);
      if (existing) throw new Error(`reply keyword ${family}:${keyword} folds to the same text as ${existing.rule}`);
      table.set(key, { kind, rule: `${family}:${keyword}` });
    }
  }
  return table;
}

const KEYWORDS = keywordTable(KEYWORD_FAMILIES);

/** politeOptOut finds an opt-out keyword wrapped only in courtesy words ("stop it please"), or null. */
function politeOptOut(words: string): ReplyClassification | null {
  const rest = words.split(' ').filter((word) => !COURTESY_WORDS.has(word));
  if (rest.length === 0) return null;
  const keyword = KEYWORDS.get(rest.join(' '));
  if (keyword?.kind !== 'opt_out' || COURTESY_EXCLUDED_RULES.has(keyword.rule ?? '')) return null;
  return { kind: 'opt_out', rule: 'phrase:polite-keyword' };
}

/** classifyReply decides whether an inbound SMS opts out, opts in, asks for help, or is a message for an agent. */
export function classifyReply(body: string): ReplyClassification {
  const keyword = KEYWORDS.get(keywordKey(body));
  if (keyword) return { ...keyword };
  const words = replyWords(body);
  const polite = politeOptOut(words);
  if (polite) return polite;
  const phrase = matchRevocationPhrase(words);
  return phrase ? { kind: 'opt_out', rule: phrase } : { kind: 'message', rule: null };
}
