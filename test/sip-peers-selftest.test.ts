// The SIPp harness and the scenario XMLs of test/sip/, proven without our SIP stack: SIPp's own caller against
// the answering scenario (UDP, TCP, 30 % loss), and a few lines of raw SIP written here (a test's own minimal
// client and answerer, no parser of the provider) against the others, including the cases where a scenario
// must fail (a reused CSeq, a wrong digest). The SIP provider's tests (test/sip-sipp.test.ts) use the same peers.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { Sipp, sippAvailable, stopAllSipp } from './helpers/sipp';

type Kind = 'udp' | 'tcp';

interface Wire {
  startLine: string;
  status?: number;
  method?: string;
  headers: [string, string][];
  body: string;
}

function header(m: Wire, name: string): string | undefined {
  return m.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

function parseWire(text: string): Wire {
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split).split('\r\n');
  const startLine = head[0];
  const headers = head.slice(1).map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  const status = /^SIP\/2\.0 (\d{3})/.exec(startLine);
  return {
    startLine,
    status: status ? Number(status[1]) : undefined,
    method: status ? undefined : startLine.split(' ')[0],
    headers,
    body: text.slice(split + 4),
  };
}

/** One UDP socket or TCP connection on 127.0.0.1 that sends raw SIP text and queues what comes back. */
class WireSocket {
  private queue: Wire[] = [];
  private waiters: (() => void)[] = [];
  private pending = '';
  private constructor(
    readonly kind: Kind,
    readonly localPort: number,
    private readonly write: (data: string) => void,
    private readonly end: () => void,
  ) {}

  static async open(kind: Kind, remotePort: number): Promise<WireSocket> {
    if (kind === 'udp') {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      const wire = new WireSocket(
        kind,
        socket.address().port,
        (data) => socket.send(data, remotePort, '127.0.0.1'),
        () => socket.close(),
      );
      socket.on('message', (data) => wire.deliver(data.toString('latin1')));
      return wire;
    }
    const socket = net.connect(remotePort, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
    const wire = new WireSocket(
      kind,
      socket.localPort ?? 0,
      (data) => socket.write(data),
      () => socket.destroy(),
    );
    socket.on('data', (data) => wire.frame(data.toString('latin1')));
    return wire;
  }

  private frame(chunk: string): void {
    this.pending += chunk;
    for (;;) {
      this.pending = this.pending.replace(/^(\r\n)+/, '');
      const split = this.pending.indexOf('\r\n\r\n');
      if (split < 0) return;
      const length = Number(/\r\n(?:Content-Length|l) *: *(\d+)/i.exec(this.pending.slice(0, split + 2))?.[1] ?? 0);
      if (this.pending.length < split + 4 + length) return;
      this.deliver(this.pending.slice(0, split + 4 + length));
      this.pending = this.pending.slice(split + 4 + length);
    }
  }

  private deliver(text: string): void {
    if (!text.trim()) return;
    this.queue.push(parseWire(text));
    for (const w of this.waiters.splice(0)) w();
  }

  send(lines: string[], body = ''): void {
    const all = [...lines.filter((l) => l !== ''), `Content-Length: ${Buffer.byteLength(body)}`, '', body];
    this.write(all.join('\r\n'));
  }

  /** The next message (dropping earlier ones that do not match), within ms. */
  async next(match: (m: Wire) => boolean, ms = 10000): Promise<Wire> {
    const deadline = Date.now() + ms;
    for (;;) {
      while (this.queue.length > 0) {
        const m = this.queue.shift()!;
        if (match(m)) return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching SIP message in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.end();
  }
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** RFC 2617 / RFC 3261 §22.4 digest with qop=auth, from a WWW-Authenticate value. */
function authorization(challenge: string, method: string, uri: string, user: string, password: string): string {
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(challenge)?.[1] ?? '';
  const realm = param('realm');
  const nonce = param('nonce');
  const cnonce = randomBytes(6).toString('hex');
  const nc = '00000001';
  const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
  const opaque = param('opaque');
  return (
    `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", ` +
    `algorithm=MD5, cnonce="${cnonce}", qop=auth, nc=${nc}` +
    (opaque ? `, opaque="${opaque}"` : '')
  );
}

/** A minimal caller's dialog state for one INVITE (and its ACK / CANCEL / BYE). */
class RawCall {
  readonly callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
  readonly fromTag = randomBytes(4).toString('hex');
  readonly uri: string;
  cseq = 1;
  branch = '';
  toTag = '';
  constructor(
    readonly wire: WireSocket,
    sipp: Sipp,
  ) {
    this.uri = `sip:service@${sipp.endpoint}`;
  }
  private common(method: string, cseq: number): string[] {
    const t = this.wire.kind.toUpperCase();
    return [
      `Via: SIP/2.0/${t} 127.0.0.1:${this.wire.localPort};branch=${this.branch};rport`,
      `From: <sip:alice@127.0.0.1:${this.wire.localPort}>;tag=${this.fromTag}`,
      `To: <${this.uri}>${this.toTag && method !== 'CANCEL' ? `;tag=${this.toTag}` : ''}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Max-Forwards: 70`,
    ];
  }
  invite(extra: string[] = []): void {
    this.branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    this.toTag = '';
    const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', ''].join('\r\n');
    const t = this.wire.kind;
    this.wire.send(
      [
        `INVITE ${this.uri} SIP/2.0`,
        ...this.common('INVITE', this.cseq),
        `Contact: <sip:alice@127.0.0.1:${this.wire.localPort};transport=${t}>`,
        'Content-Type: application/sdp',
        ...extra,
      ],
      sdp,
    );
  }
  /** ACK for a non-2xx final response: same branch and CSeq number as the INVITE, To tag of the response. */
  ackFinal(response: Wire): void {
    this.toTag = /tag=([^;]+)/.exec(header(response, 'To') ?? '')?.[1] ?? '';
    this.wire.send([`ACK ${this.uri} SIP/2.0`, ...this.common('ACK', this.cseq)]);
  }
  /** ACK for a 2xx: a new transaction (new branch) in the dialog. */
  ack2xx(response: Wire): void {
    this.toTag = /tag=([^;]+)/.exec(header(response, 'To') ?? '')?.[1] ?? '';
    this.branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    this.wire.send([`ACK ${this.uri} SIP/2.0`, ...this.common('ACK', this.cseq)]);
  }
  cancel(): void {
    this.wire.send([`CANCEL ${this.uri} SIP/2.0`, ...this.common('CANCEL', this.cseq)]);
  }
  bye(): void {
    this.branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    this.cseq += 1;
    this.wire.send([`BYE ${this.uri} SIP/2.0`, ...this.common('BYE', this.cseq)]);
  }
}

const isStatus = (status: number) => (m: Wire) => m.status === status;
const isFinal = (m: Wire) => (m.status ?? 0) >= 200;

describe('SIP peers: SIPp scenarios of test/sip checked without our SIP stack', function () {
  this.timeout(60000);
  let sockets: WireSocket[] = [];

  before(function () {
    // CI installs sip-tester (.ci/run); anywhere else a missing sipp is a failure with the reason, not a skip.
    assert.ok(sippAvailable(), 'sipp (Debian package sip-tester) is not installed: apt-get install sip-tester');
  });
  afterEach(async () => {
    for (const s of sockets) s.close();
    sockets = [];
    await stopAllSipp();
  });

  async function wire(kind: Kind, sipp: Sipp): Promise<WireSocket> {
    const w = await WireSocket.open(kind, sipp.port);
    sockets.push(w);
    return w;
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`uas-answer.xml answers SIPp's built-in caller over ${transport.toUpperCase()}`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-answer.xml', transport });
      const uac = await Sipp.start({ scenario: { builtin: 'uac' }, transport, remote: uas.endpoint });
      await uac.passed();
      await uas.passed();
      assert.match(uas.messages(), /SIP\/2\.0 180 Ringing/);
      assert.match(uas.messages(), /a=rtpmap:101 telephone-event\/8000/);
    });
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`uac-call.xml calls uas-answer.xml over ${transport.toUpperCase()}`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-answer.xml', transport });
      const uac = await Sipp.start({ scenario: 'uac-call.xml', transport, remote: uas.endpoint });
      await uac.passed();
      await uas.passed();
    });
  }

  for (const transport of ['udp', 'tcp'] as const) {
    const T = transport.toUpperCase();
    it(`uas-busy.xml and uas-decline.xml refuse with 486 and 603 over ${T}`, async () => {
      for (const [scenario, status] of [
        ['uas-busy.xml', 486],
        ['uas-decline.xml', 603],
      ] as const) {
        const uas = await Sipp.start({ scenario, transport });
        const call = new RawCall(await wire(transport, uas), uas);
        call.invite();
        await call.wire.next(isStatus(100));
        const final = await call.wire.next(isFinal);
        assert.equal(final.status, status);
        call.ackFinal(final);
        await uas.passed();
      }
    });

    it(`uas-status.xml refuses with the status line given by -key status_line over ${T}`, async () => {
      for (const line of ['SIP/2.0 404 Not Found', 'SIP/2.0 503 Service Unavailable', 'SIP/2.0 488 Not Acceptable Here']) {
        const uas = await Sipp.start({ scenario: 'uas-status.xml', transport, keys: { status_line: line } });
        const call = new RawCall(await wire(transport, uas), uas);
        call.invite();
        const final = await call.wire.next(isFinal);
        assert.equal(final.startLine, line);
        assert.match(header(final, 'To') ?? '', /;tag=/);
        call.ackFinal(final);
        await uas.passed();
      }
    });

    it(`uas-ringing-cancel.xml rings, then answers a CANCEL with 200 and the INVITE with 487 over ${T}`, async () => {
      const uas = await Sipp.start({ scenario: 'uas-ringing-cancel.xml', transport });
      const call = new RawCall(await wire(transport, uas), uas);
      call.invite();
      await call.wire.next(isStatus(180));
      call.cancel();
      const replies = [await call.wire.next(isFinal), await call.wire.next(isFinal)];
      const cancelled = replies.find((r) => /CANCEL$/.test(header(r, 'CSeq') ?? ''));
      const terminated = replies.find((r) => /INVITE$/.test(header(r, 'CSeq') ?? ''));
      assert.equal(cancelled?.status, 200);
      assert.equal(terminated?.status, 487);
      call.ackFinal(terminated!);
      await uas.passed();
    });
  }

  describe('uas-auth.xml (digest challenge)', () => {
    const vars = { user: 'alice', password: 'secret' };

    async function challenged(transport: Kind) {
      const uas = await Sipp.start({ scenario: 'uas-auth.xml', transport, vars });
      const call = new RawCall(await wire(transport, uas), uas);
      call.invite();
      const challenge = await call.wire.next(isFinal);
      assert.equal(challenge.status, 401);
      const www = header(challenge, 'WWW-Authenticate') ?? '';
      assert.match(www, /^Digest .*qop="auth"/);
      call.ackFinal(challenge);
      return { uas, call, www };
    }

    for (const transport of ['udp', 'tcp'] as const) {
      it(`accepts the authenticated INVITE with CSeq + 1 in a new transaction over ${transport.toUpperCase()}`, async () => {
        const { uas, call, www } = await challenged(transport);
        call.cseq += 1;
        call.invite([`Authorization: ${authorization(www, 'INVITE', call.uri, 'alice', 'secret')}`]);
        const ok = await call.wire.next(isFinal);
        assert.equal(ok.status, 200);
        call.ack2xx(ok);
        call.bye();
        assert.equal((await call.wire.next(isFinal)).status, 200);
        await uas.passed();
      });
    }

    it('refuses (400) and fails when the authenticated INVITE reuses the CSeq', async () => {
      const { uas, call, www } = await challenged('udp');
      call.invite([`Authorization: ${authorization(www, 'INVITE', call.uri, 'alice', 'secret')}`]);
      const refused = await call.wire.next(isFinal);
      assert.equal(refused.status, 400);
      call.ackFinal(refused);
      assert.equal(await uas.failed(), 1);
    });

    it('refuses (403) and fails on a wrong password', async () => {
      const { uas, call, www } = await challenged('udp');
      call.cseq += 1;
      call.invite([`Authorization: ${authorization(www, 'INVITE', call.uri, 'alice', 'wrong')}`]);
      const refused = await call.wire.next(isFinal);
      assert.equal(refused.status, 403);
      call.ackFinal(refused);
      assert.equal(await uas.failed(), 1);
    });
  });

  it('uas-register.xml challenges, registers with expires=60 and passes on the authorised unregister', async () => {
    const uas = await Sipp.start({ scenario: 'uas-register.xml', vars: { user: 'alice', password: 'secret' } });
    const w = await wire('udp', uas);
    const callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
    const contact = `<sip:alice@127.0.0.1:${w.localPort}>`;
    const uri = `sip:${uas.endpoint}`;
    let cseq = 0;
    const register = (expires: number, auth?: string) => {
      cseq += 1;
      w.send([
        `REGISTER ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${w.localPort};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        `From: <sip:alice@127.0.0.1>;tag=r${cseq}`,
        `To: <sip:alice@127.0.0.1>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: ${contact}`,
        `Expires: ${expires}`,
        auth ? `Authorization: ${auth}` : '',
      ]);
    };
    register(120);
    const challenge = await w.next(isFinal);
    assert.equal(challenge.status, 401);
    const www = header(challenge, 'WWW-Authenticate') ?? '';
    register(120, authorization(www, 'REGISTER', uri, 'alice', 'secret'));
    const ok = await w.next(isFinal);
    assert.equal(ok.status, 200);
    assert.match(header(ok, 'Contact') ?? '', new RegExp(`^<sip:alice@127\\.0\\.0\\.1:${w.localPort}>;expires=60$`));
    // the unregister, first without credentials (challenged again), then with them
    register(0);
    assert.equal((await w.next(isFinal)).status, 401);
    register(0, authorization(www, 'REGISTER', uri, 'alice', 'secret'));
    assert.equal((await w.next(isFinal)).status, 200);
    await uas.passed();
  });

  it('uas-register.xml refuses (400) and fails when the authenticated REGISTER reuses the CSeq', async () => {
    const uas = await Sipp.start({ scenario: 'uas-register.xml', vars: { user: 'alice', password: 'secret' } });
    const w = await wire('udp', uas);
    const callId = `${randomBytes(8).toString('hex')}@127.0.0.1`;
    const uri = `sip:${uas.endpoint}`;
    const register = (auth?: string) =>
      w.send([
        `REGISTER ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${w.localPort};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        `From: <sip:alice@127.0.0.1>;tag=r1`,
        `To: <sip:alice@127.0.0.1>`,
        `Call-ID: ${callId}`,
        `CSeq: 1 REGISTER`,
        `Contact: <sip:alice@127.0.0.1:${w.localPort}>`,
        auth ? `Authorization: ${auth}` : '',
      ]);
    register();
    const challenge = await w.next(isFinal);
    assert.equal(challenge.status, 401);
    register(authorization(header(challenge, 'WWW-Authenticate') ?? '', 'REGISTER', uri, 'alice', 'secret'));
    assert.equal((await w.next(isFinal)).status, 400);
    assert.equal(await uas.failed(), 1);
  });

  it('uac-call-dtmf.xml calls, plays PCMU and the RFC 4733 digits 0159*# after the ACK, and hangs up', async () => {
    // the answering side here: a UDP socket for SIP and one for RTP, answering by hand
    const sip = dgram.createSocket('udp4');
    const rtp = dgram.createSocket('udp4');
    const received: Buffer[] = [];
    try {
      await new Promise<void>((resolve) => sip.bind(0, '127.0.0.1', resolve));
      await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
      rtp.on('message', (packet) => received.push(packet));
      const answered = new Promise<void>((resolve) => {
        sip.on('message', (data, from) => {
          const m = parseWire(data.toString('latin1'));
          const reply = (status: string, body = '', extra: string[] = []) => {
            const to = header(m, 'To') ?? '';
            const lines = [
              `SIP/2.0 ${status}`,
              `Via: ${header(m, 'Via')}`,
              `From: ${header(m, 'From')}`,
              `To: ${/tag=/.test(to) ? to : `${to};tag=answer1`}`,
              `Call-ID: ${header(m, 'Call-ID')}`,
              `CSeq: ${header(m, 'CSeq')}`,
              `Contact: <sip:door@127.0.0.1:${sip.address().port}>`,
              ...extra,
              `Content-Length: ${body.length}`,
              '',
              body,
            ];
            sip.send(lines.join('\r\n'), from.port, from.address);
          };
          if (m.method === 'INVITE') {
            assert.match(header(m, 'From') ?? '', /^"Door Phone" <sip:2001@127\.0\.0\.1/);
            assert.match(m.body, /a=rtpmap:101 telephone-event\/8000/);
            const port = rtp.address().port;
            const sdp = ['v=0', 'o=- 2 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
            sdp.push(`m=audio ${port} RTP/AVP 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', '');
            reply('180 Ringing');
            reply('200 OK', sdp.join('\r\n'), ['Content-Type: application/sdp']);
          } else if (m.method === 'BYE') {
            reply('200 OK');
            resolve();
          }
        });
      });
      const sipp = await Sipp.start({ scenario: 'uac-call-dtmf.xml', remote: `127.0.0.1:${sip.address().port}`, service: 'door' });
      await answered;
      await sipp.passed();

      const events = received.filter((p) => (p[1] & 0x7f) === 101);
      const audio = received.filter((p) => (p[1] & 0x7f) === 0);
      assert.ok(audio.length >= 10, `PCMU packets: ${audio.length}`);
      assert.ok(audio.every((p) => p.length === 12 + 160));
      // one digit per event timestamp, taken from the packets with the end bit (RFC 4733 §2.5.1.4)
      const digits = new Map<number, string>();
      for (const p of events) {
        if ((p[13] & 0x80) === 0) continue;
        digits.set(p.readUInt32BE(4), '0123456789*#'[p[12]]);
      }
      assert.equal([...digits.values()].join(''), '0159*#');
    } finally {
      sip.close();
      rtp.close();
    }
  });
});
