// What the API answers about agents, their queues, dispositions and quick responses (issue 16; see resources.ts).
import { z } from 'zod';
import { named, nullableText, timestamp } from './resources';

const agentFields = {
  id: z.uuid(),
  name: z.string(),
  state: z.enum(['available', 'unavailable', 'offline']),
  reason: nullableText,
  maxConversations: z.int(),
  openConversations: z.int().describe('conversations offered to or assigned to it now'),
  skills: z.array(z.looseObject({ skillId: z.uuid(), proficiency: z.int() })),
  lastHeartbeatAt: timestamp.nullable(),
  stateChangedAt: timestamp,
  createdAt: timestamp,
};

/** agentResponse is one agent with its state and load. */
export const agentResponse = named('Agent', z.looseObject(agentFields));

/** agentCreated is POST /agents: the only answer that carries the agent's key. */
export const agentCreated = named('AgentCreated', z.looseObject({ ...agentFields, apiKey: z.string() }));

/** queueSummaryResponse is GET /queue: per skill, what waits and who can take it. */
export const queueSummaryResponse = named(
  'QueueSummary',
  z.looseObject({
    skills: z.array(
      z.looseObject({
        skillId: z.uuid(),
        name: z.string(),
        queued: z.int(),
        offered: z.int(),
        assigned: z.int(),
        longestWaitSeconds: z.number().nullable(),
        agents: z.looseObject({ available: z.int(), unavailable: z.int(), offline: z.int() }),
        serviceLevel: z
          .looseObject({
            seconds: z.int(),
            target: z.number(),
            measured: z.number().nullable(),
            accepted: z.int(),
          })
          .describe('share of the conversations accepted today within `seconds` of being queued, beside the target'),
      }),
    ),
  }),
);

/** dispositionResponse is one disposition code. */
export const dispositionResponse = named(
  'Disposition',
  z.looseObject({ id: z.uuid(), name: z.string(), createdAt: timestamp }),
);

/** mergedQuickResponse is a quick response merged for one conversation's contact, with its segments. */
export const mergedQuickResponse = named(
  'MergedQuickResponse',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    body: z.string(),
    text: nullableText.describe("merged with the contact's list record; null when a field has no value"),
    missingField: nullableText,
    encoding: z.string(),
    segments: z.int(),
  }),
);

/** quickResponseResponse is one quick response template. */
export const quickResponseResponse = named(
  'QuickResponse',
  z.looseObject({ id: z.uuid(), name: z.string(), body: z.string(), createdAt: timestamp }),
);
