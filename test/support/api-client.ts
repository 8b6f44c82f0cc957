/** ApiResponse is a status and parsed JSON body (or text when the body is not JSON). */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** ApiClient calls the HTTP API the way a user's integration does, with fetch. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string | null = null,
  ) {}

  /** as returns a client that authenticates with another key. */
  as(key: string | null): ApiClient {
    return new ApiClient(this.baseUrl, key);
  }

  /** request sends JSON (or a raw string body with its content type) and parses the answer. */
  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers['content-type'] = contentType;
    const payload =
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Uint8Array
          ? body
          : JSON.stringify(body);
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
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
