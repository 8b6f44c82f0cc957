import { contactName } from '../../../src/replies/contact-name';

describe('the contact name an agent sees, read from a calling list record', () => {
  it('takes a whole-name column first', () => {
    expect(contactName({ Name: 'Ada Lovelace', FirstName: 'Ada', Phone: '+12125550143' })).toBe('Ada Lovelace');
  });
  it('joins first and last names, or takes whichever is there', () => {
    expect(contactName({ first_name: 'Ada', 'Last Name': 'Lovelace' })).toBe('Ada Lovelace');
    expect(contactName({ FirstName: 'Ada', Phone: '+12125550143' })).toBe('Ada');
    expect(contactName({ Surname: 'Lovelace' })).toBe('Lovelace');
  });
  it('is null when the list names nobody (blank values count as none)', () => {
    expect(contactName({ Phone: '+12125550143', Order: 'A-1' })).toBeNull();
    expect(contactName({ FirstName: '  ' })).toBeNull();
    expect(contactName(null)).toBeNull();
  });
});
