import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/** up creates the whole domain: tenants, senders, DNC, lists, templates, skills, campaigns, messages, conversations. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('business_units')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('api_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('default_dnc_group_id', 'uuid')
    .addColumn('sms_channel', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('opt_out_text', 'text')
    .addColumn('opt_in_text', 'text')
    .addColumn('help_text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('senders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('mps', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('opt_out_text', 'text')
    .addColumn('opt_in_text', 'text')
    .addColumn('help_text', 'text')
    // The next free send slot: every worker reserves slots here, so the rate holds across replicas.
    .addColumn('next_slot_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A number routes replies to exactly one business unit; alphanumeric IDs receive nothing, so they may repeat.
  await sql`CREATE UNIQUE INDEX senders_address_unique ON senders (address) WHERE kind <> 'alphanumeric'`.execute(db);
  await db.schema.createIndex('senders_business_unit').on('senders').column('business_unit_id').execute();

  await db.schema
    .createTable('dnc_groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('dnc_groups_name_unique', ['business_unit_id', 'name'])
    .execute();

  await db.schema
    .createTable('dnc_entries')
    .addColumn('dnc_group_id', 'uuid', (c) => c.notNull().references('dnc_groups.id'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('dnc_entries_pk', ['dnc_group_id', 'phone'])
    .execute();

  await db.schema
    .createTable('dnc_audit')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('dnc_group_id', 'uuid', (c) => c.notNull().references('dnc_groups.id'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('message_sid', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('dnc_audit_phone').on('dnc_audit').columns(['dnc_group_id', 'phone']).execute();

  await db.schema
    .createTable('calling_lists')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('fields', sql`text[]`, (c) => c.notNull())
    .addColumn('phone_field', 'text', (c) => c.notNull())
    .addColumn('mobile_field', 'text')
    .addColumn('timezone_field', 'text')
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('importing'))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('list_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('list_id', 'uuid', (c) => c.notNull().references('calling_lists.id'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('mobile', 'text')
    .addColumn('timezone', 'text')
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('duplicate', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  // Keyset paging walks (list_id, id); the row number finds a record for cadence events.
  await db.schema.createIndex('list_records_walk').on('list_records').columns(['list_id', 'id']).execute();
  await db.schema
    .createIndex('list_records_row')
    .on('list_records')
    .columns(['list_id', 'row_number'])
    .unique()
    .execute();

  await db.schema
    .createTable('templates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().defaultTo('auto'))
    .addColumn('variables', sql`text[]`, (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('segments', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('skills')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reply_handling', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cadence', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('list_id', 'uuid', (c) => c.notNull().references('calling_lists.id'))
    .addColumn('template_id', 'uuid', (c) => c.references('templates.id'))
    .addColumn('message_body', 'text')
    .addColumn('direction', 'text', (c) => c.notNull().defaultTo('auto'))
    .addColumn('sender_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('skill_id', 'uuid', (c) => c.references('skills.id'))
    .addColumn('dnc_group_id', 'uuid', (c) => c.references('dnc_groups.id'))
    .addColumn('start_at', 'timestamptz')
    .addColumn('quiet_hours', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('campaigns_business_unit').on('campaigns').column('business_unit_id').execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'uuid', (c) => c.notNull().references('senders.id'))
    .addColumn('campaign_id', 'uuid', (c) => c.references('campaigns.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('agent', 'text')
    .addColumn('last_message_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('conversations_queue')
    .on('conversations')
    .columns(['business_unit_id', 'status', 'last_message_at'])
    .execute();

  // Every outbound SMS: campaign recipients (one row per (campaign, record)), cadence steps, agent replies, confirmations.
  await db.schema
    .createTable('messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'uuid', (c) => c.references('campaigns.id'))
    .addColumn('record_id', 'bigint')
    .addColumn('conversation_id', 'uuid', (c) => c.references('conversations.id'))
    .addColumn('to_phone', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'uuid', (c) => c.references('senders.id'))
    .addColumn('body', 'text')
    .addColumn('segments', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('carrier_sid', 'text', (c) => c.unique())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('messages_campaign_record_unique', ['campaign_id', 'record_id'])
    .execute();
  await db.schema.createIndex('messages_campaign_state').on('messages').columns(['campaign_id', 'state']).execute();
  await db.schema
    .createIndex('messages_contact')
    .on('messages')
    .columns(['business_unit_id', 'to_phone', 'id'])
    .execute();

  await db.schema
    .createTable('conversation_messages')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('conversation_id', 'uuid', (c) => c.notNull().references('conversations.id'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('message_id', 'bigint', (c) => c.references('messages.id'))
    .addColumn('inbound_sid', 'text', (c) => c.unique())
    .addColumn('agent', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('conversation_messages_thread')
    .on('conversation_messages')
    .columns(['conversation_id', 'id'])
    .execute();

  // Every inbound webhook, owned or not: the MessageSid key makes the webhook idempotent.
  await db.schema
    .createTable('inbound_messages')
    .addColumn('message_sid', 'text', (c) => c.primaryKey())
    .addColumn('business_unit_id', 'uuid', (c) => c.references('business_units.id'))
    .addColumn('from_phone', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('classification', 'text')
    .addColumn('rule', 'text')
    .addColumn('processed_at', 'timestamptz')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

/** down drops everything up created, newest first. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'inbound_messages',
    'conversation_messages',
    'messages',
    'conversations',
    'campaigns',
    'skills',
    'templates',
    'list_records',
    'calling_lists',
    'dnc_audit',
    'dnc_entries',
    'dnc_groups',
    'senders',
    'business_units',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
