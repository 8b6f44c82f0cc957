import { classifyReply } from '../../../src/replies/reply-keywords';

const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE', 'ARRET'];
const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'];
const HELP_KEYWORDS = ['HELP', 'INFO'];

describe('classifyReply recognises every CTIA keyword as the whole message', () => {
  it.each(OPT_OUT_KEYWORDS)('%s opts the contact out', (keyword) => {
    expect(classifyReply(keyword)).toEqual({ kind: 'opt_out', rule: `keyword:${keyword}` });
  });

  it.each(OPT_IN_KEYWORDS)('%s opts the contact back in', (keyword) => {
    expect(classifyReply(keyword)).toEqual({ kind: 'opt_in', rule: `keyword:${keyword}` });
  });

  it.each(HELP_KEYWORDS)('%s asks for the help text', (keyword) => {
    expect(classifyReply(keyword)).toEqual({ kind: 'help', rule: `keyword:${keyword}` });
  });

  it('accepts the Canadian ARRÊT with or without its accent', () => {
    expect(classifyReply('Arrêt')).toEqual({ kind: 'opt_out', rule: 'keyword:ARRET' });
    expect(classifyReply('arret')).toEqual({ kind: 'opt_out', rule: 'keyword:ARRET' });
  });
});

describe('classifyReply ignores case, surrounding whitespace and punctuation in a keyword', () => {
  it.each([
    [' Stop. ', 'keyword:STOP'],
    ['stop!', 'keyword:STOP'],
    ['sToP', 'keyword:STOP'],
    ['\tSTOP\n', 'keyword:STOP'],
    ['"stop"', 'keyword:STOP'],
    ['Stop 🛑', 'keyword:STOP'],
    ['ＳＴＯＰ', 'keyword:STOP'], // fullwidth letters from CJK keyboards
    ['Opt-Out', 'keyword:OPTOUT'],
    ['un-subscribe!!', 'keyword:UNSUBSCRIBE'],
    ['...quit', 'keyword:QUIT'],
  ])('%j opts out', (body, rule) => {
    expect(classifyReply(body)).toEqual({ kind: 'opt_out', rule });
  });

  it.each([
    ['Yes!', 'opt_in', 'keyword:YES'],
    [' start ', 'opt_in', 'keyword:START'],
    ['Unstop.', 'opt_in', 'keyword:UNSTOP'],
    ['help?', 'help', 'keyword:HELP'],
    ['INFO ', 'help', 'keyword:INFO'],
  ])('%j is %s', (body, kind, rule) => {
    expect(classifyReply(body)).toEqual({ kind, rule });
  });
});

describe('classifyReply leaves words that merely contain or start with a keyword as messages', () => {
  it.each([
    'stop by tomorrow',
    'stopping',
    'unstoppable',
    'yesterday',
    'yes I will be there',
    'end of day works',
    'starting soon?',
    'information please',
    'HELP ME',
    'can you help with my order',
    '',
    '   ',
    '!!!',
  ])('%j reaches an agent', (body) => {
    expect(classifyReply(body)).toEqual({ kind: 'message', rule: null });
  });
});

describe('classifyReply honours a revocation in plain words (FCC "any reasonable manner")', () => {
  it.each([
    ['stop texting me', 'phrase:stop-messaging'],
    ['Please stop sending me messages', 'phrase:stop-messaging'],
    ['Stop contacting me.', 'phrase:stop-messaging'],
    ['stop these texts', 'phrase:stop-messaging'],
    ['stop the reminders', 'phrase:stop-messaging'],
    ['please unsubscribe me', 'phrase:unsubscribe'],
    ['how do I unsubscribe?', 'phrase:unsubscribe'],
    ['remove me from this list', 'phrase:remove-me'],
    ['take me off your list', 'phrase:remove-me'],
    ['get me off this mailing list', 'phrase:remove-me'],
    ['remove my number please', 'phrase:remove-me'],
    ['remove me', 'phrase:remove-me'],
    ["don't text me anymore", 'phrase:dont-message'],
    ['Don’t text me', 'phrase:dont-message'], // typographic apostrophe from iOS
    ['do not contact me', 'phrase:dont-message'],
    ['never message me again', 'phrase:dont-message'],
    ["don't call or text me", 'phrase:dont-message'],
    ["don't send me any more messages", 'phrase:dont-message'],
    ['opt me out', 'phrase:opt-out'],
    ['I want to opt out', 'phrase:opt-out'],
    ['no more texts please', 'phrase:no-more-messages'],
    ["I don't want these texts", 'phrase:dont-want-messages'],
    ['cancel these texts', 'phrase:cancel-messages'],
    ['cancel my text alerts', 'phrase:cancel-messages'],
    ['I revoke my consent', 'phrase:revoke-consent'],
  ])('%j opts out by %s', (body, rule) => {
    expect(classifyReply(body)).toEqual({ kind: 'opt_out', rule });
  });

  it.each(['Stop please', 'please stop', 'stop it', 'STOP ALL', 'unsubscribe, thanks', 'quit it now'])(
    '%j is an opt-out keyword wrapped in courtesy words',
    (body) => {
      expect(classifyReply(body)).toEqual({ kind: 'opt_out', rule: 'phrase:polite-keyword' });
    },
  );
});

describe('classifyReply does not opt out on everyday uses of stop, cancel and remove', () => {
  it.each([
    'can you stop by the store',
    'stop by and text me when you arrive',
    'stop sending the invoice to my old address',
    'I want to cancel my appointment',
    'cancel my subscription', // may mean the product, not the texts: an agent decides
    'cancel it', // CANCEL alone is a CTIA keyword; with any other word it usually answers a reminder
    'cancel please',
    'remove me from the 3pm appointment',
    'remove me from the waiting list',
    "please don't text me back, I'll call",
    "don't stop texting me",
    "I don't want to unsubscribe",
    "i can't stop texting lol",
    'yes stop by at 5',
  ])('%j is a message for an agent', (body) => {
    expect(classifyReply(body)).toEqual({ kind: 'message', rule: null });
  });
});

describe('classifyReply recognises STOP in Arabic, French and Spanish', () => {
  it.each([
    ['إيقاف', 'keyword-ar:إيقاف'],
    ['ايقاف', 'keyword-ar:إيقاف'], // hamza omitted, as often typed
    ['إِيقَاف', 'keyword-ar:إيقاف'], // with harakat
    ['إيـــقاف', 'keyword-ar:إيقاف'], // with tatweel
    ['\u200Fإيقاف\u200F', 'keyword-ar:إيقاف'], // wrapped in right-to-left marks
    ['توقف', 'keyword-ar:توقف'],
    ['توقف!', 'keyword-ar:توقف'],
    ['أوقف', 'keyword-ar:أوقف'],
    ['إلغاء الاشتراك', 'keyword-ar:إلغاء الاشتراك'],
    ['الغاء الاشتراك', 'keyword-ar:إلغاء الاشتراك'],
    ['arrêter', 'keyword-fr:ARRÊTER'],
    ['Arreter', 'keyword-fr:ARRÊTER'],
    ['désabonner', 'keyword-fr:DÉSABONNER'],
    ['DESABONNER', 'keyword-fr:DÉSABONNER'],
    ['désinscrire', 'keyword-fr:DÉSINSCRIRE'],
    ['alto', 'keyword-es:ALTO'],
    ['¡Parar!', 'keyword-es:PARAR'],
    ['baja', 'keyword-es:BAJA'],
    ['cancelar suscripción', 'keyword-es:CANCELAR SUSCRIPCIÓN'],
    ['Cancelar suscripcion', 'keyword-es:CANCELAR SUSCRIPCIÓN'],
    ['No más mensajes', 'keyword-es:NO MÁS MENSAJES'],
    ['no mas mensajes.', 'keyword-es:NO MÁS MENSAJES'],
  ])('%j opts out by %s', (body, rule) => {
    expect(classifyReply(body)).toEqual({ kind: 'opt_out', rule });
  });

  it('treats a localised STOP with courtesy words as an opt-out', () => {
    expect(classifyReply('توقف من فضلك')).toEqual({ kind: 'opt_out', rule: 'phrase:polite-keyword' });
    expect(classifyReply('Alto, por favor')).toEqual({ kind: 'opt_out', rule: 'phrase:polite-keyword' });
  });

  it.each([
    ['aide', 'keyword-fr:AIDE'],
    ['Ayuda', 'keyword-es:AYUDA'],
    ['مساعدة', 'keyword-ar:مساعدة'],
    ['مساعده', 'keyword-ar:مساعدة'], // teh marbuta typed as heh
  ])('%j asks for help', (body, rule) => {
    expect(classifyReply(body)).toEqual({ kind: 'help', rule });
  });

  it.each(['annuler', 'cancelar', 'إلغاء', 'alto ahí te veo'])(
    '%j (cancel or a longer sentence) reaches an agent',
    (body) => {
      expect(classifyReply(body)).toEqual({ kind: 'message', rule: null });
    },
  );
});
