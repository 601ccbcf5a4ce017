// The README's code blocks marked `runnable` (```js runnable) run as pasted: each is written to a file in a
// throw-away folder where require('node-red-contrib-tapi') finds this package (built dist/), and run with node.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

export function runnableBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```js runnable\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe('README code blocks marked runnable', function () {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const blocks = runnableBlocks(readme);
  let dir: string;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-readme-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'node-red-contrib-tapi'), 'dir');
  });

  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the README has runnable blocks, the library snippet first', function () {
    assert.ok(blocks.length >= 1);
    assert.match(blocks[0], /require\('node-red-contrib-tapi'\)/);
  });

  it('each runnable block exits 0 with nothing on stderr', function () {
    blocks.forEach((code, i) => {
      const file = path.join(dir, `block-${i + 1}.js`);
      fs.writeFileSync(file, code);
      const run = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 15000 });
      assert.equal(run.stderr, '', `block ${i + 1} stderr`);
      assert.equal(run.status, 0, `block ${i + 1} exit code; stdout:\n${run.stdout}`);
      assert.notEqual(run.stdout.trim(), '', `block ${i + 1} prints something`);
    });
  });

  it('the library snippet lists the simulator lines and follows the busy call to disconnected and idle', function () {
    const file = path.join(dir, 'library.js');
    fs.writeFileSync(file, blocks[0]);
    const run = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 15000 });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0], /0: Simulated Line 1/);
    const states = lines.slice(1).map((l) => l.split(' ').slice(1).join(' '));
    assert.deepEqual(states, ['dialtone normal', 'dialing null', 'proceeding null', 'busy station', 'disconnected busy', 'idle null']);
    assert.equal(new Set(lines.slice(1).map((l) => l.split(' ')[0])).size, 1, 'one call id throughout');
  });
});
