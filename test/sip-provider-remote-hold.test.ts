// The far end holds us: a re-INVITE whose offer says a=sendonly, a=inactive or c=0.0.0.0 is answered, and the
// call stays CONNECTED with LINECONNECTEDMODE_ACTIVEHELD (mode 'activeheld'); a re-INVITE with a=sendrecv
// resumes it (mode 'active'). Our own hold is ONHOLD; unholding while the far end still holds us comes back
// as CONNECTED(ACTIVEHELD). Against a scriptable SIP far end on loopback (test/helpers/sip-peer.ts).
import assert from 'node:assert/strict';
import { DEFAULT_API_VERSIONS, Tapi } from '../lib/tapi/tapi';
import { TAPI_VERSION } from '../lib/tapi/constants';
import type { Call, CallStateEvent } from '../lib/tapi';
import { SipProvider } from '../lib/tapi/providers/sip';
import { RtpSession } from '../lib/tapi/providers/sip/media';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import { SipPeer, type PeerDialog } from './helpers/sip-peer';

const WAIT = 5000;
const UA_TIMERS = { t1: 40, registration: { retryMinMs: 60, retryMaxMs: 120 }, closeTimeoutMs: 400, referNotifyTimeoutMs: 1000 };

interface Rig {
  peer: SipPeer;
  provider: SipProvider;
  tapi: Tapi;
  far: RtpSession;
}

let current: Rig | undefined;

async function rig(apiHigh: number = DEFAULT_API_VERSIONS.high): Promise<Rig> {
  const peer = await SipPeer.open({ transport: 'udp' });
  const far = await RtpSession.open({ bindAddress: '127.0.0.1' });
  peer.onRequest('REGISTER', (req, reply) => {
    reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
  });
  peer.onRequest('INVITE', (req, reply) => {
    // the first INVITE and our own re-INVITEs (hold / unhold) are answered from the far end's media
    if (!header(req, 'to')?.includes('tag=')) reply(100);
    reply(200, { sdp: far.acceptOffer(req.body.toString('utf8')) });
  });
  const provider = new SipProvider(
    {
      accounts: [
        {
          uri: `sip:100@${peer.hostPort}`,
          registrar: peer.hostPort,
          transport: 'udp',
          bindAddress: '127.0.0.1',
          register: true,
          expires: 600,
        },
      ],
    },
    { userAgent: UA_TIMERS },
  );
  const tapi = new Tapi({
    kind: 'sip',
    createProvider: () => provider,
    appName: 'sip remote hold test',
    apiLow: DEFAULT_API_VERSIONS.low,
    apiHigh,
  });
  await tapi.start();
  current = { peer, provider, tapi, far };
  return current;
}

afterEach(async function () {
  const r = current;
  current = undefined;
  if (!r) return;
  await r.tapi.shutdown();
  await r.provider.whenClosed();
  assert.deepEqual(r.provider.outstanding(), { lines: 0, calls: 0, requests: 0, userAgents: 0, queued: 0 }, 'the provider holds nothing');
  r.far.close();
  await r.peer.close();
});

async function connectedCall(r: Rig): Promise<{ call: Call; dialog: PeerDialog }> {
  const line = await r.tapi.openLine(0, { privileges: ['owner'] });
  const call = await line.makeCall('200');
  await call.waitFor(['connected'], WAIT);
  const dialog = await r.peer.dialog(header(r.peer.requests('INVITE')[0], 'call-id') ?? '');
  return { call, dialog };
}

/** The next state event of the call. */
function nextState(call: Call): Promise<CallStateEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no state event')), WAIT);
    call.once('state', (e: CallStateEvent) => {
      clearTimeout(timer);
      resolve(e);
    });
  });
}

/** The far end re-INVITEs with `sdp`; resolves with the 200's SDP answer and the state event it caused. */
async function farReinvite(r: Rig, call: Call, dialog: PeerDialog, sdp: string): Promise<{ answer: string; event: CallStateEvent }> {
  const event = nextState(call);
  const result = await r.peer.request('INVITE', { dialog, sdp });
  assert.equal(result.final.status, 200);
  const answer = result.final.body.toString('utf8');
  r.far.acceptAnswer(answer);
  return { answer, event: await event };
}

describe('SIP provider: the far end holds us (re-INVITE)', function () {
  this.timeout(20_000);

  it('a line opened with TAPI 1.4 (no ACTIVEHELD before 2.0) sees no mode change: one CONNECTED(active)', async function () {
    const r = await rig(TAPI_VERSION.V1_4);
    const { call, dialog } = await connectedCall(r);
    for (const direction of ['sendonly', 'sendrecv'] as const) {
      const result = await r.peer.request('INVITE', { dialog, sdp: r.far.setDirection(direction) });
      assert.equal(result.final.status, 200);
      r.far.acceptAnswer(result.final.body.toString('utf8'));
    }
    // The messages come in order: once DISCONNECTED is here, a CONNECTED for the hold would have come before.
    await r.peer.request('BYE', { dialog });
    await call.waitFor(['disconnected'], WAIT);
    assert.deepEqual(
      call.history.filter((e) => e.state === 'connected').map((e) => e.mode),
      ['active'],
    );
  });

  it('a=sendonly: CONNECTED(activeheld), answered recvonly; a=sendrecv resumes: CONNECTED(active)', async function () {
    const r = await rig();
    const { call, dialog } = await connectedCall(r);
    assert.equal(call.history[call.history.length - 1].mode, 'active');

    const held = await farReinvite(r, call, dialog, r.far.setDirection('sendonly'));
    assert.match(held.answer, /a=recvonly/);
    assert.deepEqual([held.event.state, held.event.mode, held.event.modeValue], ['connected', 'activeheld', 0x04]);
    assert.equal(call.state, 'connected');

    const resumed = await farReinvite(r, call, dialog, r.far.setDirection('sendrecv'));
    assert.match(resumed.answer, /a=sendrecv/);
    assert.deepEqual([resumed.event.state, resumed.event.mode], ['connected', 'active']);
  });

  it('a=inactive and the RFC 2543 form c=0.0.0.0 also mean the far end holds us', async function () {
    const r = await rig();
    const { call, dialog } = await connectedCall(r);
    const inactive = await farReinvite(r, call, dialog, r.far.setDirection('inactive'));
    assert.match(inactive.answer, /a=inactive/);
    assert.equal(inactive.event.mode, 'activeheld');
    assert.equal((await farReinvite(r, call, dialog, r.far.setDirection('sendrecv'))).event.mode, 'active');

    const zero = r.far.setDirection('sendrecv').replace(/^c=IN IP4 .*$/m, 'c=IN IP4 0.0.0.0');
    assert.match(zero, /c=IN IP4 0\.0\.0\.0/);
    const event = nextState(call);
    const result = await r.peer.request('INVITE', { dialog, sdp: zero });
    assert.equal(result.final.status, 200);
    const held = { event: await event };
    assert.deepEqual([held.event.state, held.event.mode], ['connected', 'activeheld']);
  });

  it('our hold is ONHOLD; unholding while the far end still holds us gives CONNECTED(activeheld)', async function () {
    const r = await rig();
    const { call, dialog } = await connectedCall(r);
    await farReinvite(r, call, dialog, r.far.setDirection('sendonly'));
    // Our re-INVITE only after the far end's ACK reached the user agent (before it, RFC 3261 §14.1 glare: 491).
    await new Promise((resolve) => setTimeout(resolve, 50));
    await call.hold();
    await call.waitFor(['onhold'], WAIT);
    // the far end, still holding, answers our sendrecv offer with sendonly
    await call.unhold();
    await call.waitFor(['connected'], WAIT);
    const last = call.history[call.history.length - 1];
    assert.deepEqual([last.state, last.mode], ['connected', 'activeheld']);
    assert.deepEqual(
      call.history.slice(-3).map((e) => `${e.state}(${e.mode})`),
      ['connected(activeheld)', 'onhold(null)', 'connected(activeheld)'],
    );
  });
});
