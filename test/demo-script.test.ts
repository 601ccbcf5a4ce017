// The "done when": a script using only the public surface, run as a user would run it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fakeLibraryPath } from './helpers/fake-tapi32';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'demo-test-numbers.js');

function run(...args: string[]) {
  const out = execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out);
}

describe('scripts/demo-test-numbers.js (library surface only)', function () {
  this.timeout(120_000);
  let simulator: any;

  before(function () {
    simulator = run();
  });

  it('observes the documented sequence for every test number on the simulator', function () {
    const prefix = ['dialtone(normal)', 'dialing', 'proceeding'];
    assert.deepEqual(simulator.calls, {
      '5550100': [...prefix, 'ringback', 'connected(active)', 'idle'],
      '5550101': [...prefix, 'busy(station)', 'disconnected(busy)', 'idle'],
      '5550102': [...prefix, 'ringback', 'disconnected(noanswer)', 'idle'],
      '5550103': [...prefix, 'ringback', 'disconnected(reject)', 'idle'],
      '5550104': [...prefix, 'disconnected(unreachable)', 'idle'],
      '5550105': [...prefix, 'specialinfo(custirreg)', 'disconnected(badaddress)', 'idle'],
      '5550106': [...prefix, 'ringback', 'connected(active)', 'disconnected(normal)', 'idle'],
      '5550107': [...prefix, 'disconnected(congestion)', 'idle'],
    });
  });

  it('is refused 12?3, $ on the analog line and a denied number by name, and leaves nothing pending', function () {
    assert.deepEqual(simulator.refusals, {
      '12?3': 'LINEERR_DIALPROMPT',
      '5551234$99 on line 1': 'LINEERR_DIALBILLING',
      '19005550100 (denied)': 'LINEERR_ADDRESSBLOCKED',
    });
    assert.deepEqual(simulator.afterShutdown, { pendingRequests: 0, calls: 0, openLines: 0 });
  });

  it('sees exactly the same through the win32 provider on the fake Tapi32', function () {
    const win32 = run('--provider', 'win32', '--library', fakeLibraryPath);
    assert.equal(win32.provider, 'win32');
    assert.deepEqual({ ...win32, provider: 'simulator' }, simulator);
  });
});
