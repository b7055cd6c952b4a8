// Node, ESM: load the wasm synchronously from the package folder and read the environment.
// Everything is imported statically, so a bundler (esbuild --platform=node) inlines this entry
// whole: the bundle then needs only the .wasm next to it.
import { readFileSync } from 'node:fs';
import { initSync, __setEnvironmentReader } from './web.js';
import { readEnv } from './node-env.mjs';

initSync({ module: readFileSync(new URL('./tigris_agent_kit_bg.wasm', import.meta.url)) });
__setEnvironmentReader(readEnv);

export { createForks, teardownForks, createWorkspace, teardownWorkspace, checkpoint, restore, listCheckpoints, setupCoordination, teardownCoordination, receiveCoordinationEvents, listForks, mergeFork, rebaseFork, deleteCheckpoint, presign } from './web.js';
