// A stubbed global `fetch` for the whole-call rows (Node child and workerd Worker): answers each
// request the workflows send as tigris-local does, without a network, so a row measures the
// client's own CPU. Answers carry `content-length` like every real Tigris answer.
const json = (text) => [text, { 'content-type': 'application/json', 'content-length': String(text.length) }];
const METADATA = json('{"name":"bench-bucket","type":0,"created_at":"2026-12-03T12:30:19.981Z","object_regions":"","storage_class":"STANDARD","acl_settings":{"allow_object_acl":false},"md":{"X-Amz-Acl":"private"},"ForkInfo":{"HasChildren":false,"Parents":[]},"lifecycle_rules":[],"estimated_unique_rows":0,"estimated_rows":0,"estimated_size":0}');
const SUCCESS = json('{"status":"success"}');
const ACCESS_KEY = json('{"CreateAccessKeyResult":{"AccessKey":{"AccessKeyId":"tid_9ayjjr50nslr4vbvvckk5hme","SecretAccessKey":"tsec_vjp58p7673z59etma5yssfqj3crgezxj13brjccu","UserName":"bench-bucket-key","Status":"Active","CreateDate":"2026-12-03T12:30:20Z"}}}');
const EMPTY = ['', { 'content-length': '0' }];

/** The answer to `init.method` (PUT bucket: empty; GET metadata; PATCH settings; POST IAM key). */
export async function stubFetch(_url, init) {
  const method = init?.method ?? 'GET';
  const [body, headers] = method === 'PUT' ? EMPTY : method === 'GET' ? METADATA : method === 'POST' ? ACCESS_KEY : SUCCESS;
  return new Response(body, { status: 200, headers });
}
