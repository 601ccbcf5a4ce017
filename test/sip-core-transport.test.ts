// The SIP transport layer on loopback: UDP, TCP and TLS (a self-signed certificate made here with openssl),
// rport/received, responses back per §18.2.2, the >1300-byte switch to TCP, malformed input counted, connection
// reuse; and the resolver (IP literals, A/AAAA, SRV when asked). Every socket is closed after each test.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { header, headerValues, parseNameAddr, parseVia } from '../lib/tapi/providers/sip/core/headers';
import { parseMessage, serializeMessage, StreamFramer } from '../lib/tapi/providers/sip/core/message';
import { resolveTarget } from '../lib/tapi/providers/sip/core/resolver';
import { createResponse, TransactionLayer } from '../lib/tapi/providers/sip/core/transactions';
import { SipTransportLayer, type TransportOptions } from '../lib/tapi/providers/sip/core/transport';
import type { SipEndpoint, SipMessage, SipRequest, SipResponse } from '../lib/tapi/providers/sip/core/types';

interface Received {
  message: SipMessage;
  source: SipEndpoint;
}

/** A transport whose incoming messages queue up for `next()`. */
class Probe {
  readonly inbox: Received[] = [];
  readonly drops: string[] = [];
  private waiters: ((r: Received) => void)[] = [];
  layer!: SipTransportLayer;

  static async open(options: Partial<TransportOptions> & { transports: TransportOptions['transports'] }): Promise<Probe> {
    const probe = new Probe();
    probe.layer = await SipTransportLayer.open({
      bindAddress: '127.0.0.1',
      port: 0,
      ...options,
      onMessage: (message, source) => probe.deliver({ message, source }),
      onDrop: (reason) => probe.drops.push(reason),
    });
    return probe;
  }

  private deliver(r: Received): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(r);
    else this.inbox.push(r);
  }

  next(): Promise<Received> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

function request(method: string, via: string, body = ''): SipRequest {
  return {
    kind: 'request',
    method,
    uri: 'sip:bob@127.0.0.1',
    headers: [
      ...(via ? [{ name: 'via', value: via }] : []),
      { name: 'from', value: '<sip:alice@127.0.0.1>;tag=a1' },
      { name: 'to', value: '<sip:bob@127.0.0.1>' },
      { name: 'call-id', value: `c-${Math.random()}` },
      { name: 'cseq', value: `1 ${method}` },
      { name: 'max-forwards', value: '70' },
    ],
    body: Buffer.from(body),
  };
}

function responseTo(req: SipRequest, status = 200, reason = 'OK'): SipResponse {
  const copied = ['via', 'from', 'to', 'call-id', 'cseq'];
  return { kind: 'response', status, reason, headers: req.headers.filter((h) => copied.includes(h.name)), body: Buffer.alloc(0) };
}

function waitFor(predicate: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const poll = () => {
      if (predicate()) return resolve();
      if (++tries > 400) return reject(new Error(`timed out waiting for ${what}`));
      setImmediate(poll);
    };
    poll();
  });
}

describe('SIP core: transport layer (loopback)', function () {
  const open: { close(): unknown }[] = [];
  const track = <T extends { close(): unknown }>(x: T): T => {
    open.push(x);
    return x;
  };
  afterEach(async function () {
    for (const x of open.splice(0)) await x.close();
  });

  async function pair(transports: TransportOptions['transports'], extra: Partial<TransportOptions> = {}): Promise<[Probe, Probe]> {
    const a = await Probe.open({ transports, ...extra });
    track(a.layer);
    const b = await Probe.open({ transports, ...extra });
    track(b.layer);
    return [a, b];
  }

  it('UDP: a request and its response, with received/rport filled in on the request', async function () {
    const [a, b] = await pair(['udp']);
    const aUdp = a.layer.localEndpoint('udp');
    const bUdp = b.layer.localEndpoint('udp');
    assert.equal(aUdp.address, '127.0.0.1');
    assert.ok(aUdp.port > 0);
    // The Via claims another host and port: the response must still reach b (received + rport).
    const req = request('OPTIONS', 'SIP/2.0/UDP 192.0.2.99:5999;branch=z9hG4bKudp1;rport');
    const used = await b.layer.send(req, aUdp);
    assert.deepEqual(used, aUdp);
    const got = await a.next();
    assert.equal(got.source.transport, 'udp');
    assert.equal(got.source.port, bUdp.port);
    const via = parseVia(header(got.message, 'via')!)!;
    assert.equal(via.params.received, '127.0.0.1');
    assert.equal(via.params.rport, String(bUdp.port));
    assert.equal(via.params.branch, 'z9hG4bKudp1');
    const sent = await a.layer.sendResponse(responseTo(got.message as SipRequest), got.source);
    assert.deepEqual(sent, { transport: 'udp', address: '127.0.0.1', port: bUdp.port });
    const answer = await b.next();
    assert.equal((answer.message as SipResponse).status, 200);
  });

  it('UDP: received is added when the Via host differs even without rport; not touched when it matches', async function () {
    const [a, b] = await pair(['udp']);
    await b.layer.send(request('OPTIONS', 'SIP/2.0/UDP example.invalid:5060;branch=z9hG4bKr1'), a.layer.localEndpoint('udp'));
    const first = parseVia(header((await a.next()).message, 'via')!)!;
    assert.equal(first.params.received, '127.0.0.1');
    assert.ok(!('rport' in first.params));
    const bUdp = b.layer.localEndpoint('udp');
    await b.layer.send(request('OPTIONS', `SIP/2.0/UDP 127.0.0.1:${bUdp.port};branch=z9hG4bKr2`), a.layer.localEndpoint('udp'));
    const second = parseVia(header((await a.next()).message, 'via')!)!;
    assert.ok(!('received' in second.params));
  });

  it('UDP: malformed datagrams are dropped and counted, never thrown; keep-alive CRLFs are ignored', async function () {
    const [a] = await pair(['udp']);
    const raw = track(dgram.createSocket('udp4'));
    const target = a.layer.localEndpoint('udp');
    const sendRaw = (data: Buffer) => new Promise<void>((resolve) => raw.send(data, target.port, '127.0.0.1', () => resolve()));
    await sendRaw(Buffer.from([0xff, 0x00, 0x13, 0x37]));
    await sendRaw(Buffer.from('INVITE sip:x SIP/2.0\r\nContent-Length: 999\r\n\r\nshort'));
    await sendRaw(Buffer.from('OPTIONS sip:x SIP/2.0\r\nCall-ID: no-via\r\nl: 0\r\n\r\n'));
    await sendRaw(Buffer.from('\r\n\r\n'));
    await waitFor(() => a.layer.dropped >= 3, 'three drops');
    assert.equal(a.layer.dropped, 3);
    assert.deepEqual(a.drops, ['no blank line after the headers', 'Content-Length larger than the data', 'request without Via']);
    assert.equal(a.inbox.length, 0);
  });

  it('TCP: request and response over one connection, reused for the next request; the response goes back on it', async function () {
    const [a, b] = await pair(['udp', 'tcp']);
    const aTcp = a.layer.localEndpoint('tcp');
    assert.equal(aTcp.port, a.layer.localEndpoint('udp').port, 'TCP listens on the UDP port number');
    await b.layer.send(request('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKt1'), aTcp);
    const first = await a.next();
    assert.equal(first.source.transport, 'tcp');
    await a.layer.sendResponse(responseTo(first.message as SipRequest), first.source);
    const answer = await b.next();
    assert.equal((answer.message as SipResponse).status, 200);
    assert.equal(answer.source.port, aTcp.port);
    await b.layer.send(request('OPTIONS', 'SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bKt2'), aTcp);
    const second = await a.next();
    assert.deepEqual(second.source, first.source, 'the same connection was reused');
    assert.equal(b.layer.connectionCount, 1);
    assert.equal(a.layer.connectionCount, 1);
  });

  it('TCP: a raw client gets its response on its own connection; garbage breaks only that connection', async function () {
    const [a] = await pair(['tcp']);
    const aTcp = a.layer.localEndpoint('tcp');
    const client = net.connect(aTcp.port, '127.0.0.1');
    track({ close: () => client.destroy() });
    await new Promise((resolve) => client.once('connect', resolve));
    const framer = new StreamFramer();
    const responses: SipMessage[] = [];
    client.on('data', (chunk) => {
      for (const r of framer.push(chunk)) if (r.ok) responses.push(r.message);
    });
    const req = request('OPTIONS', 'SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bKraw');
    client.write(Buffer.concat([Buffer.from('\r\n\r\n'), serializeMessage(req)]));
    const got = await a.next();
    await a.layer.sendResponse(responseTo(got.message as SipRequest, 404, 'Not Found'), got.source);
    await waitFor(() => responses.length === 1, 'the response on the raw connection');
    assert.equal((responses[0] as SipResponse).status, 404);
    const closed = new Promise((resolve) => client.once('close', resolve));
    client.write('OPTIONS sip:x SIP/2.0\r\nCall-ID: 1\r\n\r\n'); // no Content-Length on a stream
    await closed;
    assert.equal(a.drops.at(-1), 'stream message without Content-Length');
  });

  it('UDP request over 1300 bytes goes over TCP (§18.1.1), with its top Via rewritten; small ones stay on UDP', async function () {
    const [a, b] = await pair(['udp', 'tcp']);
    const aUdp = a.layer.localEndpoint('udp');
    const bUdp = b.layer.localEndpoint('udp');
    const big = request('MESSAGE', `SIP/2.0/UDP 127.0.0.1:${bUdp.port};branch=z9hG4bKbig;rport`, 'x'.repeat(1400));
    const used = await b.layer.send(big, aUdp);
    assert.equal(used.transport, 'tcp');
    const got = await a.next();
    assert.equal(got.source.transport, 'tcp');
    const via = parseVia(header(got.message, 'via')!)!;
    assert.equal(via.transport, 'TCP');
    assert.equal(via.port, b.layer.localEndpoint('tcp').port);
    assert.equal(via.params.branch, 'z9hG4bKbig');
    assert.equal(got.message.body.length, 1400);
    const small = await b.layer.send(request('MESSAGE', `SIP/2.0/UDP 127.0.0.1:${bUdp.port};branch=z9hG4bKsmall`, 'y'), aUdp);
    assert.equal(small.transport, 'udp');
    assert.equal((await a.next()).source.transport, 'udp');
    // Without TCP the big request stays on UDP (it still fits a datagram).
    const [c, d] = await pair(['udp']);
    const stays = await d.layer.send(big, c.layer.localEndpoint('udp'));
    assert.equal(stays.transport, 'udp');
    assert.equal((await c.next()).message.body.length, 1400);
  });

  it('a response with two Vias is dropped (§18.1.2); a header injection is refused before anything is sent', async function () {
    const [a, b] = await pair(['udp']);
    const resp: SipResponse = {
      kind: 'response',
      status: 200,
      reason: 'OK',
      headers: [
        { name: 'via', value: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1' },
        { name: 'via', value: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK2' },
      ],
      body: Buffer.alloc(0),
    };
    await b.layer.send(resp, a.layer.localEndpoint('udp'));
    await waitFor(() => a.layer.dropped === 1, 'the drop');
    assert.equal(a.drops[0], 'response with more than one Via (§18.1.2)');
    const evil = request('OPTIONS', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKe');
    evil.headers.push({ name: 'subject', value: 'hi\r\nVia: SIP/2.0/UDP evil' });
    await assert.rejects(b.layer.send(evil, a.layer.localEndpoint('udp')), { name: 'SipSyntaxError' });
  });

  describe('TLS', function () {
    let dir: string;
    let cert: string;
    let key: string;
    let otherCert: string;

    before(function () {
      this.timeout(30000);
      try {
        execFileSync('openssl', ['version'], { stdio: 'ignore' });
      } catch {
        this.skip(); // platform reason: no openssl binary to make a certificate with
      }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sip-tls-'));
      const make = (name: string) => {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-days',
            '2',
            '-subj',
            '/CN=sip.test',
            '-addext',
            'subjectAltName=DNS:sip.test,IP:127.0.0.1',
            '-keyout',
            path.join(dir, `${name}.key`),
            '-out',
            path.join(dir, `${name}.crt`),
          ],
          { stdio: 'ignore' },
        );
        return [fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8'), fs.readFileSync(path.join(dir, `${name}.key`), 'utf8')];
      };
      [cert, key] = make('server');
      [otherCert] = make('other');
    });

    after(function () {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function server(): Promise<Probe> {
      const probe = await Probe.open({ transports: ['tls'], tls: { rejectUnauthorized: true, cert, key } });
      track(probe.layer);
      return probe;
    }

    it('verification fails for an untrusted (self-signed) certificate, and for a CA that did not sign it', async function () {
      const s = await server();
      const target = s.layer.localEndpoint('tls');
      const untrusting = await Probe.open({ transports: ['tls'], tls: { rejectUnauthorized: true } });
      track(untrusting.layer);
      await assert.rejects(untrusting.layer.send(request('OPTIONS', 'SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKx'), target), /self[- ]signed/i);
      const wrongCa = await Probe.open({ transports: ['tls'], tls: { rejectUnauthorized: true, ca: otherCert } });
      track(wrongCa.layer);
      await assert.rejects(wrongCa.layer.send(request('OPTIONS', 'SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKy'), target));
      assert.equal(s.inbox.length, 0);
    });

    it('succeeds with the CA given: request and response over the TLS connection, and the name is checked', async function () {
      const s = await server();
      const target = s.layer.localEndpoint('tls');
      const c = await Probe.open({ transports: ['tls'], tls: { rejectUnauthorized: true, ca: cert } });
      track(c.layer);
      const used = await c.layer.send(request('OPTIONS', 'SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKtls'), target);
      assert.equal(used.transport, 'tls');
      const got = await s.next();
      assert.equal(got.source.transport, 'tls');
      await s.layer.sendResponse(responseTo(got.message as SipRequest), got.source);
      assert.equal(((await c.next()).message as SipResponse).status, 200);
      // By name: sip.test is in the certificate, wrong.test is not.
      const named = await c.layer.send(request('OPTIONS', 'SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKn1'), {
        ...target,
        port: target.port,
        hostname: 'sip.test',
      });
      assert.equal(named.transport, 'tls');
      await s.next();
      const c2 = await Probe.open({ transports: ['tls'], tls: { rejectUnauthorized: true, ca: cert, servername: 'wrong.test' } });
      track(c2.layer);
      await assert.rejects(c2.layer.send(request('OPTIONS', 'SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKn2'), target), /wrong\.test/);
    });

    it('a TLS client without a listener (port 0 in localEndpoint) runs a transaction: the response comes back on its connection', async function () {
      const serverTx = track(
        await TransactionLayer.open(
          { bindAddress: '127.0.0.1', transports: ['tls'], tls: { rejectUnauthorized: true, cert, key } },
          { onRequest: (req, tx) => tx.respond(createResponse(req, 200, undefined, 'tls1')) },
        ),
      );
      const clientTx = track(
        await TransactionLayer.open(
          { bindAddress: '127.0.0.1', transports: ['tls'], tls: { rejectUnauthorized: true, ca: cert } },
          { onRequest: () => undefined },
        ),
      );
      assert.equal(clientTx.transport.localEndpoint('tls').port, 0);
      const response = await new Promise<SipResponse>((resolve, reject) => {
        const tx = clientTx.sendRequest(request('OPTIONS', ''), serverTx.transport.localEndpoint('tls'), {
          onResponse: (r) => resolve(r),
          onTimeout: () => reject(new Error('timeout')),
          onTransportError: reject,
        });
        assert.match(header(tx.request, 'via')!, /^SIP\/2\.0\/TLS 127\.0\.0\.1;branch=z9hG4bK/);
      });
      assert.equal(response.status, 200);
      assert.equal(parseNameAddr(header(response, 'to')!)!.params.tag, 'tls1');
    });

    it('rejectUnauthorized false accepts the untrusted certificate (the user turned verification off)', async function () {
      const s = await server();
      const c = await Probe.open({ transports: ['tls'], tls: { rejectUnauthorized: false } });
      track(c.layer);
      await c.layer.send(request('OPTIONS', 'SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKoff'), s.layer.localEndpoint('tls'));
      assert.equal(headerValues((await s.next()).message, 'via').length, 1);
    });
  });

  it('IPv6 loopback (::1): UDP with rport and TCP, responses back to the source', async function () {
    let a: Probe;
    try {
      a = await Probe.open({ transports: ['udp', 'tcp'], bindAddress: '::1' });
    } catch {
      this.skip(); // platform reason: no IPv6 loopback
    }
    track(a.layer);
    const b = await Probe.open({ transports: ['udp', 'tcp'], bindAddress: '::1' });
    track(b.layer);
    const target = a.layer.localEndpoint('udp');
    assert.equal(target.address, '::1');
    await b.layer.send(request('OPTIONS', 'SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bKv6;rport'), target);
    const got = await a.next();
    const via = parseVia(header(got.message, 'via')!)!;
    assert.equal(via.params.received, '::1');
    assert.equal(via.params.rport, String(b.layer.localEndpoint('udp').port));
    await a.layer.sendResponse(responseTo(got.message as SipRequest), got.source);
    assert.equal(((await b.next()).message as SipResponse).status, 200);
    await b.layer.send(request('OPTIONS', 'SIP/2.0/TCP [::1];branch=z9hG4bKv6t'), a.layer.localEndpoint('tcp'));
    const overTcp = await a.next();
    assert.equal(overTcp.source.address, '::1');
    await a.layer.sendResponse(responseTo(overTcp.message as SipRequest), overTcp.source);
    assert.equal((await b.next()).source.transport, 'tcp');
  });

  it('a parsed message round-trips through the wire unchanged apart from Via received/rport', async function () {
    const [a, b] = await pair(['udp']);
    const req = request('INFO', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKinfo', 'Signal=5\r\nDuration=160\r\n');
    req.headers.push({ name: 'content-type', value: 'application/dtmf-relay' });
    await b.layer.send(req, a.layer.localEndpoint('udp'));
    const got = await a.next();
    const reparsed = parseMessage(serializeMessage(got.message));
    assert.ok(reparsed.ok);
    assert.equal(got.message.body.toString(), 'Signal=5\r\nDuration=160\r\n');
    assert.equal(header(got.message, 'content-type'), 'application/dtmf-relay');
  });
});

describe('SIP core: resolver', function () {
  it('IP literals are used directly, with the default ports', async function () {
    assert.deepEqual(await resolveTarget('127.0.0.1'), [{ transport: 'udp', address: '127.0.0.1', port: 5060 }]);
    assert.deepEqual(await resolveTarget('[::1]', undefined, 'tls'), [{ transport: 'tls', address: '::1', port: 5061 }]);
    assert.deepEqual(await resolveTarget('192.0.2.1', 5080, 'tcp'), [{ transport: 'tcp', address: '192.0.2.1', port: 5080 }]);
  });

  it('names go through dns.lookup (A/AAAA): localhost resolves', async function () {
    const list = await resolveTarget('localhost', 5062, 'tcp');
    assert.ok(list.length >= 1);
    for (const e of list) {
      assert.ok(net.isIP(e.address));
      assert.equal(e.port, 5062);
      assert.equal(e.hostname, 'localhost');
    }
  });

  it('SRV only when asked and only without a port; sorted by priority then weight; falls back to A/AAAA', async function () {
    const asked: string[] = [];
    const options = {
      lookup: async (host: string) => {
        asked.push(`A ${host}`);
        if (host === 'gone.example.com') throw new Error('ENOTFOUND');
        return [{ address: host === 'b.example.com' ? '192.0.2.2' : '192.0.2.1', family: 4 }];
      },
      resolveSrv: async (name: string) => {
        asked.push(`SRV ${name}`);
        if (name !== '_sip._tcp.example.com') throw new Error('ENODATA');
        return [
          { name: 'gone.example.com', port: 5000, priority: 5, weight: 0 },
          { name: 'a.example.com', port: 5070, priority: 10, weight: 10 },
          { name: 'b.example.com', port: 5080, priority: 10, weight: 60 },
        ];
      },
    };
    const srv = await resolveTarget('example.com', undefined, 'tcp', { ...options, srv: true });
    assert.deepEqual(
      srv.map((e) => `${e.address}:${e.port}`),
      ['192.0.2.2:5080', '192.0.2.1:5070'],
    );
    assert.equal(asked[0], 'SRV _sip._tcp.example.com');
    asked.length = 0;
    await resolveTarget('example.com', undefined, 'tcp', options);
    assert.deepEqual(asked, ['A example.com'], 'no SRV unless asked');
    asked.length = 0;
    await resolveTarget('example.com', 5090, 'tcp', { ...options, srv: true });
    assert.deepEqual(asked, ['A example.com'], 'no SRV when a port is given');
    asked.length = 0;
    const fallback = await resolveTarget('example.com', undefined, 'tls', { ...options, srv: true });
    assert.deepEqual(asked, ['SRV _sips._tcp.example.com', 'A example.com']);
    assert.deepEqual(fallback, [{ transport: 'tls', address: '192.0.2.1', port: 5061, hostname: 'example.com' }]);
    asked.length = 0;
    await resolveTarget('example.com', undefined, 'udp', { ...options, srv: true });
    assert.equal(asked[0], 'SRV _sip._udp.example.com');
    await assert.rejects(resolveTarget('gone.example.com', undefined, 'udp', options), /ENOTFOUND/);
  });
});
