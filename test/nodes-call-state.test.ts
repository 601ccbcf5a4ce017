// call-state in a flow: every state in order (outbound via make-call, inbound via the simulator),
// filters by state and origin, message shape.
import assert from 'node:assert/strict';
import {
  allNodes,
  collector,
  helper,
  lineDef,
  outstanding,
  sleep,
  statusesOf,
  unloadAndCheckClean,
  waitFor,
  type Msg,
} from './nodes-helpers';

const PAYLOAD_KEYS = [
  'address',
  'at',
  'callId',
  'calledId',
  'calledIdName',
  'callerId',
  'callerIdName',
  'handle',
  'mode',
  'origin',
  'previous',
  'state',
];

function flow(callState: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Msg[] {
  return [
    lineDef('line1', line),
    { id: 'call1', type: 'tapi-make-call', line: 'line1', sendWhen: 'ended', wires: [['result']] },
    { id: 'result', type: 'helper' },
    { id: 'state1', type: 'tapi-call-state', line: 'line1', wires: [['states']], ...callState },
    { id: 'states', type: 'helper' },
  ];
}

describe('call-state node', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  it('emits dialtone ... busy, disconnected, idle in order for 5550101 (idle after make-call drops it)', async () => {
    await helper.load(allNodes, flow());
    const states = collector(helper.getNode('states'));
    const result = collector(helper.getNode('result'));
    await sleep(20);
    helper.getNode('call1').receive({ payload: '5550101' });
    await waitFor(() => result.length > 0 && states.some((m) => m.topic === 'idle'), 5000, 'idle');
    assert.deepEqual(
      states.map((m) => m.topic),
      ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected', 'idle'],
    );
    const busy = states[3];
    assert.deepEqual(Object.keys(busy.payload).sort(), PAYLOAD_KEYS);
    assert.equal(busy.payload.state, 'busy');
    assert.equal(busy.payload.mode, 'station');
    assert.equal(busy.payload.previous, 'proceeding');
    assert.equal(busy.payload.origin, 'outbound');
    assert.equal(busy.payload.address, '5550101');
    assert.equal(states[4].payload.mode, 'busy', 'disconnected (busy)');
    assert.ok(!Number.isNaN(Date.parse(busy.payload.at)));
    // The same call id as make-call's message.
    assert.equal(busy.payload.callId, result[0].payload.callId);
    assert.equal(busy.call.id, result[0].call.id);
    assert.equal(busy.payload.handle, result[0].call.handle);
    for (let i = 1; i < states.length; i++) assert.equal(states[i].payload.previous, states[i - 1].payload.state);
    assert.equal(outstanding().calls, 0);
  });

  it('emits ringback, connected, disconnected (normal), idle for 5550106', async () => {
    await helper.load(allNodes, flow());
    const states = collector(helper.getNode('states'));
    const result = collector(helper.getNode('result'));
    helper.getNode('call1').receive({ payload: '5550106' });
    await waitFor(() => result.length > 0 && states.some((m) => m.topic === 'idle'), 5000, 'idle');
    assert.deepEqual(
      states.map((m) => m.topic),
      ['dialtone', 'dialing', 'proceeding', 'ringback', 'connected', 'disconnected', 'idle'],
    );
    assert.equal(states[4].payload.mode, 'active');
    assert.equal(states[5].payload.mode, 'normal');
  });

  it('filters by state', async () => {
    await helper.load(allNodes, flow({ states: ['connected', 'idle'] }));
    const states = collector(helper.getNode('states'));
    const result = collector(helper.getNode('result'));
    helper.getNode('call1').receive({ payload: '5550106' });
    await waitFor(() => result.length > 0 && states.some((m) => m.topic === 'idle'), 5000, 'idle');
    assert.deepEqual(
      states.map((m) => m.topic),
      ['connected', 'idle'],
    );
  });

  it('accepts states written by hand as a comma-separated string', async () => {
    await helper.load(allNodes, flow({ states: 'busy, idle' }));
    const states = collector(helper.getNode('states'));
    const result = collector(helper.getNode('result'));
    helper.getNode('call1').receive({ payload: '5550101' });
    await waitFor(() => result.length > 0 && states.some((m) => m.topic === 'idle'), 5000, 'idle');
    assert.deepEqual(
      states.map((m) => m.topic),
      ['busy', 'idle'],
    );
  });

  it('reports inbound calls presented by the simulator with origin inbound and the caller id', async () => {
    await helper.load(allNodes, flow({ origin: 'inbound' }));
    const states = collector(helper.getNode('states'));
    const result = collector(helper.getNode('result'));
    const lineNode = helper.getNode('line1');
    await waitFor(() => lineNode.shared.state === 'open', 3000, 'line open');
    // An outbound call is filtered out by origin.
    helper.getNode('call1').receive({ payload: '5550101' });
    await waitFor(() => result.length > 0, 5000, 'outbound call over');
    const sim = lineNode.shared.tapi.simulator;
    sim.presentIncomingCall({ deviceId: 0, callerId: '5551234', callerIdName: 'Alice', calledId: '5550000' });
    await waitFor(() => states.length > 0, 5000, 'inbound state');
    await sleep(50);
    assert.ok(
      states.every((m) => m.payload.origin === 'inbound'),
      states.map((m) => m.payload.origin).join(),
    );
    const first = states[0];
    assert.equal(first.topic, 'offering');
    assert.equal(first.payload.callerId, '5551234');
    assert.equal(first.payload.callerIdName, 'Alice');
    assert.equal(first.payload.calledId, '5550000');
    assert.equal(first.payload.address, null);
  });

  it('origin outbound leaves incoming calls out', async () => {
    await helper.load(allNodes, flow({ origin: 'outbound' }));
    const states = collector(helper.getNode('states'));
    const result = collector(helper.getNode('result'));
    const lineNode = helper.getNode('line1');
    await waitFor(() => lineNode.shared.state === 'open', 3000, 'line open');
    lineNode.shared.tapi.simulator.presentIncomingCall({ deviceId: 0, callerId: '5551234', callerIdName: 'Alice', calledId: '5550000' });
    helper.getNode('call1').receive({ payload: '5550107' });
    await waitFor(() => result.length > 0 && states.some((m) => m.topic === 'idle'), 5000, 'outbound call over');
    await sleep(50);
    assert.ok(states.length > 0);
    assert.ok(states.every((m) => m.payload.origin === 'outbound'));
  });

  it('shows the line status', async () => {
    await helper.load(allNodes, flow());
    const node = helper.getNode('state1');
    await waitFor(() => statusesOf(node).some((s) => /status\.open$/.test(s.text)), 3000, 'open status');
    const all = statusesOf(node);
    const last = all[all.length - 1];
    assert.equal(last.fill, 'green');
    assert.equal(last.shape, 'dot');
  });
});
