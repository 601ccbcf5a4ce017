// Consultation (attended) transfer on a SIP line through lib/tapi: setupTransfer holds the call (re-INVITE
// a=sendonly) and gives a consultation call in dialtone; completeTransfer sends REFER in the held call's dialog
// with Refer-To carrying Replaces for the consultation dialog (RFC 3891 / RFC 5589). One sip-peer on loopback
// plays both the transferee and the transfer target (two dialogs).
import assert from 'node:assert/strict';
import { DEFAULT_API_VERSIONS, Tapi } from '../lib/tapi/tapi';
import { TapiError, type Call, type Line } from '../lib/tapi';
import { SipProvider } from '../lib/tapi/providers/sip';
import { RtpSession } from '../lib/tapi/providers/sip/media';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipRequest } from '../lib/tapi/providers/sip/core/types';
import { escapeHeaderValue, referToWithReplaces } from '../lib/tapi/providers/sip/sip-transfer';
import { callFeatureNames } from '../lib/tapi/call-features';
import { SipPeer, type PeerDialog } from './helpers/sip-peer';

const WAIT = 5000;
const UA_TIMERS = { t1: 40, registration: { retryMinMs: 60, retryMaxMs: 120 }, closeTimeoutMs: 400, referNotifyTimeoutMs: 1000 };

interface Rig {
  peer: SipPeer;
  provider: SipProvider;
  tapi: Tapi;
  media: RtpSession[];
}

const rigs: Rig[] = [];

/** A registrar and far end that answers every new INVITE (100, 180, 200 from its own RtpSession) and every re-INVITE. */
async function rig(): Promise<Rig> {
  const peer = await SipPeer.open({ transport: 'udp' });
  const r: Rig = { peer, provider: undefined as unknown as SipProvider, tapi: undefined as unknown as Tapi, media: [] };
  peer.onRequest('REGISTER', (req, reply) => {
    reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
  });
  const media = new Map<string, RtpSession>();
  peer.onRequest('INVITE', (req, reply) => {
    const callId = header(req, 'call-id') ?? '';
    const far = media.get(callId);
    if (header(req, 'to')?.includes('tag=') && far) {
      reply(200, { sdp: far.acceptOffer(req.body.toString('utf8')) });
      return;
    }
    reply(100);
    void RtpSession.open({ bindAddress: '127.0.0.1' }).then((rtp) => {
      r.media.push(rtp);
      media.set(callId, rtp);
      reply(180);
      reply(200, { sdp: rtp.acceptOffer(req.body.toString('utf8')) });
    });
  });
  r.provider = new SipProvider(
    {
      accounts: [
        {
          uri: `sip:100@${peer.hostPort}`,
          registrar: peer.hostPort,
          transport: 'udp',
          bindAddress: '127.0.0.1',
          register: true,
          expires: 600,
          name: 'SIP transfer test',
        },
      ],
    },
    { userAgent: UA_TIMERS },
  );
  const provider = r.provider;
  r.tapi = new Tapi({
    kind: 'sip',
    createProvider: () => provider,
    appName: 'sip transfer test',
    apiLow: DEFAULT_API_VERSIONS.low,
    apiHigh: DEFAULT_API_VERSIONS.high,
  });
  await r.tapi.start();
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

/** Read from LINECALLSTATUS now (the held call's features follow the consultation call's state). */
function featuresOf(call: Call): string[] {
  return callFeatureNames(call.getStatus().callFeatures);
}

async function line(r: Rig): Promise<Line> {
  const l = await r.tapi.openLine(0, { privileges: ['owner'] });
  await r.peer.until(() => r.peer.requests('REGISTER').length > 0, 'REGISTER', WAIT);
  return l;
}

function invitesOf(r: Rig, callId: string): SipRequest[] {
  return r.peer.requests('INVITE').filter((q) => header(q, 'call-id') === callId);
}

/** A connected call to 5550100, then setupTransfer and the consultation call to 5550111 connected. */
async function consulting(r: Rig): Promise<{ call: Call; consult: Call; held: PeerDialog; target: PeerDialog }> {
  const l = await line(r);
  const call = await l.makeCall('5550100');
  await call.waitFor(['connected'], WAIT);
  const firstId = header(r.peer.requests('INVITE')[0], 'call-id') ?? '';
  const consult = await call.setupTransfer();
  assert.equal(call.state, 'onholdpendtransfer');
  const hold = invitesOf(r, firstId)[1];
  assert.ok(hold, 'a re-INVITE put the call on hold');
  assert.match(hold.body.toString('utf8'), /a=sendonly/);
  await consult.waitFor(['dialtone'], WAIT);
  await consult.dial('5550111');
  await consult.waitFor(['connected'], WAIT);
  const consultInvite = r.peer.requests('INVITE').find((q) => header(q, 'call-id') !== firstId);
  assert.ok(consultInvite);
  assert.equal(consultInvite.uri, `sip:5550111@${r.peer.hostPort}`);
  const held = await r.peer.dialog(firstId);
  const target = await r.peer.dialog(header(consultInvite, 'call-id') ?? '');
  return { call, consult, held, target };
}

describe('SIP provider: consultation transfer (REFER with Replaces)', function () {
  this.timeout(20_000);

  it('escapes the Replaces value as a URI header (RFC 3261 §19.1.1)', function () {
    assert.equal(escapeHeaderValue('a1@h;to-tag=x;from-tag=y'), 'a1%40h%3Bto-tag%3Dx%3Bfrom-tag%3Dy');
    assert.equal(referToWithReplaces('sip:5@h', 'c;to-tag=t'), 'sip:5@h?Replaces=c%3Bto-tag%3Dt');
    assert.equal(referToWithReplaces('sip:5@h?X=1', 'c'), 'sip:5@h?X=1&Replaces=c');
  });

  it('advertises setupTransfer on a connected call, completeTransfer on the held one; refuses it until the consultation call connects', async function () {
    const r = await rig();
    const l = await line(r);
    const call = await l.makeCall('5550100');
    await call.waitFor(['connected'], WAIT);
    assert.ok(featuresOf(call).includes('setuptransfer'), `features: ${featuresOf(call).join(',')}`);
    const consult = await call.setupTransfer();
    await consult.waitFor(['dialtone'], WAIT);
    assert.equal(consult.privilege, 'owner');
    assert.ok(l.calls.includes(consult));
    assert.ok(featuresOf(call).includes('completetransf'), `features: ${featuresOf(call).join(',')}`);
    assert.ok(!featuresOf(call).includes('setuptransfer'));
    await assert.rejects(
      call.completeTransfer(consult, 'transfer'),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALCALLSTATE',
    );
    await consult.dial('5550111');
    await consult.waitFor(['connected'], WAIT);
    await consult.drop();
    await call.drop();
  });

  it('unhold of the held call abandons the transfer: the consultation call is ended (BYE), re-INVITE a=sendrecv, connected', async function () {
    const r = await rig();
    const { call, consult, held, target } = await consulting(r);
    await call.unhold();
    await consult.waitFor(['idle'], WAIT);
    await call.waitFor(['connected'], WAIT);
    const reinvites = invitesOf(r, held.callId);
    assert.match(reinvites[reinvites.length - 1].body.toString('utf8'), /a=sendrecv/);
    await r.peer.until(
      () => r.peer.requests('BYE').some((q) => header(q, 'call-id') === target.callId),
      'BYE of the consultation call',
      WAIT,
    );
    assert.deepEqual(
      call.history.map((e) => e.state),
      ['dialtone', 'dialing', 'proceeding', 'ringback', 'connected', 'onholdpendtransfer', 'connected'],
    );
    await consult.release();
    await call.release();
  });

  it('completeTransfer: REFER in the first dialog, Refer-To with Replaces (call-id, to-tag, from-tag); NOTIFY 200 ends both calls', async function () {
    const r = await rig();
    const box: { held?: PeerDialog } = {};
    r.peer.onRequest('REFER', (_req, reply) => {
      reply(202);
      setTimeout(() => {
        void r.peer.request('NOTIFY', {
          dialog: box.held!,
          headers: { event: 'refer', 'subscription-state': 'terminated;reason=noresource' },
          body: 'SIP/2.0 200 OK\r\n',
          contentType: 'message/sipfrag',
        });
      }, 10);
    });
    const { call, consult, held, target } = await consulting(r);
    box.held = held;
    await call.completeTransfer(consult, 'transfer');
    const refer = r.peer.requests('REFER')[0];
    assert.equal(header(refer, 'call-id'), held.callId, 'the REFER goes in the held call dialog');
    const referTo = header(refer, 'refer-to') ?? '';
    const m = /^<(sip:5550111@[^?>]+)\?Replaces=([^>]+)>$/.exec(referTo);
    assert.ok(m, `Refer-To: ${referTo}`);
    const replaces = decodeURIComponent(m[2]);
    // target.localTag is the target's tag (its To), target.remoteTag ours (the From of our INVITE)
    assert.equal(replaces, `${target.callId};to-tag=${target.localTag};from-tag=${target.remoteTag}`);
    assert.ok(!/[;=@]/.test(m[2]), 'the Replaces value is escaped');
    await call.waitFor(['idle'], WAIT);
    await consult.waitFor(['idle'], WAIT);
    await r.peer.until(
      () => {
        const byes = r.peer.requests('BYE').map((q) => header(q, 'call-id'));
        return byes.includes(held.callId) && byes.includes(target.callId);
      },
      'BYE on both dialogs',
      WAIT,
    );
    await call.release();
    await consult.release();
  });

  it('a transferee that BYEs before its final NOTIFY, after the target ended the consultation dialog: the transfer succeeded', async function () {
    const r = await rig();
    const box: { held?: PeerDialog; target?: PeerDialog } = {};
    r.peer.onRequest('REFER', (_req, reply) => {
      reply(202);
      // What Replaces does at the target: our consultation dialog is ended; then the transferee hangs up on us.
      setTimeout(() => {
        void r.peer.request('BYE', { dialog: box.target! }).then(() => r.peer.request('BYE', { dialog: box.held! }));
      }, 10);
    });
    const { call, consult, held, target } = await consulting(r);
    Object.assign(box, { held, target });
    await call.completeTransfer(consult, 'transfer');
    await call.waitFor(['idle'], WAIT);
    await consult.waitFor(['idle'], WAIT);
    assert.equal(r.peer.requests('BYE').length, 0, 'the far ends hung up, we had nothing left to BYE');
    await call.release();
    await consult.release();
  });

  it('a REFER answered 603: LINEERR_OPERATIONFAILED and both calls stay as they were', async function () {
    const r = await rig();
    r.peer.onRequest('REFER', (_req, reply) => reply(603));
    const { call, consult } = await consulting(r);
    await assert.rejects(
      call.completeTransfer(consult, 'transfer'),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_OPERATIONFAILED',
    );
    assert.equal(call.state, 'onholdpendtransfer');
    assert.equal(consult.state, 'connected');
    assert.equal(r.peer.requests('BYE').length, 0);
    await consult.drop();
    await call.drop();
  });

  it('conference mode is refused (no conference bridge on SIP)', async function () {
    const r = await rig();
    r.peer.onRequest('REFER', (_req, reply) => reply(202));
    const { call, consult } = await consulting(r);
    await assert.rejects(
      call.completeTransfer(consult, 'conference'),
      (e: unknown) => e instanceof TapiError && /OPERATIONUNAVAIL|INVALTRANSFERMODE/.test(e.code),
    );
    assert.equal(r.peer.requests('REFER').length, 0);
    assert.equal(call.state, 'onholdpendtransfer');
    await consult.drop();
    await call.drop();
  });
});
