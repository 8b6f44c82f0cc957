import { createHmac } from 'node:crypto';
import { isValidTwilioSignature, twilioSignature } from '../../../src/carrier/webhook-signature';

// Twilio's published example (twilio.com/docs/usage/webhooks/webhooks-security). The docs print
// GvWf1cFY/Q7PnoempGyD5oXAezc= for Caller/From +14158675310; the official libraries' tests use the same request
// with +14158675309 and RSOYDt4T1cUTdK1PDd93/VVr8B8=. Both pin our algorithm to Twilio's independently.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const docsParams = (caller: string) => ({
  CallSid: 'CA1234567890ABCDE',
  Caller: caller,
  Digits: '1234',
  From: caller,
  To: '+18005551212',
});

describe('twilioSignature', () => {
  it("reproduces the signature printed in Twilio's security docs", () => {
    expect(twilioSignature(TOKEN, URL, docsParams('+14158675310'))).toBe('GvWf1cFY/Q7PnoempGyD5oXAezc=');
  });

  it("reproduces the vector of Twilio's helper libraries", () => {
    expect(twilioSignature(TOKEN, URL, docsParams('+14158675309'))).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('signs the URL followed by name+value pairs sorted by name, whatever the insertion order', () => {
    const params = { To: '+18005551212', Digits: '1234', CallSid: 'CA1', From: '+1', Caller: '+1' };
    const expected = createHmac('sha1', TOKEN)
      .update(`${URL}CallSidCA1Caller+1Digits1234From+1To+18005551212`)
      .digest('base64');
    expect(twilioSignature(TOKEN, URL, params)).toBe(expected);
  });

  it('sorts by code unit like Twilio (upper case before lower case)', () => {
    const expected = createHmac('sha1', TOKEN).update('https://x/Zz1aa2').digest('base64');
    expect(twilioSignature(TOKEN, 'https://x/', { aa: '2', Zz: '1' })).toBe(expected);
  });
});

describe('isValidTwilioSignature', () => {
  const params = docsParams('+14158675310');
  const good = 'GvWf1cFY/Q7PnoempGyD5oXAezc=';

  it('accepts the genuine signature', () => {
    expect(isValidTwilioSignature(TOKEN, URL, params, good)).toBe(true);
  });

  it.each([
    ['a forged signature of the right length', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['a truncated signature', good.slice(0, 20)],
    ['an overlong signature', `${good}AAAA`],
    ['an empty signature', ''],
    ['no signature', undefined],
    ['non-ASCII garbage', 'Gvé1cFY/Q7PnoempGyD5oXAez='],
  ])('rejects %s', (_label, signature) => {
    expect(isValidTwilioSignature(TOKEN, URL, params, signature)).toBe(false);
  });

  it('rejects a valid signature for other params, another URL or another token', () => {
    expect(isValidTwilioSignature(TOKEN, URL, { ...params, Digits: '9999' }, good)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, URL, { ...params, Extra: '' }, good)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, URL.replace('https', 'http'), params, good)).toBe(false);
    expect(isValidTwilioSignature('54321', URL, params, good)).toBe(false);
  });
});
