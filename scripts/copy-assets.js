'use strict';
// Node-RED looks for a node's .html, locales/ and icons/ beside its runtime .js file,
// so the editor assets are copied next to the compiled nodes in dist/nodes; the editor's copy of the
// dial-policy compiler goes to resources/ (see bundle-dial-policy.js).
const fs = require('fs');
const path = require('path');
const { bundleDialPolicy } = require('./bundle-dial-policy');

const root = path.join(__dirname, '..');
const src = path.join(root, 'nodes');
const dest = path.join(root, 'dist', 'nodes');

function copy(from, to) {
  const stat = fs.statSync(from);
  if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from)) copy(path.join(from, entry), path.join(to, entry));
  } else if (!from.endsWith('.ts')) {
    fs.copyFileSync(from, to);
  }
}

fs.mkdirSync(dest, { recursive: true });
copy(src, dest);
bundleDialPolicy(path.join(root, 'dist', 'lib', 'tapi'), path.join(root, 'resources', 'tapi-dial-policy.js'));
