import { checkedTemplate, measureSms, mergeTemplate } from '../templates';

/** MergedQuickResponse is a quick response as the composer shows it for one contact: the text and its segments. */
export interface MergedQuickResponse {
  /** The body with the contact's {Field}s merged, or null when a field has no value and no fallback. */
  text: string | null;
  missingField: string | null;
  encoding: string;
  segments: number;
}

/** checkQuickResponse refuses a body whose {Field} syntax is wrong or that is too long (400 naming `body`). */
export function checkQuickResponse(body: string): void {
  checkedTemplate(body, 'body');
}

/**
 * mergeQuickResponse fills a quick response from the contact's list record (the fields of the campaign's message it
 * answers), with the template rules campaigns use, and measures the result as the carrier will count it.
 */
export function mergeQuickResponse(body: string, fields: Record<string, string> | null): MergedQuickResponse {
  const { parsed, encoding, segments } = checkedTemplate(body, 'body');
  const merged = mergeTemplate(parsed, fields ?? {}, 'auto');
  if (!merged.ok) return { text: null, missingField: merged.field, encoding, segments };
  const measured = measureSms(merged.text);
  return { text: merged.text, missingField: null, encoding: measured.encoding, segments: measured.segments };
}
