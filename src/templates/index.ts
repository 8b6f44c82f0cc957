// Public surface of the template domain: parse a body, merge it per recipient, and measure what it costs.
export { parseTemplate, TemplateSyntaxError } from './template-syntax';
export type {
  ParsedTemplate,
  TemplateOptions,
  TemplatePart,
  TemplateTextPart,
  TemplateVariablePart,
} from './template-syntax';
export { measureSms, smartEncode, splitSms, MAX_TEMPLATE_SEGMENTS } from './sms-encoding';
export type { SmsEncoding, SmsMeasurement, SmsParts } from './sms-encoding';
export { resolveDirection, isolateForDirection } from './text-direction';
export type { DirectionSetting, TextDirection } from './text-direction';
export { isBlankBody, mergeTemplate, missingFields, sampleMerge } from './merge';
export type { MergeFields, MergeResult } from './merge';
export { checkedTemplate } from './checked-template';
export { previewTemplate } from './preview';
export type { PreviewRequest, TemplatePreview } from './preview';
