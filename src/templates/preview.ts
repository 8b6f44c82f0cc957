import { Unprocessable } from '../domain-errors';
import { checkedTemplate } from './checked-template';
import { MergeFields, mergeTemplate, missingFields } from './merge';
import { measureSms, SmsEncoding } from './sms-encoding';
import type { ParsedTemplate } from './template-syntax';
import type { DirectionSetting } from './text-direction';

/** PreviewRequest is a body to merge with sample fields, as an editor asks for it while the author types. */
export interface PreviewRequest {
  body: string;
  fields: MergeFields;
  direction: DirectionSetting;
  smartEncoding: boolean;
  /** A variable that `fields` does not mention is merged as its own name, so a new variable shows before its sample. */
  absentAsName?: boolean;
  /** The body is text sent as written (an agent's reply), not a template: its braces are not variables. */
  literal?: boolean;
}

/** TemplatePreview is the merged text, what it costs, and the template's variables in order of first appearance. */
export interface TemplatePreview {
  text: string;
  encoding: SmsEncoding;
  segments: number;
  characters: number;
  variables: string[];
}

/**
 * previewTemplate merges a body with sample fields and measures it. A malformed or over-long template is InvalidInput
 * naming `body`; a variable with neither a value nor a fallback is Unprocessable, and its details name it and every
 * variable of the template (an editor still learns them).
 */
export function previewTemplate(request: PreviewRequest): TemplatePreview {
  const parsed: ParsedTemplate = request.literal
    ? {
        parts: [{ kind: 'text', text: request.body }],
        variables: [],
        ...(request.smartEncoding && { smartEncoding: true as const }),
      }
    : checkedTemplate(request.body, 'body', request).parsed;
  const fields = { ...request.fields };
  if (request.absentAsName) {
    for (const name of missingFields(parsed, Object.keys(request.fields))) fields[name] = name;
  }
  const merged = mergeTemplate(parsed, fields, request.direction);
  if (!merged.ok) {
    throw new Unprocessable('missing_value', 'no value and the template gives no fallback', `fields.${merged.field}`, {
      variable: merged.field,
      variables: parsed.variables,
    });
  }
  const { encoding, segments, characters } = measureSms(merged.text);
  return { text: merged.text, encoding, segments, characters, variables: parsed.variables };
}
