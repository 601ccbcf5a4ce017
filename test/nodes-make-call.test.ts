// make-call in a flow, against the simulated exchange: message shapes for every test number, sendWhen,
// timers, errors routed to Catch nodes with err.code, status sequence, defaults.
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

const PAYLOAD_KEYS = ['address', 'callId', 'connected', 'connectedAt', 'durationMs', 'endedAt', 'outcome', 'reason', 'startedAt', 'state'];

function flow(makeCall: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Msg[] {
  return [
    lineDef('line1', line),
    { id: 'call1', type: 'tapi-make-call', line: 'line1', sendWhen: 'ended', wires: [['out']], ...makeCall },
    { id: 'out', type: 'helper' },
    { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function callOnce(payload: unknown, makeCall: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Promise<Msg> {
  await helper.load(allNodes, flow(makeCall, line));
  const out = collector(helper.getNode('out'));
  const caught = collector(helper.getNode('caught'));
  helper.getNode('call1').receive({ payload, topic: 'kept' });
  await waitFor(() => out.length > 0 || caught.length > 0, 10000, 'a message');
  if (caught.length) throw new Error(`unexpected error ${caught[0].error.code}: ${caught[0].error.message}`);
  return out[0];
}

async function errorFor(payload: unknown, makeCall: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Promise<Msg> {
  await helper.load(allNodes, flow(makeCall, line));
  const out = collector(helper.getNode('out'));
  const caught = collector(helper.getNode('caught'));
  helper.getNode('call1').receive({ payload, topic: 'kept' });
  await waitFor(() => caught.length > 0 || out.length > 0, 10000, 'an error');
  assert.equal(out.length, 0, 'no call message for a failed call');
  return caught[0];
}

describe('make-call node', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  describe('outcome of every simulator test number (sendWhen ended, timeScale 0)', () => {
    const cases: Array<[string, string, string, boolean]> = [
      ['5550101', 'busy', 'busy', false],
      ['5550102', 'noanswer', 'noanswer', false],
      ['5550103', 'reject', 'reject', false],
      ['5550104', 'unreachable', 'unreachable', false],
      ['5550105', 'badaddress', 'badaddress', false],
      ['5550106', 'connected', 'normal', true],
      ['5550107', 'congestion', 'congestion', false],
    ];
    for (const [number, outcome, reason, connected] of cases) {
      it(`${number} -> ${outcome}`, async () => {
        const msg = await callOnce(number);
        assert.equal(msg.topic, 'kept', 'the input message travels on');
        assert.deepEqual(Object.keys(msg.payload).sort(), PAYLOAD_KEYS);
        const p = msg.payload;
        assert.equal(p.address, number);
        assert.equal(p.outcome, outcome);
        assert.equal(p.reason, reason);
        assert.equal(p.connected, connected);
        assert.equal(p.state, 'idle', 'sent once the call is idle');
        assert.equal(typeof p.callId, 'string');
        assert.ok(!Number.isNaN(Date.parse(p.startedAt)));
        assert.ok(!Number.isNaN(Date.parse(p.endedAt)));
        assert.equal(p.connectedAt === null, !connected);
        assert.equal(typeof p.durationMs, 'number');
        assert.deepEqual(Object.keys(msg.call).sort(), ['deviceId', 'handle', 'id', 'line']);
        assert.equal(msg.call.id, p.callId);
        assert.equal(msg.call.line, 'Simulated Line 1');
        assert.equal(msg.call.deviceId, 0);
        assert.ok(msg.call.handle > 0);
        // The node dropped what the far end left and deallocated the handle.
        await waitFor(() => outstanding().calls === 0 && outstanding().modelCalls === 0, 3000, 'no call handle left');
      });
    }

    it('5550100 -> connected (sendWhen connected), and stays up until the flow stops', async () => {
      const msg = await callOnce('5550100', { sendWhen: 'connected' });
      assert.equal(msg.payload.outcome, 'connected');
      assert.equal(msg.payload.state, 'connected');
      assert.equal(msg.payload.connected, true);
      assert.equal(msg.payload.reason, null);
      assert.equal(msg.payload.endedAt, null);
      assert.ok(msg.payload.connectedAt);
      assert.equal(outstanding().calls, 1, 'the call is still up');
    });

    it('5550106 with sendWhen connected sends at connected, once', async () => {
      await helper.load(allNodes, flow({ sendWhen: 'connected' }));
      const out = collector(helper.getNode('out'));
      helper.getNode('call1').receive({ payload: '5550106' });
      await waitFor(() => out.length > 0, 5000, 'a message');
      assert.equal(out[0].payload.outcome, 'connected');
      assert.equal(out[0].payload.state, 'connected');
      await waitFor(
        () => outstanding().calls === 0 && outstanding().modelCalls === 0,
        5000,
        'the far end hangs up and the call is released',
      );
      await sleep(50);
      assert.equal(out.length, 1, 'one message per call');
    });

    it('sendWhen connected sends at the end for a call that never connects', async () => {
      const msg = await callOnce('5550101', { sendWhen: 'connected' });
      assert.equal(msg.payload.outcome, 'busy');
      assert.equal(msg.payload.state, 'idle');
    });

    it('sendWhen placed sends as soon as TAPI accepted the call, outcome still unknown', async () => {
      const msg = await callOnce('5550101', { sendWhen: 'placed' });
      assert.equal(msg.payload.outcome, null);
      assert.equal(msg.payload.reason, null);
      assert.equal(msg.payload.endedAt, null);
      assert.equal(msg.payload.connected, false);
      await waitFor(() => outstanding().calls === 0, 3000, 'the busy call is released anyway');
    });
  });

  describe('input forms and parameters', () => {
    it('accepts { address, countryCode, params } in msg.payload', async () => {
      const msg = await callOnce({ address: '5550107', countryCode: 1, params: { blockId: true, mediaMode: 'interactivevoice' } });
      assert.equal(msg.payload.outcome, 'congestion');
      assert.equal(msg.payload.address, '5550107');
    });

    it('accepts a number as payload', async () => {
      const msg = await callOnce(5550104);
      assert.equal(msg.payload.outcome, 'unreachable');
    });

    it('reads the number from a fixed string when destinationType is str', async () => {
      const msg = await callOnce('ignored', { destination: '5550103', destinationType: 'str' });
      assert.equal(msg.payload.outcome, 'reject');
      assert.equal(msg.payload.address, '5550103');
    });

    it('passes node call parameters (bearer, media, block caller id)', async () => {
      const msg = await callOnce('5550101', { bearerMode: 'voice', mediaMode: 'interactivevoice', blockCallerId: true, countryCode: '44' });
      assert.equal(msg.payload.outcome, 'busy');
    });
  });

  describe('several calls at once', () => {
    it('sends one message per call, each with its own call id and outcome', async () => {
      await helper.load(allNodes, flow());
      const out = collector(helper.getNode('out'));
      const node = helper.getNode('call1');
      for (const n of ['5550101', '5550103', '5550107']) node.receive({ payload: n, topic: n });
      await waitFor(() => out.length === 3, 8000, 'three results');
      const byTopic = Object.fromEntries(out.map((m) => [m.topic, m.payload]));
      assert.equal(byTopic['5550101'].outcome, 'busy');
      assert.equal(byTopic['5550103'].outcome, 'reject');
      assert.equal(byTopic['5550107'].outcome, 'congestion');
      assert.equal(new Set(out.map((m) => m.payload.callId)).size, 3);
      await waitFor(() => outstanding().calls === 0, 3000, 'all released');
    });
  });

  describe('timers', () => {
    it('noAnswerTimeout drops a ringing call: outcome noanswer, reason noanswertimeout', async () => {
      const msg = await callOnce('5550102', { noAnswerTimeout: 0.3 }, { simulatorTimeScale: 0.05 });
      assert.equal(msg.payload.outcome, 'noanswer');
      assert.equal(msg.payload.reason, 'noanswertimeout');
      assert.equal(msg.payload.connected, false);
      assert.equal(msg.payload.state, 'idle');
    });

    it('maxDuration drops a connected call: outcome connected, reason maxduration', async () => {
      const msg = await callOnce('5550100', { maxDuration: 0.2 });
      assert.equal(msg.payload.outcome, 'connected');
      assert.equal(msg.payload.reason, 'maxduration');
      assert.ok(msg.payload.durationMs >= 150, `durationMs ${msg.payload.durationMs}`);
      await waitFor(() => outstanding().calls === 0, 3000, 'call released');
    });
  });

  describe('errors reach Catch nodes with err.code', () => {
    it('invalid address (? prompt) -> LINEERR_DIALPROMPT', async () => {
      const m = await errorFor('12?3');
      assert.equal(m.error.code, 'LINEERR_DIALPROMPT');
      assert.equal(m.error.source.id, 'call1');
      assert.equal(m.topic, 'kept');
    });

    it('W on a line that cannot wait for dial tone -> LINEERR_DIALDIALTONE', async () => {
      const m = await errorFor('9W5550100', {}, { line: 'Simulated Analog Line' });
      assert.equal(m.error.code, 'LINEERR_DIALDIALTONE');
    });

    it('a number blocked by the dial policy -> LINEERR_ADDRESSBLOCKED', async () => {
      const m = await errorFor('1900555', {}, { dialPolicyDeny: '# premium\n1900.' });
      assert.equal(m.error.code, 'LINEERR_ADDRESSBLOCKED');
      assert.equal(outstanding().calls, 0);
    });

    it('a number outside the allow list -> LINEERR_ADDRESSBLOCKED', async () => {
      const m = await errorFor('5550101', {}, { dialPolicyAllow: '555010[4-7]' });
      assert.equal(m.error.code, 'LINEERR_ADDRESSBLOCKED');
    });

    it('an invalid dial policy pattern -> ERR_TAPI_VALIDATION naming the pattern, red status', async () => {
      const m = await errorFor('5550101', {}, { dialPolicyDeny: '12.3' });
      assert.equal(m.error.code, 'ERR_TAPI_VALIDATION');
      assert.match(m.error.message, /12\.3/);
      const statuses = statusesOf(helper.getNode('call1'));
      assert.equal(statuses[statuses.length - 1].fill, 'red');
    });

    it('no number -> LINEERR_INVALADDRESS', async () => {
      const m = await errorFor({ nothing: true });
      assert.equal(m.error.code, 'LINEERR_INVALADDRESS');
    });

    it('a line name that does not exist -> LINEERR_BADDEVICEID', async () => {
      const m = await errorFor('5550100', {}, { line: 'No Such Line' });
      assert.equal(m.error.code, 'LINEERR_BADDEVICEID');
    });

    it('the win32 provider off Windows -> a LINEERR code, grey status, no crash', async function () {
      if (process.platform === 'win32') {
        // Platform reason: on Windows the win32 provider has Tapi32.dll by default, so there is no unavailable provider to see.
        this.test!.title += ' (skipped on win32: Tapi32.dll is the default there)';
        this.skip();
      }
      const m = await errorFor('5550100', {}, { provider: 'win32' });
      assert.match(m.error.code, /^LINEERR_/);
    });

    it('a make-call without a line configuration -> LINEERR_INVALLINEHANDLE', async () => {
      await helper.load(allNodes, [
        { id: 'call1', type: 'tapi-make-call', wires: [['out']] },
        { id: 'out', type: 'helper' },
        { id: 'catch1', type: 'catch', scope: null, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ]);
      const caught = collector(helper.getNode('caught'));
      helper.getNode('call1').receive({ payload: '5550100' });
      await waitFor(() => caught.length > 0, 3000, 'error');
      assert.equal(caught[0].error.code, 'LINEERR_INVALLINEHANDLE');
    });
  });

  describe('status', () => {
    it('line open, then the call progress, then the outcome', async () => {
      await helper.load(allNodes, flow());
      const node = helper.getNode('call1');
      const out = collector(helper.getNode('out'));
      await waitFor(() => statusesOf(node).some((s) => /status\.open/.test(s.text)), 3000, 'line open status');
      node.receive({ payload: '5550101' });
      await waitFor(() => out.length > 0, 5000, 'result');
      await sleep(20);
      const statuses = statusesOf(node);
      const texts = statuses.map((s) => s.text);
      const open = texts.findIndex((t) => /tapi-line\.status\.open$/.test(t));
      const busy = texts.findIndex((t) => /make-call\.state\.busy$/.test(t));
      const ended = texts.findIndex((t) => /make-call\.outcome\.busy$/.test(t));
      assert.ok(open >= 0 && busy > open && ended > busy, texts.join(' | '));
      assert.deepEqual(statuses[open], { fill: 'green', shape: 'dot', text: statuses[open].text });
      assert.equal(statuses[busy].fill, 'yellow');
      assert.equal(statuses[busy].shape, 'ring');
      for (const s of statuses) assert.ok(['green', 'yellow', 'red', 'grey'].includes(s.fill), JSON.stringify(s));
    });

    it('a failed call shows a red ring', async () => {
      await helper.load(allNodes, flow());
      const node = helper.getNode('call1');
      const caught = collector(helper.getNode('caught'));
      node.receive({ payload: '12?3' });
      await waitFor(() => caught.length > 0, 3000, 'error');
      await sleep(20);
      const statuses = statusesOf(node);
      assert.deepEqual(statuses[statuses.length - 1].fill, 'red');
      assert.deepEqual(statuses[statuses.length - 1].shape, 'ring');
    });

    it('an unavailable line shows a grey ring on every node using it', async function () {
      if (process.platform === 'win32') {
        // Platform reason: on Windows the win32 provider has Tapi32.dll by default, so there is no unavailable provider to see.
        this.test!.title += ' (skipped on win32: Tapi32.dll is the default there)';
        this.skip();
      }
      await helper.load(allNodes, [
        lineDef('line1', { provider: 'win32' }),
        { id: 'call1', type: 'tapi-make-call', line: 'line1', wires: [] },
        { id: 'state1', type: 'tapi-call-state', line: 'line1', wires: [] },
      ]);
      for (const id of ['call1', 'state1']) {
        const node = helper.getNode(id);
        await waitFor(() => statusesOf(node).some((s) => s.fill === 'grey' && s.shape === 'ring'), 3000, `grey ring on ${id}`);
      }
    });
  });

  describe('defaults', () => {
    it('works with only the required properties (runtime defaults = editor defaults)', async () => {
      await helper.load(allNodes, [
        { id: 'line1', type: 'tapi-line' },
        { id: 'call1', type: 'tapi-make-call', line: 'line1', wires: [['out']] },
        { id: 'out', type: 'helper' },
        { id: 'catch1', type: 'catch', scope: null, wires: [['caught']] },
        { id: 'caught', type: 'helper' },
      ]);
      const out = collector(helper.getNode('out'));
      const caught = collector(helper.getNode('caught'));
      helper.getNode('call1').receive({ payload: '5550107' });
      await waitFor(() => out.length > 0 || caught.length > 0, 10000, 'a message');
      assert.equal(caught.length, 0, caught[0]?.error?.message);
      // Default sendWhen is connected: a call that never connects is reported when it ends.
      assert.equal(out[0].payload.outcome, 'congestion');
      assert.equal(out[0].payload.state, 'idle');
    });
  });

  describe('lifecycle', () => {
    it('stopping the flow drops and deallocates calls in progress', async () => {
      await callOnce('5550100', { sendWhen: 'placed' }, { simulatorTimeScale: 1 });
      assert.equal(outstanding().calls, 1);
      // afterEach unloads and checks that no Tapi (and so no line or call) is left.
    });

    it('repeated redeploys leave no open line or call behind', async () => {
      const f = flow({ sendWhen: 'placed' }, { simulatorTimeScale: 1 });
      await helper.load(allNodes, f);
      for (let i = 0; i < 5; i++) {
        const out = collector(helper.getNode('out'));
        helper.getNode('call1').receive({ payload: '5550100' });
        helper.getNode('call1').receive({ payload: '5550102' });
        await waitFor(() => out.length === 2, 5000, 'two calls placed');
        const before = outstanding();
        assert.equal(before.calls, 2, JSON.stringify(before));
        assert.equal(before.lines, 1, JSON.stringify(before));
        // A full redeploy with a changed line node: the old line and its calls must go.
        const next = f.map((n) => (n.id === 'line1' ? { ...n, name: `deploy ${i}` } : n));
        await helper.setFlows(next);
        await waitFor(() => outstanding().calls === 0 && outstanding().lines <= 1, 5000, 'old calls gone');
        const after = outstanding();
        assert.equal(after.calls, 0, JSON.stringify(after));
        assert.equal(after.modelCalls, 0, JSON.stringify(after));
        assert.ok(after.tapis <= 1, JSON.stringify(after));
      }
    });
  });
});
