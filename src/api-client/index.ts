// The typed HTTP client of the public API (API.md): what the CLI, the demo, the benchmarks and the tests call it with.
export { ApiError, ApiUnreachableError, apiErrorOf } from './api-http';
export type { ApiAnswer, RequestBody } from './api-http';
export { ProactiveSmsClient } from './client';
export type { CsvBody } from './client';
export type * from './types';
