import { Kysely } from 'kysely';

// Frozen in time: this migration never imports application code.

/** up adds when a sender's provisioning started, smart encoding on templates and campaigns, and a message's skill. */
export async function up(db: Kysely<any>): Promise<void> {
  // The expected ready date of a code being provisioned counts from here (its creation, or a later PATCH).
  await db.schema.alterTable('senders').addColumn('provisioning_started_at', 'timestamptz').execute();
  await db.schema
    .alterTable('templates')
    .addColumn('smart_encoding', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable('campaigns')
    .addColumn('smart_encoding', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  // A cadence message belongs to no campaign; its skill says whether replies to it go to agents.
  await db.schema
    .alterTable('messages')
    .addColumn('skill_id', 'uuid', (c) => c.references('skills.id'))
    .execute();
}

/** down removes the columns up added. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('skill_id').execute();
  await db.schema.alterTable('campaigns').dropColumn('smart_encoding').execute();
  await db.schema.alterTable('templates').dropColumn('smart_encoding').execute();
  await db.schema.alterTable('senders').dropColumn('provisioning_started_at').execute();
}
