// Browsers and bundlers (Vite, webpack, Rollup): fetch the .wasm next to this file. Only
// explicit config is used (browsers have no environment).
import init from './web.js';

await init({ module_or_path: new URL('./tigris_agent_kit_bg.wasm', import.meta.url) });

export { createForks, teardownForks, createWorkspace, teardownWorkspace, checkpoint, restore, listCheckpoints, setupCoordination, teardownCoordination, receiveCoordinationEvents, listForks, mergeFork, rebaseFork, deleteCheckpoint, presign } from './web.js';
