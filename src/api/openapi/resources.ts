// What the API answers, as zod schemas of the JSON on the wire (tenants, senders, DNC and lists here; templates,
// campaigns and conversations in sending-resources.ts): the OpenAPI document publishes them as components and the fuzz
// test (schemathesis) checks every live answer against them. Objects are loose on purpose: API.md welcomes more
// fields, so a new field is not a broken contract, while every documented one is required and typed.
import { z } from 'zod';
import { TRANSPORT_CODE_KINDS } from '../../senders/transport-codes';

/** resourceRegistry names each answer schema; the document refers to them as #/components/schemas/<id>. */
export const resourceRegistry = z.registry<{ id: string }>();

/** named registers an answer schema under the component name `id`. */
export function named<S extends z.ZodType>(id: string, schema: S): S {
  resourceRegistry.add(schema, { id });
  return schema;
}

/** timestamp is a moment as JSON carries it (Date.toJSON). */
export const timestamp = z.iso.datetime({ offset: true });
/** nullableText is optional text, null when absent. */
export const nullableText = z.string().nullable();
const senderKind = z.enum(TRANSPORT_CODE_KINDS as [string, ...string[]]);

/** errorResponse is the contract's error shape (API.md, "Errors"). */
export const errorResponse = named(
  'Error',
  z.looseObject({
    error: z.looseObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  }),
);

/** businessUnitCreated is POST /business-units: the only answer that ever carries the key. */
export const businessUnitCreated = named(
  'BusinessUnitCreated',
  z.looseObject({ id: z.uuid(), name: z.string(), apiKey: z.string(), defaultDncGroupId: z.uuid().nullable() }),
);

/** settingsResponse is GET and PATCH /settings. */
export const settingsResponse = named(
  'Settings',
  z.looseObject({
    smsChannel: z.boolean(),
    optOutText: z.string(),
    optInText: z.string(),
    helpText: z.string(),
    defaultDncGroupId: z.uuid().nullable(),
    /** A running campaign pauses itself when more than this share of a sender's recent receipts are 30007/30034. */
    deliverabilityShare: z.number(),
    /** How many of a sender's most recent receipts that share is measured over. */
    deliverabilityWindow: z.int(),
    /** The IANA time zone reports count days and hours in. */
    timeZone: z.string(),
    /** The estimated price of one segment per sender kind (reports' estimatedCost). */
    segmentPrices: z.record(z.string(), z.number()),
    /** A conversation accepted within this many seconds counts towards the service level. */
    serviceLevelSeconds: z.int(),
    /** How long an agent has to accept an offer before it goes to the next agent. */
    offerTimeoutSeconds: z.int(),
    /** An agent whose inbox sent no heartbeat for this long goes offline, its offers back to the queue. */
    agentOfflineSeconds: z.int(),
  }),
);

/** senderResponse is one sender with its provisioning outlook and confirmation overrides. */
export const senderResponse = named(
  'Sender',
  z.looseObject({
    id: z.uuid(),
    kind: senderKind,
    address: z.string(),
    mps: z.int(),
    status: z.string(),
    canReceive: z.boolean(),
    provisioningLeadTime: z.looseObject({ minDays: z.int(), maxDays: z.int().nullable() }),
    provisioningSince: timestamp.nullable(),
    expectedReadyAt: timestamp.nullable(),
    expectedReadyBy: timestamp.nullable(),
    optOutText: nullableText,
    optInText: nullableText,
    helpText: nullableText,
    carrierId: z.uuid().nullable().describe("the business unit's carrier it sends through; null: the environment's"),
    needsAttention: z
      .looseObject({ code: z.string(), message: z.string(), since: timestamp.nullable() })
      .nullable()
      .describe("the carrier's sender- or account-level refusal a person must fix, until a message goes through"),
  }),
);

/** dncGroupResponse is one DNC group. */
export const dncGroupResponse = named(
  'DncGroup',
  z.looseObject({ id: z.uuid(), name: z.string(), createdAt: timestamp }),
);

/** dncEntryResponse is a phone on a DNC group with the audit of how it got there. */
export const dncEntryResponse = named(
  'DncEntry',
  z.looseObject({
    phone: z.string(),
    source: z.string(),
    createdAt: timestamp,
    history: z.array(
      z.looseObject({
        action: z.enum(['add', 'remove']),
        source: z.string(),
        rule: nullableText,
        messageSid: nullableText,
        at: timestamp,
      }),
    ),
  }),
);

/** callingListResponse is an imported calling list with the first rejected rows. */
export const callingListResponse = named(
  'CallingList',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    fields: z.array(z.string()),
    phoneField: z.string(),
    mobileField: nullableText,
    timezoneField: nullableText,
    region: z.string(),
    accepted: z.int(),
    rejected: z.int(),
    errors: z.array(z.looseObject({ row: z.int(), field: z.string(), message: z.string() })),
    createdAt: timestamp,
  }),
);

/** callingListFieldsResponse is POST /calling-lists/fields: the fields a file's header row names. */
export const callingListFieldsResponse = named('CallingListFields', z.looseObject({ fields: z.array(z.string()) }));

/** healthResponse is GET /healthz: ok, or what is missing. */
export const healthResponse = named(
  'Health',
  z.looseObject({ ok: z.boolean(), missing: z.record(z.string(), z.string()).optional() }),
);

const listSchemas = new Map<string, z.ZodType>();

/** listOf is the answer of a GET that lists resources of one schema, registered as <id>List. */
export function listOf(schema: z.ZodType): z.ZodType {
  const id = resourceRegistry.get(schema)?.id;
  if (!id) throw new Error('listOf: the item schema must be registered in resourceRegistry');
  const existing = listSchemas.get(id);
  if (existing) return existing;
  const list = named(`${id}List`, z.array(schema));
  listSchemas.set(id, list);
  return list;
}
