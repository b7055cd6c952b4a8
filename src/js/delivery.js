// What receiveCoordinationEvents (src/api/receive.rs) reads from its `request`: a WHATWG
// Request, or Node's `{ headers, body }`. Both throw or reject for anything else.

// Every Authorization value: [] when there is none. A `Headers` (anything with a `get`)
// answers one value (repeated headers joined by ", "); a record is searched for every name
// equal to `authorization` in any case, each string[] value giving its strings.
export function authorizations(request) {
  const headers = request.headers;
  if (typeof headers.get == 'function') {
    const value = headers.get('authorization');
    return value == null ? [] : [value];
  }
  return Object.keys(headers).filter((name) => name.toLowerCase() == 'authorization').flatMap((name) => headers[name] ?? []);
}

// The body as text: a string as it is, a Uint8Array decoded as UTF-8 (invalid sequences
// becoming U+FFFD), otherwise the Request's body read whole (which rejects when it was already
// read).
export async function bodyText(request) {
  const body = request.body;
  if (typeof body == 'string') return body;
  return body instanceof Uint8Array ? new TextDecoder().decode(body) : request.text();
}

