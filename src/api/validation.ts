import type { z } from 'zod';

/** parseInput validates a request part with its schema; a ZodError becomes a 400 naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  return schema.parse(input);
}
