'use strict';
// The scenario through the package's CommonJS entry (`require` → node.cjs).
//   node agent-run.cjs [bucket-name] [--pause]
const kit = require('tigris-agent-kit');
const { main } = require('./scenario.cjs');

main(kit, 'require');
