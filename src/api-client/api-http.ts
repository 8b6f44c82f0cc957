// How the client speaks HTTP to the public API: one request with Node's fetch, the key as a bearer token, the answer
// parsed, and the two ways a call fails (the API's own error answer, or no answer at all) as errors that say which.

/** ApiAnswer is one HTTP answer: its status, its body (parsed JSON, else the text, null when empty) and headers. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** RequestBody is what a request may carry: JSON, or a raw body (text, bytes or a stream) with its content type. */
export type RequestBody =
  { json: unknown } | { raw: string | Uint8Array | AsyncIterable<Uint8Array | string>; contentType: string };

/** ApiError is an answer outside 2xx, with the API's `{error: {code, message, details}}` when it gave one. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly details: unknown,
  ) {
    super(`${method} ${path} answered ${status} ${code}: ${apiMessage}`);
    this.name = 'ApiError';
  }
}

/** ApiUnreachableError is a request that got no answer: nothing listens at the URL, or the connection broke. */
export class ApiUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach the API at ${baseUrl} (${reason})`, options);
    this.name = 'ApiUnreachableError';
  }
}

/** apiErrorOf reads a refused answer: the contract's error object when the body has one, else the status line. */
export function apiErrorOf(method: string, path: string, answer: ApiAnswer): ApiError {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string')
    return new ApiError(method, path, answer.status, error.code, error.message, error.details);
  const text = typeof answer.body === 'string' ? answer.body.slice(0, 200) : JSON.stringify(answer.body);
  return new ApiError(method, path, answer.status, `http_${answer.status}`, text || 'no body', undefined);
}

// fetch sends an async iterable's chunks as bytes; a string chunk would be read as an empty array and lost.
async function* asBytes(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

function isStream(raw: unknown): raw is AsyncIterable<Uint8Array | string> {
  return typeof raw === 'object' && raw !== null && Symbol.asyncIterator in raw;
}

/** sendRequest sends one request to baseUrl + path and resolves with the answer, whatever its status. */
export async function sendRequest(
  baseUrl: string,
  key: string | null,
  method: string,
  path: string,
  body?: RequestBody,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const all: Record<string, string> = { ...headers };
  if (key) all.authorization = `Bearer ${key}`;
  let payload: unknown;
  if (body && 'json' in body) {
    all['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body) {
    all['content-type'] = body.contentType;
    payload = isStream(body.raw) ? asBytes(body.raw) : body.raw;
  }
  let res: Response;
  try {
    // A streamed body needs duplex 'half' (Node's fetch sends it while the answer may already be arriving).
    const init = { method, headers: all, body: payload, ...(isStream(payload) ? { duplex: 'half' } : {}) };
    res = await fetch(baseUrl + path, init as RequestInit);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ApiUnreachableError(baseUrl, cause?.code ?? cause?.message ?? String(error), { cause: error });
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a CSV report, a plain-text 404): the text is the body.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
