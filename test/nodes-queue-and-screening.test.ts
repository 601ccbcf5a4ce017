// make call waiting for a free call appearance (FIFO, limit, wait time, opt-out), its per-call status and
// partial dialling continued by call control; call state's caller-id filter and auto-answer.
import callControlNode from '../nodes/call-control';
import assert from 'node:assert/strict';
import { codeOf } from './nodes-catch';
import type { OpenedTapi } from '../lib/tapi';
import { activeTapis } from '../nodes/lib/tapi-registry';
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

const nodes = [...allNodes, callControlNode];
/** The simulator's analog line has one call appearance. */
const ONE_APPEARANCE = 'Simulated Analog Line';

function flow(makeCall: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Msg[] {
  return [
    lineDef('line1', { privileges: 'owner', ...line }),
    { id: 'mk', type: 'tapi-make-call', line: 'line1', sendWhen: 'ended', wires: [['out']], ...makeCall },
    { id: 'out', type: 'helper' },
    {
      id: 'cc',
      type: 'tapi-call-control',
      line: 'line1',
      action: 'dial',
      actionType: 'tapi-action',
      destination: 'payload',
      destinationType: 'msg',
      wires: [['controlled']],
    },
    { id: 'controlled', type: 'helper' },
    { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function load(makeCall: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  await helper.load(nodes, flow(makeCall, line));
  const r = {
    out: collector(helper.getNode('out')),
    caught: collector(helper.getNode('caught')),
    controlled: collector(helper.getNode('controlled')),
  };
  await waitFor(() => helper.getNode('line1').shared.state === 'open', 5000, 'the line open');
  return r;
}

describe('make call: queued dialling, per-call status, partial dialling', function () {
  this.timeout(30000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  it('five calls on a line with one call appearance: all placed, in order, status queued (n) while they wait', async () => {
    const r = await load({}, { line: ONE_APPEARANCE });
    const numbers = ['5550101', '5550103', '5550104', '5550107', '5550101'];
    numbers.forEach((payload, i) => helper.getNode('mk').receive({ payload, topic: `n${i}` }));
    await waitFor(() => r.out.length + r.caught.length === 5, 20000, 'five outcomes');
    assert.deepEqual(r.caught, [], 'nobody skipped');
    assert.deepEqual(
      r.out.map((m) => m.topic),
      ['n0', 'n1', 'n2', 'n3', 'n4'],
      'first come, first served',
    );
    assert.deepEqual(
      r.out.map((m) => m.payload.outcome),
      ['busy', 'reject', 'unreachable', 'congestion', 'busy'],
    );
    const texts = statusesOf(helper.getNode('mk')).map((s) => s.text);
    assert.ok(
      texts.some((t) => /status\.queued/.test(t)),
      'the status said queued',
    );
    assert.equal(outstanding().calls, 0);
  });

  it('opt-out: the second call fails at once with LINEERR_CALLUNAVAIL', async () => {
    const r = await load({ queue: false, sendWhen: 'connected' }, { line: ONE_APPEARANCE });
    helper.getNode('mk').receive({ payload: '5550100', topic: 'a' });
    await waitFor(() => r.out.length === 1, 5000, 'the first call');
    helper.getNode('mk').receive({ payload: '5550100', topic: 'b' });
    await waitFor(() => r.caught.length === 1, 5000, 'the refusal');
    assert.equal(codeOf(r.caught[0].error), 'LINEERR_CALLUNAVAIL');
  });

  it('the queue limit and the wait time: LINEERR_CALLUNAVAIL naming which', async () => {
    const r = await load({ sendWhen: 'connected', queueLimit: 1, queueWait: 0.3 }, { line: ONE_APPEARANCE });
    helper.getNode('mk').receive({ payload: '5550100', topic: 'a' });
    await waitFor(() => r.out.length === 1, 5000, 'the first call (stays connected)');
    helper.getNode('mk').receive({ payload: '5550100', topic: 'b' });
    await sleep(50);
    helper.getNode('mk').receive({ payload: '5550100', topic: 'c' });
    await waitFor(() => r.caught.length === 2, 5000, 'two refusals');
    const byTopic = Object.fromEntries(r.caught.map((m) => [m.topic, m.error]));
    assert.equal(codeOf(byTopic.c), 'LINEERR_CALLUNAVAIL');
    assert.match(byTopic.c.message, /already waiting/);
    assert.equal(codeOf(byTopic.b), 'LINEERR_CALLUNAVAIL');
    assert.match(byTopic.b.message, /no call appearance came free within/);
  });

  it('a number the dial policy refuses does not wait: LINEERR_ADDRESSBLOCKED at once', async () => {
    const r = await load({ sendWhen: 'connected' }, { line: ONE_APPEARANCE, dialPolicyDeny: '1900.' });
    helper.getNode('mk').receive({ payload: '5550100' });
    await waitFor(() => r.out.length === 1, 5000, 'the first call');
    helper.getNode('mk').receive({ payload: '19005550100' });
    await waitFor(() => r.caught.length === 1, 5000, 'the refusal');
    assert.equal(codeOf(r.caught[0].error), 'LINEERR_ADDRESSBLOCKED');
  });

  it('several calls at once: the status lists each call, and each output belongs to its own call', async () => {
    const r = await load({ sendWhen: 'ended' }, { simulatorTimeScale: 0.05 });
    helper.getNode('mk').receive({ payload: '5550106', topic: 'a' });
    helper.getNode('mk').receive({ payload: '5550101', topic: 'b' });
    await waitFor(() => r.out.length === 2, 10000, 'two outcomes');
    const texts = statusesOf(helper.getNode('mk')).map((s) => s.text);
    assert.ok(
      texts.some((t) => /progress\.calls/.test(t)),
      `a status naming both calls in ${JSON.stringify(texts)}`,
    );
    const a = r.out.find((m) => m.topic === 'a')!;
    const b = r.out.find((m) => m.topic === 'b')!;
    assert.notEqual(a.call.id, b.call.id);
    assert.equal(a.payload.outcome, 'connected');
    assert.equal(b.payload.outcome, 'busy');
  });

  it('partial dialling: "555;" is sent on at placed and call control continues it with dial', async () => {
    const r = await load({ partialDial: true, sendWhen: 'connected' });
    helper.getNode('mk').receive({ payload: '555;' });
    await waitFor(() => r.out.length === 1, 5000, 'the call in dial tone');
    const placed = r.out[0];
    assert.ok(['dialtone', 'dialing'].includes(placed.payload.state), placed.payload.state);
    helper.getNode('cc').receive({ call: placed.call, payload: '0100' });
    await waitFor(() => r.controlled.length === 1 || r.caught.length > 0, 5000, 'the dial');
    assert.deepEqual(r.caught, []);
    assert.equal(r.controlled[0].payload.action, 'dial');
    const call = helper.getNode('line1').shared.line.calls.find((c: { id: string }) => c.id === placed.call.id);
    await call.waitFor(['connected'], 5000);
    assert.equal(call.dialled, '5550100');
  });

  it('partial dialling off: "555;" is refused as before', async () => {
    const r = await load({});
    helper.getNode('mk').receive({ payload: '555;' });
    await waitFor(() => r.caught.length === 1, 5000, 'the refusal');
    assert.equal(codeOf(r.caught[0].error), 'LINEERR_INVALADDRESS');
    assert.match(r.caught[0].error.message, /partial dialling mode/);
  });
});

describe('call state: caller-id filter and auto-answer', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  async function screening(callState: Record<string, unknown>, line: Record<string, unknown> = {}) {
    await helper.load(nodes, [
      lineDef('line1', { privileges: 'owner', ...line }),
      {
        id: 'cs',
        type: 'tapi-call-state',
        line: 'line1',
        states: ['offering', 'connected'],
        origin: 'inbound',
        wires: [['seen']],
        ...callState,
      },
      { id: 'seen', type: 'helper' },
    ]);
    const seen = collector(helper.getNode('seen'));
    await waitFor(() => helper.getNode('line1').shared.state === 'open', 5000, 'the line open');
    const sim = (activeTapis()[0] as OpenedTapi).simulator!;
    return { seen, sim };
  }

  it('only callers / not callers, in dial policy syntax; a withheld number passes only without an allow list', async () => {
    const { seen, sim } = await screening({ callerAllow: '555XXXX\n+49.', callerDeny: '5550666' });
    for (const callerId of ['5551234', '5550666', '+4930123456', '0301234']) sim.presentIncomingCall({ callerId, ringSeconds: 0 });
    sim.presentIncomingCall({ blocked: true, ringSeconds: 0 });
    await sleep(100);
    assert.deepEqual(seen.map((m) => m.payload.callerId).sort(), ['+4930123456', '5551234']);
  });

  it('auto-answer after 1 ring, for callers that pass the filter only', async () => {
    const { seen, sim } = await screening({ autoAnswer: true, autoAnswerRings: 1, callerDeny: '5550666' });
    sim.presentIncomingCall({ callerId: '5551234', ringSeconds: 0 });
    sim.presentIncomingCall({ callerId: '5550666', ringSeconds: 0 });
    await waitFor(() => seen.some((m) => m.topic === 'connected'), 5000, 'the answered call');
    await sleep(50);
    const line = helper.getNode('line1').shared.line;
    const states = Object.fromEntries(line.calls.map((c: { info: { callerId: string }; state: string }) => [c.info.callerId, c.state]));
    assert.deepEqual(states, { '5551234': 'connected', '5550666': 'offering' });
  });

  it('auto-answer after 2 rings waits for the second ring', async () => {
    const { seen, sim } = await screening({ autoAnswer: true, autoAnswerRings: 2 }, { simulatorTimeScale: 0.02 });
    sim.presentIncomingCall({ callerId: '5551234', ringSeconds: 0 });
    await waitFor(() => seen.some((m) => m.topic === 'offering'), 5000, 'offering');
    // One ring period is 6 simulated s (120 ms here): after the first ring the call is still offering.
    await sleep(40);
    assert.ok(!seen.some((m) => m.topic === 'connected'), 'not yet answered after one ring');
    await waitFor(() => seen.some((m) => m.topic === 'connected'), 5000, 'answered at the second ring');
  });

  it('auto-answer without the owner privilege: warns, red status, the call keeps ringing', async () => {
    const { seen, sim } = await screening({ autoAnswer: true, autoAnswerRings: 0 }, { privileges: 'monitor' });
    sim.presentIncomingCall({ callerId: '5551234', ringSeconds: 0 });
    await waitFor(() => seen.some((m) => m.topic === 'offering'), 5000, 'offering');
    await waitFor(() => statusesOf(helper.getNode('cs')).some((s) => s.fill === 'red'), 5000, 'the red status');
    const warnings = helper._NodePrototype.warn.getCalls().filter((c: { thisValue: unknown }) => c.thisValue === helper.getNode('cs'));
    assert.ok(warnings.some((c: { args: unknown[] }) => /owner privilege/.test(String(c.args[0]))));
  });
});
