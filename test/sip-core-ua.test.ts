import assert from 'node:assert/strict';
import {
  acceptRemoteSeq,
  buildInDialogRequest,
  dialogFromUacResponse,
  dialogFromUasRequest,
  dialogKey,
  dialogKeyOfRequest,
  refreshRemoteTarget,
} from '../lib/tapi/providers/sip/core/dialog';
import { digestResponse } from '../lib/tapi/providers/sip/core/digest';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipHeader, SipRequest, SipResponse } from '../lib/tapi/providers/sip/core/types';
import { ManualClock } from '../lib/tapi/providers/sip/core/clock';
import {
  parseDtmfRelay,
  SipUserAgent,
  type OutgoingCall,
  type RegistrationEvent,
  type SipAccount,
  type SipDialog,
} from '../lib/tapi/providers/sip/core/user-agent';
import { SipPeer, type PeerDialog } from './helpers/sip-peer';

function request(method: string, uri: string, headers: [string, string][], body = ''): SipRequest {
  return { kind: 'request', method, uri, headers: headers.map(([name, value]): SipHeader => ({ name, value })), body: Buffer.from(body) };
}

function response(status: number, headers: [string, string][]): SipResponse {
  return { kind: 'response', status, reason: 'X', headers: headers.map(([name, value]) => ({ name, value })), body: Buffer.alloc(0) };
}

describe('sip core: dialogs (RFC 3261 §12)', function () {
  const invite = request('INVITE', 'sip:bob@example.org', [
    ['via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa'],
    ['from', '"Alice" <sip:alice@example.org>;tag=aaa'],
    ['to', '<sip:bob@example.org>'],
    ['call-id', 'c1@10.0.0.1'],
    ['cseq', '7 INVITE'],
    ['contact', '<sip:alice@10.0.0.1:5060>'],
  ]);

  it('UAC: builds the dialog from a 2xx (route set = Record-Route reversed) and routes loosely', function () {
    const ok = response(200, [
      ['record-route', '<sip:p2.example.org;lr>'],
      ['record-route', '<sip:p1.example.org;lr>'],
      ['to', '<sip:bob@example.org>;tag=bbb'],
      ['contact', '<sip:bob@192.0.2.4:5070;transport=udp>'],
    ]);
    const d = dialogFromUacResponse(invite, ok)!;
    assert.equal(d.callId, 'c1@10.0.0.1');
    assert.equal(d.localTag, 'aaa');
    assert.equal(d.remoteTag, 'bbb');
    assert.equal(d.localSeq, 7);
    assert.equal(d.remoteSeq, undefined);
    assert.equal(d.state, 'confirmed');
    assert.deepEqual(d.routeSet, ['<sip:p1.example.org;lr>', '<sip:p2.example.org;lr>']);
    const { request: bye, nextHop } = buildInDialogRequest(d, 'BYE');
    assert.equal(bye.uri, 'sip:bob@192.0.2.4:5070;transport=udp');
    assert.deepEqual(headerValues(bye, 'route'), ['<sip:p1.example.org;lr>', '<sip:p2.example.org;lr>']);
    assert.equal(nextHop, 'sip:p1.example.org;lr');
    assert.equal(header(bye, 'cseq'), '8 BYE');
    assert.match(header(bye, 'from')!, /^"Alice" <sip:alice@example.org>;tag=aaa$/);
    assert.equal(header(bye, 'to'), '<sip:bob@example.org>;tag=bbb');
    const ack = buildInDialogRequest(d, 'ACK', { cseq: 7 }).request;
    assert.equal(header(ack, 'cseq'), '7 ACK');
    assert.equal(d.localSeq, 8, 'ACK does not advance the local CSeq');
  });

  it('UAC: strict routing puts the first route in the Request-URI and the remote target last', function () {
    const ok = response(200, [
      ['record-route', '<sip:strict.example.org>'],
      ['to', '<sip:bob@example.org>;tag=bbb'],
      ['contact', '<sip:bob@192.0.2.4>'],
    ]);
    const d = dialogFromUacResponse(invite, ok)!;
    const { request: bye, nextHop } = buildInDialogRequest(d, 'BYE');
    assert.equal(bye.uri, 'sip:strict.example.org');
    assert.deepEqual(headerValues(bye, 'route'), ['<sip:bob@192.0.2.4>']);
    assert.equal(nextHop, 'sip:strict.example.org');
  });

  it('UAC: no dialog without a To tag or a Contact; early for a 1xx', function () {
    assert.equal(
      dialogFromUacResponse(
        invite,
        response(200, [
          ['to', '<sip:bob@example.org>'],
          ['contact', '<sip:b@h>'],
        ]),
      ),
      undefined,
    );
    assert.equal(dialogFromUacResponse(invite, response(200, [['to', '<sip:bob@example.org>;tag=t']])), undefined);
    const early = dialogFromUacResponse(
      invite,
      response(180, [
        ['to', '<sip:bob@example.org>;tag=t'],
        ['contact', '<sip:b@h>'],
      ]),
    )!;
    assert.equal(early.state, 'early');
  });

  it('UAS: builds the dialog from the INVITE (route set in order), checks and records the remote CSeq', function () {
    const withRoutes = request('INVITE', 'sip:bob@192.0.2.4', [
      ...invite.headers.map((h): [string, string] => [h.name, h.value]),
      ['record-route', '<sip:p1.example.org;lr>'],
      ['record-route', '<sip:p2.example.org;lr>'],
    ]);
    const d = dialogFromUasRequest(withRoutes, 'bbb', 1)!;
    assert.equal(d.localTag, 'bbb');
    assert.equal(d.remoteTag, 'aaa');
    assert.equal(d.remoteSeq, 7);
    assert.equal(d.remoteTarget, 'sip:alice@10.0.0.1:5060');
    assert.deepEqual(d.routeSet, ['<sip:p1.example.org;lr>', '<sip:p2.example.org;lr>']);
    assert.equal(d.local.uri, 'sip:bob@example.org');
    const bye = buildInDialogRequest(d, 'BYE').request;
    assert.equal(header(bye, 'from'), '<sip:bob@example.org>;tag=bbb');
    assert.equal(header(bye, 'to'), '"Alice" <sip:alice@example.org>;tag=aaa');
    assert.equal(header(bye, 'cseq'), '2 BYE');
    const inDialog = (seq: number, method = 'INFO'): SipRequest =>
      request(method, 'sip:bob@192.0.2.4', [
        ['from', '<sip:alice@example.org>;tag=aaa'],
        ['to', '<sip:bob@example.org>;tag=bbb'],
        ['call-id', 'c1@10.0.0.1'],
        ['cseq', `${seq} ${method}`],
        ['contact', '<sip:alice@10.0.0.9>'],
      ]);
    assert.equal(acceptRemoteSeq(d, inDialog(7)), false, 'not above the INVITE');
    assert.equal(acceptRemoteSeq(d, inDialog(8)), true);
    assert.equal(acceptRemoteSeq(d, inDialog(8)), false);
    assert.equal(acceptRemoteSeq(d, inDialog(7, 'ACK')), true);
    assert.equal(dialogKeyOfRequest(inDialog(9)), dialogKey('c1@10.0.0.1', 'bbb', 'aaa'));
    refreshRemoteTarget(d, inDialog(9, 'INVITE'));
    assert.equal(d.remoteTarget, 'sip:alice@10.0.0.9');
    assert.equal(dialogKeyOfRequest(invite), undefined, 'no To tag: not in a dialog');
  });
});

describe('sip core: the test peer (sip-peer against itself)', function () {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`${transport}: INVITE with a 401 challenge, provisional, 2xx and ACK; BYE in the dialog`, async function () {
      const a = await SipPeer.open({ transport });
      const b = await SipPeer.open({ transport });
      try {
        b.challenge('INVITE', { password: 'pw', realm: 'b.test' });
        b.onRequest('INVITE', (_req, reply) => {
          reply(180);
          reply(200, { sdp: 'v=0\r\n' });
        });
        const first = await a.request('INVITE', { to: b.endpoint, uri: b.uri, sdp: 'v=0\r\n' });
        assert.equal(first.final.status, 401);
        const challenge = header(first.final, 'www-authenticate')!;
        const authorization = digestResponse({ challenge, method: 'INVITE', uri: b.uri, username: 'a', password: 'pw' });
        const second = await a.request('INVITE', { to: b.endpoint, uri: b.uri, sdp: 'v=0\r\n', headers: { authorization } });
        assert.equal(second.final.status, 200);
        assert.equal(second.provisional[0].status, 180);
        assert.equal(second.final.body.toString(), 'v=0\r\n');
        await b.waitFor('ACK');
        assert.deepEqual(
          b.auth.map((r) => r.outcome),
          ['challenged', 'accepted'],
        );
        const bye = await a.request('BYE', { dialog: second.dialog! });
        assert.equal(bye.final.status, 200);
        assert.equal(header(b.requests('BYE')[0], 'to'), header(second.final, 'to'));
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});

// ---- the user agent against sip-peer ------------------------------------------------------------------------------

const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=sendrecv\r\n';
const ANSWER = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\na=sendrecv\r\n';
const HOLD = OFFER.replace('a=sendrecv', 'a=sendonly');

type Outcome =
  | { kind: 'answered'; dialog: SipDialog; response: SipResponse }
  | { kind: 'failed'; status: number; reason: string; response?: SipResponse }
  | { kind: 'redirected'; contacts: string[] };

function dial(ua: SipUserAgent, target: string, onProvisional: (r: SipResponse, call: OutgoingCall) => void = () => undefined) {
  const provisional: SipResponse[] = [];
  let call!: OutgoingCall;
  const outcome = new Promise<Outcome>((resolve) => {
    call = ua.invite(
      target,
      { sdp: OFFER },
      {
        onProvisional: (r) => {
          provisional.push(r);
          onProvisional(r, call);
        },
        onAnswered: (dialog, response) => resolve({ kind: 'answered', dialog, response }),
        onFailed: (status, reason, response) => resolve({ kind: 'failed', status, reason, response }),
        onRedirected: (contacts) => resolve({ kind: 'redirected', contacts }),
      },
    );
  });
  return { call, outcome, provisional };
}

function account(peer: SipPeer, overrides: Partial<SipAccount> = {}): SipAccount {
  return {
    uri: 'sip:alice@example.test',
    authUser: 'alice',
    password: 'Circle of Life',
    registrar: peer.hostPort,
    transport: peer.transport,
    bindAddress: '127.0.0.1',
    register: false,
    expires: 120,
    acceptOnlyFromRegistrar: false,
    ...overrides,
  };
}

function cseqOf(m: SipRequest | SipResponse): { seq: number; method: string } {
  const [seq, method] = (header(m, 'cseq') ?? '').split(' ');
  return { seq: Number(seq), method };
}

function branchOf(m: SipRequest): string {
  return /branch=([^;]+)/.exec(headerValues(m, 'via')[0] ?? '')?.[1] ?? '';
}

describe('sip core: user agent against sip-peer', function () {
  this.timeout(15000);
  let peer: SipPeer | undefined;
  let ua: SipUserAgent | undefined;
  const extra: SipPeer[] = [];

  afterEach(async function () {
    await ua?.close();
    await peer?.close();
    for (const p of extra.splice(0)) await p.close();
    ua = undefined;
    peer = undefined;
  });

  for (const transport of ['udp', 'tcp'] as const) {
    describe(`over ${transport}`, function () {
      it('REGISTER: 401 answered as a new transaction with CSeq + 1, then unregister (Expires 0) on close', async function () {
        peer = await SipPeer.open({ transport });
        peer.challenge('REGISTER', { password: 'Circle of Life', username: 'alice', realm: 'example.test' });
        peer.onRequest('REGISTER', (req, reply) => {
          reply(200, { headers: [{ name: 'contact', value: `${headerValues(req, 'contact')[0].split(';expires')[0]};expires=60` }] });
        });
        const events: RegistrationEvent[] = [];
        ua = await SipUserAgent.start(account(peer, { register: true }), { userAgent: 'test-ua/1' });
        ua.onRegistration = (e) => events.push(e);
        await peer.until(() => events.find((e) => e.state === 'registered'), 'registered');
        const [first, second] = peer.requests('REGISTER');
        assert.deepEqual(
          peer.auth.map((a) => a.outcome),
          ['challenged', 'accepted'],
        );
        assert.equal(cseqOf(second).seq, cseqOf(first).seq + 1, 'CSeq + 1');
        assert.equal(header(second, 'call-id'), header(first, 'call-id'));
        assert.notEqual(branchOf(second), branchOf(first), 'a new transaction');
        assert.equal(second.uri, 'sip:example.test');
        assert.match(header(second, 'authorization')!, /^Digest username="alice", realm="example.test"/);
        assert.ok(!second.headers.some((h) => h.value.includes('Circle of Life')), 'the password is never sent');
        assert.match(headerValues(second, 'contact')[0], /;expires=120$/);
        assert.equal(header(second, 'expires'), '120');
        assert.match(headerValues(second, 'via')[0], /;rport/);
        assert.equal(header(second, 'max-forwards'), '70');
        assert.equal(header(second, 'user-agent'), 'test-ua/1');
        assert.equal(events[0].state, 'registering');
        assert.equal(events.at(-1)!.expires, 60);
        assert.ok(!JSON.stringify(events).includes('Circle'), 'no credentials in events');
        await ua.close();
        const last = peer.requests('REGISTER').at(-1)!;
        assert.equal(header(last, 'expires'), '0');
        assert.match(headerValues(last, 'contact')[0], /;expires=0$/);
        assert.equal(events.at(-1)!.state, 'unregistered');
      });

      it('INVITE out: 180, 200 with SDP → ACK and dialog; BYE from us', async function () {
        peer = await SipPeer.open({ transport });
        peer.onRequest('INVITE', (_req, reply) => {
          reply(180);
          reply(200, { sdp: ANSWER });
        });
        ua = await SipUserAgent.start(account(peer));
        const { outcome, provisional } = dial(ua, 'sip:bob@example.test');
        const result = await outcome;
        assert.equal(result.kind, 'answered');
        if (result.kind !== 'answered') return;
        assert.equal(provisional[0].status, 180);
        assert.equal(result.dialog.remoteSdp, ANSWER);
        const invite = peer.requests('INVITE')[0];
        assert.equal(invite.uri, 'sip:bob@example.test');
        assert.equal(invite.body.toString(), OFFER);
        assert.match(headerValues(invite, 'allow').join(', '), /REFER/);
        assert.match(
          headerValues(invite, 'contact')[0],
          new RegExp(`<sip:alice@127\\.0\\.0\\.1:\\d+${transport === 'tcp' ? ';transport=tcp' : ''}>`),
        );
        const ack = await peer.waitFor('ACK');
        assert.equal(cseqOf(ack).seq, cseqOf(invite).seq);
        assert.equal(ack.uri, peer.uri, 'the ACK goes to the Contact of the 2xx');
        assert.notEqual(branchOf(ack), branchOf(invite));
        await result.dialog.bye();
        const bye = peer.requests('BYE')[0];
        assert.equal(cseqOf(bye).seq, cseqOf(invite).seq + 1);
        assert.equal(result.dialog.terminated, true);
      });

      it('INVITE in: 180, accept → 200 retransmitted until the ACK; BYE from the peer', async function () {
        const clock = new ManualClock();
        peer = await SipPeer.open({ transport });
        ua = await SipUserAgent.start(account(peer), { clock });
        let dialogPromise: Promise<SipDialog> | undefined;
        ua.onIncomingCall = (call) => {
          assert.equal(call.remoteSdp, OFFER);
          call.ringing();
          dialogPromise = call.accept(ANSWER);
        };
        const to = ua.localEndpoint();
        const result = await peer.request('INVITE', { to, uri: `sip:alice@127.0.0.1:${to.port}`, sdp: OFFER, autoAck: false });
        assert.equal(result.final.status, 200);
        assert.equal(result.final.body.toString(), ANSWER);
        const ringing = result.provisional.find((r) => r.status === 180)!;
        assert.equal(header(ringing, 'to'), header(result.final, 'to'), 'the same To tag on 180 and 200');
        const oks = () => peer!.responses((r) => r.status === 200 && cseqOf(r).method === 'INVITE').length;
        if (transport === 'udp') {
          clock.advance(500);
          await peer.until(() => oks() >= 2, 'first 2xx retransmission (T1)');
          clock.advance(1000);
          await peer.until(() => oks() >= 3, 'second 2xx retransmission (2*T1)');
        }
        const before = oks();
        peer.ack(result, result.dialog!.endpoint);
        const dialog = await dialogPromise!;
        clock.advance(10000);
        await peer.request('OPTIONS', { to });
        assert.equal(oks(), before, 'no 2xx retransmission after the ACK');
        let byes = 0;
        const terminated: string[] = [];
        dialog.onBye = () => byes++;
        dialog.onTerminated = (reason) => terminated.push(reason);
        const bye = await peer.request('BYE', { dialog: result.dialog! });
        assert.equal(bye.final.status, 200);
        assert.equal(byes, 1);
        assert.deepEqual(terminated, ['remote BYE']);
        assert.equal(dialog.terminated, true);
      });
    });
  }

  it('REGISTER refresh at half the granted expiry; failures back off 30 s, doubling (ManualClock)', async function () {
    const clock = new ManualClock();
    peer = await SipPeer.open({ transport: 'udp' });
    let fail = false;
    peer.onRequest('REGISTER', (req, reply) => {
      if (fail) reply(503);
      else reply(200, { headers: [{ name: 'contact', value: `${headerValues(req, 'contact')[0].split(';expires')[0]};expires=100` }] });
    });
    const events: RegistrationEvent[] = [];
    ua = await SipUserAgent.start(account(peer, { register: true }), { clock });
    ua.onRegistration = (e) => events.push(e);
    await peer.until(() => events.find((e) => e.state === 'registered'), 'registered');
    clock.advance(49_000);
    await peer.request('OPTIONS', { to: ua.localEndpoint() });
    assert.equal(peer.requests('REGISTER').length, 1, 'no refresh before half the expiry');
    clock.advance(1_000);
    await peer.waitFor('REGISTER', 2);
    await peer.until(() => events.filter((e) => e.state === 'registered').length === 2, 'refreshed');
    assert.equal(cseqOf(peer.requests('REGISTER')[1]).seq, 2);
    fail = true;
    clock.advance(50_000);
    await peer.until(() => events.find((e) => e.state === 'failed'), 'failed');
    assert.deepEqual(
      events.filter((e) => e.state === 'failed').map((e) => [e.status, e.retryInMs]),
      [[503, 30_000]],
    );
    clock.advance(30_000);
    await peer.until(() => events.filter((e) => e.state === 'failed').length === 2, 'second failure');
    assert.equal(events.filter((e) => e.state === 'failed')[1].retryInMs, 60_000);
    fail = false;
    clock.advance(60_000);
    await peer.until(() => events.filter((e) => e.state === 'registered').length === 3, 'recovered');
    assert.equal(peer.requests('REGISTER').length, 5);
  });

  it('INVITE out: 486 Busy → onFailed with the response, the non-2xx is ACKed on the same branch', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    peer.onRequest('INVITE', (_req, reply) => reply(486));
    ua = await SipUserAgent.start(account(peer));
    const result = await dial(ua, 'sip:bob@example.test').outcome;
    assert.equal(result.kind, 'failed');
    assert.equal(result.kind === 'failed' && result.status, 486);
    const ack = await peer.waitFor('ACK');
    assert.equal(branchOf(ack), branchOf(peer.requests('INVITE')[0]));
  });

  it('INVITE out: 407 Proxy-Authenticate with SHA-256 → a new INVITE with CSeq + 1, verified by the peer', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    peer.challenge('INVITE', { proxy: true, algorithm: 'SHA-256', password: 'Circle of Life', username: 'alice', realm: 'proxy.test' });
    peer.onRequest('INVITE', (_req, reply) => reply(200, { sdp: ANSWER }));
    ua = await SipUserAgent.start(account(peer));
    const result = await dial(ua, 'sip:bob@example.test').outcome;
    assert.equal(result.kind, 'answered');
    const [first, second] = peer.requests('INVITE');
    assert.deepEqual(
      peer.auth.map((a) => a.outcome),
      ['challenged', 'accepted'],
    );
    assert.equal(cseqOf(second).seq, cseqOf(first).seq + 1);
    assert.equal(header(second, 'call-id'), header(first, 'call-id'));
    assert.match(header(second, 'proxy-authorization')!, /algorithm=SHA-256/);
    const acks = await peer.until(() => peer!.requests('ACK').length >= 2 && peer!.requests('ACK'), 'both ACKs');
    assert.equal(cseqOf(acks[1]).seq, cseqOf(second).seq, 'the ACK to the 2xx carries the authorised INVITE CSeq');
  });

  it('INVITE out: refused credentials end in onFailed(401) after one retry', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    peer.challenge('INVITE', { password: 'another password' });
    ua = await SipUserAgent.start(account(peer));
    const result = await dial(ua, 'sip:bob@example.test').outcome;
    assert.equal(result.kind === 'failed' && result.status, 401);
    assert.equal(peer.requests('INVITE').length, 2);
  });

  it('CANCEL after the 180: same branch and CSeq number; 487 → onFailed(487)', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    peer.onRequest('INVITE', (_req, reply) => reply(180));
    ua = await SipUserAgent.start(account(peer));
    const { outcome } = dial(ua, 'sip:bob@example.test', (r, call) => {
      if (r.status === 180) call.cancel();
    });
    const result = await outcome;
    assert.equal(result.kind === 'failed' && result.status, 487);
    const invite = peer.requests('INVITE')[0];
    const cancel = peer.requests('CANCEL')[0];
    assert.equal(branchOf(cancel), branchOf(invite));
    assert.equal(cseqOf(cancel).seq, cseqOf(invite).seq);
    assert.equal(cancel.uri, invite.uri);
    assert.equal(header(cancel, 'to'), header(invite, 'to'));
  });

  it('CANCEL requested before any provisional waits for it; a 200 that wins the race is ACKed and BYEd', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    let replyLater: ((status: number, o?: any) => void) | undefined;
    peer.onRequest('INVITE', (_req, reply) => {
      replyLater = reply;
    });
    peer.onRequest('CANCEL', () => undefined); // the peer's 200 to CANCEL only; its INVITE then answers 200
    ua = await SipUserAgent.start(account(peer));
    const { call, outcome } = dial(ua, 'sip:bob@example.test');
    await peer.waitFor('INVITE');
    call.cancel();
    await peer.request('OPTIONS', { to: ua.localEndpoint() });
    assert.equal(peer.requests('CANCEL').length, 0, 'no CANCEL before a provisional (§9.1)');
    replyLater!(180);
    await peer.waitFor('CANCEL');
    replyLater!(200, { sdp: ANSWER });
    const result = await outcome;
    assert.equal(result.kind === 'failed' && result.status, 487);
    await peer.waitFor('ACK');
    await peer.waitFor('BYE');
  });

  it('INVITE out with no answer: 408 after 64*T1 (ManualClock); a transport error: 503', async function () {
    const clock = new ManualClock();
    peer = await SipPeer.open({ transport: 'udp' });
    peer.onRequest('INVITE', () => undefined);
    ua = await SipUserAgent.start(account(peer), { clock });
    const { outcome } = dial(ua, 'sip:bob@example.test');
    await peer.waitFor('INVITE');
    clock.advance(32_000);
    const result = await outcome;
    assert.equal(result.kind === 'failed' && result.status, 408);
    await peer.until(() => peer!.requests('INVITE').length > 1, 'retransmitted over UDP (Timer A)');
    await ua.close();
    // TCP to a port nobody listens on.
    const closed = await SipPeer.open({ transport: 'tcp' });
    const port = closed.endpoint.port;
    await closed.close();
    ua = await SipUserAgent.start({ ...account(peer), transport: 'tcp', registrar: `127.0.0.1:${port}` });
    const refused = await dial(ua, 'sip:bob@example.test').outcome;
    assert.equal(refused.kind === 'failed' && refused.status, 503);
  });

  it('3xx → onRedirected with the contacts in q order', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    peer.onRequest('INVITE', (_req, reply) =>
      reply(302, {
        headers: [
          { name: 'contact', value: '<sip:low@example.test>;q=0.1' },
          { name: 'contact', value: '<sip:high@example.test>;q=0.9' },
        ],
      }),
    );
    ua = await SipUserAgent.start(account(peer));
    const result = await dial(ua, 'sip:bob@example.test').outcome;
    assert.deepEqual(result.kind === 'redirected' && result.contacts, ['sip:high@example.test', 'sip:low@example.test']);
  });

  it('INVITE in: CANCEL → 487 to the INVITE and onCancelled; reject and redirect', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    ua = await SipUserAgent.start(account(peer));
    const to = ua.localEndpoint();
    let cancelled = 0;
    ua.onIncomingCall = (call) => {
      call.onCancelled = () => cancelled++;
      call.ringing();
    };
    const pending = peer.request('INVITE', { to, sdp: OFFER });
    const invite = await peer.until(
      () => peer!.log.find((r) => r.direction === 'out' && r.message.kind === 'request' && r.message.method === 'INVITE'),
      'sent',
    );
    await peer.until(() => peer!.responses((r) => r.status === 180).length > 0, '180');
    peer.cancel(invite.message as SipRequest, to);
    const result = await pending;
    assert.equal(result.final.status, 487);
    assert.equal(cancelled, 1);
    assert.equal(peer.responses((r) => cseqOf(r).method === 'CANCEL')[0].status, 200);

    ua.onIncomingCall = (call) => call.reject(603, 'Decline');
    assert.equal((await peer.request('INVITE', { to, sdp: OFFER })).final.status, 603);
    ua.onIncomingCall = (call) => call.redirect('sip:voicemail@example.test');
    const moved = await peer.request('INVITE', { to, sdp: OFFER });
    assert.equal(moved.final.status, 302);
    assert.equal(headerValues(moved.final, 'contact')[0], '<sip:voicemail@example.test>');
  });

  it('INVITE in: no ACK → BYE after 64*T1 and accept() rejects (ManualClock)', async function () {
    const clock = new ManualClock();
    peer = await SipPeer.open({ transport: 'udp' });
    ua = await SipUserAgent.start(account(peer), { clock });
    let accepted: Promise<SipDialog> | undefined;
    ua.onIncomingCall = (call) => {
      accepted = call.accept(ANSWER);
      accepted.catch(() => undefined);
    };
    const result = await peer.request('INVITE', { to: ua.localEndpoint(), sdp: OFFER, autoAck: false });
    assert.equal(result.final.status, 200);
    clock.advance(32_000);
    await assert.rejects(accepted!, /no ACK/);
    await peer.waitFor('BYE');
  });

  describe('in a dialog', function () {
    async function established(): Promise<{ dialog: SipDialog; peerDialog: PeerDialog }> {
      peer = await SipPeer.open({ transport: 'udp' });
      peer.onRequest('INVITE', (_req, reply) => reply(200, { sdp: ANSWER }));
      ua = await SipUserAgent.start(account(peer));
      const result = await dial(ua, 'sip:bob@example.test').outcome;
      if (result.kind !== 'answered') throw new Error('not answered');
      const peerDialog = await peer.dialog(result.dialog.callId);
      await peer.waitFor('ACK');
      return { dialog: result.dialog, peerDialog };
    }

    it('re-INVITE hold from us (ACKed), and a re-INVITE from the peer answered by onReinvite', async function () {
      const { dialog, peerDialog } = await established();
      peer!.onRequest('INVITE', (_req, reply) => reply(200, { sdp: ANSWER.replace('a=sendrecv', 'a=recvonly') }));
      const held = await dialog.reinvite(HOLD);
      assert.equal(held.status, 200);
      const reinvite = peer!.requests('INVITE')[1];
      assert.equal(reinvite.body.toString(), HOLD);
      assert.equal(header(reinvite, 'to'), `${peerDialog.local};tag=${peerDialog.localTag}`);
      await peer!.until(() => peer!.requests('ACK').length === 2, 'ACK for the re-INVITE');
      assert.match(dialog.remoteSdp!, /a=recvonly/);
      const offers: string[] = [];
      dialog.onReinvite = (sdp, reply) => {
        offers.push(sdp);
        reply(200, ANSWER.replace('a=sendrecv', 'a=recvonly'));
      };
      const theirs = await peer!.request('INVITE', { dialog: peerDialog, sdp: HOLD });
      assert.equal(theirs.final.status, 200);
      assert.match(theirs.final.body.toString(), /a=recvonly/);
      assert.deepEqual(offers, [HOLD]);
      const update = await peer!.request('UPDATE', { dialog: peerDialog });
      assert.equal(update.final.status, 200, 'an UPDATE without SDP (a session refresh) is answered 200');
    });

    it('INFO both ways: application/dtmf-relay reaches onInfo', async function () {
      const { dialog, peerDialog } = await established();
      const infos: [string, string][] = [];
      dialog.onInfo = (type, body) => infos.push([type, body]);
      const r = await peer!.request('INFO', {
        dialog: peerDialog,
        contentType: 'application/dtmf-relay',
        body: 'Signal=5\r\nDuration=160\r\n',
      });
      assert.equal(r.final.status, 200);
      assert.equal(infos[0][0], 'application/dtmf-relay');
      assert.deepEqual(parseDtmfRelay(infos[0][1]), { signal: '5', durationMs: 160 });
      assert.deepEqual(parseDtmfRelay('Signal=11\r\n'), { signal: '#', durationMs: undefined });
      const sent = await dialog.info('application/dtmf-relay', 'Signal=#\r\nDuration=100\r\n');
      assert.equal(sent.status, 200);
      assert.equal(peer!.requests('INFO')[0].body.toString(), 'Signal=#\r\nDuration=100\r\n');
      assert.equal(header(peer!.requests('INFO')[0], 'content-type'), 'application/dtmf-relay');
    });

    it('REFER from us resolves with the final NOTIFY sipfrag status', async function () {
      const { dialog, peerDialog } = await established();
      const frags: string[] = [];
      dialog.onNotify = (frag) => frags.push(frag);
      peer!.onRequest('REFER', (req, reply) => {
        assert.equal(header(req, 'refer-to'), '<sip:carol@example.test>');
        reply(202);
        const notify = (status: string, state: string) =>
          peer!.request('NOTIFY', {
            dialog: peerDialog,
            headers: { event: 'refer', 'subscription-state': state },
            contentType: 'message/sipfrag;version=2.0',
            body: `SIP/2.0 ${status}\r\n`,
          });
        void notify('100 Trying', 'active;expires=60').then(() => notify('200 OK', 'terminated;reason=noresource'));
      });
      const result = await dialog.refer('sip:carol@example.test');
      assert.deepEqual(result, { status: 200, reason: 'OK' });
      assert.deepEqual(frags, ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 200 OK\r\n']);
    });

    it('REFER from us that is refused resolves with the REFER status; REFER from the peer gets 202 and NOTIFYs', async function () {
      const { dialog, peerDialog } = await established();
      peer!.onRequest('REFER', (_req, reply) => reply(603));
      assert.equal((await dialog.refer('sip:carol@example.test')).status, 603);
      const targets: string[] = [];
      dialog.onRefer = (target, notify) => {
        targets.push(target);
        notify(200, 'OK');
      };
      const refer = await peer!.request('REFER', { dialog: peerDialog, headers: { 'refer-to': '<sip:dave@example.test>' } });
      assert.equal(refer.final.status, 202);
      assert.deepEqual(targets, ['sip:dave@example.test']);
      const notifies = await peer!.until(() => peer!.requests('NOTIFY').length === 2 && peer!.requests('NOTIFY'), 'two NOTIFYs');
      assert.equal(notifies[0].body.toString(), 'SIP/2.0 100 Trying\r\n');
      assert.equal(notifies[1].body.toString(), 'SIP/2.0 200 OK\r\n');
      assert.match(header(notifies[1], 'subscription-state')!, /^terminated/);
      assert.equal(header(notifies[1], 'event'), 'refer');
    });

    it('an in-dialog request with a stale CSeq gets 500; one for an unknown dialog 481', async function () {
      const { peerDialog } = await established();
      const ok = await peer!.request('INFO', { dialog: peerDialog, body: 'x' });
      assert.equal(ok.final.status, 200);
      peerDialog.localSeq -= 1;
      const stale = await peer!.request('INFO', { dialog: peerDialog, body: 'x' });
      assert.equal(stale.final.status, 500);
      const unknown = await peer!.request('BYE', { dialog: { ...peerDialog, callId: 'nope', localSeq: 1000 } });
      assert.equal(unknown.final.status, 481);
    });
  });

  it('session timer: the peer asks us to refresh (refresher=uas) → re-INVITE at half the interval; expiry → BYE', async function () {
    const clock = new ManualClock();
    peer = await SipPeer.open({ transport: 'udp' });
    ua = await SipUserAgent.start(account(peer), { clock });
    const dialogs: Promise<SipDialog>[] = [];
    ua.onIncomingCall = (call) => dialogs.push(call.accept(ANSWER));
    const result = await peer.request('INVITE', {
      to: ua.localEndpoint(),
      sdp: OFFER,
      headers: { 'session-expires': '120;refresher=uas', supported: 'timer' },
    });
    assert.equal(header(result.final, 'session-expires'), '120;refresher=uas');
    await dialogs[0];
    peer.onRequest('INVITE', (_req, reply) => reply(200, { sdp: OFFER }));
    clock.advance(60_000);
    const refresh = await peer.waitFor('INVITE');
    assert.equal(refresh.body.toString(), ANSWER, 'the refresh re-offers our SDP');

    // The other way round: the peer refreshes and stops doing so.
    const second = await peer.request('INVITE', {
      to: ua.localEndpoint(),
      sdp: OFFER,
      headers: { 'session-expires': '90', supported: 'timer' },
    });
    assert.equal(header(second.final, 'session-expires'), '90;refresher=uac');
    assert.equal(header(second.final, 'require'), 'timer');
    await dialogs[1];
    clock.advance(60_000);
    const bye = await peer.waitFor('BYE');
    assert.equal(header(bye, 'call-id'), header(second.request, 'call-id'));
  });

  it('OPTIONS both ways; unknown methods 501; BYE out of a dialog 481', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    ua = await SipUserAgent.start(account(peer));
    const to = ua.localEndpoint();
    const options = await peer.request('OPTIONS', { to });
    assert.equal(options.final.status, 200);
    assert.match(header(options.final, 'allow')!, /INVITE/);
    assert.match(headerValues(options.final, 'allow').join(','), /REFER/);
    assert.match(headerValues(options.final, 'accept').join(','), /application\/sdp/);
    assert.equal((await peer.request('FOO', { to })).final.status, 501);
    assert.equal((await peer.request('BYE', { to })).final.status, 481);
    const ours = await ua.options(peer.uri);
    assert.equal(ours.status, 200);
    assert.equal(peer.requests('OPTIONS')[0].uri, peer.uri);
  });

  it('acceptOnlyFromRegistrar: a request from another address gets 403, the registrar’s is served', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    const stranger = await SipPeer.open({ transport: 'udp', address: '127.0.0.2' });
    extra.push(stranger);
    ua = await SipUserAgent.start(account(peer, { acceptOnlyFromRegistrar: true }));
    let offered = 0;
    ua.onIncomingCall = (call) => {
      offered++;
      call.reject(486);
    };
    const to = ua.localEndpoint();
    assert.equal((await stranger.request('INVITE', { to, sdp: OFFER })).final.status, 403);
    assert.equal((await stranger.request('OPTIONS', { to })).final.status, 403);
    assert.equal(offered, 0);
    assert.equal((await peer.request('INVITE', { to, sdp: OFFER })).final.status, 486);
    assert.equal(offered, 1);
  });

  it('close() ends calls: BYE for a dialog, 480 for an offered call', async function () {
    peer = await SipPeer.open({ transport: 'udp' });
    peer.onRequest('INVITE', (_req, reply) => reply(200, { sdp: ANSWER }));
    ua = await SipUserAgent.start(account(peer));
    const result = await dial(ua, 'sip:bob@example.test').outcome;
    assert.equal(result.kind, 'answered');
    ua.onIncomingCall = () => undefined;
    const offered = peer.request('INVITE', { to: ua.localEndpoint(), sdp: OFFER });
    await peer.until(() => peer!.responses((r) => r.status === 100).length > 0, '100 Trying');
    await ua.close();
    assert.equal((await offered).final.status, 480);
    assert.equal(peer.requests('BYE').length, 1);
  });
});
