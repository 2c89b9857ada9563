// The API, with the key the user signed in with (kept in this tab's session storage only).
const KEY = 'flow.console.key';

export function key() { return sessionStorage.getItem(KEY); }
export function setKey(value) { sessionStorage.setItem(KEY, value); }
export function forgetKey() { sessionStorage.removeItem(KEY); }

/** An API error: the HTTP status and the daemon's JSON error (`{error: {code, message, diagnostics?}}`). */
export class APIError extends Error {
  constructor(status, body) {
    super(body?.error?.message || body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** Calls the API; JSON bodies in and out (`text` sends a text body, `raw` returns the response text). */
export async function api(path, { method = 'GET', json, text, headers = {}, raw = false } = {}) {
  const init = { method, headers: { Authorization: `Bearer ${key()}`, ...headers } };
  if (json !== undefined) { init.body = JSON.stringify(json); init.headers['Content-Type'] = 'application/json'; }
  if (text !== undefined) { init.body = text; init.headers['Content-Type'] = 'application/yaml'; }
  const response = await fetch(path, init);
  const body = raw && response.ok ? await response.text() : await response.text().then(t => {
    try { return t ? JSON.parse(t) : null; } catch { return t; }
  });
  if (!response.ok) throw new APIError(response.status, body);
  return raw ? { body, headers: response.headers } : { body, headers: response.headers };
}

/**
 * Opens a Server-Sent Events stream of the API (the key as `access_token`: an EventSource cannot
 * send headers). `handlers` maps event names to functions of the parsed data. Returns the source.
 */
export function stream(path, handlers, names) {
  const separator = path.includes('?') ? '&' : '?';
  const source = new EventSource(`${path}${separator}access_token=${encodeURIComponent(key())}`);
  for (const name of names) {
    source.addEventListener(name, event => {
      let data = null;
      try { data = JSON.parse(event.data); } catch { data = event.data; }
      (handlers[name] || handlers['*'])?.(data, event);
    });
  }
  if (handlers.error) source.onerror = handlers.error;
  return source;
}

/** A path segment: percent-encoded, but ':' kept (approval ids hold one, and the daemon matches the raw path). */
export function seg(text) { return encodeURIComponent(text).replace(/%3A/gi, ':'); }
