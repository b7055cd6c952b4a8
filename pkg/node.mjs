// Node, ESM: load the wasm synchronously from the package folder and read the environment.
// Node's built-ins and the CommonJS env reader are loaded through `require`: importing CommonJS
// from ESM runs Node's export lexer, which costs more than the rest of this file's import.
import { createRequire } from 'node:module';
import { initSync, __setEnvironmentReader } from './web.js';

const require = createRequire(import.meta.url);
const { readFileSync } = require('node:fs');
const { readEnv } = require('./node-env.cjs');

initSync({ module: readFileSync(new URL('./tigris_agent_kit_bg.wasm', import.meta.url)) });
__setEnvironmentReader(readEnv);

export { createForks, teardownForks, createWorkspace, teardownWorkspace, checkpoint, restore, listCheckpoints, setupCoordination, teardownCoordination, listForks, mergeFork, rebaseFork, deleteCheckpoint } from './web.js';
