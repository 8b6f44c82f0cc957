// The console speaks the public /v1 API with the business unit's key, exactly like any integration does.

const KEY_STORAGE = 'proactive-sms.apiKey';

/** ApiError is a refused call, carrying the API's own message (which names the field at fault) and its details. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** apiKey is the key the user signed in with; sessionStorage forgets it when the tab closes. */
export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

/** setApiKey remembers the key for this tab, or forgets it with null. */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** api calls the API; a JSON body is sent as JSON, a Blob or File as itself (with contentType). */
export async function api(method, path, body, contentType = 'application/json') {
  const headers = { authorization: `Bearer ${apiKey()}` };
  let payload;
  if (body !== undefined) {
    headers['content-type'] = contentType;
    payload = body instanceof Blob ? body : JSON.stringify(body);
  }
  const res = await fetch(`/v1${path}`, { method, headers, body: payload });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  if (res.status === 401) {
    setApiKey(null);
    window.dispatchEvent(new CustomEvent('signed-out'));
  }
  if (!res.ok)
    throw new ApiError(
      res.status,
      parsed?.error?.code ?? 'error',
      parsed?.error?.message ?? `HTTP ${res.status}`,
      parsed?.error?.details,
    );
  return parsed;
}

/** loadConsoleConfig reads what the page cannot know by itself (the Temporal Web UI's address, action rules). */
export async function loadConsoleConfig() {
  const res = await fetch('/console/config.json');
  if (!res.ok) throw new Error(`console configuration unavailable (HTTP ${res.status})`);
  return res.json();
}

/** measureText sizes an SMS through the API's own preview, so the page and the sender never disagree. */
export async function measureText(text, direction = 'auto') {
  // literal: an agent's reply is sent as written, so the API measures it as text, not as a template.
  return api('POST', '/templates/preview', { body: text, direction, literal: true });
}
