// A calling list has no fixed columns: the contact's name is read from the columns calling lists usually name it in.
const WHOLE = /^(full[ _-]?)?name$|^(contact|customer|client)[ _-]?name$/i;
const FIRST = /^(first|given)[ _-]?name$|^forename$/i;
const LAST = /^(last|family)[ _-]?name$|^surname$/i;

/** contactName is the name a list record gives its contact ("Ada Lovelace", or "Ada" alone), or null when it has none. */
export function contactName(fields: Record<string, string> | null): string | null {
  if (!fields) return null;
  const value = (pattern: RegExp) =>
    Object.entries(fields)
      .find(([column, text]) => pattern.test(column.trim()) && text.trim())?.[1]
      .trim();
  const whole = value(WHOLE);
  if (whole) return whole;
  const parts = [value(FIRST), value(LAST)].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}
