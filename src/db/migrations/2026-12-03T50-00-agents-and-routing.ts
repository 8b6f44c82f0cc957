import { Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

/**
 * up makes replies an ACD channel (issue 16): agents with skills (proficiency 1-20), a cap on open conversations and a
 * state; conversations queued on a skill and offered to one agent at a time; dispositions and quick responses; the
 * business unit's offer timeout and heartbeat limit. Routing state lives only in these rows (src/db/routing.ts), so
 * it survives any process being killed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('max_conversations', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(3)
        .check(sql`max_conversations BETWEEN 1 AND 12`),
    )
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('offline')
        .check(sql`state IN ('available', 'unavailable', 'offline')`),
    )
    .addColumn('reason', 'text')
    .addColumn('state_changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_heartbeat_at', 'timestamptz')
    // When the agent last got or finished work: of equal proficiency, the one idle longest is offered first.
    .addColumn('idle_since', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('agents_business_unit')
    .on('agents')
    .columns(['business_unit_id', 'created_at'])
    .execute();
  await db.schema
    .createTable('agent_skills')
    .addColumn('agent_id', 'uuid', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('skill_id', 'uuid', (c) => c.notNull().references('skills.id'))
    .addColumn('proficiency', 'integer', (c) => c.notNull().check(sql`proficiency BETWEEN 1 AND 20`))
    .addPrimaryKeyConstraint('agent_skills_pkey', ['agent_id', 'skill_id'])
    .execute();
  await db.schema.createIndex('agent_skills_skill').on('agent_skills').columns(['skill_id', 'agent_id']).execute();
  await db.schema
    .alterTable('api_keys')
    .addForeignKeyConstraint('api_keys_agent_id_fkey', ['agent_id'], 'agents', ['id'])
    .execute();

  await db.schema
    .createTable('dispositions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('dispositions_business_unit_name', ['business_unit_id', 'name'])
    .execute();
  await db.schema
    .createTable('quick_responses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull().references('business_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('quick_responses_business_unit')
    .on('quick_responses')
    .columns(['business_unit_id', 'name'])
    .execute();

  await db.schema
    .alterTable('conversations')
    .addColumn('skill_id', 'uuid', (c) => c.references('skills.id'))
    .addColumn('agent_id', 'uuid', (c) => c.references('agents.id'))
    .addColumn('queued_at', 'timestamptz')
    .addColumn('offered_at', 'timestamptz')
    .addColumn('offer_expires_at', 'timestamptz')
    .addColumn('disposition_id', 'uuid', (c) => c.references('dispositions.id'))
    .execute();
  // Conversations already waiting join their campaign's skill queue, in the order they came.
  await sql`
    UPDATE conversations c SET skill_id = cp.skill_id, queued_at = c.created_at
    FROM campaigns cp WHERE cp.id = c.campaign_id AND c.status <> 'closed'
  `.execute(db);
  // The queue per skill, oldest first; an agent's load; the offers the sweeper lapses.
  await sql`CREATE INDEX conversations_skill_queue ON conversations (skill_id, queued_at, id) WHERE status = 'queued'`.execute(
    db,
  );
  await sql`CREATE INDEX conversations_agent_load ON conversations (agent_id) WHERE status IN ('offered', 'assigned')`.execute(
    db,
  );
  await sql`CREATE INDEX conversations_offer_expiry ON conversations (offer_expires_at) WHERE status = 'offered'`.execute(
    db,
  );

  await db.schema
    .alterTable('business_units')
    .addColumn('offer_timeout_seconds', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('agent_offline_seconds', 'integer', (c) => c.notNull().defaultTo(90))
    .execute();
}

/** down removes routing, agents, dispositions and quick responses. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('business_units')
    .dropColumn('offer_timeout_seconds')
    .dropColumn('agent_offline_seconds')
    .execute();
  await sql`DROP INDEX IF EXISTS conversations_offer_expiry`.execute(db);
  await sql`DROP INDEX IF EXISTS conversations_agent_load`.execute(db);
  await sql`DROP INDEX IF EXISTS conversations_skill_queue`.execute(db);
  await sql`UPDATE conversations SET status = 'queued' WHERE status = 'offered'`.execute(db);
  await db.schema
    .alterTable('conversations')
    .dropColumn('skill_id')
    .dropColumn('agent_id')
    .dropColumn('queued_at')
    .dropColumn('offered_at')
    .dropColumn('offer_expires_at')
    .dropColumn('disposition_id')
    .execute();
  await db.schema.dropTable('quick_responses').execute();
  await db.schema.dropTable('dispositions').execute();
  await db.schema.alterTable('api_keys').dropConstraint('api_keys_agent_id_fkey').execute();
  await db.schema.dropTable('agent_skills').execute();
  await db.schema.dropTable('agents').execute();
}
