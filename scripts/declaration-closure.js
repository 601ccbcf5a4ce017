'use strict';
// The .d.ts files a declaration file reaches through relative imports and re-exports (itself included).
const fs = require('fs');
const path = require('path');

const RELATIVE = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function declarationClosure(entry, read = (file) => fs.readFileSync(file, 'utf8'), exists = fs.existsSync) {
  const seen = new Set();
  const queue = [path.resolve(entry)];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of read(file).matchAll(RELATIVE)) {
      const base = path.join(path.dirname(file), m[1].replace(/\.js$/, ''));
      const found = [base + '.d.ts', path.join(base, 'index.d.ts')].find((candidate) => exists(candidate));
      if (!found) throw new Error(`${path.relative(process.cwd(), file)} imports ${m[1]}, which has no declaration file`);
      queue.push(found);
    }
  }
  return seen;
}

module.exports = { declarationClosure };
