// A tigris-local process for the reliability suites: the shared spawn helper
// (js-tests/helpers/tigris-local.mjs) started with canary credentials (a root secret and a session
// token nobody could mistake for anything else), so any output that contains them is a leak.
import { startTigrisLocal } from '../../js-tests/helpers/tigris-local.mjs';
import { CANARY } from './canary.mjs';

/**
 * @param {{hooks?: boolean, extraArgs?: string[]}} [opts]
 */
export function startServer(opts = {}) {
  return startTigrisLocal({
    ...opts,
    accessKeyId: CANARY.rootKeyId,
    secretAccessKey: CANARY.rootSecret,
    sessionToken: CANARY.sessionToken,
  });
}
