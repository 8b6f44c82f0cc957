import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { DomainRefusal, Unprocessable } from '../domain-errors';
import { CsvInputError } from '../lists/csv-input';
import { log } from '../log';

/** ApiError is a refusal with its HTTP status and the wire error of API.md ({error: {code, message, details}}). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** notFound is the 404 for an unknown id or one of another business unit (indistinguishable on purpose). */
export function notFound(what: string, id: string, field?: string): ApiError {
  return new ApiError(404, 'not_found', `${field ? `${field}: ` : ''}${what} ${id} does not exist`);
}

/** describeZodError names every invalid field, e.g. "senderIds.0: Invalid UUID". */
export function describeZodError(error: ZodError): { message: string; details: { field: string; message: string }[] } {
  const details = error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
  return { message: details.map((d) => `${d.field}: ${d.message}`).join('; '), details };
}

// How each domain refusal reads on the wire (API.md's errors).
const REFUSALS: Record<DomainRefusal['kind'], { status: number; code: string }> = {
  invalid: { status: 400, code: 'invalid_request' },
  not_found: { status: 404, code: 'not_found' },
  already_exists: { status: 409, code: 'conflict' },
  conflict: { status: 409, code: 'conflict' },
  unprocessable: { status: 422, code: 'unprocessable' },
};

/**
 * errorHandler turns every failure into the contract's error shape; unknown errors are 500 and logged, and their
 * message (SQL, a file path) and stack stay in the log.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (res.headersSent) {
    // A streamed answer (CSV) failed half-way: the client must see a cut connection, not a well-formed end.
    log.error({ err: error, path: req.path }, 'request failed while its answer was streaming');
    return void res.destroy();
  }
  const send = (status: number, code: string, message: string, details?: unknown) =>
    res.status(status).json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
  if (error instanceof ApiError) return send(error.status, error.code, error.message, error.details);
  if (error instanceof DomainRefusal) {
    const { status, code } = REFUSALS[error.kind];
    const details = error.details ?? (error.field ? [{ field: error.field, message: error.reason }] : undefined);
    return send(status, error instanceof Unprocessable ? error.code : code, error.message, details);
  }
  if (error instanceof ZodError) {
    const { message, details } = describeZodError(error);
    return send(400, 'invalid_request', message, details);
  }
  if (error instanceof CsvInputError) return send(400, 'invalid_csv', error.message, { line: error.line });
  const status = (error as { status?: number; type?: string }).status;
  const type = (error as { type?: string }).type;
  if (type === 'entity.parse.failed')
    return send(400, 'malformed_json', `the request body is not valid JSON: ${(error as Error).message}`);
  if (type === 'entity.too.large') return send(413, 'body_too_large', 'the request body is too large');
  if (status && status >= 400 && status < 500) return send(status, 'invalid_request', (error as Error).message);
  log.error({ err: error, path: req.path }, 'request failed');
  return send(500, 'internal', 'internal error; the server log has the details');
};
