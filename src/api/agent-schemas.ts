import { z } from 'zod';

// Request schemas of the ACD (issue 16): agents, their states, the work on a conversation, dispositions.

const name = z.string().trim().min(1).max(200);

/** MAX_AGENT_CONVERSATIONS is the highest cap an agent may have (the brief: at most 12 at once). */
export const MAX_AGENT_CONVERSATIONS = 12;

/** createAgentSchema is POST /agents. */
export const createAgentSchema = z.object({
  name,
  skills: z
    .array(z.object({ skillId: z.uuid(), proficiency: z.number().int().min(1).max(20) }))
    .max(100)
    .refine((skills) => new Set(skills.map((s) => s.skillId)).size === skills.length, 'names a skill twice'),
  maxConversations: z
    .number()
    .int()
    .min(1)
    .max(MAX_AGENT_CONVERSATIONS)
    .optional()
    .describe('how many conversations it may hold at once (offered or assigned); default 3'),
});

/** agentStateSchema is PUT /agents/me/state. */
export const agentStateSchema = z.object({
  state: z.enum(['available', 'unavailable', 'offline']),
  reason: z.string().trim().min(1).max(100).optional().describe('why unavailable: break, training, …'),
});

/** transferSchema is POST /conversations/:id/transfer: to another skill's queue, or offered to one agent. */
export const transferSchema = z.union([
  z.object({ skillId: z.uuid() }).strict(),
  z.object({ agentId: z.uuid() }).strict(),
]);

/** closeConversationSchema is POST /conversations/:id/close. */
export const closeConversationSchema = z.object({
  dispositionId: z.uuid().optional().describe("one of the business unit's dispositions (GET /dispositions)"),
});

/** createDispositionSchema is POST /dispositions. */
export const createDispositionSchema = z.object({ name });

/** createQuickResponseSchema is POST /quick-responses: a body with {Field}s merged from the contact's list record. */
export const createQuickResponseSchema = z.object({ name, body: z.string().trim().min(1).max(1600) });
