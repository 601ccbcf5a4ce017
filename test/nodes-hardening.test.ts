// Issue 10 at the Node-RED level: make-call refuses incomplete and mangled numbers, survives a hostile
// msg.payload with a Catch node on the tab, reports a dial-tone timeout; the admin endpoint answers bad
// queries with 400 JSON; tapi-line reads its new properties.
import assert from 'node:assert/strict';
import { allNodes, collector, helper, lineDef, outstanding, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';
import { activeTapis } from '../nodes/lib/tapi-registry';
import { lineConfig } from '../nodes/lib/line-node';
import { parseDestination } from '../nodes/lib/messages';
import { CallTracker } from '../nodes/lib/call-tracker';
import { openTapi, type OpenedTapi } from '../lib/tapi';
import { codeOf } from './nodes-catch';

function flow(makeCall: Record<string, unknown> = {}, line: Record<string, unknown> = {}): Msg[] {
  return [
    lineDef('line1', { privileges: 'owner', ...line }),
    { id: 'call1', type: 'tapi-make-call', line: 'line1', sendWhen: 'ended', wires: [['out']], ...makeCall },
    { id: 'out', type: 'helper' },
    { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function errorFor(msg: Msg): Promise<Msg> {
  await helper.load(allNodes, flow());
  const out = collector(helper.getNode('out'));
  const caught = collector(helper.getNode('caught'));
  helper.getNode('call1').receive(msg);
  await waitFor(() => caught.length > 0 || out.length > 0, 10000, 'an error');
  assert.equal(out.length, 0, 'no call message');
  return caught[0];
}

describe('hardening (issue 10): nodes', function () {
  this.timeout(20000);

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  describe('(3) make-call refuses an incomplete number', function () {
    for (const payload of [';', '555;']) {
      it(`${JSON.stringify(payload)} -> LINEERR_INVALADDRESS saying how to dial in parts, no call left`, async function () {
        const caught = await errorFor({ payload, topic: 't' });
        assert.equal(codeOf(caught.error), 'LINEERR_INVALADDRESS');
        assert.match(caught.error.message, /in parts/);
        assert.equal(outstanding().calls, 0);
      });
    }

    it('five such messages in a row leave every call appearance free', async function () {
      await helper.load(allNodes, flow());
      const out = collector(helper.getNode('out'));
      const caught = collector(helper.getNode('caught'));
      for (let i = 0; i < 5; i++) helper.getNode('call1').receive({ payload: '555;' });
      await waitFor(() => caught.length === 5, 10000, 'five errors');
      helper.getNode('call1').receive({ payload: '5550101' });
      await waitFor(() => out.length === 1 || caught.length > 5, 10000, 'the call after them');
      assert.equal(out.length, 1, 'the next call is placed (no LINEERR_CALLUNAVAIL)');
      assert.equal(out[0].payload.outcome, 'busy');
    });
  });

  describe('(3) dial-tone timeout', function () {
    it('tapi-line reads accessCode and dialToneTimeout (default 30 s)', function () {
      assert.equal(lineConfig({}).dialToneTimeout, 30);
      assert.equal(lineConfig({ dialToneTimeout: '5' }).dialToneTimeout, 5);
      assert.equal(lineConfig({ accessCode: ' 9 ' }).dialPolicy.accessCode, '9');
    });

    it('a make-call output says reason "dialtonetimeout" when the line drops a call left in dial tone', async function () {
      const tapi = await openTapi({ provider: 'simulator', simulator: { timeScale: 0 } });
      try {
        const line = await tapi.openLine(0, { privileges: 'owner', dialToneTimeout: 0.05 });
        const call = await line.makeCall(null);
        const payload = await new Promise<Msg>((resolve) => {
          const tracker = new CallTracker(
            call,
            '',
            new Date(),
            { sendWhen: 'ended', noAnswerTimeout: 0, maxDuration: 0 },
            {
              send: (p) => resolve(p as unknown as Msg),
              progress: () => undefined,
              finished: () => undefined,
            },
          );
          tracker.start();
        });
        assert.equal(payload.reason, 'dialtonetimeout');
        assert.equal(payload.outcome, 'dropped');
        assert.equal(call.deallocated, true);
      } finally {
        await tapi.shutdown();
      }
    });
  });

  describe('(7) a call whose handle cannot be given back', function () {
    it('make-call still sends its message, and the line warns with the failing function', async function () {
      await helper.load(allNodes, flow());
      const out = collector(helper.getNode('out'));
      await waitFor(() => activeTapis()[0]?.simulator, 5000, 'the line to open');
      await waitFor(() => activeTapis()[0].openLineCount > 0, 5000, 'the line to open');
      const sim = (activeTapis()[0] as OpenedTapi).simulator!;
      for (let i = 0; i < 4; i++) sim.failNext('lineDeallocateCall', 'LINEERR_RESOURCEUNAVAIL');
      helper.getNode('call1').receive({ payload: '5550101' });
      await waitFor(() => out.length === 1, 10000, 'the call message although lineDeallocateCall kept failing');
      assert.equal(out[0].payload.outcome, 'busy');
      const warnings = helper._NodePrototype.warn.getCalls().filter((c: { thisValue: unknown }) => c.thisValue === helper.getNode('line1'));
      assert.ok(
        warnings.some((c: { args: unknown[] }) => /lineDeallocateCall failed after 4 attempts/.test(String(c.args[0]))),
        'the tapi-line node warned',
      );
    });
  });

  describe('(5) a msg.payload that throws when read', function () {
    const hostile: Array<[string, () => Msg]> = [
      [
        'a throwing getter',
        () =>
          Object.defineProperty({ topic: 'boom', _msgid: 'm1' }, 'payload', {
            get() {
              throw new Error('getter');
            },
            enumerable: true,
          }),
      ],
      [
        'a throwing Proxy',
        () => ({
          topic: 'boom',
          _msgid: 'm1',
          payload: new Proxy(
            {},
            {
              get() {
                throw new Error('proxy');
              },
              ownKeys() {
                throw new Error('proxy keys');
              },
            },
          ),
        }),
      ],
      [
        'an object with a throwing property',
        () => ({
          topic: 'boom',
          _msgid: 'm1',
          payload: Object.defineProperty({}, 'address', {
            get() {
              throw new Error('address');
            },
            enumerable: true,
          }),
        }),
      ],
    ];
    for (const [what, make] of hostile) {
      it(`${what}: ERR_TAPI_VALIDATION reaches the Catch node with only _msgid, topic and error; Node-RED survives`, async function () {
        const caught = await errorFor(make());
        assert.equal(codeOf(caught.error), 'ERR_TAPI_VALIDATION');
        assert.equal(caught.topic, 'boom');
        assert.equal(caught._msgid, 'm1');
        assert.deepEqual(
          Object.keys(caught)
            .filter((k) => k !== 'error' && k !== '_error')
            .sort(),
          ['_msgid', 'topic'],
          'nothing of the hostile message but its id and topic',
        );
        // The runtime still works: a normal call goes through afterwards.
        const out = collector(helper.getNode('out'));
        helper.getNode('call1').receive({ payload: '5550101' });
        await waitFor(() => out.length === 1, 10000, 'a call after the hostile message');
      });
    }
  });

  describe('(9) numbers are dialled only as non-negative safe integers', function () {
    for (const payload of [-5550100, 5550101.9, 2 ** 53, 1e21, Number.NaN, Infinity, -0]) {
      it(`${String(payload)} -> LINEERR_INVALADDRESS`, async function () {
        assert.throws(() => parseDestination(payload), /INVALADDRESS/);
        assert.throws(() => parseDestination({ address: payload }), /INVALADDRESS/);
        const caught = await errorFor({ payload });
        assert.equal(codeOf(caught.error), 'LINEERR_INVALADDRESS');
      });
    }
    it('5550101 (a safe integer) is dialled as written', function () {
      assert.deepEqual(parseDestination(5550101), { address: '5550101' });
    });
  });

  describe('(4) admin endpoint query parameters', function () {
    const bad = [
      'provider[toString]=x',
      'timeScale[toString]=x',
      'provider=simulator&provider=win32',
      'provider=' + 'x'.repeat(100),
      'provider=nonsense',
      'provider=simulator&timeScale=abc',
    ];
    for (const query of bad) {
      it(`?${query.slice(0, 50)} -> 400 { error, code } without a stack trace`, async function () {
        await helper.load(allNodes, []);
        const res = await helper.request().get(`/tapi-line/lines?${query}`).expect(400);
        assert.equal(res.body.code, 'ERR_TAPI_VALIDATION');
        assert.equal(typeof res.body.error, 'string');
        assert.doesNotMatch(JSON.stringify(res.body), /\/work\/|at .*\(|\.js:\d+/);
      });
    }
    it('a good query still lists the lines', async function () {
      await helper.load(allNodes, []);
      const res = await helper.request().get('/tapi-line/lines?provider=simulator&timeScale=0').expect(200);
      assert.ok(res.body.lines.length >= 2);
    });
  });
});
