import { smartEncode } from './sms-encoding';
import type { ParsedTemplate, TemplateVariablePart } from './template-syntax';
import { isolateForDirection, resolveDirection, type DirectionSetting } from './text-direction';

export type MergeResult = { ok: true; text: string } | { ok: false; reason: 'missing_value'; field: string };

export type MergeFields = Record<string, string | null | undefined>;

/** mergeTemplate fills a parsed template from one recipient's fields, or says which field left it unsendable. */
export function mergeTemplate(template: ParsedTemplate, fields: MergeFields, direction: DirectionSetting): MergeResult {
  // 'auto' follows what the author wrote, not the recipient data, so every message of a campaign agrees.
  const literal = template.parts.map((part) => (part.kind === 'text' ? part.text : '')).join('');
  const base = resolveDirection(direction, literal);
  // Own keys only, so a variable named like an Object.prototype member never reads inherited values.
  const keys = Object.keys(fields);
  let text = '';
  for (const part of template.parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const key = matchField(part.name, keys);
    const value = key === undefined ? undefined : fields[key];
    // A whitespace-only cell is as good as empty: sending "Hi  ," is worse than the fallback.
    const chosen = value != null && value.trim() !== '' ? value : part.fallback;
    if (chosen === null) return { ok: false, reason: 'missing_value', field: part.name };
    text += isolateForDirection(chosen, base);
  }
  // After merging, so typographic quotes in list values (O’Brien) are replaced too.
  return { ok: true, text: template.smartEncoding ? smartEncode(text) : text };
}

// Directional marks, isolates and embeddings show nothing on a phone: a body of only these is as empty as ''.
const INVISIBLE = /[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

/** isBlankBody tells whether a merged body shows nothing (empty, or only whitespace and directional marks). */
export function isBlankBody(text: string): boolean {
  return text.replace(INVISIBLE, '') === '';
}

/**
 * sampleMerge merges a template with each variable standing for itself (its fallback, else its name): what a saved
 * template's encoding and segments are measured on, since real values are only known per recipient.
 */
export function sampleMerge(template: ParsedTemplate, direction: DirectionSetting): string {
  const fields: MergeFields = {};
  for (const part of template.parts.filter((p): p is TemplateVariablePart => p.kind === 'variable')) {
    fields[part.name] ??= part.fallback || part.name;
  }
  const merged = mergeTemplate(template, fields, direction);
  return merged.ok ? merged.text : '';
}

/** missingFields lists the template's variables that no available field matches, whether or not they have a fallback. */
export function missingFields(template: ParsedTemplate, availableFields: readonly string[]): string[] {
  return template.variables.filter((name) => matchField(name, availableFields) === undefined);
}

// Exact spelling wins so distinct columns such as "id" and "ID" stay addressable; otherwise the first
// case-insensitive match, because list headers are rarely cased the way the author typed them.
function matchField(name: string, available: readonly string[]): string | undefined {
  if (available.includes(name)) return name;
  const lower = name.toLowerCase();
  return available.find((field) => field.toLowerCase() === lower);
}
