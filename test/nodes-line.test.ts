// tapi-line: one shared line per config node, one Tapi per provider configuration, cleanup on redeploy,
// reopen after a provider LINE_CLOSE, and the admin endpoint (permissions, 503 when unavailable).
import assert from 'node:assert/strict';
import { activeTapis, registrySnapshot } from '../nodes/lib/tapi-registry';
import {
  allNodes,
  collector,
  helper,
  lineDef,
  outstanding,
  sleep,
  statusesOf,
  tapiLineNode,
  unloadAndCheckClean,
  waitFor,
  type Msg,
} from './nodes-helpers';

// Node-RED's own admin authentication (the editor API's), so needsPermission behaves as in a real runtime.

const realAuth: any = require(require.resolve('@node-red/editor-api/lib/auth', { paths: [require.resolve('node-red')] }));

function withRealAuth(RED: any): void {
  RED.auth = realAuth;
  tapiLineNode(RED);
}

const noStorage = {
  getSessions: async () => ({}),
  saveSessions: async () => undefined,
};

describe('tapi-line config node', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  it('opens one line shared by every node that uses it, and one Tapi for equal provider options', async () => {
    await helper.load(allNodes, [
      lineDef('line1'),
      lineDef('line2', { line: 'Simulated Analog Line' }),
      { id: 'a', type: 'tapi-make-call', line: 'line1', wires: [] },
      { id: 'b', type: 'tapi-make-call', line: 'line1', wires: [] },
      { id: 'c', type: 'tapi-call-state', line: 'line1', wires: [] },
      { id: 'd', type: 'tapi-call-state', line: 'line2', wires: [] },
    ]);
    const l1 = helper.getNode('line1');
    const l2 = helper.getNode('line2');
    await waitFor(() => l1.shared.state === 'open' && l2.shared.state === 'open', 3000, 'both lines open');
    assert.deepEqual(Object.keys(l1.users).sort(), ['a', 'b', 'c']);
    assert.deepEqual(Object.keys(l2.users), ['d']);
    assert.equal(l1.shared.tapi, l2.shared.tapi, 'one Tapi for the same provider options');
    assert.equal(activeTapis().length, 1);
    assert.equal(outstanding().lines, 2, 'one open line per config node');
    assert.equal(l1.shared.line.device.name, 'Simulated Line 1');
    assert.equal(l2.shared.line.device.name, 'Simulated Analog Line');
    assert.deepEqual(
      registrySnapshot().map((e) => e.refs),
      [2],
    );
  });

  it('different simulator speeds get different Tapi instances', async () => {
    await helper.load(allNodes, [
      lineDef('line1'),
      lineDef('line2', { simulatorTimeScale: 1 }),
      { id: 'a', type: 'tapi-call-state', line: 'line1', wires: [] },
      { id: 'b', type: 'tapi-call-state', line: 'line2', wires: [] },
    ]);
    await waitFor(() => helper.getNode('line1').shared.state === 'open' && helper.getNode('line2').shared.state === 'open', 3000, 'open');
    assert.equal(activeTapis().length, 2);
  });

  it('opens nothing while no node uses it', async () => {
    await helper.load(allNodes, [lineDef('line1')]);
    await sleep(50);
    assert.equal(helper.getNode('line1').shared.state, 'idle');
    assert.equal(activeTapis().length, 0);
  });

  it('closes the line when its last user goes (modified-nodes deploy) and reopens for a new user', async () => {
    const flow = [lineDef('line1'), { id: 'a', type: 'tapi-call-state', line: 'line1', wires: [] }];
    await helper.load(allNodes, flow);
    const l1 = helper.getNode('line1');
    await waitFor(() => l1.shared.state === 'open', 3000, 'open');
    await helper.setFlows([lineDef('line1')], 'nodes');
    await waitFor(() => l1.shared.state === 'idle', 3000, 'closed when the last user went');
    assert.equal(outstanding().lines, 0);
    assert.equal(activeTapis().length, 0, 'the Tapi shut down with its last line');
    await helper.setFlows(flow, 'nodes');
    await waitFor(() => l1.shared.state === 'open', 3000, 'reopened');
    assert.equal(outstanding().lines, 1);
  });

  it('reopens with back-off after the provider closes the line (LINE_CLOSE), telling every user', async () => {
    await helper.load(allNodes, [
      lineDef('line1'),
      { id: 'a', type: 'tapi-make-call', line: 'line1', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const l1 = helper.getNode('line1');
    await waitFor(() => l1.shared.state === 'open', 3000, 'open');
    const sim = l1.shared.tapi.simulator;
    const hLine = l1.shared.line.hLine;
    sim.forceClose(hLine);
    await waitFor(() => l1.shared.state === 'error', 3000, 'error after LINE_CLOSE');
    const node = helper.getNode('a');
    await waitFor(() => statusesOf(node).some((s) => s.fill === 'red'), 3000, 'red status on the user');
    await waitFor(() => l1.shared.state === 'open', 5000, 'reopened after the back-off');
    const out = collector(helper.getNode('out'));
    node.receive({ payload: '5550107' });
    await waitFor(() => out.length > 0, 5000, 'a call on the reopened line');
    assert.equal(out[0].payload.outcome, 'congestion');
  });

  it('follows a TAPI re-initialisation (REINIT): the line comes back and places calls', async () => {
    await helper.load(allNodes, [
      lineDef('line1'),
      { id: 'a', type: 'tapi-make-call', line: 'line1', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const l1 = helper.getNode('line1');
    await waitFor(() => l1.shared.state === 'open', 3000, 'open');
    const states: string[] = [];
    l1.shared.on('status', (e: Msg) => states.push(e.state));
    l1.shared.tapi.simulator.reinit();
    await waitFor(() => states.includes('connecting') && l1.shared.state === 'open', 8000, 'reopened after REINIT');
    const out = collector(helper.getNode('out'));
    helper.getNode('a').receive({ payload: '5550104' });
    await waitFor(() => out.length > 0, 5000, 'a call after REINIT');
    assert.equal(out[0].payload.outcome, 'unreachable');
    assert.equal(outstanding().lines, 1);
  });

  it('finishes incoming calls nobody answers: the owner drops, every handle is deallocated', async () => {
    await helper.load(allNodes, [
      lineDef('line1', { privileges: 'owner,monitor' }),
      { id: 's', type: 'tapi-call-state', line: 'line1', wires: [['states']] },
      { id: 'states', type: 'helper' },
    ]);
    const states = collector(helper.getNode('states'));
    const l1 = helper.getNode('line1');
    await waitFor(() => l1.shared.state === 'open', 3000, 'open');
    l1.shared.tapi.simulator.presentIncomingCall({ deviceId: 0, callerId: '5559876', ringSeconds: 0.2 });
    await waitFor(() => states.some((m) => m.topic === 'idle'), 5000, 'the unanswered call ends');
    assert.deepEqual(
      states.map((m) => m.topic),
      ['offering', 'disconnected', 'idle'],
    );
    assert.ok(states.every((m) => m.payload.origin === 'inbound' && m.payload.callerId === '5559876'));
    await waitFor(() => outstanding().calls === 0 && outstanding().modelCalls === 0, 3000, 'handle deallocated');
  });

  it('repeated full redeploys with calls in progress leave no line, call or Tapi behind', async () => {
    const base = [
      lineDef('line1', { simulatorTimeScale: 1 }),
      { id: 'a', type: 'tapi-make-call', line: 'line1', sendWhen: 'placed', wires: [['out']] },
      { id: 'c', type: 'tapi-call-state', line: 'line1', wires: [] },
      { id: 'out', type: 'helper' },
    ];
    await helper.load(allNodes, base);
    for (let i = 0; i < 4; i++) {
      const out = collector(helper.getNode('out'));
      helper.getNode('a').receive({ payload: '5550100' });
      await waitFor(() => out.length === 1, 5000, 'placed');
      await helper.setFlows(base.map((n) => (n.id === 'line1' ? { ...n, countryCode: String(i + 1) } : n)));
      await waitFor(() => outstanding().calls === 0, 5000, 'calls of the old deploy dropped');
      assert.equal(outstanding().modelCalls, 0);
      assert.ok(outstanding().lines <= 1);
    }
    await helper.setFlows([]);
    await waitFor(() => activeTapis().length === 0, 5000, 'no Tapi once nothing uses a line');
  });
});

describe('admin endpoint GET tapi-line/lines', function () {
  this.timeout(20000);

  afterEach(async () => {
    realAuth.init({}, noStorage);
    await unloadAndCheckClean();
  });

  it('lists the simulator lines with their capabilities', async () => {
    await helper.load(allNodes, []);
    const res = await helper.request().get('/tapi-line/lines?provider=simulator').expect(200);
    assert.equal(res.body.provider, 'simulator');
    const names = res.body.lines.map((l: Msg) => l.name);
    assert.deepEqual(names.slice(0, 2), ['Simulated Line 1', 'Simulated Analog Line']);
    const [l0, l1] = res.body.lines;
    assert.equal(l0.deviceId, 0);
    assert.deepEqual(Object.keys(l0.capabilities).sort(), ['dialBilling', 'dialDialtone', 'dialQuiet', 'partialDial']);
    assert.equal(l0.capabilities.dialDialtone, true);
    assert.equal(l1.capabilities.dialDialtone, false);
    assert.equal(activeTapis().length, 0, 'the listing released its Tapi');
  });

  it('answers 503 with the error code when the provider is unavailable, and does not crash', async function () {
    if (process.platform === 'win32') {
      // Platform reason: on Windows the win32 provider has Tapi32.dll by default, so there is no unavailable provider to see.
      this.test!.title += ' (skipped on win32: Tapi32.dll is the default there)';
      this.skip();
    }
    await helper.load(allNodes, []);
    const res = await helper.request().get('/tapi-line/lines?provider=win32').expect(503);
    assert.match(res.body.code, /^LINEERR_/);
    await helper.request().get('/tapi-line/lines?provider=simulator').expect(200);
  });

  it('answers 401 without permission when adminAuth is on', async () => {
    realAuth.init({ adminAuth: { type: 'credentials', users: [] } }, noStorage);
    await helper.load([withRealAuth, allNodes[1], allNodes[2]], []);
    await helper.request().get('/tapi-line/lines?provider=simulator').expect(401);
  });

  it('answers 401 to a user whose permissions do not include tapi-line.read', async () => {
    realAuth.init({ adminAuth: { type: 'credentials', users: [], default: { permissions: 'flows.read' } } }, noStorage);
    await helper.load([withRealAuth, allNodes[1], allNodes[2]], []);
    await helper.request().get('/tapi-line/lines?provider=simulator').expect(401);
  });

  it('answers 200 with the lines when the user may read', async () => {
    realAuth.init({ adminAuth: { type: 'credentials', users: [], default: { permissions: 'read' } } }, noStorage);
    await helper.load([withRealAuth, allNodes[1], allNodes[2]], []);
    const res = await helper.request().get('/tapi-line/lines?provider=simulator').expect(200);
    assert.ok(res.body.lines.length >= 2);
  });
});
