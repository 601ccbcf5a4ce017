'use strict';
// Preloaded by scripts/start.js (node --require). Node-RED appends "-git" to its version when a .git
// exists four levels above @node-red/runtime/lib: meant for Node-RED's own checkout, but here it finds
// this repository's .git because the development Node-RED sits in the repository's node_modules. Only
// that one lookup is answered "not found"; every other file system call is untouched.
const fs = require('fs');
const path = require('path');

let runtimeLib;
try {
  const red = require.resolve('node-red/package.json', {
    paths: [process.env.NODE_RED_PREFIX ? path.resolve(process.env.NODE_RED_PREFIX) : path.join(__dirname, '..')],
  });
  runtimeLib = path.join(path.dirname(require.resolve('@node-red/runtime/package.json', { paths: [path.dirname(red)] })), 'lib');
} catch {
  runtimeLib = undefined;
}

if (runtimeLib) {
  const gitOfCheckout = path.join(runtimeLib, '..', '..', '..', '..', '.git');
  const statSync = fs.statSync;
  fs.statSync = function (file, ...rest) {
    if (typeof file === 'string' && path.resolve(file) === gitOfCheckout) {
      const error = new Error(`ENOENT: no such file or directory, stat '${file}'`);
      error.code = 'ENOENT';
      throw error;
    }
    return statSync.call(this, file, ...rest);
  };
}
