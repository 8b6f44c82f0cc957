// Phone numbers are personal data: logs at info level carry enough to tell numbers apart, never the whole number.

/** maskPhone keeps the country code and the last four digits of a phone number: +15551234567 → +1******4567. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  // Short codes and alphanumeric sender ids are business addresses, not people's numbers: shown as they are.
  if (digits.length < 8 || digits.length !== phone.replace(/[\s()+.-]/g, '').length) return phone;
  const countryLength = digits.startsWith('1') || digits.startsWith('7') ? 1 : 2;
  const hidden = digits.length - countryLength - 4;
  return `+${digits.slice(0, countryLength)}${'*'.repeat(hidden)}${digits.slice(-4)}`;
}

/** PHONE_LOG_FIELDS are the log fields that hold a person's phone number, wherever they are logged. */
export const PHONE_LOG_FIELDS = ['phone', 'contact', 'to', 'from', 'toPhone', 'fromPhone'] as const;

/** phoneSerializers masks every PHONE_LOG_FIELDS value unless the logger runs at debug (or more verbose). */
export function phoneSerializers(showFullNumbers: () => boolean): Record<string, (value: unknown) => unknown> {
  const serialize = (value: unknown) => (typeof value === 'string' && !showFullNumbers() ? maskPhone(value) : value);
  return Object.fromEntries(PHONE_LOG_FIELDS.map((field) => [field, serialize]));
}
