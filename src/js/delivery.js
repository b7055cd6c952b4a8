// What receiveCoordinationEvents (src/api/receive.rs) reads from its `request`: a WHATWG
// Request, or Node's `{ headers, body }`. Both throw or reject for anything else.

// The Authorization value: undefined when there is none, '' (which matches no credentials)
// when there are several. A `Headers` (anything with a `get`) answers
// repeated headers joined by ", "; a record is searched for every name equal to
// `authorization` in any case, a string[] value giving each of its strings.
export function authorization(request) {
  const headers = request.headers;
  const values = typeof headers.get == 'function'
    ? [headers.get('authorization') ?? []].flat()
    : Object.keys(headers).filter((name) => name.toLowerCase() == 'authorization').flatMap((name) => headers[name] ?? []);
  return values.length > 1 ? '' : values[0];
}

// The body as text: a string as it is, a Uint8Array decoded as UTF-8 (invalid sequences
// becoming U+FFFD), otherwise the Request's body read whole (which rejects when it was already
// read).
export async function bodyText(request) {
  const body = request.body;
  if (typeof body == 'string') return body;
  return body instanceof Uint8Array ? new TextDecoder().decode(body) : request.text();
}

