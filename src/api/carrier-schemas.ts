import { z } from 'zod';

// Request schemas of /carriers (issue 15). Secrets (authToken, password) are accepted here and nowhere answered.

const name = z.string().trim().min(1).max(200);
const httpUrl = z.url({ protocol: /^https?$/ });
const ton = z.int().min(0).max(6);
const npi = z.int().min(0).max(18);

const twilioFields = {
  apiUrl: httpUrl.describe('REST base, e.g. https://api.twilio.com'),
  accountSid: z.string().trim().min(1).max(64),
  authToken: z.string().min(1).max(256).describe('write-only: stored encrypted, never returned'),
};

// SMPP 3.4's field sizes (system_id 16, password 9, system_type 13 octets, each with its terminating NUL).
const smppFields = {
  host: z.string().trim().min(1).max(255),
  port: z.int().min(1).max(65_535),
  systemId: z.string().min(1).max(15),
  password: z.string().min(1).max(8).describe('write-only: stored encrypted, never returned'),
  systemType: z.string().max(12).optional(),
  bindMode: z.enum(['transceiver']).optional(),
  windowSize: z.int().min(1).max(100).optional().describe('outstanding submit_sm at most (default 10)'),
  enquireLinkSeconds: z.int().min(5).max(3600).optional(),
  sourceTon: ton.nullable().optional().describe("null: from the sender's address"),
  sourceNpi: npi.nullable().optional(),
  destTon: ton.optional(),
  destNpi: npi.optional(),
  defaultDataCoding: z
    .union([z.literal(0), z.literal(1)])
    .optional()
    .describe('data_coding of a GSM-7 body'),
  longMessages: z.enum(['udh', 'message_payload']).optional(),
  inDoubt: z
    .enum(['resend', 'hold'])
    .optional()
    .describe('a submit_sm unanswered when the bind dropped: sent again (default) or held for an operator'),
};

/** createCarrierSchema is POST /carriers: a Twilio-compatible REST carrier or an SMPP 3.4 one. */
export const createCarrierSchema = z.discriminatedUnion('kind', [
  z.object({ name, kind: z.literal('twilio'), ...twilioFields }),
  z.object({ name, kind: z.literal('smpp'), ...smppFields }),
]);

/** updateCarrierSchema is PATCH /carriers/:id: any field of the carrier's kind (the kind itself never changes). */
export const updateCarrierSchema = z.object({
  name: name.optional(),
  kind: z.enum(['twilio', 'smpp']).optional(),
  ...z.object(twilioFields).partial().shape,
  ...z.object(smppFields).partial().shape,
});
