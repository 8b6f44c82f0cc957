import { InvalidInput } from '../domain-errors';
import { MAX_TEMPLATE_SEGMENTS, measureSms, SmsEncoding } from './sms-encoding';
import { parseTemplate, ParsedTemplate, TemplateOptions, TemplateSyntaxError } from './template-syntax';
import { sampleMerge } from './merge';
import type { DirectionSetting } from './text-direction';

/**
 * checkedTemplate parses a body for storing or sending, refusing bad syntax or more than MAX_TEMPLATE_SEGMENTS
 * segments as InvalidInput naming `field` (the template's body, a campaign's one-off message or templateId).
 */
export function checkedTemplate(
  body: string,
  field: string,
  options: TemplateOptions & { direction?: DirectionSetting } = {},
): { parsed: ParsedTemplate; encoding: SmsEncoding; segments: number } {
  let parsed: ParsedTemplate;
  try {
    parsed = parseTemplate(body, options);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) throw new InvalidInput(error.message, field);
    throw error;
  }
  // Measured with each variable standing for itself (fallback, else name): the real size is known per recipient.
  const { encoding, segments } = measureSms(sampleMerge(parsed, options.direction ?? 'auto'));
  if (segments > MAX_TEMPLATE_SEGMENTS) {
    throw new InvalidInput(`the template is ${segments} segments long; the limit is ${MAX_TEMPLATE_SEGMENTS}`, field);
  }
  return { parsed, encoding, segments };
}
