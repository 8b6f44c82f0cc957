import { CreateTableBuilder, Kysely, sql } from 'kysely';

// Frozen in time: this migration never imports application code.

// conversation_figures is the agents report's rollup: what each conversation measures (accepted, closed, seconds to
// accept, to the first agent's answer, handle time, its messages' outcomes), kept by statement-level triggers on the
// four tables those figures come from, whichever module changes them. An exact p90 needs every conversation's own
// seconds (a percentile of groups is not made of the groups' percentiles), so the rollup is one row per conversation,
// not a histogram: the report aggregates narrow rows, with no join per conversation. Triggers only insert signed
// differences (no row is updated in place, so no trigger waits on a lock another path holds in the other order); the
// figures folder folds them into one `compacted` row per conversation. A difference that names the conversation's key
// (when it was opened, its campaign, skill, sender and agent) is `keyed`: the newest one wins, the others add values.

const KEY = ['created_at', 'campaign_id', 'skill_id', 'sender_id', 'agent'];
const KEY_TYPES: Record<string, string> = {
  created_at: 'timestamptz',
  campaign_id: 'uuid',
  skill_id: 'uuid',
  sender_id: 'uuid',
  agent: 'text',
};
const noKey = KEY.map((k) => `NULL::${KEY_TYPES[k]} AS ${k}`).join(', ');
const COUNTS = ['opened', 'accepted', 'closed', 'assigned', 'handled', 'answered'];
const MESSAGE_COUNTS = ['sent', 'delivered', 'failed', 'expired'];
const INBOUND_COUNTS = ['replies', 'opt_outs'];
const SECONDS = ['to_accept', 'handle', 'to_answer'];
const VALUES = [...COUNTS, ...SECONDS, ...MESSAGE_COUNTS, ...INBOUND_COUNTS];
const INSERT_COLUMNS = `conversation_id, business_unit_id, keyed, ${KEY.join(', ')}, ${VALUES.join(', ')}`;

type Values = Partial<Record<string, string>>;

// Every value column in order, 0 where `values` has none.
const valueList = (values: Values) => VALUES.map((v) => `${values[v] ?? '0'} AS ${v}`).join(', ');
const epoch = (interval: string) => `coalesce(extract(epoch FROM ${interval}), 0)`;

// What a conversation row `a` measures by itself (its messages are counted by the other triggers).
function ownFigures(a: string): Record<string, string> {
  return {
    opened: '1',
    accepted: `(${a}.assigned_at IS NOT NULL OR ${a}.agent IS NOT NULL)::int`,
    closed: `(${a}.closed_at IS NOT NULL)::int`,
    assigned: `(${a}.assigned_at IS NOT NULL)::int`,
    to_accept: epoch(`${a}.assigned_at - ${a}.created_at`),
    handled: `(${a}.agent IS NOT NULL AND ${a}.closed_at IS NOT NULL)::int`,
    handle: `CASE WHEN ${a}.agent IS NOT NULL THEN ${epoch(`${a}.closed_at - coalesce(${a}.assigned_at, ${a}.created_at)`)} ELSE 0 END`,
  };
}

// What a thread entry `cm` counts of its outbound message `m` and its inbound message `im` (a contact's message with
// no classification, or none stored, is a reply).
function messageFigures(cm: string, m: string): Record<string, string> {
  return {
    sent: `coalesce(${cm}.direction = 'outbound' AND ${m}.carrier_sid IS NOT NULL, false)::int`,
    delivered: `coalesce(${m}.state = 'delivered', false)::int`,
    failed: `coalesce(${m}.state IN ('undelivered', 'failed'), false)::int`,
    expired: `coalesce(${m}.state = 'expired', false)::int`,
  };
}
function inboundFigures(cm: string, im: string): Record<string, string> {
  return {
    replies: `coalesce(${cm}.direction = 'inbound' AND coalesce(${im}.classification, 'message') = 'message', false)::int`,
    opt_outs: `coalesce(${cm}.direction = 'inbound' AND ${im}.classification = 'opt_out', false)::int`,
  };
}

const signed = (values: Values, sign: string): Values =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, `${sign} * ${v}`]));

// Unkeyed differences summed per conversation, only those that change something.
function insertDifferences(parts: string[]): string {
  return `INSERT INTO conversation_figures (${INSERT_COLUMNS})
    SELECT conversation_id, business_unit_id, false, ${noKey},
           ${VALUES.map((v) => `sum(${v})`).join(', ')}
      FROM (${parts.join(' UNION ALL ')}) AS d
     GROUP BY conversation_id, business_unit_id
    HAVING ${VALUES.map((v) => `sum(${v}) <> 0`).join(' OR ')};`;
}

// The transition tables of one operation; the one an operation lacks reads as empty (only the branch of the operation
// that fired is ever planned).
function transition(op: 'INSERT' | 'UPDATE' | 'DELETE') {
  return {
    newRows: op === 'DELETE' ? '(SELECT * FROM old_rows WHERE false)' : 'new_rows',
    oldRows: op === 'INSERT' ? '(SELECT * FROM new_rows WHERE false)' : 'old_rows',
  };
}

const CONVERSATION_COLUMNS = ['business_unit_id', ...KEY, 'assigned_at', 'closed_at'];

function conversationStatement(op: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  const own = (a: string) => ownFigures(a);
  if (op === 'INSERT')
    return `INSERT INTO conversation_figures (${INSERT_COLUMNS})
      SELECT n.id, n.business_unit_id, true, ${KEY.map((k) => `n.${k}`).join(', ')}, ${valueList(own('n'))}
        FROM new_rows n;`;
  if (op === 'DELETE')
    return `INSERT INTO conversation_figures (${INSERT_COLUMNS})
      SELECT o.id, o.business_unit_id, false, ${noKey},
             ${valueList(signed(own('o'), '-1'))}
        FROM old_rows o;`;
  // Only rows whose figures or key changed (last_message_at moves on every message): the new values minus the old.
  const difference = Object.fromEntries(Object.keys(own('n')).map((k) => [k, `(${own('n')[k]}) - (${own('o')[k]})`]));
  const changed = (a: string) => `(${CONVERSATION_COLUMNS.map((c) => `${a}.${c}`).join(', ')})`;
  return `INSERT INTO conversation_figures (${INSERT_COLUMNS})
    SELECT n.id, n.business_unit_id, true, ${KEY.map((k) => `n.${k}`).join(', ')}, ${valueList(difference)}
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE ${changed('n')} IS DISTINCT FROM ${changed('o')};`;
}

// A thread entry counts its messages, and the first agent's answer is the earliest outbound entry with an agent: before
// the statement, the entries now there but the new ones, and the old ones (the conversation's opening never moves).
function threadStatement(op: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  const { newRows, oldRows } = transition(op);
  const counts = (rows: string, sign: string) => `
    SELECT cm.conversation_id, c.business_unit_id,
           ${valueList(signed({ ...messageFigures('cm', 'm'), ...inboundFigures('cm', 'im') }, sign))}
      FROM ${rows} cm JOIN conversations c ON c.id = cm.conversation_id
      LEFT JOIN messages m ON m.id = cm.message_id
      LEFT JOIN inbound_messages im ON im.message_sid = cm.inbound_sid`;
  const answers = `x.direction = 'outbound' AND x.agent IS NOT NULL`;
  const firstAnswers = `
    SELECT t.conversation_id, c.business_unit_id,
           ${valueList({
             answered: '(f.now_first IS NOT NULL)::int - (f.was_first IS NOT NULL)::int',
             to_answer: `${epoch('f.now_first - c.created_at')} - ${epoch('f.was_first - c.created_at')}`,
           })}
      FROM (SELECT DISTINCT x.conversation_id
              FROM (SELECT * FROM ${newRows} AS a UNION ALL SELECT * FROM ${oldRows} AS b) x
             WHERE ${answers}) t
      JOIN conversations c ON c.id = t.conversation_id
      CROSS JOIN LATERAL (
        SELECT (SELECT min(x.created_at) FROM conversation_messages x
                 WHERE x.conversation_id = t.conversation_id AND ${answers}) AS now_first,
               (SELECT min(u.created_at) FROM (
                  SELECT x.created_at FROM conversation_messages x
                   WHERE x.conversation_id = t.conversation_id AND ${answers}
                     AND x.id NOT IN (SELECT a.id FROM ${newRows} AS a)
                  UNION ALL
                  SELECT x.created_at FROM ${oldRows} x WHERE x.conversation_id = t.conversation_id AND ${answers}) u)
                 AS was_first) f`;
  return insertDifferences([counts(newRows, '1'), counts(oldRows, '-1'), firstAnswers]);
}

// A message's state moves the counts of the thread entries that sent it (agents' answers carry their conversation).
function messageStatement(): string {
  const rows = (table: string, sign: string) => `
    SELECT cm.conversation_id, c.business_unit_id, ${valueList(signed(messageFigures('cm', 'm'), sign))}
      FROM ${table} m JOIN conversation_messages cm ON cm.message_id = m.id
      JOIN conversations c ON c.id = cm.conversation_id
     WHERE m.conversation_id IS NOT NULL`;
  // Most statements (a campaign's chunk, a batch of receipts) hold no agent's answer: one scan, no join.
  return `IF EXISTS (SELECT 1 FROM new_rows WHERE conversation_id IS NOT NULL) THEN
      ${insertDifferences([rows('new_rows', '1'), rows('old_rows', '-1')])}
    END IF;`;
}

// A contact's message classified (or gone) moves the reply and opt-out counts of its thread entry; one that is not
// there reads as unclassified.
function inboundStatement(op: 'UPDATE' | 'DELETE'): string {
  const rows = (table: string, sign: string) => `
    SELECT cm.conversation_id, c.business_unit_id, ${valueList(signed(inboundFigures('cm', 'im'), sign))}
      FROM ${table} im JOIN conversation_messages cm ON cm.inbound_sid = im.message_sid
      JOIN conversations c ON c.id = cm.conversation_id`;
  if (op === 'DELETE')
    return insertDifferences([
      rows('(SELECT message_sid, NULL::text AS classification FROM old_rows)', '1'),
      rows('old_rows', '-1'),
    ]);
  const changed = `(SELECT n.message_sid, n.classification FROM new_rows n JOIN old_rows o USING (message_sid)
                     WHERE n.classification IS DISTINCT FROM o.classification)`;
  const before = `(SELECT o.message_sid, o.classification FROM old_rows o JOIN new_rows n USING (message_sid)
                    WHERE n.classification IS DISTINCT FROM o.classification)`;
  return insertDifferences([rows(changed, '1'), rows(before, '-1')]);
}

function triggerFunction(name: string, branches: Partial<Record<'INSERT' | 'UPDATE' | 'DELETE', string>>): string {
  const body = Object.entries(branches)
    .map(([op, statement], i) => `${i === 0 ? 'IF' : 'ELSIF'} TG_OP = '${op}' THEN ${statement}`)
    .join('\n');
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    ${body}
    END IF;
    RETURN NULL;
  END $$`;
}

const TRIGGERS: { table: string; fn: string; ops: ('INSERT' | 'UPDATE' | 'DELETE')[] }[] = [
  { table: 'conversations', fn: 'conversation_figures_of_conversations', ops: ['INSERT', 'UPDATE', 'DELETE'] },
  { table: 'conversation_messages', fn: 'conversation_figures_of_threads', ops: ['INSERT', 'UPDATE', 'DELETE'] },
  // A message or an inbound message is stored before any thread entry names it: only its later changes matter.
  { table: 'messages', fn: 'conversation_figures_of_messages', ops: ['UPDATE'] },
  { table: 'inbound_messages', fn: 'conversation_figures_of_inbound', ops: ['UPDATE', 'DELETE'] },
];

function referencing(op: 'INSERT' | 'UPDATE' | 'DELETE'): string {
  if (op === 'INSERT') return 'REFERENCING NEW TABLE AS new_rows';
  if (op === 'DELETE') return 'REFERENCING OLD TABLE AS old_rows';
  return 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows';
}

/**
 * up adds conversation_figures (filled from the conversations already stored), the triggers that keep it, and an index
 * that finds an agent's answer's thread entry from its message.
 */
export async function up(db: Kysely<any>): Promise<void> {
  let table: CreateTableBuilder<string, string> = db.schema
    .createTable('conversation_figures')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('compacted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('conversation_id', 'uuid', (c) => c.notNull())
    .addColumn('business_unit_id', 'uuid', (c) => c.notNull())
    .addColumn('keyed', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz')
    .addColumn('campaign_id', 'uuid')
    .addColumn('skill_id', 'uuid')
    .addColumn('sender_id', 'uuid')
    .addColumn('agent', 'text');
  for (const column of [...COUNTS, ...MESSAGE_COUNTS, ...INBOUND_COUNTS])
    table = table.addColumn(column, 'integer', (c) => c.notNull());
  for (const column of SECONDS) table = table.addColumn(column, 'numeric', (c) => c.notNull());
  await table.execute();
  await sql
    .raw('CREATE UNIQUE INDEX conversation_figures_folded ON conversation_figures (conversation_id) WHERE compacted')
    .execute(db);
  await sql
    .raw(
      `CREATE INDEX conversation_figures_by_opening ON conversation_figures (business_unit_id, created_at)
        WHERE compacted`,
    )
    .execute(db);
  await sql
    .raw(
      'CREATE INDEX conversation_figures_unfolded ON conversation_figures (business_unit_id, id) WHERE NOT compacted',
    )
    .execute(db);
  await sql
    .raw(
      `CREATE INDEX conversation_messages_by_message ON conversation_messages (message_id)
        WHERE message_id IS NOT NULL`,
    )
    .execute(db);

  // Migrations dated earlier may run after later ones (allowUnorderedMigrations): on a new database this one runs before
  // 2026-12-03T50-00 gives conversations their skill (no conversation exists yet then; the triggers are planned only
  // when they fire, after it).
  const { rows: skillColumn } = await sql<{ found: boolean }>`
    SELECT EXISTS (SELECT 1 FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = 'conversations' AND column_name = 'skill_id')
           AS found`.execute(db);
  const backfillKey = KEY.map((k) => (k === 'skill_id' && !skillColumn[0]?.found ? 'NULL::uuid' : `f.${k}`));
  await sql
    .raw(
      `INSERT INTO conversation_figures (compacted, ${INSERT_COLUMNS})
       SELECT true, f.id, f.business_unit_id, true, ${backfillKey.join(', ')},
              ${valueList({
                ...ownFigures('f'),
                answered: '(t.first_answer_at IS NOT NULL)::int',
                to_answer: epoch('t.first_answer_at - f.created_at'),
                sent: 't.sent',
                delivered: 't.delivered',
                failed: 't.failed',
                expired: 't.expired',
                replies: 't.replies',
                opt_outs: 't.opt_outs',
              })}
         FROM conversations f
         CROSS JOIN LATERAL (
           SELECT min(cm.created_at) FILTER (WHERE cm.direction = 'outbound' AND cm.agent IS NOT NULL) AS first_answer_at,
                  ${['sent', 'delivered', 'failed', 'expired', 'replies', 'opt_outs']
                    .map(
                      (v) =>
                        `coalesce(sum(${{ ...messageFigures('cm', 'm'), ...inboundFigures('cm', 'im') }[v]}), 0) AS ${v}`,
                    )
                    .join(', ')}
             FROM conversation_messages cm
             LEFT JOIN messages m ON m.id = cm.message_id
             LEFT JOIN inbound_messages im ON im.message_sid = cm.inbound_sid
            WHERE cm.conversation_id = f.id) t`,
    )
    .execute(db);

  await sql
    .raw(
      triggerFunction('conversation_figures_of_conversations', {
        INSERT: conversationStatement('INSERT'),
        UPDATE: conversationStatement('UPDATE'),
        DELETE: conversationStatement('DELETE'),
      }),
    )
    .execute(db);
  await sql
    .raw(
      triggerFunction('conversation_figures_of_threads', {
        INSERT: threadStatement('INSERT'),
        UPDATE: threadStatement('UPDATE'),
        DELETE: threadStatement('DELETE'),
      }),
    )
    .execute(db);
  await sql.raw(triggerFunction('conversation_figures_of_messages', { UPDATE: messageStatement() })).execute(db);
  await sql
    .raw(
      triggerFunction('conversation_figures_of_inbound', {
        UPDATE: inboundStatement('UPDATE'),
        DELETE: inboundStatement('DELETE'),
      }),
    )
    .execute(db);
  for (const { table: on, fn, ops } of TRIGGERS)
    for (const op of ops)
      await sql
        .raw(
          `CREATE TRIGGER ${on}_conversation_figures_${op.toLowerCase()} AFTER ${op} ON ${on} ${referencing(op)}
             FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
        )
        .execute(db);
}

/** down removes the conversations' rollup, its triggers and the index. */
export async function down(db: Kysely<any>): Promise<void> {
  for (const { table: on, fn, ops } of TRIGGERS) {
    for (const op of ops)
      await sql.raw(`DROP TRIGGER IF EXISTS ${on}_conversation_figures_${op.toLowerCase()} ON ${on}`).execute(db);
    await sql.raw(`DROP FUNCTION IF EXISTS ${fn}()`).execute(db);
  }
  await db.schema.dropIndex('conversation_messages_by_message').ifExists().execute();
  await db.schema.dropTable('conversation_figures').ifExists().execute();
}
