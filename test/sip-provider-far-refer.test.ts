// A REFER from the far end (an unsolicited transfer) is declined with 603 and dials nothing, even when its
// Refer-To names a target the far end itself would answer: the dial policy above the seam never saw that
// target (issue 15 §5), so the provider never follows it. Against a scriptable SIP far end on loopback.
import assert from 'node:assert/strict';
import { DEFAULT_API_VERSIONS, Tapi } from '../lib/tapi/tapi';
import type { Call } from '../lib/tapi';
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

async function rig(): Promise<Rig> {
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
    apiHigh: DEFAULT_API_VERSIONS.high,
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

describe('SIP provider: a REFER from the far end', function () {
  this.timeout(20_000);

  for (const target of ['peer', 'tel', 'replaces'] as const) {
    it(`is declined (603) and no INVITE goes out for its target (${target})`, async function () {
      const r = await rig();
      const { call, dialog } = await connectedCall(r);
      const line = call.line;
      const calls: Call[] = [];
      line.on('call', (c: Call) => calls.push(c));
      // Targets the far end would answer if we dialled them (its own address), in the forms a REFER carries.
      const referTo = {
        peer: `<sip:5550123@${r.peer.hostPort}>`,
        tel: `<sip:+15550123@${r.peer.hostPort};user=phone>`,
        replaces: `<sip:200@${r.peer.hostPort}?Replaces=${encodeURIComponent(`${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`)}>`,
      }[target];
      const refer = await r.peer.request('REFER', {
        dialog,
        headers: { 'refer-to': referTo, 'referred-by': `<sip:200@${r.peer.hostPort}>` },
      });
      assert.equal(refer.final.status, 603, `REFER answered ${refer.final.status}`);
      // A later request of ours is the sync point: the user agent sends in order, so an INVITE for the REFER
      // target would have reached the peer before this BYE.
      await call.drop();
      await r.peer.waitFor('BYE', 1, WAIT);
      assert.equal(r.peer.requests('INVITE').length, 1, 'only our own first INVITE');
      assert.equal(r.peer.requests('NOTIFY').length, 0, 'no transfer progress for a declined REFER');
      assert.deepEqual(calls, [], 'no new call on the line');
      await call.release();
    });
  }
});
