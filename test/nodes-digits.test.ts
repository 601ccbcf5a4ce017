// digits and simulate in a flow, on the simulator: collect (terminator, buffer full, timeouts on the second
// or the same output, a call that ends while collecting), every digit (one call, every call on the line),
// refusals; simulate's actions and its refusal on another provider.
import callControlNode from '../nodes/call-control';
import digitsNode from '../nodes/digits';
import simulateNode from '../nodes/simulate';
import assert from 'node:assert/strict';
import { codeOf } from './nodes-catch';
import type { OpenedTapi } from '../lib/tapi';
import { activeTapis } from '../nodes/lib/tapi-registry';
import { allNodes, collector, helper, lineDef, sleep, statusesOf, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

const nodes = [...allNodes, callControlNode, digitsNode, simulateNode];

function flow(digits: Record<string, unknown>, line: Record<string, unknown> = {}): Msg[] {
  return [
    // timeScale 0.1: a second of the simulated exchange is 100 ms, so keys pressed after a call connects
    // come after the flow has started collecting.
    lineDef('line1', { privileges: 'owner', simulatorTimeScale: 0.1, ...line }),
    { id: 'mk', type: 'tapi-make-call', line: 'line1', sendWhen: 'connected', wires: [['made', 'dg']] },
    { id: 'made', type: 'helper' },
    { id: 'dg', type: 'tapi-digits', line: 'line1', wires: [['got'], ['timeouts']], ...digits },
    { id: 'got', type: 'helper' },
    { id: 'timeouts', type: 'helper' },
    { id: 'sim', type: 'tapi-simulate', line: 'line1', action: 'incoming', wires: [['simulated']] },
    { id: 'simulated', type: 'helper' },
    { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function load(digits: Record<string, unknown>, line: Record<string, unknown> = {}) {
  await helper.load(nodes, flow(digits, line));
  const r = {
    got: collector(helper.getNode('got')),
    timeouts: collector(helper.getNode('timeouts')),
    made: collector(helper.getNode('made')),
    simulated: collector(helper.getNode('simulated')),
    caught: collector(helper.getNode('caught')),
  };
  await waitFor(() => helper.getNode('line1').shared.state === 'open', 5000, 'the line open');
  return { ...r, sim: (activeTapis()[0] as OpenedTapi).simulator! };
}

const COLLECT = {
  mode: 'collect',
  maxDigits: '8',
  maxDigitsType: 'num',
  terminators: '#',
  terminatorsType: 'str',
  firstTimeout: '3',
  firstTimeoutType: 'num',
  interTimeout: '2',
  interTimeoutType: 'num',
};

describe('digits node', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  it('collect: 5550108 presses 1234# -> payload "1234", digits "1234#", termination termdigit, msg.call', async () => {
    const r = await load(COLLECT);
    helper.getNode('mk').receive({ payload: '5550108' });
    await waitFor(() => r.got.length > 0, 8000, 'the digits');
    assert.equal(r.got[0].payload, '1234');
    assert.equal(r.got[0].digits, '1234#');
    assert.equal(r.got[0].termination, 'termdigit');
    assert.equal(r.got[0].call.id, r.made[0].call.id);
    assert.equal(r.timeouts.length, 0);
  });

  it('collect: up to 2 digits -> "12", termination bufferfull', async () => {
    const r = await load({ ...COLLECT, maxDigits: '2' });
    helper.getNode('mk').receive({ payload: '5550108' });
    await waitFor(() => r.got.length > 0, 8000, 'the digits');
    assert.equal(r.got[0].payload, '12');
    assert.equal(r.got[0].termination, 'bufferfull');
  });

  it('collect: nobody presses -> firsttimeout on the second output; with "same output" on the first', async () => {
    const r = await load({ ...COLLECT, firstTimeout: '1' });
    helper.getNode('mk').receive({ payload: '5550100' });
    await waitFor(() => r.timeouts.length > 0, 8000, 'the timeout');
    assert.equal(r.timeouts[0].termination, 'firsttimeout');
    assert.equal(r.timeouts[0].payload, '');
    assert.equal(r.got.length, 0);
    await helper.unload();
    const s = await load({ ...COLLECT, firstTimeout: '1', timeoutOutput: 'same' });
    helper.getNode('mk').receive({ payload: '5550100' });
    await waitFor(() => s.got.length > 0, 8000, 'the timeout on the same output');
    assert.equal(s.got[0].termination, 'firsttimeout');
  });

  it('collect: the caller stops after some keys -> intertimeout with what came', async () => {
    const r = await load({ ...COLLECT, interTimeout: '1', firstTimeout: '0' });
    helper.getNode('mk').receive({ payload: '5550100' });
    await waitFor(() => r.made.length > 0, 5000, 'the call');
    await waitFor(() => statusesOf(helper.getNode('dg')).some((s) => s.fill === 'yellow'), 5000, 'collecting');
    r.sim.remoteDigits(r.made[0].call.handle, '42', { interDigitMs: 0 });
    await waitFor(() => r.timeouts.length > 0, 8000, 'the timeout');
    assert.equal(r.timeouts[0].termination, 'intertimeout');
    assert.equal(r.timeouts[0].payload, '42');
  });

  it('collect: a call that ends while collecting -> termination cancel with the end reason', async () => {
    const r = await load({ ...COLLECT, firstTimeout: '0', interTimeout: '0' });
    helper.getNode('mk').receive({ payload: '5550100' });
    await waitFor(() => r.made.length > 0, 5000, 'the call');
    await waitFor(() => statusesOf(helper.getNode('dg')).some((s) => s.fill === 'yellow'), 5000, 'collecting');
    r.sim.remoteHangup(r.made[0].call.handle, 'NORMAL');
    await waitFor(() => r.timeouts.length > 0, 8000, 'the cancelled collection');
    assert.equal(r.timeouts[0].termination, 'cancel');
    assert.equal(r.timeouts[0].reason, 'normal');
  });

  it('collect is refused on an unknown call and on a msg.call that names no call (named errors)', async () => {
    const r = await load(COLLECT);
    helper.getNode('dg').receive({ call: { id: 'nope' } });
    await waitFor(() => r.caught.length > 0, 5000, 'the error');
    assert.equal(codeOf(r.caught[0].error), 'LINEERR_INVALCALLHANDLE');
    helper.getNode('dg').receive({ call: 42 });
    await waitFor(() => r.caught.length > 1, 5000, 'the second error');
    assert.equal(codeOf(r.caught[1].error), 'ERR_TAPI_VALIDATION');
  });

  it('collect on a call the line only monitors: LINEERR_NOTOWNER naming the state', async () => {
    const r = await load(COLLECT, { privileges: 'monitor' });
    helper.getNode('sim').receive({ payload: { callerId: '5551234', ringSeconds: 0 } });
    await waitFor(() => r.simulated.length > 0, 5000, 'the incoming call');
    helper.getNode('dg').receive({ call: r.simulated[0].call });
    await waitFor(() => r.caught.length > 0, 5000, 'the refusal');
    assert.equal(codeOf(r.caught[0].error), 'LINEERR_NOTOWNER');
    assert.match(r.caught[0].error.message, /only monitors the call \(the call is offering/);
  });

  it('every digit for the call in msg.call: one message per key', async () => {
    const r = await load({ mode: 'every', scope: 'call' });
    helper.getNode('mk').receive({ payload: '5550108' });
    await waitFor(() => r.got.length >= 5, 8000, 'five digits');
    assert.deepEqual(
      r.got.map((m) => m.payload),
      ['1', '2', '3', '4', '#'],
    );
    assert.equal(r.got[0].mode, 'dtmf');
    assert.equal(r.got[0].call.id, r.made[0].call.id);
  });

  it('every digit for every call on the line, with no input', async () => {
    const r = await load({ mode: 'every', scope: 'line' });
    // make call's output goes to the digits node too; in this mode its input is ignored.
    helper.getNode('mk').receive({ payload: '5550108' });
    await waitFor(() => r.got.length >= 5, 8000, 'five digits');
    assert.deepEqual(
      r.got.map((m) => m.payload),
      ['1', '2', '3', '4', '#'],
    );
  });
});

describe('simulate node', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  it('incoming: a caller rings the line (caller id), msg.call is the offering call; then digits, tone, fax, hangup', async () => {
    const r = await load({ mode: 'every', scope: 'call' });
    helper.getNode('sim').receive({ payload: { callerId: '5551234', callerIdName: 'Ann', ringSeconds: 0 } });
    await waitFor(() => r.simulated.length > 0, 5000, 'the incoming call');
    const call = r.simulated[0].call;
    const line = helper.getNode('line1').shared.line;
    const held = line.calls.find((c: { id: string }) => c.id === call.id);
    assert.equal(held.state, 'offering');
    assert.equal(held.info.callerId, '5551234');
    assert.equal(held.info.callerIdName, 'Ann');
    await held.answer();
    helper.getNode('dg').receive({ call });
    await sleep(20);
    helper.getNode('sim').receive({ action: 'digits', payload: '9#', call });
    await waitFor(() => r.got.length >= 2, 5000, 'the keys');
    assert.deepEqual(
      r.got.map((m) => m.payload),
      ['9', '#'],
    );
    for (const action of ['tone', 'fax']) helper.getNode('sim').receive({ action, call });
    helper.getNode('sim').receive({ action: 'hangup', call });
    await waitFor(() => r.simulated.length >= 5, 5000, 'every action sent on');
    assert.ok(r.simulated.every((m) => m.call.id === call.id));
    await waitFor(() => !line.calls.some((c: { id: string }) => c.id === call.id), 5000, 'the call gone');
    assert.equal(r.caught.length, 0);
  });

  it('incoming with digits: the caller presses them once answered', async () => {
    const r = await load(COLLECT);
    helper.getNode('sim').receive({ payload: { callerId: '5551234', digits: '7#', ringSeconds: 0 } });
    await waitFor(() => r.simulated.length > 0, 5000, 'the incoming call');
    const call = r.simulated[0].call;
    await helper
      .getNode('line1')
      .shared.line.calls.find((c: { id: string }) => c.id === call.id)
      .answer();
    helper.getNode('dg').receive({ call });
    await waitFor(() => r.got.length > 0, 5000, 'the digits');
    assert.equal(r.got[0].payload, '7');
  });

  it('bad input is a named error: unknown action, keys that are not digits, no call', async () => {
    const r = await load(COLLECT);
    helper.getNode('sim').receive({ action: 'explode' });
    helper.getNode('sim').receive({ action: 'digits', payload: 'xy', call: { id: 'nope' } });
    helper.getNode('sim').receive({ action: 'hangup' });
    await waitFor(() => r.caught.length >= 3, 5000, 'three errors');
    assert.deepEqual(
      r.caught.map((m) => codeOf(m.error)).sort(),
      ['ERR_TAPI_VALIDATION', 'ERR_TAPI_VALIDATION', 'LINEERR_INVALCALLHANDLE'].sort(),
    );
  });

  it('refuses a line on another provider: LINEERR_OPERATIONUNAVAIL and a grey status', async () => {
    await helper.load(nodes, [
      { id: 'line1', type: 'tapi-line', provider: 'win32', line: '', privileges: 'owner' },
      { id: 'sim', type: 'tapi-simulate', line: 'line1', action: 'incoming', wires: [[]] },
      { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const caught = collector(helper.getNode('caught'));
    helper.getNode('sim').receive({ payload: {} });
    await waitFor(() => caught.length > 0, 5000, 'the refusal');
    assert.equal(codeOf(caught[0].error), 'LINEERR_OPERATIONUNAVAIL');
    assert.match(caught[0].error.message, /simulator only/);
    const last = statusesOf(helper.getNode('sim')).pop();
    assert.equal(last?.fill, 'grey');
  });
});
