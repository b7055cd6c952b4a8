'use strict';
// Node, CommonJS: the nodejs-target glue loads the wasm synchronously; the environment is read
// from process.env and .env (node-env.cjs is built from node-env.mjs). Only static requires of
// package files, so a bundler inlines them all: the bundle needs only the .wasm next to it.
const glue = require('./node-glue.cjs');
glue.__setEnvironmentReader(require('./node-env.cjs').readEnv);

module.exports = {
  createForks: glue.createForks,
  teardownForks: glue.teardownForks,
  createWorkspace: glue.createWorkspace,
  teardownWorkspace: glue.teardownWorkspace,
  checkpoint: glue.checkpoint,
  restore: glue.restore,
  listCheckpoints: glue.listCheckpoints,
  setupCoordination: glue.setupCoordination,
  teardownCoordination: glue.teardownCoordination,
  receiveCoordinationEvents: glue.receiveCoordinationEvents,
  listForks: glue.listForks,
  mergeFork: glue.mergeFork,
  rebaseFork: glue.rebaseFork,
  deleteCheckpoint: glue.deleteCheckpoint,
  presign: glue.presign,
};
