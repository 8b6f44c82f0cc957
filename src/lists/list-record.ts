import { normalizePhone } from '../phones/phone-number';

/** ListMapping says which CSV columns hold the phone, the mobile and the time zone. */
export interface ListMapping {
  phoneField: string;
  mobileField: string | null;
  timezoneField: string | null;
  region: string;
}

/** RowError names a rejected or corrected row, by its 1-based data record number and column. */
export interface RowError {
  row: number;
  field: string;
  message: string;
}

/** ListRecordInput is one accepted record, ready to store. */
export interface ListRecordInput {
  row: number;
  phone: string;
  mobile: string | null;
  timezone: string | null;
  fields: Record<string, string>;
}

const knownZones = new Set(Intl.supportedValuesOf('timeZone'));

/** toListRecord turns one CSV record into a stored record, or the error that rejects it. */
export function toListRecord(
  row: number,
  fields: Record<string, string>,
  mapping: ListMapping,
): { record: ListRecordInput; warnings: RowError[] } | { error: RowError } {
  const phone = normalizePhone(fields[mapping.phoneField] ?? '', mapping.region);
  if (!phone.ok) return { error: { row, field: mapping.phoneField, message: phone.message } };
  const warnings: RowError[] = [];
  let mobile: string | null = null;
  if (mapping.mobileField && fields[mapping.mobileField]?.trim()) {
    const parsed = normalizePhone(fields[mapping.mobileField], mapping.region);
    if (parsed.ok) mobile = parsed.e164;
    else
      warnings.push({
        row,
        field: mapping.mobileField,
        message: `${parsed.message}; kept the record without a mobile`,
      });
  }
  let timezone: string | null = null;
  if (mapping.timezoneField && fields[mapping.timezoneField]?.trim()) {
    const zone = fields[mapping.timezoneField].trim();
    if (knownZones.has(zone)) timezone = zone;
    else
      warnings.push({
        row,
        field: mapping.timezoneField,
        message: `unknown time zone "${zone}"; the phone number decides`,
      });
  }
  return { record: { row, phone: phone.e164, mobile, timezone, fields }, warnings };
}
