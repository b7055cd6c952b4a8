// The object keys with awkward characters (spaces, unicode, `+`, `%`, `?`, `#`, doubled and
// leading slashes, …) that presigned URLs are checked on: by the committed signing vectors
// (generate.mjs) and by the fidelity test against `getSignedUrl` (js-tests/fidelity/presign.test.mjs),
// and the AWS SDK command each presigned method stands for.
import { GetObjectCommand, PutObjectCommand, HeadObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';

export const PRESIGN_KEYS = [
  'plain.txt', 'dir/sub/file.json', 'with space.txt', '  leading and trailing  ', 'unicode/日本語/ファイル.txt',
  'emoji-🚀.bin', 'plus+sign+key', 'percent%20literal%', 'question?mark=1', 'hash#tag', 'slash//double//',
  '/leading-slash', 'tilde~dash-dot._under', 'amp&equals=semi;colon', "quotes'\"`", 'brackets[]{}()<>',
  'star*bang!at@dollar$', 'back\\slash', 'comma,caret^pipe|', 'éàü accents ß',
];
export const COMMANDS = { GET: GetObjectCommand, PUT: PutObjectCommand, HEAD: HeadObjectCommand, DELETE: DeleteObjectCommand };
