// The dashboard's JSON API and event stream, as the pages use them. Every write carries the
// session's CSRF token; the session cookie is HttpOnly, so no script ever holds a credential.

let session = null;

export async function loadSession() {
  session = await getJson('/api/v1/session');
  return session;
}

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (response.status === 401) {
    window.location.assign('/login');
    throw new Error('not logged in');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `${path}: HTTP ${response.status}`);
  return body;
}

export async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-CSRF-Token': session && session.csrfToken ? session.csrfToken : '',
    },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  return { status: response.status, ok: response.ok, body: answer };
}

// Opens the event stream: `onSnapshot(items)` first (and again after every reconnect), then
// `onChange(type, summary)`. `onState('live' | 'reconnecting')` follows the connection.
export function openStream({ onSnapshot, onChange, onState }) {
  const source = new EventSource('/api/v1/stream');
  source.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data).items));
  source.addEventListener('change', (e) => {
    const change = JSON.parse(e.data);
    onChange(change.type, change.object);
  });
  source.onopen = () => onState && onState('live');
  source.onerror = () => onState && onState('reconnecting');
  return source;
}
