import { confirmationText, DEFAULT_CONFIRMATIONS } from '../../../src/replies/confirmations';
import { conversationAllowedFrom, isOpenConversation } from '../../../src/replies/conversation-status';

const noTexts = { opt_out_text: null, opt_in_text: null, help_text: null };

describe('keyword confirmation texts', () => {
  it('fall back to the defaults when neither the business unit nor the sender wrote any', () => {
    const sender = { kind: 'long_code', ...noTexts };
    expect(confirmationText('opt_out', noTexts, sender)).toBe(DEFAULT_CONFIRMATIONS.optOutText);
    expect(confirmationText('opt_in', noTexts, sender)).toBe(DEFAULT_CONFIRMATIONS.optInText);
    expect(confirmationText('help', noTexts, sender)).toBe(DEFAULT_CONFIRMATIONS.helpText);
  });

  it("prefer the sender's text to the business unit's", () => {
    const unit = { ...noTexts, opt_out_text: 'unit out', help_text: 'unit help' };
    const sender = { kind: 'short_code', ...noTexts, help_text: 'sender help' };
    expect(confirmationText('opt_out', unit, sender)).toBe('unit out');
    expect(confirmationText('help', unit, sender)).toBe('sender help');
  });

  it('are never sent by the system for opt-out and opt-in on toll-free numbers, whose carrier answers them', () => {
    const sender = { kind: 'toll_free', ...noTexts };
    const unit = { ...noTexts, opt_out_text: 'unit out' };
    expect(confirmationText('opt_out', unit, sender)).toBeNull();
    expect(confirmationText('opt_in', unit, sender)).toBeNull();
    expect(confirmationText('help', unit, sender)).toBe(DEFAULT_CONFIRMATIONS.helpText);
  });
});

describe('conversation statuses', () => {
  it('allow assigning and closing only an open conversation, accepting only an offered one', () => {
    expect(conversationAllowedFrom('assign')).toEqual(['queued', 'offered', 'assigned']);
    expect(conversationAllowedFrom('close')).toEqual(['queued', 'offered', 'assigned']);
    expect(conversationAllowedFrom('accept')).toEqual(['offered']);
    expect(isOpenConversation('offered')).toBe(true);
    expect(isOpenConversation('assigned')).toBe(true);
    expect(isOpenConversation('closed')).toBe(false);
  });
});
