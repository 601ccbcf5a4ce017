// RFC 3261 §17 transactions on a ManualClock over a recording fake transport: every timer A–K (and the RFC 6026
// accepted-state timer L), retransmission intervals, timeouts at 64*T1, ACK for non-2xx, absorbing
// retransmissions, CANCEL 200/481, no retransmission on reliable transports; plus one real loopback exchange.
import assert from 'node:assert/strict';
import { ManualClock } from '../lib/tapi/providers/sip/core/clock';
import { header, parseNameAddr, parseVia } from '../lib/tapi/providers/sip/core/headers';
import {
  createCancel,
  createResponse,
  TransactionLayer,
  type ClientHandlers,
  type ServerTransaction,
  type TransactionTransport,
} from '../lib/tapi/providers/sip/core/transactions';
import type { SipEndpoint, SipMessage, SipRequest, SipResponse, SipTransportKind } from '../lib/tapi/providers/sip/core/types';

const UDP_PEER: SipEndpoint = { transport: 'udp', address: '192.0.2.10', port: 5060 };
const TCP_PEER: SipEndpoint = { transport: 'tcp', address: '192.0.2.10', port: 5060 };

interface Sent {
  at: number;
  message: SipMessage;
  destination: SipEndpoint;
}

class FakeTransport implements TransactionTransport {
  readonly sent: Sent[] = [];
  /** When set, send() resolves with this endpoint instead (the >1300-byte switch to TCP). */
  switchTo?: SipEndpoint;
  failWith?: Error;
  constructor(private readonly clock: ManualClock) {}
  send(message: SipMessage, destination: SipEndpoint): Promise<SipEndpoint> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.sent.push({ at: this.clock.now(), message, destination });
    return Promise.resolve(this.switchTo ?? destination);
  }
  sendResponse(response: SipResponse, requestSource: SipEndpoint): Promise<SipEndpoint> {
    return this.send(response, requestSource);
  }
  localEndpoint(kind: SipTransportKind): SipEndpoint {
    return { transport: kind, address: '192.0.2.1', port: 5070 };
  }
  requests(method: string): Sent[] {
    return this.sent.filter((s) => s.message.kind === 'request' && s.message.method === method);
  }
  responses(status?: number): Sent[] {
    return this.sent.filter((s) => s.message.kind === 'response' && (status === undefined || s.message.status === status));
  }
}

function invite(method = 'INVITE', branch?: string, sentBy = 'client.example.com:5060'): SipRequest {
  const headers = [
    { name: 'from', value: '"Alice" <sip:alice@example.com>;tag=from1' },
    { name: 'to', value: '<sip:bob@example.com>' },
    { name: 'call-id', value: 'call-1@example.com' },
    { name: 'cseq', value: `7 ${method}` },
    { name: 'max-forwards', value: '70' },
    { name: 'route', value: '<sip:proxy.example.com;lr>' },
  ];
  if (branch) headers.unshift({ name: 'via', value: `SIP/2.0/UDP ${sentBy};branch=${branch}` });
  return { kind: 'request', method, uri: 'sip:bob@example.com', headers, body: Buffer.alloc(0) };
}

function reply(request: SipRequest, status: number, toTag = 'to9'): SipResponse {
  return createResponse(request, status, undefined, status > 100 ? toTag : undefined);
}

function recorder(): ClientHandlers & { responses: SipResponse[]; timeouts: number; errors: Error[] } {
  const r = {
    responses: [] as SipResponse[],
    timeouts: 0,
    errors: [] as Error[],
    onResponse: (response: SipResponse) => r.responses.push(response),
    onTimeout: () => r.timeouts++,
    onTransportError: (error: Error) => r.errors.push(error),
  };
  return r;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SIP core: transactions (§17, ManualClock)', function () {
  let clock: ManualClock;
  let transport: FakeTransport;
  let layer: TransactionLayer;
  let requests: { request: SipRequest; tx: ServerTransaction; source: SipEndpoint }[];
  let acks: SipRequest[];
  let strays: SipResponse[];

  beforeEach(function () {
    clock = new ManualClock();
    transport = new FakeTransport(clock);
    requests = [];
    acks = [];
    strays = [];
    layer = new TransactionLayer({
      transport,
      clock,
      onRequest: (request, tx, source) => requests.push({ request, tx, source }),
      onAck: (ack) => acks.push(ack),
      onStrayResponse: (response) => strays.push(response),
    });
  });

  afterEach(async function () {
    await layer.close();
    assert.equal(clock.pending, 0, 'close() clears every timer');
  });

  describe('client INVITE', function () {
    it('Timer A retransmits at T1 doubling (500, 1000, 2000 … 16000 ms) and Timer B times out at 64*T1', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite(), UDP_PEER, h);
      assert.equal(tx.state, 'calling');
      clock.advance(31_999);
      const times = transport.requests('INVITE').map((s) => s.at);
      assert.deepEqual(times, [0, 500, 1500, 3500, 7500, 15500, 31500]);
      assert.equal(h.timeouts, 0);
      clock.advance(1);
      assert.equal(h.timeouts, 1, 'Timer B at 32 s');
      assert.equal(tx.state, 'terminated');
      clock.advance(100_000);
      assert.equal(transport.requests('INVITE').length, 7, 'nothing after termination');
      assert.equal(clock.pending, 0);
    });

    it('adds the top Via with a z9hG4bK branch and rport; every retransmission is the same request', function () {
      const tx = layer.sendRequest(invite(), UDP_PEER, recorder());
      const via = parseVia(header(tx.request, 'via')!)!;
      assert.equal(via.transport, 'UDP');
      assert.equal(via.host, '192.0.2.1');
      assert.equal(via.port, 5070);
      assert.match(via.params.branch!, /^z9hG4bK[0-9a-f]{20}$/);
      assert.equal(via.params.rport, null);
      clock.advance(600);
      assert.equal(transport.sent[1].message, transport.sent[0].message);
      const other = layer.sendRequest(invite('OPTIONS', undefined), TCP_PEER, recorder());
      assert.equal(parseVia(header(other.request, 'via')!)!.transport, 'TCP');
      assert.notEqual(parseVia(header(other.request, 'via')!)!.params.branch, via.params.branch);
      const branchless = invite('OPTIONS', undefined);
      branchless.headers.unshift({ name: 'via', value: 'SIP/2.0/UDP 192.0.2.1:5070;rport' });
      layer.sendRequest(branchless, UDP_PEER, recorder());
      assert.match(parseVia(header(branchless, 'via')!)!.params.branch!, /^z9hG4bK/);
    });

    it('a 1xx stops retransmissions and Timer B: the INVITE may ring as long as the TU wants', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite(), UDP_PEER, h);
      clock.advance(700); // one retransmission at 500
      tx.receive(reply(tx.request, 180));
      layer.receive(reply(tx.request, 180), UDP_PEER);
      assert.equal(tx.state, 'proceeding');
      clock.advance(600_000);
      assert.equal(transport.requests('INVITE').length, 2);
      assert.equal(h.timeouts, 0);
      assert.equal(h.responses.length, 2, 'every provisional is passed up');
    });

    it('300–699: the transaction sends the ACK (same branch, To tag of the response, CSeq n ACK), absorbs retransmissions, Timer D = 32 s', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite(), UDP_PEER, h);
      layer.receive(reply(tx.request, 100), UDP_PEER);
      const busy = reply(tx.request, 486, 'busytag');
      layer.receive(busy, UDP_PEER);
      assert.equal(tx.state, 'completed');
      assert.deepEqual(
        h.responses.map((r) => r.status),
        [100, 486],
      );
      const ack = transport.requests('ACK');
      assert.equal(ack.length, 1);
      const a = ack[0].message as SipRequest;
      assert.equal(a.uri, tx.request.uri);
      assert.equal(header(a, 'via'), header(tx.request, 'via'));
      assert.equal(parseNameAddr(header(a, 'to')!)!.params.tag, 'busytag');
      assert.equal(header(a, 'from'), header(tx.request, 'from'));
      assert.equal(header(a, 'call-id'), 'call-1@example.com');
      assert.equal(header(a, 'cseq'), '7 ACK');
      assert.equal(header(a, 'route'), '<sip:proxy.example.com;lr>');
      assert.deepEqual(ack[0].destination, UDP_PEER);
      // A retransmitted 486: the ACK again, nothing new for the TU.
      clock.advance(10_000);
      layer.receive(reply(tx.request, 486, 'busytag'), UDP_PEER);
      assert.equal(transport.requests('ACK').length, 2);
      assert.equal(h.responses.length, 2);
      assert.equal(transport.requests('INVITE').length, 1, 'no retransmission after the 100');
      clock.advance(21_999);
      assert.equal(tx.state, 'completed');
      clock.advance(1);
      assert.equal(tx.state, 'terminated', 'Timer D: 32 s after the final response');
      layer.receive(reply(tx.request, 486, 'busytag'), UDP_PEER);
      assert.equal(strays.length, 1);
    });

    it('2xx is passed up and the transaction terminates; 2xx retransmissions are stray (for the dialog)', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite(), UDP_PEER, h);
      layer.receive(reply(tx.request, 200), UDP_PEER);
      assert.equal(tx.state, 'terminated');
      assert.equal(h.responses[0].status, 200);
      assert.equal(transport.requests('ACK').length, 0, 'the ACK to a 2xx is the dialog’s');
      layer.receive(reply(tx.request, 200), UDP_PEER);
      assert.equal(strays.length, 1);
      assert.equal(h.responses.length, 1);
      clock.advance(64_000);
      assert.equal(transport.requests('INVITE').length, 1);
      assert.equal(h.timeouts, 0);
    });

    it('reliable transport: no Timer A; Timer B still times out; Timer D is zero', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite(), TCP_PEER, h);
      assert.deepEqual(tx.runningTimers, ['B']);
      clock.advance(32_000);
      assert.equal(transport.requests('INVITE').length, 1);
      assert.equal(h.timeouts, 1);
      const tx2 = layer.sendRequest(invite(), TCP_PEER, recorder());
      layer.receive(reply(tx2.request, 603), TCP_PEER);
      assert.equal(transport.requests('ACK').length, 1);
      assert.equal(tx2.state, 'completed');
      clock.advance(0);
      assert.equal(tx2.state, 'terminated');
    });

    it('a UDP request the transport sent over TCP instead (>1300 bytes) stops retransmitting', async function () {
      transport.switchTo = { ...UDP_PEER, transport: 'tcp' };
      const tx = layer.sendRequest(invite(), UDP_PEER, recorder());
      await tick();
      assert.deepEqual(tx.destination, { ...UDP_PEER, transport: 'tcp' });
      clock.advance(31_000);
      assert.equal(transport.requests('INVITE').length, 1);
      layer.receive(reply(tx.request, 404), UDP_PEER);
      assert.equal(transport.requests('ACK')[0].destination.transport, 'tcp', 'the ACK follows the INVITE');
    });

    it('a transport error is reported once and ends the transaction', async function () {
      transport.failWith = new Error('ECONNREFUSED');
      const h = recorder();
      const tx = layer.sendRequest(invite(), TCP_PEER, h);
      await tick();
      assert.equal(h.errors.length, 1);
      assert.equal(h.errors[0].message, 'ECONNREFUSED');
      assert.equal(tx.state, 'terminated');
      assert.equal(clock.pending, 0);
    });
  });

  describe('client non-INVITE', function () {
    it('Timer E doubles from T1 to T2 (500, 1000, 2000, 4000, 4000 …) and Timer F times out at 64*T1', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite('OPTIONS'), UDP_PEER, h);
      assert.equal(tx.state, 'trying');
      clock.advance(31_999);
      const times = transport.requests('OPTIONS').map((s) => s.at);
      assert.deepEqual(times, [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
      clock.advance(1);
      assert.equal(h.timeouts, 1, 'Timer F');
      assert.equal(tx.state, 'terminated');
      assert.equal(clock.pending, 0);
    });

    it('after a 1xx Timer E fires every T2; the final response is passed up once and Timer K (T4) absorbs retransmissions', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite('REGISTER'), UDP_PEER, h);
      clock.advance(100);
      layer.receive(reply(tx.request, 100), UDP_PEER);
      assert.equal(tx.state, 'proceeding');
      clock.advance(12_000);
      assert.deepEqual(
        transport.requests('REGISTER').map((s) => s.at),
        [0, 4100, 8100, 12100].filter((t) => t <= 12_100),
      );
      layer.receive(reply(tx.request, 200), UDP_PEER);
      assert.equal(tx.state, 'completed');
      layer.receive(reply(tx.request, 200), UDP_PEER);
      assert.deepEqual(
        h.responses.map((r) => r.status),
        [100, 200],
      );
      clock.advance(4_999);
      assert.equal(tx.state, 'completed');
      clock.advance(1);
      assert.equal(tx.state, 'terminated', 'Timer K = T4');
      assert.equal(transport.requests('REGISTER').length, 4);
      assert.equal(strays.length, 0);
    });

    it('reliable transport: no Timer E, Timer F still fires, Timer K is zero', function () {
      const h = recorder();
      const tx = layer.sendRequest(invite('BYE'), TCP_PEER, h);
      assert.deepEqual(tx.runningTimers, ['F']);
      clock.advance(31_999);
      assert.equal(transport.requests('BYE').length, 1);
      clock.advance(1);
      assert.equal(h.timeouts, 1);
      const tx2 = layer.sendRequest(invite('BYE'), TCP_PEER, recorder());
      layer.receive(reply(tx2.request, 200), TCP_PEER);
      assert.equal(tx2.state, 'completed');
      clock.advance(0);
      assert.equal(tx2.state, 'terminated');
    });

    it('responses match by branch and CSeq method (§17.1.3): a CANCEL’s 200 does not reach the INVITE', function () {
      const hi = recorder();
      const inv = layer.sendRequest(invite(), UDP_PEER, hi);
      const hc = recorder();
      const cancel = layer.sendRequest(createCancel(inv.request), UDP_PEER, hc);
      assert.equal(header(cancel.request, 'via'), header(inv.request, 'via'), 'CANCEL carries the INVITE’s branch');
      assert.equal(header(cancel.request, 'cseq'), '7 CANCEL');
      layer.receive(reply(cancel.request, 200), UDP_PEER);
      assert.equal(hc.responses.length, 1);
      assert.equal(hi.responses.length, 0);
      layer.receive(reply(inv.request, 487), UDP_PEER);
      assert.equal(hi.responses[0].status, 487);
      const unknown = reply(inv.request, 200);
      unknown.headers[0] = { name: 'via', value: 'SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKnotours' };
      layer.receive(unknown, UDP_PEER);
      assert.equal(strays.length, 1);
    });
  });

  describe('server INVITE', function () {
    function incoming(branch = 'z9hG4bKsrv1', source = UDP_PEER): { request: SipRequest; tx: ServerTransaction } {
      layer.receive(invite('INVITE', branch), source);
      const last = requests.at(-1)!;
      return { request: last.request, tx: last.tx };
    }

    it('100 Trying 200 ms after the INVITE when the TU has not answered; INVITE retransmissions get the last provisional', function () {
      const { request, tx } = incoming();
      assert.equal(tx.state, 'proceeding');
      clock.advance(199);
      assert.equal(transport.responses(100).length, 0);
      clock.advance(1);
      assert.equal(transport.responses(100).length, 1);
      layer.receive(invite('INVITE', 'z9hG4bKsrv1'), UDP_PEER);
      assert.equal(transport.responses(100).length, 2, 'retransmitted INVITE → the 100 again');
      tx.respond(reply(request, 180));
      layer.receive(invite('INVITE', 'z9hG4bKsrv1'), UDP_PEER);
      assert.equal(transport.responses(180).length, 2);
      assert.equal(requests.length, 1, 'the TU saw the INVITE once');
    });

    it('no 100 Trying when the TU answers within 200 ms', function () {
      const { request, tx } = incoming();
      clock.advance(50);
      tx.respond(reply(request, 180));
      clock.advance(1000);
      assert.equal(transport.responses(100).length, 0);
    });

    it('300–699: Timer G retransmits (T1 doubling to T2) until Timer H (64*T1) gives up and tells the TU', function () {
      const { request, tx } = incoming();
      let timedOut = 0;
      tx.onTimeout = () => timedOut++;
      tx.respond(reply(request, 486));
      assert.equal(tx.state, 'completed');
      clock.advance(31_999);
      assert.deepEqual(
        transport.responses(486).map((s) => s.at),
        [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
      );
      assert.equal(timedOut, 0);
      clock.advance(1);
      assert.equal(timedOut, 1, 'Timer H');
      assert.equal(tx.state, 'terminated');
    });

    it('the ACK confirms: retransmissions stop, Timer I (T4) absorbs ACK retransmissions, the ACK never reaches the TU', function () {
      const { request, tx } = incoming();
      tx.respond(reply(request, 603));
      clock.advance(600); // one retransmission at 500
      layer.receive(invite('INVITE', 'z9hG4bKsrv1'), UDP_PEER);
      assert.equal(transport.responses(603).length, 3, 'the INVITE retransmission gets the final response again');
      const ack = invite('ACK', 'z9hG4bKsrv1');
      layer.receive(ack, UDP_PEER);
      assert.equal(tx.state, 'confirmed');
      clock.advance(4_000);
      layer.receive(ack, UDP_PEER);
      assert.equal(transport.responses(603).length, 3);
      assert.equal(acks.length, 0);
      clock.advance(999);
      assert.equal(tx.state, 'confirmed');
      clock.advance(1);
      assert.equal(tx.state, 'terminated', 'Timer I = T4');
    });

    it('2xx: INVITE retransmissions are absorbed (accepted state, RFC 6026); the 2xx ACK goes to onAck; Timer L ends it', function () {
      const { request, tx } = incoming();
      tx.respond(reply(request, 200));
      assert.equal(tx.state, 'accepted');
      layer.receive(invite('INVITE', 'z9hG4bKsrv1'), UDP_PEER);
      assert.equal(requests.length, 1, 'not a new call');
      assert.equal(transport.responses(200).length, 1, 'the TU retransmits its 2xx, not the transaction');
      tx.respond(reply(request, 200));
      assert.equal(transport.responses(200).length, 2, 'the TU’s own retransmission is sent');
      layer.receive(invite('ACK', 'z9hG4bKack2xx'), UDP_PEER);
      assert.equal(acks.length, 1);
      clock.advance(32_000);
      assert.equal(tx.state, 'terminated');
    });

    it('reliable transport: no Timer G; Timer H still applies; Timer I is zero', function () {
      const { request, tx } = incoming('z9hG4bKtcp', TCP_PEER);
      tx.respond(reply(request, 480));
      assert.deepEqual(tx.runningTimers.sort(), ['H']);
      clock.advance(10_000);
      assert.equal(transport.responses(480).length, 1);
      layer.receive(invite('ACK', 'z9hG4bKtcp'), TCP_PEER);
      assert.equal(tx.state, 'confirmed');
      clock.advance(0);
      assert.equal(tx.state, 'terminated');
    });

    it('matching by branch + sent-by + method (§17.2.3): another sent-by is another transaction', function () {
      incoming('z9hG4bKsame');
      layer.receive(invite('INVITE', 'z9hG4bKsame', 'other.example.com:5060'), UDP_PEER);
      assert.equal(requests.length, 2);
      layer.receive(invite('OPTIONS', 'z9hG4bKsame'), UDP_PEER);
      assert.equal(requests.length, 3);
      assert.deepEqual(layer.size, { clients: 0, servers: 3 });
    });
  });

  describe('server non-INVITE', function () {
    it('retransmissions before the answer are absorbed; after it they get the final response; Timer J = 64*T1', function () {
      layer.receive(invite('OPTIONS', 'z9hG4bKopt'), UDP_PEER);
      const { request, tx } = requests[0];
      assert.equal(tx.state, 'trying');
      layer.receive(invite('OPTIONS', 'z9hG4bKopt'), UDP_PEER);
      assert.equal(transport.sent.length, 0);
      assert.equal(requests.length, 1);
      clock.advance(1000);
      assert.equal(transport.responses(100).length, 0, 'no automatic 100 for non-INVITE');
      tx.respond(reply(request, 200));
      assert.equal(tx.state, 'completed');
      layer.receive(invite('OPTIONS', 'z9hG4bKopt'), UDP_PEER);
      assert.equal(transport.responses(200).length, 2);
      tx.respond(reply(request, 500));
      assert.equal(transport.responses(500).length, 0, 'one final response only');
      clock.advance(31_999);
      assert.equal(tx.state, 'completed');
      clock.advance(1);
      assert.equal(tx.state, 'terminated', 'Timer J');
    });

    it('a provisional response is re-sent for retransmissions while proceeding; reliable transport has J = 0', function () {
      layer.receive(invite('REGISTER', 'z9hG4bKreg'), UDP_PEER);
      const { request, tx } = requests[0];
      tx.respond(reply(request, 100));
      layer.receive(invite('REGISTER', 'z9hG4bKreg'), UDP_PEER);
      assert.equal(transport.responses(100).length, 2);
      layer.receive(invite('BYE', 'z9hG4bKbye'), TCP_PEER);
      const bye = requests[1];
      bye.tx.respond(reply(bye.request, 200));
      clock.advance(0);
      assert.equal(bye.tx.state, 'terminated');
    });
  });

  describe('CANCEL', function () {
    it('matching a proceeding INVITE: 200 to the CANCEL, onCancel fires once, CANCEL never reaches onRequest', function () {
      layer.receive(invite('INVITE', 'z9hG4bKc1'), UDP_PEER);
      const { request, tx } = requests[0];
      let cancelled = 0;
      tx.onCancel = () => {
        cancelled++;
        tx.respond(reply(request, 487));
      };
      tx.respond(reply(request, 180));
      layer.receive(invite('CANCEL', 'z9hG4bKc1'), UDP_PEER);
      assert.equal(cancelled, 1);
      const ok = transport.responses(200);
      assert.equal(ok.length, 1);
      assert.equal(header(ok[0].message, 'cseq'), '7 CANCEL');
      assert.equal(transport.responses(487).length, 1);
      assert.equal(requests.length, 1);
      layer.receive(invite('CANCEL', 'z9hG4bKc1'), UDP_PEER);
      assert.equal(transport.responses(200).length, 2, 'a CANCEL retransmission gets its 200 again');
      assert.equal(cancelled, 1);
      layer.receive(invite('ACK', 'z9hG4bKc1'), UDP_PEER);
      assert.equal(tx.state, 'confirmed');
    });

    it('without an onCancel hook the layer answers the INVITE 487 itself (with a To tag)', function () {
      layer.receive(invite('INVITE', 'z9hG4bKc2'), UDP_PEER);
      layer.receive(invite('CANCEL', 'z9hG4bKc2'), UDP_PEER);
      const terminated = transport.responses(487);
      assert.equal(terminated.length, 1);
      assert.equal(header(terminated[0].message, 'cseq'), '7 INVITE');
      assert.ok(parseNameAddr(header(terminated[0].message, 'to')!)!.params.tag);
    });

    it('481 when no INVITE matches; 200 without effect when the INVITE was already answered', function () {
      layer.receive(invite('CANCEL', 'z9hG4bKnone'), UDP_PEER);
      assert.equal(transport.responses(481).length, 1);
      assert.equal(header(transport.responses(481)[0].message, 'cseq'), '7 CANCEL');
      layer.receive(invite('INVITE', 'z9hG4bKc3'), UDP_PEER);
      const { request, tx } = requests[0];
      let cancelled = 0;
      tx.onCancel = () => cancelled++;
      tx.respond(reply(request, 200));
      layer.receive(invite('CANCEL', 'z9hG4bKc3'), UDP_PEER);
      assert.equal(cancelled, 0);
      assert.equal(transport.responses(200).filter((s) => header(s.message, 'cseq') === '7 CANCEL').length, 1);
      assert.equal(requests.length, 1);
    });
  });

  it('malformed Via or CSeq is dropped and counted; a TU that throws does not break the layer', function () {
    const bad = invite('OPTIONS', 'z9hG4bKx');
    bad.headers = bad.headers.filter((h) => h.name !== 'cseq');
    layer.receive(bad, UDP_PEER);
    const noVia = invite('OPTIONS');
    layer.receive(noVia, UDP_PEER);
    assert.equal(layer.droppedCount, 2);
    const throwing = new TransactionLayer({
      transport,
      clock,
      onRequest: () => {
        throw new Error('TU bug');
      },
    });
    throwing.receive(invite('OPTIONS', 'z9hG4bKthrow'), UDP_PEER);
    assert.equal(throwing.size.servers, 1);
    void throwing.close();
  });
});

describe('SIP core: ManualClock', function () {
  it('advance fires due timers in due order (ties in set order), including ones set by callbacks', function () {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => {
      fired.push('a@10');
      clock.setTimeout(() => fired.push('c@15'), 5);
    }, 10);
    clock.setTimeout(() => fired.push('d@20'), 20);
    const cleared = clock.setTimeout(() => fired.push('never'), 5);
    clock.clearTimeout(cleared);
    clock.setTimeout(() => fired.push(`late@${clock.now() - 1000}`), 30);
    clock.advance(20);
    assert.deepEqual(fired, ['a@10', 'c@15', 'b@20', 'd@20']);
    assert.equal(clock.now(), 1020);
    assert.equal(clock.nextDue(), 10);
    clock.advance(10);
    assert.deepEqual(fired.at(-1), 'late@30');
    assert.equal(clock.pending, 0);
  });
});

describe('SIP core: transactions over a real loopback transport', function () {
  it('OPTIONS → 200 between two layers on the real clock, then everything closes', async function () {
    const server = await TransactionLayer.open(
      { bindAddress: '127.0.0.1', port: 0, transports: ['udp'] },
      { onRequest: (request, tx) => tx.respond(createResponse(request, 200, undefined, 'srv')) },
    );
    const client = await TransactionLayer.open({ bindAddress: '127.0.0.1', port: 0, transports: ['udp'] }, { onRequest: () => undefined });
    try {
      const target = (server.transport as { localEndpoint(k: 'udp'): SipEndpoint }).localEndpoint('udp');
      const response = await new Promise<SipResponse>((resolve, reject) => {
        client.sendRequest(invite('OPTIONS'), target, {
          onResponse: (r) => (r.status >= 200 ? resolve(r) : undefined),
          onTimeout: () => reject(new Error('timeout')),
          onTransportError: reject,
        });
      });
      assert.equal(response.status, 200);
      assert.equal(parseNameAddr(header(response, 'to')!)!.params.tag, 'srv');
      const via = parseVia(header(response, 'via')!)!;
      assert.equal(via.params.received, '127.0.0.1', 'RFC 3581: received is added whenever rport was asked for');
      assert.ok(via.params.rport, 'rport filled in by the server');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
