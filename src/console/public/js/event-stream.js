// The agent's live events (GET /v1/events), read with fetch: EventSource cannot send the key in a header, and the key
// must never travel in a URL (it would land in logs and history).
import { apiKey, setApiKey } from './api.js';

const RETRY_FIRST_MS = 1000;
const RETRY_LAST_MS = 15_000;

// One server-sent event block: `event: name` and `data: json` lines; comments (": beat") carry nothing.
function parseBlock(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  return data.length ? { name, data: JSON.parse(data.join('\n')) } : null;
}

/**
 * openEventStream keeps the agent's event stream open until the returned stop is called, reconnecting (waiting longer
 * each time, up to 15 s) when it drops. Each event goes to onEvent(name, data); `ready` comes first on every
 * connection, so whoever listens reloads then what it may have missed while disconnected. onDown(error) says the
 * stream is down.
 */
export function openEventStream(onEvent, onDown) {
  let stopped = false;
  let abort = null;
  let timer = null;
  let retryMs = RETRY_FIRST_MS;

  const read = async () => {
    abort = new AbortController();
    const res = await fetch('/v1/events', {
      headers: { authorization: `Bearer ${apiKey()}`, accept: 'text/event-stream' },
      cache: 'no-store',
      signal: abort.signal,
    });
    if (res.status === 401) {
      stopped = true;
      setApiKey(null);
      window.dispatchEvent(new CustomEvent('signed-out'));
      return;
    }
    if (!res.ok || !res.body) throw new Error(`the live events stream answered HTTP ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (!event) continue;
        if (event.name === 'ready') retryMs = RETRY_FIRST_MS;
        onEvent(event.name, event.data);
      }
    }
  };
  const connect = async () => {
    let failure = null;
    try {
      await read();
    } catch (error) {
      failure = error;
    }
    if (stopped) return;
    onDown(failure ?? new Error('the live events stream closed'));
    timer = setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_LAST_MS);
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    abort?.abort();
  };
}
