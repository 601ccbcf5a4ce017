// Which Node-RED the node tests run against: the devDependency, or the one in NODE_RED_PREFIX (CI's legs).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allNodes, collector, helper, lineDef, statusesOf, unloadAndCheckClean, waitFor } from './nodes-helpers';

describe('node tests: the Node-RED runtime under test', function () {
  it('is the Node-RED of NODE_RED_PREFIX when set, else the devDependency, and the package supports it', function () {
    const prefix = process.env.NODE_RED_PREFIX;
    const redPackage = require.resolve('node-red/package.json', prefix ? { paths: [prefix] } : undefined);
    if (prefix) assert.ok(redPackage.startsWith(path.resolve(prefix) + path.sep), redPackage);
    else assert.ok(redPackage.startsWith(path.resolve(__dirname, '..', '..', 'node_modules') + path.sep), redPackage);
    const version = JSON.parse(fs.readFileSync(redPackage, 'utf8')).version as string;
    const running = String(helper._RED.version()).replace(/-git$/, '');
    assert.equal(running, version);
    const declared = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'))['node-red'].version as string;

    const semver = require(require.resolve('semver', { paths: [path.dirname(redPackage)] })) as {
      satisfies(v: string, r: string): boolean;
    };
    assert.ok(semver.satisfies(version, declared), `package.json node-red.version ${declared} covers ${version}`);
    console.log(`      Node-RED ${version} on Node ${process.version}`);
  });

  // Node-RED copies err.code into the Catch node's msg.error from 4.0 on; 3.1 passes the message only, and
  // every TapiError's message names its code. (CI's 3.1 leg leaves out the "err.code" suite for this reason.)
  it('a blocked number reaches a Catch node with the TAPI code: msg.error.code (Node-RED >= 4) and in the message', async function () {
    await helper.load(allNodes, [
      lineDef('line1', { dialPolicyDeny: '1900.' }),
      { id: 'call1', type: 'tapi-make-call', line: 'line1', sendWhen: 'ended', wires: [['out']] },
      { id: 'out', type: 'helper' },
      { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    try {
      const out = collector(helper.getNode('out'));
      const caught = collector(helper.getNode('caught'));
      helper.getNode('call1').receive({ payload: '19001234567' });
      await waitFor(() => caught.length > 0, 10000, 'the Catch node');
      assert.equal(out.length, 0);
      assert.match(caught[0].error.message, /LINEERR_ADDRESSBLOCKED/);
      const major = Number(String(helper._RED.version()).split('.')[0]);
      assert.equal(caught[0].error.code, major >= 4 ? 'LINEERR_ADDRESSBLOCKED' : undefined);
      const statuses = statusesOf(helper.getNode('call1'));
      assert.equal(statuses[statuses.length - 1].fill, 'red');
    } finally {
      await unloadAndCheckClean();
    }
  });
});
