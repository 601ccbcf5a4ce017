// The SIP provider through lib/tapi (new Tapi over a SipProvider), against a scriptable SIP far end on loopback
// (test/helpers/sip-peer.ts) and an RtpSession as the far end's media.
import assert from 'node:assert/strict';
import { DEFAULT_API_VERSIONS, Tapi } from '../lib/tapi/tapi';
import { TapiError, type Call, type CallStateEvent, type Line } from '../lib/tapi';
import { SipProvider } from '../lib/tapi/providers/sip';
import { RtpSession } from '../lib/tapi/providers/sip/media';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipEndpoint, SipRequest } from '../lib/tapi/providers/sip/core/types';
import { SipPeer, type PeerDialog } from './helpers/sip-peer';

const WAIT = 5000;
const UA_TIMERS = { t1: 40, registration: { retryMinMs: 60, retryMaxMs: 120 }, closeTimeoutMs: 400, referNotifyTimeoutMs: 1000 };

interface Rig {
  peer: SipPeer;
  provider: SipProvider;
  tapi: Tapi;
  media: RtpSession[];
  /** Where the user agent receives (learnt from its REGISTER). */
  ua(): SipEndpoint;
}

const rigs: Rig[] = [];

async function farMedia(rig: Rig): Promise<RtpSession> {
  const rtp = await RtpSession.open({ bindAddress: '127.0.0.1' });
  rig.media.push(rtp);
  return rtp;
}

/** A peer that registers the account (200) and answers INVITEs by script; the account points at it. */
async function rig(options: { register?: boolean; transport?: 'udp' | 'tcp'; registerReply?: (n: number) => number } = {}): Promise<Rig> {
  const transport = options.transport ?? 'udp';
  const peer = await SipPeer.open({ transport });
  const register = options.register ?? true;
  let uaEndpoint: SipEndpoint | undefined;
  peer.onRequest('REGISTER', (req, reply, ctx) => {
    uaEndpoint = ctx.source;
    const status = options.registerReply ? options.registerReply(ctx.count) : 200;
    const contact = headerValues(req, 'contact')[0] ?? '';
    reply(status, status === 200 ? { headers: { contact, expires: header(req, 'expires') ?? '600' } } : {});
  });
  const provider = new SipProvider(
    {
      accounts: [
        {
          uri: `sip:100@${peer.hostPort}`,
          displayName: 'Test Line',
          registrar: peer.hostPort,
          transport,
          bindAddress: '127.0.0.1',
          register,
          expires: 600,
          name: 'SIP test',
        },
      ],
    },
    { userAgent: UA_TIMERS },
  );
  const tapi = new Tapi({
    kind: 'sip',
    createProvider: () => provider,
    appName: 'sip test',
    apiLow: DEFAULT_API_VERSIONS.low,
    apiHigh: DEFAULT_API_VERSIONS.high,
  });
  await tapi.start();
  const r: Rig = {
    peer,
    provider,
    tapi,
    media: [],
    ua: () => {
      if (!uaEndpoint) throw new Error('the user agent has not registered');
      return uaEndpoint;
    },
  };
  rigs.push(r);
  return r;
}

afterEach(async function () {
  for (const r of rigs.splice(0)) {
    await r.tapi.shutdown();
    await r.provider.whenClosed();
    assert.deepEqual(r.provider.outstanding(), { lines: 0, calls: 0, requests: 0, userAgents: 0, queued: 0 }, 'the provider holds nothing');
    for (const m of r.media) m.close();
    await r.peer.close();
  }
});

function userOf(req: SipRequest): string {
  return /^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? '';
}

function sdpOf(req: { body: Buffer }): string {
  return req.body.toString('utf8');
}

/** INVITEs answered by the user part of the Request-URI: "200" answers with `answer(offer)`, a number N replies 100 then N. */
function answerByUser(r: Rig, answer?: (offer: string) => string, extra: Record<string, Record<string, string>> = {}): void {
  r.peer.onRequest('INVITE', (req, reply) => {
    if (header(req, 'to')?.includes('tag=')) {
      // re-INVITE (hold / unhold): answer from the far end's media
      reply(200, { sdp: answer ? answer(sdpOf(req)) : sdpOf(req) });
      return;
    }
    const user = userOf(req);
    reply(100);
    if (user === '200') {
      reply(180);
      reply(200, { sdp: answer ? answer(sdpOf(req)) : sdpOf(req), headers: extra[user] });
      return;
    }
    const status = Number(user.slice(0, 3));
    if (status >= 180 && status < 200) {
      reply(status);
      return;
    }
    reply(status, { headers: extra[user] });
  });
}

async function line(r: Rig): Promise<Line> {
  const l = await r.tapi.openLine(0, { privileges: ['owner'] });
  await r.peer.until(() => r.peer.requests('REGISTER').length > 0 || !r.provider.options.accounts[0].register, 'REGISTER', WAIT);
  return l;
}

function states(call: Call): string[] {
  return call.history.map((e) => e.state);
}

const nextCall = (l: Line): Promise<Call> =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no call announced')), WAIT);
    l.once('call', (c: Call) => {
      clearTimeout(t);
      resolve(c);
    });
  });

/** An incoming INVITE from the peer (offer from a far-end RtpSession), announced and offering. */
async function incoming(r: Rig, l: Line, headers: Record<string, string> = {}) {
  const far = await farMedia(r);
  const announced = nextCall(l);
  const result = r.peer.request('INVITE', { to: r.ua(), uri: `sip:100@${r.ua().address}:${r.ua().port}`, sdp: far.createOffer(), headers });
  const call = await announced;
  await call.waitFor(['offering'], WAIT);
  return { call, far, result };
}

describe('SIP provider over lib/tapi (sip-peer far end)', function () {
  this.timeout(20_000);

  it('lists one line per account with what SIP can do', async function () {
    const r = await rig({ register: false });
    assert.equal(r.tapi.lines.length, 1);
    const device = r.tapi.lines[0];
    assert.equal(device.name, 'SIP test');
    assert.equal(device.capabilities.dialBilling, false);
    assert.equal(device.capabilities.partialDial, true);
    assert.equal(r.tapi.provider, 'sip');
  });

  const outcomes: Array<[string, string[], string | undefined]> = [
    ['200', ['dialtone', 'dialing', 'proceeding', 'ringback', 'connected'], 'active'],
    ['486', ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected'], 'busy'],
    ['600', ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected'], 'busy'],
    ['603', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'reject'],
    ['404', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'badaddress'],
    ['484', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'badaddress'],
    ['604', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'badaddress'],
    ['408', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'noanswer'],
    ['480', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'noanswer'],
    ['503', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'congestion'],
    ['500', ['dialtone', 'dialing', 'proceeding', 'disconnected'], 'unknown'],
  ];
  for (const [user, expected, mode] of outcomes) {
    it(`outgoing call answered ${user}: ${expected.slice(3).join(' -> ')} (${mode})`, async function () {
      const r = await rig();
      const far = await farMedia(r);
      answerByUser(r, (offer) => far.acceptOffer(offer));
      const l = await line(r);
      const call = await l.makeCall(user);
      const last = expected[expected.length - 1];
      const end = await call.waitFor([last], WAIT);
      assert.deepEqual(states(call), expected);
      assert.equal(end.mode, mode);
      const invite = r.peer.requests('INVITE')[0];
      assert.equal(invite.uri, `sip:${user}@${r.peer.hostPort}`);
      if (user === '500') assert.equal(call.info.comment, 'SIP 500 Server Internal Error');
      if (user === '200') {
        assert.equal(call.info.connectedId, '200');
        await call.drop();
        await r.peer.waitFor('BYE', 1, WAIT);
      }
      await call.release();
      assert.equal(call.state, 'idle');
    });
  }

  it('drops a ringing outgoing call with CANCEL', async function () {
    const r = await rig();
    answerByUser(r);
    const l = await line(r);
    const call = await l.makeCall('180');
    await call.waitFor(['ringback'], WAIT);
    await call.drop();
    await r.peer.waitFor('CANCEL', 1, WAIT);
    assert.deepEqual(states(call), ['dialtone', 'dialing', 'proceeding', 'ringback', 'idle']);
    await call.release();
  });

  it('a 302 is not followed: disconnected(forwarded), the target in the call info, one INVITE only', async function () {
    const r = await rig();
    answerByUser(r, undefined, { '302': { contact: '<sip:5550199@elsewhere.example>' } });
    const l = await line(r);
    const call = await l.makeCall('302');
    const end = await call.waitFor(['disconnected'], WAIT);
    assert.equal(end.mode, 'forwarded');
    assert.equal(call.info.redirectionId, 'sip:5550199@elsewhere.example');
    assert.match(call.info.comment ?? '', /302.*not followed/);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(r.peer.requests('INVITE').length, 1, 'nothing was dialled without the dial policy');
    await call.release();
  });

  it('the far end hangs up (BYE): disconnected(normal)', async function () {
    const r = await rig();
    const far = await farMedia(r);
    answerByUser(r, (offer) => far.acceptOffer(offer));
    const l = await line(r);
    const call = await l.makeCall('200');
    await call.waitFor(['connected'], WAIT);
    const invite = r.peer.requests('INVITE')[0];
    const dialog = await r.peer.dialog(header(invite, 'call-id') ?? '');
    const bye = await r.peer.request('BYE', { dialog });
    assert.equal(bye.final.status, 200);
    const end = await call.waitFor(['disconnected'], WAIT);
    assert.equal(end.mode, 'normal');
    await call.release();
  });

  it('incoming call: caller id from P-Asserted-Identity, called id from To; answer, drop (BYE)', async function () {
    const r = await rig();
    const l = await line(r);
    const { call, result } = await incoming(r, l, { 'p-asserted-identity': '"Front door" <sip:+4930123456@peer.test>' });
    assert.equal(call.info.origin, 'inbound');
    assert.equal(call.info.callerId, '+4930123456');
    assert.equal(call.info.callerIdName, 'Front door');
    assert.equal(call.info.calledId, '100');
    await call.answer();
    await call.waitFor(['connected'], WAIT);
    const answered = await result;
    assert.equal(answered.final.status, 200);
    assert.match(answered.final.body.toString(), /m=audio \d+ RTP\/AVP/);
    await call.drop();
    await r.peer.waitFor('BYE', 1, WAIT);
    assert.deepEqual(states(call), ['offering', 'connected', 'idle']);
    await call.release();
  });

  it('drop of an offering call answers 486; redirect answers 302 with the target', async function () {
    const r = await rig();
    const l = await line(r);
    const first = await incoming(r, l);
    await first.call.drop();
    assert.equal((await first.result).final.status, 486);
    await first.call.release();
    const second = await incoming(r, l);
    await second.call.redirect('5550177');
    const moved = await second.result;
    assert.equal(moved.final.status, 302);
    assert.match(header(moved.final, 'contact') ?? '', new RegExp(`sip:5550177@${r.peer.hostPort.replace(/[.]/g, '\\.')}`));
    await second.call.release();
  });

  it('the caller gives up (CANCEL): disconnected(normal)', async function () {
    const r = await rig();
    const l = await line(r);
    const { call } = await incoming(r, l);
    const invite = r.peer.requests().find((m) => m.method === 'INVITE');
    assert.ok(invite === undefined, 'the peer sent the INVITE, it did not receive one');
    const sent = r.peer.log.find((e) => e.direction === 'out' && e.message.kind === 'request' && e.message.method === 'INVITE');
    r.peer.cancel(sent!.message as SipRequest, r.ua());
    const end = await call.waitFor(['disconnected'], WAIT);
    assert.equal(end.mode, 'normal');
    await call.release();
  });

  it('hold sends a re-INVITE with a=sendonly, unhold one with a=sendrecv', async function () {
    const r = await rig();
    const far = await farMedia(r);
    answerByUser(r, (offer) => far.acceptOffer(offer));
    const l = await line(r);
    const call = await l.makeCall('200');
    await call.waitFor(['connected'], WAIT);
    await call.hold();
    await call.waitFor(['onhold'], WAIT);
    const reinvites = () => r.peer.requests('INVITE').slice(1);
    assert.match(sdpOf(reinvites()[0]), /a=sendonly/);
    await call.unhold();
    await r.peer.until(() => call.state === 'connected', 'connected again', WAIT);
    assert.match(sdpOf(reinvites()[1]), /a=sendrecv/);
    assert.deepEqual(states(call).slice(-3), ['connected', 'onhold', 'connected']);
    await call.release();
  });

  it('blind transfer sends REFER (Refer-To on the account domain) and ends the call after the transfer succeeded', async function () {
    const r = await rig();
    const far = await farMedia(r);
    answerByUser(r, (offer) => far.acceptOffer(offer));
    const held: { dialog?: PeerDialog } = {};
    r.peer.onRequest('REFER', (_req, reply) => {
      reply(202);
      setTimeout(() => {
        void r.peer.request('NOTIFY', {
          dialog: held.dialog!,
          headers: { event: 'refer', 'subscription-state': 'terminated;reason=noresource' },
          body: 'SIP/2.0 200 OK\r\n',
          contentType: 'message/sipfrag',
        });
      }, 10);
    });
    const l = await line(r);
    const call = await l.makeCall('200');
    await call.waitFor(['connected'], WAIT);
    held.dialog = await r.peer.dialog(header(r.peer.requests('INVITE')[0], 'call-id') ?? '');
    await call.blindTransfer('5550123');
    const refer = r.peer.requests('REFER')[0];
    assert.match(header(refer, 'refer-to') ?? '', new RegExp(`sip:5550123@${r.peer.hostPort.replace(/[.]/g, '\\.')}`));
    await call.waitFor(['idle'], WAIT);
    await r.peer.waitFor('BYE', 1, WAIT);
    await call.release();
  });

  it('a REFER from the far end is declined and dials nothing', async function () {
    const r = await rig();
    const far = await farMedia(r);
    answerByUser(r, (offer) => far.acceptOffer(offer));
    const l = await line(r);
    const call = await l.makeCall('200');
    await call.waitFor(['connected'], WAIT);
    const dialog = await r.peer.dialog(header(r.peer.requests('INVITE')[0], 'call-id') ?? '');
    const refer = await r.peer.request('REFER', { dialog, headers: { 'refer-to': '<sip:19005550000@evil.example>' } });
    assert.ok(refer.final.status >= 400, `REFER answered ${refer.final.status}`);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(r.peer.requests('INVITE').length, 1);
    assert.equal(call.state, 'connected');
    await call.release();
  });

  it('hears digits by RFC 4733 and by SIP INFO (dtmf-relay), monitored and gathered', async function () {
    const r = await rig();
    const l = await line(r);
    const { call, far, result } = await incoming(r, l);
    await call.answer();
    await call.waitFor(['connected'], WAIT);
    const { dialog } = await result;
    far.acceptAnswer((await result).final.body.toString());
    const heard: string[] = [];
    call.on('digit', (e: { digit: string }) => heard.push(e.digit));
    call.monitorDigits(['dtmf']);
    const gathered = call.gatherDigits({ maxDigits: 3, terminators: '#' });
    await far.sendDigits('12', 60);
    await r.peer.request('INFO', { dialog: dialog!, body: 'Signal=#\r\nDuration=100\r\n', contentType: 'application/dtmf-relay' });
    const g = await gathered;
    assert.equal(g.digits, '12#');
    assert.equal(g.termination, 'termdigit');
    await r.peer.until(() => heard.length === 3, 'three digits', WAIT);
    assert.deepEqual(heard, ['1', '2', '#']);
    await call.release();
  });

  it('generates digits by RFC 4733: the far end hears each once', async function () {
    const r = await rig();
    const l = await line(r);
    const { call, far, result } = await incoming(r, l);
    await call.answer();
    await call.waitFor(['connected'], WAIT);
    far.acceptAnswer((await result).final.body.toString());
    const heard: string[] = [];
    far.onDigit = (d) => heard.push(d);
    const done = await call.generateDigits('4#7', { durationMs: 60 });
    assert.equal(done, 'done');
    await r.peer.until(() => heard.length === 3, 'three digits at the far end', WAIT);
    assert.deepEqual(heard, ['4', '#', '7']);
    await call.release();
  });

  it('plays to and records from the far end over RTP', async function () {
    const r = await rig();
    const l = await line(r);
    const { call, far, result } = await incoming(r, l);
    await call.answer();
    await call.waitFor(['connected'], WAIT);
    far.acceptAnswer((await result).final.body.toString());
    const frames: Int16Array[] = [];
    far.audioIn().start((pcm) => frames.push(pcm));
    const tone = new Int16Array(1600);
    for (let i = 0; i < tone.length; i++) tone[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
    const played = await call.play({ pcm: tone, sampleRate: 8000 });
    assert.equal(played.completed, true);
    await r.peer.until(() => frames.some((f) => f.some((s) => Math.abs(s) > 2000)), 'the tone at the far end', WAIT);
    const recording = call.record({ maxMs: 400 });
    const speech = new Int16Array(3200).map((_v, i) => Math.round(6000 * Math.sin((2 * Math.PI * 300 * i) / 8000)));
    const out = far.audioOut();
    for (let i = 0; i < speech.length; i += 160) void out.write(speech.subarray(i, i + 160));
    const rec = await recording;
    assert.equal(rec.reason, 'maxduration');
    assert.ok(rec.durationMs >= 380, `recorded ${rec.durationMs} ms`);
    const samples = new Int16Array(rec.wav.buffer, rec.wav.byteOffset + 44, (rec.wav.length - 44) / 2);
    assert.ok(
      samples.some((s) => Math.abs(s) > 2000),
      'the far end speech is in the recording',
    );
    out.close();
    await call.release();
  });

  it('registration failure: out of service while refused, in service again when the registrar answers', async function () {
    let refuse = true;
    const r = await rig({ registerReply: () => (refuse ? 503 : 200) });
    const l = await r.tapi.openLine(0);
    const seen: string[] = [];
    l.on('devstate', (e: { states: string[] }) => seen.push(...e.states));
    await r.peer.until(() => seen.includes('outofservice'), 'outofservice', WAIT);
    assert.equal(r.provider.accountStatus(0).service, 'outofservice');
    assert.match(r.provider.accountStatus(0).reason, /503|Service Unavailable/);
    refuse = false;
    await r.peer.until(() => seen.includes('inservice'), 'inservice', WAIT);
    assert.deepEqual(
      seen.filter((s) => s === 'outofservice' || s === 'inservice'),
      ['outofservice', 'inservice'],
    );
    assert.equal(r.provider.accountStatus(0).service, 'inservice');
  });

  it('a registrar that refuses the account for good (403) closes the line', async function () {
    const r = await rig({ registerReply: () => 403 });
    const l = await r.tapi.openLine(0);
    const why = await new Promise<string>((resolve) => l.once('close', resolve));
    assert.equal(why, 'provider');
    assert.equal(l.isOpen, false);
    assert.match(r.provider.accountStatus(0).reason, /refused the account.*403/);
    await assert.rejects(l.makeCall('200'), (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALLINEHANDLE');
  });

  it('shutdown unregisters, ends the calls and leaves no sockets or timers', async function () {
    const r = await rig();
    const far = await farMedia(r);
    answerByUser(r, (offer) => far.acceptOffer(offer));
    const l = await line(r);
    const call = await l.makeCall('200');
    await call.waitFor(['connected'], WAIT);
    const seen: CallStateEvent[] = [];
    call.on('state', (e: CallStateEvent) => seen.push(e));
    await r.tapi.shutdown();
    await r.provider.whenClosed();
    assert.deepEqual(r.provider.outstanding(), { lines: 0, calls: 0, requests: 0, userAgents: 0, queued: 0 });
    assert.ok(r.peer.requests('BYE').length >= 1, 'the call was hung up');
    const unregister = r.peer
      .requests('REGISTER')
      .find((q) => header(q, 'expires') === '0' || /expires=0/.test(headerValues(q, 'contact').join()));
    assert.ok(unregister, 'the account was unregistered');
  });
});
