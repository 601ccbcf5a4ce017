// An offering incoming SIP call rings like a TSP line: LINE_LINEDEVSTATE(RINGING, ring mode 1, ring count 1, 2,
// 3, ...) every sip.ringIntervalMs on the provider's clock (a ManualClock here), until it is answered, the
// caller cancels, or the provider shuts down. Far end: the sip-peer on loopback.
import assert from 'node:assert/strict';
import { DEFAULT_API_VERSIONS, Tapi } from '../lib/tapi/tapi';
import { TapiValidationError, type Call, type Line } from '../lib/tapi';
import { SipProvider } from '../lib/tapi/providers/sip';
import { validateSipOptions } from '../lib/tapi/providers/sip/options';
import { ManualClock } from '../lib/tapi/providers/sip/core/clock';
import { RtpSession } from '../lib/tapi/providers/sip/media';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipEndpoint, SipRequest } from '../lib/tapi/providers/sip/core/types';
import { SipPeer, type PeerRequestResult } from './helpers/sip-peer';

const WAIT = 5000;
const RING = 2000;

interface Rig {
  peer: SipPeer;
  provider: SipProvider;
  tapi: Tapi;
  clock: ManualClock;
  far: RtpSession;
  line: Line;
  rings: number[];
  ua(): SipEndpoint;
}

let current: Rig | undefined;

async function rig(): Promise<Rig> {
  const peer = await SipPeer.open({ transport: 'udp' });
  let uaEndpoint: SipEndpoint | undefined;
  peer.onRequest('REGISTER', (req, reply, ctx) => {
    uaEndpoint = ctx.source;
    reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
  });
  const clock = new ManualClock();
  const provider = new SipProvider({
    accounts: [{ uri: `sip:100@${peer.hostPort}`, registrar: peer.hostPort, transport: 'udp', bindAddress: '127.0.0.1', name: 'SIP ring' }],
    clock,
    ringIntervalMs: RING,
  });
  const tapi = new Tapi({
    kind: 'sip',
    createProvider: () => provider,
    appName: 'sip ringing test',
    apiLow: DEFAULT_API_VERSIONS.low,
    apiHigh: DEFAULT_API_VERSIONS.high,
  });
  await tapi.start();
  const line = await tapi.openLine(0, { privileges: ['owner'] });
  await peer.until(() => uaEndpoint !== undefined, 'REGISTER', WAIT);
  const rings: number[] = [];
  line.on('ringing', (e: { ringMode: number; ringCount: number }) => {
    assert.equal(e.ringMode, 1);
    rings.push(e.ringCount);
  });
  const far = await RtpSession.open({ bindAddress: '127.0.0.1' });
  current = {
    peer,
    provider,
    tapi,
    clock,
    far,
    line,
    rings,
    ua: () => uaEndpoint!,
  };
  return current;
}

/** The peer's INVITE to the line, announced and offering. */
async function incoming(r: Rig): Promise<{ call: Call; result: Promise<PeerRequestResult> }> {
  const announced = new Promise<Call>((resolve) => r.line.once('call', resolve));
  const result = r.peer.request('INVITE', { to: r.ua(), uri: `sip:100@${r.ua().address}:${r.ua().port}`, sdp: r.far.createOffer() });
  const call = await announced;
  await call.waitFor(['offering'], WAIT);
  return { call, result };
}

describe('SIP provider: an offering call rings every sip.ringIntervalMs', function () {
  this.timeout(20_000);

  afterEach(async function () {
    const r = current;
    current = undefined;
    if (!r) return;
    await r.tapi.shutdown();
    // the user agent's close runs on the manual clock too
    const closed = r.provider.whenClosed();
    let done = false;
    void closed.then(() => (done = true));
    for (let i = 0; i < 200 && !done; i++) {
      r.clock.advance(50);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await closed;
    assert.deepEqual(r.provider.outstanding(), { lines: 0, calls: 0, requests: 0, userAgents: 0, queued: 0 });
    r.far.close();
    await r.peer.close();
  });

  it('sip.ringIntervalMs: default 5000, 1000 to 30000', function () {
    const accounts = [{ uri: 'sip:100@example.test' }];
    assert.equal(validateSipOptions({ accounts }).ringIntervalMs, 5000);
    assert.equal(validateSipOptions({ accounts, ringIntervalMs: 1000 }).ringIntervalMs, 1000);
    for (const bad of [999, 30_001, 1500.5, '5000']) {
      assert.throws(
        () => validateSipOptions({ accounts, ringIntervalMs: bad }),
        (e: unknown) => {
          return e instanceof TapiValidationError && /sip\.ringIntervalMs must be an integer from 1000 to 30000/.test(e.message);
        },
      );
    }
  });

  it('rings 0, 1, 2 (counts from 0) as the clock advances, and stops when answered', async function () {
    const r = await rig();
    const { call, result } = await incoming(r);
    await r.peer.until(() => r.rings.length >= 1, 'the first ring', WAIT);
    r.clock.advance(RING - 1);
    await call.waitFor(['offering'], WAIT);
    assert.deepEqual(r.rings, [0]);
    r.clock.advance(1);
    r.clock.advance(RING);
    await r.peer.until(() => r.rings.length >= 3, 'three rings', WAIT);
    assert.deepEqual(r.rings, [0, 1, 2]);
    await call.answer();
    await call.waitFor(['connected'], WAIT);
    assert.equal((await result).final.status, 200);
    r.clock.advance(RING * 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(r.rings, [0, 1, 2], 'no ring after the answer');
    await call.drop();
    await call.release();
  });

  it('stops when the caller cancels', async function () {
    const r = await rig();
    const { call } = await incoming(r);
    r.clock.advance(RING);
    await r.peer.until(() => r.rings.length >= 2, 'two rings', WAIT);
    const sent = r.peer.log.find((e) => e.direction === 'out' && e.message.kind === 'request' && e.message.method === 'INVITE');
    r.peer.cancel(sent!.message as SipRequest, r.ua());
    await call.waitFor(['disconnected'], WAIT);
    r.clock.advance(RING * 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(r.rings, [0, 1]);
    await call.release();
  });

  it('rings no more after shutdown', async function () {
    const r = await rig();
    await incoming(r);
    await r.peer.until(() => r.rings.length >= 1, 'the first ring', WAIT);
    await r.tapi.shutdown();
    r.clock.advance(RING * 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(r.rings, [0]);
  });
});
