import type { z } from 'zod';
import { ApiError } from './errors';

// PostgreSQL text cannot hold U+0000, so a NUL anywhere in a stored string would fail deep in a query as a 500.
function fieldWithNul(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || '(body)' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found = fieldWithNul(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

/** parseInput validates a request part with its schema; a ZodError or a NUL character becomes a 400 naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const value = schema.parse(input);
  const field = fieldWithNul(value);
  if (field !== null) {
    const message = 'text may not contain NUL (U+0000) characters';
    throw new ApiError(400, 'invalid_request', `${field}: ${message}`, [{ field, message }]);
  }
  return value;
}
