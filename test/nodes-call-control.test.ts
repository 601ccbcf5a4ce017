// call control in a flow, on the simulator: every action on incoming and outgoing calls, each refusal path
// (wrong state, monitor handle, unknown call, no destination, hostile message) and a call that ends mid-action.
import assert from 'node:assert/strict';
import { codeOf } from './nodes-catch';
import type { OpenedTapi } from '../lib/tapi';
import { activeTapis } from '../nodes/lib/tapi-registry';
import { allNodes, collector, helper, lineDef, outstanding, statusesOf, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

import callControlNode from '../nodes/call-control';
const nodes = [...allNodes, callControlNode];

function flow(cc: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Msg[] {
  return [
    lineDef('line1', { privileges: 'owner', ...line }),
    { id: 'states', type: 'tapi-call-state', line: 'line1', states: ['offering'], wires: [['offered']] },
    { id: 'offered', type: 'helper' },
    { id: 'mk', type: 'tapi-make-call', line: 'line1', sendWhen: 'connected', wires: [['made']] },
    { id: 'made', type: 'helper' },
    {
      id: 'cc',
      type: 'tapi-call-control',
      line: 'line1',
      action: 'action',
      actionType: 'msg',
      destination: 'destination',
      destinationType: 'msg',
      digits: 'digits',
      digitsType: 'msg',
      wires: [['out']],
      ...cc,
    },
    { id: 'out', type: 'helper' },
    { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

interface Rig {
  monitored: Msg[];
  out: Msg[];
  caught: Msg[];
  offered: Msg[];
  made: Msg[];
  sim: NonNullable<OpenedTapi['simulator']>;
  /** Sends msg to the call control node; resolves with its output or rejects with the caught error. */
  act(msg: Msg): Promise<Msg>;
  incoming(options?: Record<string, unknown>): Promise<Msg['call']>;
  outgoing(number?: string): Promise<Msg['call']>;
}

let tag = 0;

async function rig(cc: Record<string, unknown> = {}, line: Record<string, unknown> = {}, monitorLine = false): Promise<Rig> {
  const nodesOfFlow = flow(cc, line);
  if (monitorLine) {
    nodesOfFlow.push(
      lineDef('line2', { privileges: 'monitor' }),
      { id: 'states2', type: 'tapi-call-state', line: 'line2', wires: [['monitored']] },
      { id: 'monitored', type: 'helper' },
      { id: 'cc2', type: 'tapi-call-control', line: 'line2', action: 'action', actionType: 'msg', wires: [['out']] },
    );
  }
  await helper.load(nodes, nodesOfFlow);
  const monitored = monitorLine ? collector(helper.getNode('monitored')) : [];
  if (monitorLine) await waitFor(() => helper.getNode('line2').shared.state === 'open', 5000, 'the monitoring line open');
  const out = collector(helper.getNode('out'));
  const caught = collector(helper.getNode('caught'));
  const offered = collector(helper.getNode('offered'));
  const made = collector(helper.getNode('made'));
  // The line opens on first use: wait for the Tapi behind it.
  const tapi = await waitFor(() => activeTapis()[0] as OpenedTapi | undefined, 5000, 'the Tapi');
  await waitFor(() => helper.getNode('line1').shared.state === 'open', 5000, 'the line open');
  const sim = tapi.simulator!;
  return {
    monitored,
    out,
    caught,
    offered,
    made,
    sim,
    async act(msg: Msg) {
      const topic = `t${++tag}`;
      const { via, ...rest } = msg;
      helper.getNode(via ?? 'cc').receive({ ...rest, topic });
      const got = await waitFor(
        () => out.find((m) => m.topic === topic) ?? caught.find((m) => m.topic === topic),
        10000,
        `the outcome of ${msg.action}`,
      );
      if (got.error) throw Object.assign(new Error(got.error.message), { code: codeOf(got.error) });
      return got;
    },
    async incoming(options = {}) {
      const before = offered.length;
      sim.presentIncomingCall({ callerId: '5551234', ringSeconds: 0, ...options });
      await waitFor(() => offered.length > before, 5000, 'an offering call');
      return offered[offered.length - 1].call;
    },
    async outgoing(number = '5550100') {
      const before = made.length;
      helper.getNode('mk').receive({ payload: number });
      await waitFor(() => made.length > before, 5000, 'a connected call');
      return made[made.length - 1].call;
    },
  };
}

function lineCall(id: string) {
  return helper.getNode('line1').shared.line.calls.find((c: { id: string }) => c.id === id);
}

describe('call control node', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  it('answers an offering call (configured action) with { action, callId, state, ok } and shows it in the status', async () => {
    const r = await rig({ action: 'answer', actionType: 'tapi-action' });
    const call = await r.incoming();
    const msg = await r.act({ call, keep: 'me' });
    assert.deepEqual(msg.payload, { action: 'answer', callId: call.id, state: 'connected', ok: true });
    assert.equal(msg.keep, 'me', 'the input message travels on');
    assert.deepEqual(msg.call, call);
    assert.equal(lineCall(call.id).state, 'connected');
    const last = statusesOf(helper.getNode('cc')).pop();
    assert.deepEqual([last?.fill, last?.shape], ['green', 'dot']);
  });

  it('takes msg.call as a bare id string', async () => {
    const r = await rig();
    const call = await r.incoming();
    const msg = await r.act({ call: call.id, action: 'answer' });
    assert.equal(msg.payload.callId, call.id);
  });

  it('refuses hold on an offering call: LINEERR_INVALCALLSTATE naming the state, red status', async () => {
    const r = await rig();
    const call = await r.incoming();
    await assert.rejects(r.act({ call, action: 'hold' }), (err: Error & { code: string }) => {
      assert.equal(err.code, 'LINEERR_INVALCALLSTATE');
      assert.match(err.message, /LINEERR_INVALCALLSTATE: cannot hold a call in state offering/);
      return true;
    });
    const last = statusesOf(helper.getNode('cc')).pop()!;
    assert.equal(last.fill, 'red');
    assert.equal(lineCall(call.id).state, 'offering', 'nothing was done to the call');
  });

  it('an unknown call id, an ended call and a missing msg.call are named errors', async () => {
    const r = await rig();
    await assert.rejects(r.act({ call: { id: 'no-such-call' }, action: 'answer' }), (err: Error & { code: string }) => {
      assert.equal(err.code, 'LINEERR_INVALCALLHANDLE');
      assert.match(err.message, /holds no call no-such-call/);
      return true;
    });
    const call = await r.outgoing();
    await r.act({ call, action: 'hangup' });
    await assert.rejects(r.act({ call, action: 'hold' }), /LINEERR_INVALCALLHANDLE/);
    await assert.rejects(r.act({ action: 'hold' }), (err: Error & { code: string }) => {
      assert.equal(err.code, 'ERR_TAPI_VALIDATION');
      assert.match(err.message, /msg\.call/);
      return true;
    });
    await assert.rejects(r.act({ call, action: 'fly' }), /unknown action "fly"/);
  });

  it('accept, then answer; reject an offering call', async () => {
    const r = await rig();
    const call = await r.incoming();
    assert.equal((await r.act({ call, action: 'accept' })).payload.state, 'accepted');
    assert.equal((await r.act({ call, action: 'answer' })).payload.state, 'connected');
    const second = await r.incoming({ callerId: '5559999' });
    await r.act({ call: second, action: 'reject' });
    await waitFor(() => !lineCall(second.id), 5000, 'the rejected call released');
    await assert.rejects(r.act({ call, action: 'reject' }), /cannot reject a call in state connected/);
  });

  it('hold and unhold a connected call; unhold of a connected call is refused', async () => {
    const r = await rig();
    const call = await r.outgoing();
    assert.equal((await r.act({ call, action: 'hold' })).payload.state, 'onhold');
    assert.equal((await r.act({ call, action: 'unhold' })).payload.state, 'connected');
    await assert.rejects(r.act({ call, action: 'unhold' }), /LINEERR_INVALCALLSTATE: cannot unhold a call in state connected/);
  });

  it('hangup drops and releases the call', async () => {
    const r = await rig();
    const call = await r.outgoing();
    const msg = await r.act({ call, action: 'hangup' });
    assert.equal(msg.payload.state, 'idle');
    assert.equal(lineCall(call.id), undefined);
  });

  it('a monitor handle cannot hang up or hold (LINEERR_NOTOWNER); take ownership, then monitor only again', async () => {
    const r = await rig({}, {}, true);
    const call = await r.outgoing();
    const monitored = await waitFor(() => r.monitored.find((m) => m.payload.state === 'connected'), 5000, 'the monitored call');
    const m = { ...monitored.call };
    assert.notEqual(m.id, call.id, 'the monitoring line has its own handle');
    await assert.rejects(r.act({ call: m, action: 'hangup', via: 'cc2' }), /LINEERR_NOTOWNER: cannot hangup a call in state connected/);
    await assert.rejects(r.act({ call: m, action: 'hold', via: 'cc2' }), /LINEERR_NOTOWNER: cannot hold/);
    await r.act({ call: m, action: 'take ownership', via: 'cc2' });
    const mine = helper.getNode('line2').shared.line.calls.find((c: { id: string }) => c.id === m.id);
    assert.equal(mine.privilege, 'owner');
    await r.act({ call: m, action: 'monitor only', via: 'cc2' });
    assert.equal(mine.privilege, 'monitor');
    // The sole owner of a live call cannot become a monitor.
    await assert.rejects(
      r.act({ call, action: 'monitor only' }),
      /LINEERR_INVALCALLSTATE: cannot give up ownership of a call in state connected/,
    );
  });

  it('transfer (blind) a connected call; the destination passes the dial policy', async () => {
    const r = await rig({}, { dialPolicyDeny: '5550199' });
    const call = await r.outgoing();
    await assert.rejects(r.act({ call, action: 'transfer', destination: '5550199' }), /LINEERR_ADDRESSBLOCKED|blocked/i);
    await assert.rejects(r.act({ call, action: 'transfer' }), /LINEERR_INVALADDRESS: cannot transfer .*no destination/);
    const msg = await r.act({ call, action: 'transfer', destination: '5550100' });
    assert.equal(msg.payload.ok, true);
    await waitFor(() => !lineCall(call.id), 5000, 'the transferred call gone');
  });

  it('redirect an offering call; redirect of a connected call is refused', async () => {
    const r = await rig();
    const call = await r.incoming();
    await r.act({ call, action: 'redirect', destination: '5550123' });
    await waitFor(() => !lineCall(call.id), 5000, 'the redirected call gone');
    const other = await r.outgoing();
    await assert.rejects(
      r.act({ call: other, action: 'redirect', destination: '5550123' }),
      /LINEERR_INVALCALLSTATE: cannot redirect a call in state connected/,
    );
  });

  it('consult, then complete as transfer (with either call), or give the consultation up when it fails', async () => {
    const r = await rig({ completeMode: 'transfer' });
    const call = await r.outgoing();
    await assert.rejects(r.act({ call, action: 'complete' }), /no consultation to complete/);
    const consulted = await r.act({ call, action: 'consult', destination: '5550100' });
    assert.equal(consulted.payload.state, 'onholdpendtransfer');
    assert.equal(lineCall(consulted.payload.otherCallId).state, 'connected');
    assert.equal(consulted.otherCall.id, consulted.payload.otherCallId);
    await r.act({ call: consulted.otherCall, action: 'complete' });
    await waitFor(() => !lineCall(call.id) && !lineCall(consulted.payload.otherCallId), 5000, 'both calls gone');

    const second = await r.outgoing();
    await assert.rejects(r.act({ call: second, action: 'consult', destination: '5550101' }), /ended \(busy\) before it was answered/);
    await waitFor(() => lineCall(second.id)?.state === 'connected', 5000, 'the held call taken back');
  });

  it('consult: the held caller hangs up while the colleague still rings -> a named error, the consultation given up', async () => {
    const r = await rig({}, { simulatorTimeScale: 0.05 });
    const call = await r.outgoing();
    const consulting = r.act({ call, action: 'consult', destination: '5550102' });
    await waitFor(() => lineCall(call.id)?.state === 'onholdpendtransfer', 5000, 'the call on hold');
    const consultCall = await waitFor(
      () =>
        helper.getNode('line1').shared.line.calls.find((c: { id: string; state: string }) => c.id !== call.id && c.state === 'ringback'),
      5000,
      'the consultation ringing',
    );
    r.sim.remoteHangup(call.handle, 'NORMAL');
    await assert.rejects(consulting, /LINEERR_INVALCALLHANDLE: cannot start a consultation from a call in state .*during consult/);
    await waitFor(() => consultCall.deallocated, 5000, 'the consultation call released');
  });

  it('consult, then complete as a conference', async () => {
    const r = await rig({ completeMode: 'conference' });
    const call = await r.outgoing();
    await r.act({ call, action: 'consult', destination: '5550100' });
    const done = await r.act({ call, action: 'complete' });
    assert.equal(done.payload.ok, true);
    assert.ok(done.otherCall, 'the conference call');
  });

  it('dial is refused on a connected call (it continues a partial dial only)', async () => {
    const r = await rig();
    const call = await r.outgoing();
    await assert.rejects(
      r.act({ call, action: 'dial', destination: '123' }),
      /LINEERR_INVALCALLSTATE: cannot dial a call in state connected/,
    );
  });

  it('send digits generates DTMF on the call; bad digits are LINEERR_INVALDIGITS', async () => {
    const r = await rig();
    const call = await r.outgoing();
    await r.act({ call, action: 'send digits', digits: '*1#' });
    assert.equal(r.sim.generated(call.handle).digits, '*1#');
    await assert.rejects(r.act({ call, action: 'senddigits', digits: 'xyz' }), /LINEERR_INVALDIGITS/);
  });

  it('tone plays a standard tone for the configured time', async () => {
    const r = await rig({ tone: 'busy', toneDuration: 0.5 });
    const call = await r.outgoing();
    await r.act({ call, action: 'tone' });
    const tones = r.sim.generated(call.handle).tones;
    assert.equal(tones.length, 1);
    assert.equal(tones[0].tone, 'busy');
    assert.equal(tones[0].durationMs, 500);
  });

  it('a call that ends mid-action: send digits to 5550109 (hangs up at the first digit) is an error naming the end', async () => {
    const r = await rig();
    const call = await r.outgoing('5550109');
    await assert.rejects(r.act({ call, action: 'send digits', digits: '123456789' }), (err: Error & { code: string }) => {
      assert.match(
        err.message,
        /LINEERR_(INVALCALLHANDLE|OPERATIONFAILED): cannot send digits on a call in state (disconnected|idle|ended) .*(ended \(normal\) during send digits|cancelled)/,
      );
      return true;
    });
    assert.equal(outstanding().requests, 0);
  });

  it('a hostile msg.call (throwing getter) is reported, not crashing Node-RED, and nothing is sent', async () => {
    const r = await rig();
    const msg: Msg = { action: 'answer' };
    Object.defineProperty(msg, 'call', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    helper.getNode('cc').receive(msg);
    await waitFor(() => r.caught.length > 0, 5000, 'the error');
    assert.equal(codeOf(r.caught[0].error), 'ERR_TAPI_VALIDATION');
    assert.equal(r.out.length, 0);
  });

  it('a message whose payload cannot be written (throwing setter): the action is done, the error reported, Node-RED unharmed', async () => {
    const r = await rig({ action: 'answer', actionType: 'tapi-action' });
    const call = await r.incoming();
    const msg: Msg = { call };
    Object.defineProperty(msg, 'payload', {
      enumerable: false,
      get: () => undefined,
      set: () => {
        throw new Error('no');
      },
    });
    helper.getNode('cc').receive(msg);
    await waitFor(() => lineCall(call.id)?.state === 'connected', 5000, 'the call answered');
    await waitFor(
      () => helper._NodePrototype.error.getCalls().some((c: { thisValue: unknown }) => c.thisValue === helper.getNode('cc')),
      5000,
      'the error reported',
    );
    assert.equal(r.out.length, 0);
  });

  it('without a line configuration: a named error', async () => {
    await helper.load(nodes, [
      { id: 'cc', type: 'tapi-call-control', action: 'hold', actionType: 'tapi-action', wires: [[]] },
      { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const caught = collector(helper.getNode('caught'));
    helper.getNode('cc').receive({ call: { id: 'x' } });
    await waitFor(() => caught.length > 0, 5000, 'the error');
    assert.equal(codeOf(caught[0].error), 'LINEERR_INVALLINEHANDLE');
  });
});
