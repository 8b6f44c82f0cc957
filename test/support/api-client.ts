// The tests' view of the public API: the product's own client (src/api-client/), the one the CLI, the demo and the
// benchmarks use, with the status-and-body calls tests make to check refusals as well as successes.
import { ApiAnswer, ProactiveSmsClient } from '../../src/api-client';

/** ApiResponse is a status and parsed JSON body (or text when the body is not JSON). */
export type ApiResponse<T = any> = ApiAnswer<T>;

/** ApiClient calls the HTTP API the way a user's integration does; `client` is the typed calls that throw on refusal. */
export class ApiClient {
  readonly client: ProactiveSmsClient;

  constructor(
    readonly baseUrl: string,
    readonly key: string | null = null,
  ) {
    this.client = new ProactiveSmsClient(baseUrl, key);
  }

  /** as returns a client that authenticates with another key. */
  as(key: string | null): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }

  /** request sends JSON (or a raw string body with its content type) and resolves with the answer, whatever its status. */
  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<ApiResponse<T>> {
    const raw =
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Uint8Array
          ? body
          : JSON.stringify(body);
    const answer = await this.client.send(method, path, raw === undefined ? undefined : { raw, contentType });
    return answer as ApiResponse<T>;
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string) {
    return this.request<T>('PUT', path);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
  /** uploadCsv posts a calling list. */
  uploadCsv<T = any>(query: string, csv: string | Uint8Array) {
    return this.request<T>('POST', `/v1/calling-lists?${query}`, csv, 'text/csv');
  }
}
