import type { z } from 'zod';

/**
 * Answer is what a route may hand to res.json for an answer schema of src/api/openapi/ (the schemas the OpenAPI
 * document publishes and the fuzz test checks live answers against): the same fields and types, except that a string
 * may still be a Date, which JSON writes as the ISO string the schema describes. A presenter typed with it cannot
 * drift from the document.
 */
export type Answer<S extends z.ZodType> = Wire<z.output<S>>;

// The schemas are loose objects (API.md welcomes more fields): their index signature is dropped, so a presenter must
// give every documented field and may give more.
type Wire<T> = T extends string
  ? T | Date
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T as string extends K ? never : K]: Wire<T[K]> }
      : T;
