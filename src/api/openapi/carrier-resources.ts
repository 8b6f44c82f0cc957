import { z } from 'zod';
import { named, timestamp } from './resources';

/** carrierResponse is one carrier of the business unit: its kind's settings, and never a secret. */
export const carrierResponse = named(
  'Carrier',
  z.looseObject({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(['twilio', 'smpp']),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);
