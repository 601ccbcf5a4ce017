// The examples on a SIP line: each flow imported as it is, with only its tapi-line switched to provider "sip"
// (registrar = a sip-peer on 127.0.0.1 that challenges the REGISTER with digest; user, auth user and password
// given as Node-RED credentials; Line left empty, as a SIP account is one line). The sip-peer is the far end:
// it answers the outgoing test numbers (5550106 answers then hangs up, 5550101 busy, 5550103 declines,
// 5550104 is not found), places incoming calls with P-Asserted-Identity, and sends digits by RFC 4733 and
// SIP INFO from an RtpSession of its own. Debug nodes are replaced by helper nodes with the same ids.
//
// What does not run on SIP, and why (not faked here):
// - the inject buttons wired to a tapi-simulate node (04, 05, 08: "a caller rings", "the caller speaks", ...):
//   tapi-simulate drives the simulated exchange only; on SIP the far end (here the sip-peer) makes the calls.
//
// 08-voicemail answers "after 3 rings" (tapi-call-state autoAnswerRings 3): the SIP provider repeats
// LINEDEVSTATE_RINGING every sip.ringIntervalMs (default 5000 ms) while the INVITE is offering, so the 08 test runs
// the example as shipped. The tapi-line has no ring-interval setting: the test waits the two real 5 s ring periods.
import callControlNode from '../nodes/call-control';
import digitsNode from '../nodes/digits';
import playNode from '../nodes/play';
import recordNode from '../nodes/record';
import simulateNode from '../nodes/simulate';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WaveFile } from 'wavefile';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipEndpoint, SipRequest } from '../lib/tapi/providers/sip/core/types';
import { RtpSession } from '../lib/tapi/providers/sip/media';
import { SipPeer, type PeerDialog, type PeerRequestResult } from './helpers/sip-peer';
import { allNodes, collector, helper, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const coreDir = path.dirname(
  require.resolve('@node-red/nodes/package.json', {
    paths: [path.dirname(require.resolve('node-red', process.env.NODE_RED_PREFIX ? { paths: [process.env.NODE_RED_PREFIX] } : undefined))],
  }),
);
const core = [
  'common/20-inject.js',
  'common/90-comment.js',
  'function/10-function.js',
  'function/10-switch.js',
  'function/15-change.js',
  'storage/10-file.js',
].map(
  // Node-RED's own core nodes, from the Node-RED under test: a path known only at run time.
  (f) => require(path.join(coreDir, 'core', f)) as (RED: unknown) => void,
);
const nodes = [...allNodes, callControlNode, digitsNode, playNode, recordNode, simulateNode, ...core];

const SECRET = 'examples-S3cret-42';
const WAIT = 15000;

type FlowNode = Msg & { id: string; type: string; name?: string; wires?: string[][] };

/** The far end: registrar and every phone the flows talk to. */
class FarEnd {
  ua: SipEndpoint | undefined;
  readonly media = new Map<string, RtpSession>();
  readonly heard = new Map<string, string>();
  /** The dialogs of the calls the peer placed, by Call-ID. */
  readonly dialogs = new Map<string, PeerDialog>();

  private constructor(readonly peer: SipPeer) {}

  static async open(): Promise<FarEnd> {
    const peer = await SipPeer.open({ transport: 'udp', address: '127.0.0.1' });
    const far = new FarEnd(peer);
    peer.challenge('REGISTER', { password: SECRET, username: 'auth-nodered' });
    peer.onRequest('REGISTER', (req, reply, ctx) => {
      far.ua = ctx.source;
      reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
    });
    peer.onRequest('INVITE', (req, reply) => far.answer(req, reply));
    peer.onRequest('REFER', (req, reply) => {
      reply(202);
      // As a transferee does (RFC 3515): a NOTIFY with the outcome of the call to the target, as message/sipfrag.
      const dialog = far.dialogs.get(header(req, 'call-id') ?? '');
      if (!dialog) return;
      void peer
        .request('NOTIFY', {
          dialog,
          headers: { event: 'refer', 'subscription-state': 'terminated;reason=noresource' },
          body: 'SIP/2.0 200 OK\r\n',
          contentType: 'message/sipfrag;version=2.0',
        })
        .catch(() => undefined);
    });
    return far;
  }

  async rtp(callId: string): Promise<RtpSession> {
    let m = this.media.get(callId);
    if (!m) {
      m = await RtpSession.open({ bindAddress: '127.0.0.1' });
      this.media.set(callId, m);
      m.onDigit = (d) => this.heard.set(callId, (this.heard.get(callId) ?? '') + d);
    }
    return m;
  }

  private answer(req: SipRequest, reply: (status: number, options?: { sdp?: string }) => unknown): void {
    const callId = header(req, 'call-id') ?? '';
    if (header(req, 'to')?.includes('tag=')) {
      void this.rtp(callId).then((m) => reply(200, { sdp: m.acceptOffer(req.body.toString()) }));
      return;
    }
    const user = decodeURIComponent(/^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? '');
    reply(100);
    const fail: Record<string, number> = { '5550101': 486, '5550103': 603, '5550104': 404 };
    if (fail[user]) {
      if (user === '5550103') reply(180);
      reply(fail[user]);
      return;
    }
    reply(180);
    void this.rtp(callId).then((m) => {
      reply(200, { sdp: m.acceptOffer(req.body.toString()) });
      if (user === '5550106') setTimeout(() => this.bye(callId), 300).unref();
    });
  }

  bye(callId: string): void {
    void this.peer
      .dialog(callId, 3000)
      .then((dialog) => this.peer.request('BYE', { dialog }))
      .catch(() => undefined);
  }

  /** An incoming call to the flow: the caller id travels in P-Asserted-Identity (From is the gateway). */
  async call(callerId: string, name?: string): Promise<{ callId: string; media: RtpSession; result: Promise<PeerRequestResult> }> {
    const to = await this.peer.until(() => this.ua, 'the REGISTER (the user agent address)', WAIT);
    const callId = `${randomBytes(8).toString('hex')}@examples`;
    const media = await this.rtp(callId);
    const display = name ? `"${name}" ` : '';
    const result = this.peer.request('INVITE', {
      to,
      uri: `sip:nodered@${to.address}:${to.port}`,
      sdp: media.createOffer(),
      headers: {
        'call-id': callId,
        from: `<sip:gateway@${this.peer.hostPort}>;tag=${callId.slice(0, 8)}`,
        'p-asserted-identity': `${display}<sip:${callerId}@${this.peer.hostPort}>`,
      },
    });
    void result.then((r) => {
      if (r.final.status !== 200) return;
      media.acceptAnswer(r.final.body.toString());
      if (r.dialog) this.dialogs.set(callId, r.dialog);
    });
    return { callId, media, result };
  }

  /** The INVITE the peer sent for this Call-ID (for a CANCEL). */
  sentInvite(callId: string): SipRequest | undefined {
    const sent = this.peer.log.find(
      (r) =>
        r.direction === 'out' && r.message.kind === 'request' && r.message.method === 'INVITE' && header(r.message, 'call-id') === callId,
    );
    return sent?.message as SipRequest | undefined;
  }

  async close(): Promise<void> {
    for (const m of this.media.values()) m.close();
    this.media.clear();
    await this.peer.close();
  }
}

function sipExample(
  file: string,
  far: FarEnd,
  patch: Record<string, Msg> = {},
): { flow: FlowNode[]; credentials: Record<string, unknown> } {
  const flow = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', file), 'utf8')) as FlowNode[];
  const credentials: Record<string, unknown> = {};
  const mapped = flow.map((n) => {
    if (patch[n.id]) n = { ...n, ...patch[n.id] };
    if (n.type === 'debug') return { id: n.id, type: 'helper', z: n.z, name: n.name };
    if (n.type === 'tapi-line') {
      credentials[n.id] = { sipUser: 'nodered', sipAuthUser: 'auth-nodered', sipPassword: SECRET, sipDisplayName: 'Node-RED' };
      return {
        ...n,
        provider: 'sip',
        line: '',
        sipRegistrar: far.peer.hostPort,
        sipBindAddress: '127.0.0.1',
        sipTransport: 'udp',
        sipRegister: true,
      };
    }
    return n;
  });
  return { flow: mapped, credentials };
}

function byName(flow: FlowNode[], type: string, name: string): FlowNode {
  const found = flow.find((n) => n.type === type && n.name === name);
  assert.ok(found, `${type} "${name}" in the example`);
  return found;
}

async function load(file: string, far: FarEnd, patch: Record<string, Msg> = {}) {
  const { flow, credentials } = sipExample(file, far, patch);
  const tab = flow.find((n) => n.type === 'tab')!.id;
  // A catch-all, unless the example has a Catch node of its own (then its debug node is read instead): the test
  // helper loads the catch module once per Catch node, and a second one fails to register.
  const extra = flow.some((n) => n.type === 'catch')
    ? [{ id: 'caught', type: 'helper', z: tab }]
    : [
        { id: 'catch-all', type: 'catch', z: tab, scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: tab },
      ];
  await helper.load(nodes, [...flow, ...extra], credentials);
  const debug: Record<string, Msg[]> = {};
  for (const n of flow) if (n.type === 'helper') debug[n.name!] = collector(helper.getNode(n.id));
  const caught = collector(helper.getNode('caught'));
  const line = flow.find((n) => n.type === 'tapi-line')!;
  await waitFor(() => helper.getNode(line.id).shared.state === 'open', WAIT, 'the SIP line open');
  await far.peer.until(
    () => far.peer.auth.some((a) => a.method === 'REGISTER' && a.outcome === 'accepted'),
    'a REGISTER with digest',
    WAIT,
  );
  const press = (name: string) => helper.getNode(byName(flow, 'inject', name).id).receive({});
  return { flow, debug, caught, press };
}

/** Nothing of the password in a log line, a status or a message the flow saw. */
function assertNoSecret(debug: Record<string, Msg[]>): void {
  const logged = JSON.stringify(
    helper
      .log()
      .getCalls()
      .map((c: { args: unknown[] }) => c.args),
  );
  assert.ok(!logged.includes(SECRET), 'the password is in no log');
  assert.ok(!JSON.stringify(debug).includes(SECRET), 'nor in a message');
}

describe('examples on a SIP line (sip-peer on loopback as registrar and far end)', function () {
  this.timeout(30000);
  let userDir: string;
  let far: FarEnd | undefined;

  before(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-examples-sip-'));
    fs.mkdirSync(path.join(userDir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(userDir, 'node_modules', 'node-red-contrib-tapi'), 'junction');
    helper.settings({ userDir });
  });
  after(() => {
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    far = await FarEnd.open();
  });
  afterEach(async () => {
    await unloadAndCheckClean();
    await far?.close();
    far = undefined;
  });

  it('01-dial-and-monitor: an answered call is seen connected then disconnected (the far end hangs up); busy and rejected', async () => {
    const r = await load('01-dial-and-monitor.json', far!);
    r.press('answered');
    await waitFor(() => r.debug['call result'].length > 0 || r.caught.length > 0, WAIT, 'the answered call');
    assert.deepEqual(r.caught, []);
    assert.equal(r.debug['call result'][0].payload.outcome, 'connected');
    const callId = r.debug['call result'][0].payload.callId ?? r.debug['call result'][0].call?.id;
    const states = () => r.debug['call states'].filter((m) => m.payload.callId === callId).map((m) => m.payload.state);
    await waitFor(() => states().includes('disconnected'), WAIT, 'the far end hangs up');
    assert.ok(states().includes('connected'), `states ${states().join(', ')}`);
    const disconnected = r.debug['call states'].find((m) => m.payload.callId === callId && m.payload.state === 'disconnected')!;
    assert.equal(disconnected.payload.mode, 'normal');
    const invite = far!.peer.requests('INVITE')[0];
    assert.match(invite.uri, /^sip:5550106@127\.0\.0\.1/);
    assert.ok(far!.peer.requests('BYE').length === 0, 'the far end sent the BYE, the flow did not');

    r.press('busy');
    await waitFor(() => r.debug['call result'].length > 1, WAIT, 'the busy call');
    assert.equal(r.debug['call result'][1].payload.outcome, 'busy');
    r.press('rejected');
    await waitFor(() => r.debug['call result'].length > 2, WAIT, 'the declined call');
    assert.equal(r.debug['call result'][2].payload.outcome, 'reject');
    assert.deepEqual(r.debug['error code'], []);
    assertNoSecret(r.debug);
  });

  it('03-call-log: outgoing answered, busy and not-found calls and an incoming call (caller id from P-Asserted-Identity) are logged', async () => {
    const r = await load('03-call-log.json', far!);
    const log = () => r.debug['call log'].map((m) => m.payload);
    r.press('answered call');
    await waitFor(() => log().length >= 1, WAIT, 'the answered call logged');
    r.press('busy call');
    await waitFor(() => log().length >= 2, WAIT, 'the busy call logged');
    r.press('unreachable call');
    await waitFor(() => log().length >= 3, WAIT, 'the not-found call logged');
    const incoming = await far!.call('5550188', 'Neighbour');
    // The call rings (the line only monitors: nobody answers); the caller gives up.
    await waitFor(() => far!.peer.responses((res) => res.status === 180).length > 0, WAIT, 'ringing');
    await waitFor(() => far!.sentInvite(incoming.callId), WAIT, 'the INVITE sent');
    far!.peer.cancel(far!.sentInvite(incoming.callId)!, far!.ua!);
    await waitFor(() => log().length >= 4, WAIT, 'the incoming call logged');
    assert.deepEqual(r.caught, []);
    assert.deepEqual(r.debug['errors'], []);
    const [answered, busy, notFound, inbound] = log();
    assert.deepEqual([answered.origin, answered.number, answered.answered, answered.result], ['outbound', '5550106', true, 'answered']);
    assert.deepEqual([busy.number, busy.answered, busy.result], ['5550101', false, 'busy']);
    assert.deepEqual([notFound.number, notFound.answered, notFound.result], ['5550104', false, 'badaddress']);
    assert.deepEqual([inbound.origin, inbound.number, inbound.name, inbound.answered], ['inbound', '5550188', 'Neighbour', false]);
    assertNoSecret(r.debug);
  });

  it('05-call-screening: caller ids from P-Asserted-Identity: the blocked caller gets a reject, the VIP a 302, the rest rings', async () => {
    const r = await load('05-call-screening.json', far!);
    const blocked = await far!.call('5550666');
    const vip = await far!.call('5550777', 'VIP');
    const other = await far!.call('5551234');
    await waitFor(
      () => r.debug['rejected'].length && r.debug['redirected to the mobile'].length && r.debug['rings through'].length,
      WAIT,
      'three outcomes',
    );
    assert.deepEqual(r.caught, []);
    assert.equal(r.debug['rejected'][0].payload.action, 'reject');
    assert.equal(r.debug['redirected to the mobile'][0].payload.action, 'redirect');
    assert.equal(r.debug['rings through'][0].payload.callerId, '5551234');
    const rejected = await blocked.result;
    assert.ok([486, 603].includes(rejected.final.status), `the blocked caller got ${rejected.final.status}`);
    const moved = await vip.result;
    assert.equal(moved.final.status, 302);
    assert.match(header(moved.final, 'contact') ?? '', /5550199/);
    // The third call still rings: the caller hangs up.
    far!.peer.cancel(far!.sentInvite(other.callId)!, far!.ua!);
    assert.equal(r.debug['rejected'].length + r.debug['redirected to the mobile'].length + r.debug['rings through'].length, 3);
    const finalOther = await other.result;
    assert.equal(finalOther.final.status, 487);
  });

  it('04-ivr-menu: the caller presses 1 (RFC 4733) during the prompt: barge-in, the call is transferred by REFER to 5550100', async () => {
    const r = await load('04-ivr-menu.json', far!);
    const c = await far!.call('5551001', 'Caller one');
    const answered = await c.result;
    assert.equal(answered.final.status, 200);
    // The key while the menu plays: once its first RTP packets have arrived.
    await waitFor(() => c.media.stats.received > 5, WAIT, 'the menu prompt over RTP');
    await c.media.sendDigits('1', 80);
    await waitFor(() => r.debug['transferred'].length > 0 || r.caught.length > 0, WAIT, 'the transfer');
    assert.deepEqual(r.caught, []);
    assert.equal(r.debug['transferred'][0].payload.action, 'transfer');
    const refer = await far!.peer.waitFor('REFER', 1, WAIT);
    assert.match(header(refer, 'refer-to') ?? '', /5550100/);
    // 3.7 s of menu is 185 packets of 20 ms: the key stopped it (barge-in) before its end.
    assert.ok(c.media.stats.received > 0 && c.media.stats.received < 185, `${c.media.stats.received} packets of the menu heard`);
    assert.equal(r.debug['door opened'].length + r.debug['no choice: hung up'].length, 0);
  });

  it('04-ivr-menu: the caller presses 2 (SIP INFO): the door code *1# goes out by RFC 4733, then the flow hangs up (BYE)', async () => {
    const r = await load('04-ivr-menu.json', far!);
    const c = await far!.call('5551002', 'Caller two');
    const answered = await c.result;
    assert.equal(answered.final.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await far!.peer.request('INFO', {
      dialog: answered.dialog!,
      body: 'Signal=2\r\nDuration=100\r\n',
      contentType: 'application/dtmf-relay',
    });
    await waitFor(() => r.debug['door opened'].length > 0 || r.caught.length > 0, WAIT, 'the door branch');
    assert.deepEqual(r.caught, []);
    assert.equal(r.debug['door opened'][0].payload.action, 'hangup');
    await far!.peer.until(() => far!.peer.requests('BYE').some((b) => header(b, 'call-id') === c.callId), 'the BYE', WAIT);
    await far!.peer.until(() => far!.heard.get(c.callId) === '*1#', `the door code (heard ${far!.heard.get(c.callId) ?? ''})`, WAIT);
    assert.equal(r.debug['transferred'].length, 0);
  });

  it("08-voicemail as shipped (answered after 3 rings, 5 s apart): greeting over RTP, the caller's words recorded until # (RFC 4733), the WAV saved", async function () {
    this.timeout(40000);
    const folder = path.join(userDir, 'voicemail-sip');
    process.env.VOICEMAIL_DIR = folder;
    try {
      const r = await load('08-voicemail.json', far!);
      assert.equal(r.flow.find((n) => n.type === 'tapi-call-state' && n.autoAnswer === true)?.autoAnswerRings, 3);
      let recording = false;
      helper.getNode(byName(r.flow, 'tapi-record', 'message').id).on('input', () => (recording = true));
      const c = await far!.call('5551008', 'Caller eight');
      const answered = await c.result;
      assert.equal(answered.final.status, 200);
      const rang = far!.peer.responses((res) => res.status === 180 && header(res, 'call-id') === c.callId);
      assert.equal(rang.length, 1, 'one 180 Ringing: the rings are LINEDEVSTATE_RINGING of the line, not SIP messages');
      await waitFor(() => recording || r.caught.length > 0, 20000, 'the greeting played, the recording started');
      assert.deepEqual(r.caught, []);
      assert.ok(c.media.stats.received >= 300, `the 6.3 s greeting heard over RTP (${c.media.stats.received} packets)`);
      // One second of the caller's voice (a 400 Hz tone), then #.
      const out = c.media.audioOut();
      const frames: Promise<boolean>[] = [];
      for (let f = 0; f < 50; f++) {
        const pcm = new Int16Array(160);
        for (let i = 0; i < 160; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 400 * (f * 160 + i)) / 8000));
        frames.push(out.write(pcm));
      }
      await Promise.all(frames);
      await c.media.sendDigits('#', 80);
      await waitFor(() => (r.debug['saved'].length > 0 && r.debug['hung up'].length > 0) || r.caught.length > 0, WAIT, 'saved, hung up');
      assert.deepEqual(r.caught, []);
      const saved = r.debug['saved'][0];
      assert.equal(path.dirname(saved.filename), folder);
      assert.match(path.basename(saved.filename), /^5551008-\d{8}T\d{6}\.wav$/);
      assert.deepEqual([saved.recording.reason, saved.recording.digit], ['digit', '#']);
      const wav = new WaveFile(fs.readFileSync(saved.filename));
      const fmt = wav.fmt as { sampleRate: number; numChannels: number };
      assert.deepEqual([fmt.sampleRate, fmt.numChannels], [8000, 1]);
      const samples = wav.getSamples(false, Int16Array as unknown as Parameters<WaveFile['getSamples']>[1]) as unknown as Int16Array;
      let loud = 0;
      for (let at = 0; at + 160 <= samples.length; at += 160) {
        if (samples.subarray(at, at + 160).reduce((n, v) => n + Math.abs(v), 0) / 160 > 500) loud++;
      }
      assert.ok(loud >= 25 && loud <= 60, `${loud} loud frames of the 50 spoken`);
      assert.equal(r.debug['hung up'][0].payload.action, 'hangup');
      await far!.peer.until(() => far!.peer.requests('BYE').some((b) => header(b, 'call-id') === c.callId), 'the BYE', WAIT);
      assertNoSecret(r.debug);
    } finally {
      delete process.env.VOICEMAIL_DIR;
    }
  });
});
