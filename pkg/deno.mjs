// Deno: a source-phase import needs no --allow-read. The environment is read only for variables
// whose env permission is already granted (never prompts); otherwise only explicit config counts,
// and `null` tells the module the variable was not readable (its "missing" messages say so).
import source wasmModule from './tigris_agent_kit_bg.wasm';
import { initSync, __setEnvironmentReader } from './web.js';

initSync({ module: wasmModule });
__setEnvironmentReader((name) => {
  try {
    if (Deno.permissions.querySync({ name: 'env', variable: name }).state !== 'granted') return null;
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
});

export { createForks, teardownForks, createWorkspace, teardownWorkspace, checkpoint, restore, listCheckpoints, setupCoordination, teardownCoordination, receiveCoordinationEvents, listForks, mergeFork, rebaseFork, deleteCheckpoint, presign } from './web.js';
