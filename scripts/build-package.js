#!/usr/bin/env node
'use strict';
// prepack: what `npm pack` / `npm publish` / a git install ship, built fresh from the sources.
// dist/lib and dist/nodes are compiled again without source maps (the .ts sources are not shipped, so a map
// would point at nothing), the editor assets are copied, and the only declarations kept are the library's
// public surface: dist/lib/tapi/index.d.ts and the files it reaches. package.json "files" picks the rest.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { declarationClosure } = require('./declaration-closure');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

for (const dir of ['lib', 'nodes']) fs.rmSync(path.join(dist, dir), { recursive: true, force: true });
const tsc = path.join(path.dirname(require.resolve('typescript/package.json', { paths: [root] })), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.package.json')], { stdio: 'inherit', cwd: root });
execFileSync(process.execPath, [path.join(__dirname, 'copy-assets.js')], { stdio: 'inherit', cwd: root });

const keep = declarationClosure(path.join(dist, 'lib', 'tapi', 'index.d.ts'));
function prune(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) prune(file);
    else if (entry.name.endsWith('.d.ts') && !keep.has(file)) fs.rmSync(file);
  }
}
prune(path.join(dist, 'lib'));
prune(path.join(dist, 'nodes'));
console.log(`prepack: dist/lib and dist/nodes built; ${keep.size} declaration files kept for the library surface`);
