// The scenario through the package's ESM entry (`import` → node.mjs).
// Config from the environment (TIGRIS_STORAGE_ENDPOINT, TIGRIS_IAM_ENDPOINT,
// TIGRIS_STORAGE_ACCESS_KEY_ID, TIGRIS_STORAGE_SECRET_ACCESS_KEY) or a ./.env file.
//   node agent-run.mjs [bucket-name] [--pause]
import * as kit from 'tigris-agent-kit';
import scenario from './scenario.cjs';

await scenario.main(kit, 'import');
