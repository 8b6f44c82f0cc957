// The command line's HTTP client: the public /v1 API with a business unit's key, and errors a person can act on.
import type { Readable } from 'node:stream';

/** CliError is a failure to report in one clear line; exitCode 2 means the command line itself was wrong. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** CliApi calls the API at apiUrl with the key. */
export class CliApi {
  constructor(
    readonly apiUrl: string,
    private readonly key: string,
  ) {}

  /** request sends JSON, or streams a body (duplex), and returns the parsed JSON answer or throws CliError. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    stream?: { body: Readable; contentType: string },
  ): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, accept: 'application/json' };
    let payload: RequestInit['body'];
    if (stream) {
      headers['content-type'] = stream.contentType;
      payload = stream.body as unknown as ReadableStream;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.apiUrl}/v1${path}`, {
        method,
        headers,
        body: payload,
        ...(stream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `cannot reach the API at ${this.apiUrl} (${cause?.code ?? cause?.message ?? String(error)}): is it running (\`npm start\`)? Set --api-url or PROACTIVE_SMS_API_URL.`,
      );
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: the status line says enough
    }
    if (res.status === 401)
      throw new CliError('the API refused the key: pass a business unit API key with --key or PROACTIVE_SMS_API_KEY.');
    const apiMessage = (parsed as { error?: { message?: string } } | null)?.error?.message;
    if (!res.ok)
      throw new CliError(
        `${method} ${path} failed (${res.status}): ${apiMessage ?? (text.slice(0, 200) || res.statusText)}`,
      );
    return parsed as T;
  }
}
