import { sql } from 'kysely';
import type { Db } from './schema';

/** LANDLINE_RECEIPT_CODE is Twilio's receipt error 30006: the number is a landline and cannot take an SMS. */
export const LANDLINE_RECEIPT_CODE = '30006';

/**
 * recordLandlinesFrom is the CTE (named landlines) that keeps, per business unit, the numbers of the messages in the
 * `moved` CTE (business_unit_id, to_phone, carrier_sid, error_code) that a receipt called a landline; a number
 * reported again keeps the newest report. It runs inside the statement that applies the receipts.
 */
export function recordLandlinesFrom(moved: string) {
  return sql`landlines AS (
    INSERT INTO landline_numbers (business_unit_id, phone, carrier_sid, reported_at)
    SELECT DISTINCT ON (business_unit_id, to_phone) business_unit_id, to_phone, carrier_sid, now()
      FROM ${sql.table(moved)} WHERE error_code = ${LANDLINE_RECEIPT_CODE}
    ON CONFLICT (business_unit_id, phone) DO UPDATE
      SET carrier_sid = excluded.carrier_sid, reported_at = excluded.reported_at)`;
}

/** landlinesAmong returns which of the phones a business unit's receipts called landlines, with when (one query). */
export async function landlinesAmong(db: Db, businessUnitId: string, phones: string[]): Promise<Map<string, Date>> {
  if (phones.length === 0) return new Map();
  const rows = await db
    .selectFrom('landline_numbers')
    .select(['phone', 'reported_at'])
    .where('business_unit_id', '=', businessUnitId)
    .where('phone', 'in', phones)
    .execute();
  return new Map(rows.map((row) => [row.phone, row.reported_at]));
}
