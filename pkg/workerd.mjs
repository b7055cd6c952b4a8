// Cloudflare Workers (workerd): bundlers turn the .wasm import into a compiled WebAssembly.Module.
// No nodejs_compat needed; only explicit config is used (Workers have no process environment).
import wasmModule from './tigris_agent_kit_bg.wasm';
import { initSync } from './web.js';

initSync({ module: wasmModule });

export { createForks, teardownForks, createWorkspace, teardownWorkspace, checkpoint, restore, listCheckpoints, setupCoordination, teardownCoordination, receiveCoordinationEvents, listForks, mergeFork, rebaseFork, deleteCheckpoint, presign } from './web.js';
