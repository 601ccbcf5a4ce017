// Two RtpSessions of the SIP provider's media talking over loopback (issue 15): G.711 audio arrives in order and
// decodes back to the tone, symmetric RTP latches onto a far end's new port, RFC 4733 digits arrive exactly once
// through a proxy that drops 30% of the packets (seeded) and reorders some, hold stops the held side's audio, and
// AudioOut / AudioIn / close() keep the media seam's promises. No wall-clock asserts: counts, order and content.
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { RtpSession, encodeG711, decodeG711, parseRtp, serializeRtp, type CodecName } from '../lib/tapi/providers/sip/media';
import type { SipClock, SipTimer } from '../lib/tapi/providers/sip/core/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, pred: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !pred(); waited += 10) {
    if (waited > ms) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function tone(hz: number, amplitude: number, frames: number, startFrame = 0): Int16Array[] {
  const out: Int16Array[] = [];
  for (let f = 0; f < frames; f++) {
    const pcm = new Int16Array(160);
    for (let i = 0; i < 160; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * ((startFrame + f) * 160 + i)) / 8000));
    out.push(pcm);
  }
  return out;
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

function zeroCrossingHz(pcm: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if (pcm[i - 1] < 0 !== pcm[i] < 0) crossings++;
  return crossings / 2 / (pcm.length / 8000);
}

function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Plays frames as call-media does: three writes in flight; resolves with each write's result. */
async function play(session: RtpSession, frames: Int16Array[]): Promise<boolean[]> {
  const out = session.audioOut();
  const results: boolean[] = new Array(frames.length);
  let next = 0;
  const worker = async () => {
    while (next < frames.length) {
      const i = next++;
      results[i] = await out.write(frames[i]);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  out.close();
  return results;
}

function record(session: RtpSession): { frames: Int16Array[]; stop: () => void } {
  const input = session.audioIn();
  const frames: Int16Array[] = [];
  input.start((pcm) => frames.push(Int16Array.from(pcm)));
  return { frames, stop: () => input.close() };
}

async function connect(
  a: RtpSession,
  b: RtpSession,
  rewriteAnswer: (answer: string) => string = (x) => x,
  rewriteOffer: (offer: string) => string = (x) => x,
): Promise<void> {
  a.acceptAnswer(rewriteAnswer(b.acceptOffer(rewriteOffer(a.createOffer()))));
}

function answerFor(port: number, address = '127.0.0.1', codec: 'PCMU' | 'PCMA' = 'PCMU'): string {
  const pt = codec === 'PCMU' ? 0 : 8;
  const type = address.includes(':') ? 'IP6' : 'IP4';
  return (
    [
      'v=0',
      `o=far 1 1 IN ${type} 127.0.0.1`,
      's=-',
      `c=IN ${type} ${address}`,
      't=0 0',
      `m=audio ${port} RTP/AVP ${pt} 101`,
      `a=rtpmap:${pt} ${codec}/8000`,
      'a=rtpmap:101 telephone-event/8000',
      'a=sendrecv',
    ].join('\r\n') + '\r\n'
  );
}

async function udp(address = '127.0.0.1'): Promise<{ socket: dgram.Socket; port: number; got: Array<{ data: Buffer; port: number }> }> {
  const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  const got: Array<{ data: Buffer; port: number }> = [];
  socket.on('message', (data, rinfo) => got.push({ data, port: rinfo.port }));
  await new Promise<void>((r) => socket.bind(0, address, () => r()));
  return { socket, port: socket.address().port, got };
}

function rtpTo(socket: dgram.Socket, port: number, seq: number, address = '127.0.0.1'): void {
  socket.send(
    serializeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 77, payload: Buffer.alloc(160, 0xff) }),
    port,
    address,
  );
}

/** Manual clock for the pacing of AudioOut without real time. */
class ManualClock implements SipClock {
  private t = 0;
  private id = 0;
  private timers: Array<{ id: number; at: number; cb: () => void }> = [];
  now(): number {
    return this.t;
  }
  setTimeout(cb: () => void, ms: number): SipTimer {
    this.timers.push({ id: ++this.id, at: this.t + Math.max(0, ms), cb });
    return { id: this.id };
  }
  clearTimeout(timer: SipTimer): void {
    this.timers = this.timers.filter((x) => x.id !== timer.id);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** A stall of the event loop: time passes, no timer runs. */
  jump(ms: number): void {
    this.t += ms;
  }
  advance(ms: number): void {
    const to = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > to) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.cb();
    }
    this.t = to;
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('SIP media: RtpSession over loopback', function () {
  this.timeout(20000);
  const opened: Array<{ close(): void }> = [];
  const track = <T extends { close(): void }>(x: T): T => (opened.push(x), x);
  const session = async (options: Partial<Parameters<typeof RtpSession.open>[0]> = {}) =>
    track(await RtpSession.open({ bindAddress: '127.0.0.1', ...options }));
  const socket = async (address?: string) => {
    const s = await udp(address);
    track({ close: () => s.socket.close() });
    return s;
  };
  afterEach(() => {
    for (const x of opened.splice(0)) x.close();
  });

  for (const codec of ['PCMU', 'PCMA'] as CodecName[]) {
    it(`carries a ${codec} tone each way, in order, decoding back to the tone (frequency and level)`, async () => {
      const a = await session({ codecs: ['PCMU', 'PCMA'] });
      const b = await session({ codecs: [codec] });
      await connect(a, b);
      assert.equal(a.codec, codec);
      assert.equal(b.codec, codec);
      assert.equal(a.audioOut().format.encoding, codec === 'PCMU' ? 'mulaw' : 'alaw');
      const atB = record(b);
      const atA = record(a);
      const sentAB = tone(440, 8000, 40);
      const sentBA = tone(1000, 4000, 40);
      const [okAB, okBA] = await Promise.all([play(a, sentAB), play(b, sentBA)]);
      assert.ok(okAB.every(Boolean) && okBA.every(Boolean), 'every write resolved true at its pacing slot');
      await sleep(120); // the playout delay (40 ms) and loopback
      atA.stop();
      atB.stop();
      for (const [frames, sent, hz, level] of [
        [atB.frames, sentAB, 440, 8000],
        [atA.frames, sentBA, 1000, 4000],
      ] as const) {
        const heard = frames.filter((f) => rms(f) > 100);
        const expected = sent.map((f) => decodeG711(codec, encodeG711(codec, f)));
        assert.equal(heard.length, expected.length, 'every frame arrived once');
        heard.forEach((f, i) => assert.deepEqual([...f], [...expected[i]], `frame ${i} in order and intact`));
        const pcm = concat(heard);
        const measured = zeroCrossingHz(pcm);
        assert.ok(Math.abs(measured - hz) < hz * 0.02, `${measured} Hz for ${hz} Hz`);
        const r = rms(pcm);
        assert.ok(Math.abs(r - level / Math.SQRT2) < level * 0.05, `level ${r}`);
      }
      assert.equal(b.stats.lost, 0);
      assert.ok(a.stats.sent >= 40 && b.stats.received >= 40);
    });
  }

  it('sends silence frames while nothing is queued (symmetric RTP peers learn our address)', async () => {
    const far = await socket();
    const a = await session();
    a.createOffer();
    a.acceptAnswer(answerFor(far.port));
    await waitFor('silence packets', () => far.got.length >= 3);
    for (const g of far.got.slice(0, 3)) {
      const r = parseRtp(g.data);
      assert.ok(r.ok);
      assert.equal(r.packet.payloadType, 0);
      assert.equal(r.packet.payload.length, 160);
      assert.ok(
        r.packet.payload.every((x) => x === 0xff),
        'µ-law silence',
      );
    }
    const first = parseRtp(far.got[0].data);
    assert.ok(first.ok && first.packet.marker, 'marker on the first packet');
  });

  it('latches onto the far end when its packets come from a new port of the SDP address; ignores other addresses', async () => {
    const s1 = await socket();
    const s2 = await socket();
    const stranger = await socket('127.0.0.2');
    const a = await session();
    a.createOffer();
    a.acceptAnswer(answerFor(s1.port));
    await waitFor('RTP at the SDP port', () => s1.got.length > 0);
    rtpTo(stranger.socket, a.localPort, 1);
    await waitFor('the stranger dropped', () => (a.stats.dropReasons.source ?? 0) === 1);
    assert.equal(a.remoteTarget?.port, s1.port, 'a packet from another address moves nothing');
    rtpTo(s2.socket, a.localPort, 2);
    await waitFor('latched', () => a.stats.latched === 1);
    assert.deepEqual(a.remoteTarget, { address: '127.0.0.1', port: s2.port });
    const before = s1.got.length;
    await waitFor('RTP at the new port', () => s2.got.length >= 3);
    await sleep(30);
    assert.ok(s1.got.length <= before + 1, 'the old port gets nothing more');
    assert.equal(a.stats.received, 1);
  });

  it('latches onto any source when the SDP address is unusable (a host name)', async () => {
    const far = await socket('127.0.0.2');
    const a = await session();
    a.createOffer();
    a.acceptAnswer(answerFor(9, 'pbx.example.invalid'));
    await sleep(60);
    assert.equal(a.stats.sent, 0, 'no address to send to yet');
    rtpTo(far.socket, a.localPort, 5);
    await waitFor('RTP to the latched source', () => far.got.length >= 2);
    assert.deepEqual(a.remoteTarget, { address: '127.0.0.2', port: far.port });
    const other = await socket('127.0.0.3');
    rtpTo(other.socket, a.localPort, 6);
    await waitFor('the second stranger dropped', () => (a.stats.dropReasons.source ?? 0) === 1);
    assert.equal(a.remoteTarget?.address, '127.0.0.2');
  });

  it('delivers each RFC 4733 digit exactly once through 30% seeded loss and reordering, both ways', async () => {
    const a = await session();
    const b = await session();
    // proxy: A sends to pa, and pb forwards to B; B sends to pb, and pa forwards to A. Each side's SDP target is
    // the proxy socket its own packets come from, so no one latches and everything passes the proxy.
    const pa = await socket();
    const pb = await socket();
    const stats = { events: 0, eventsDropped: 0, swapped: 0 };
    const lossy = (seed: number, out: dgram.Socket, port: () => number) => {
      let base: number | undefined;
      let held: Buffer | undefined;
      let heldTimer: NodeJS.Timeout | undefined;
      const release = () => {
        if (held) out.send(held, port(), '127.0.0.1');
        held = undefined;
      };
      track({ close: () => clearTimeout(heldTimer) });
      return (data: Buffer) => {
        const r = parseRtp(data);
        if (!r.ok) return;
        base ??= r.packet.sequence;
        const n = (r.packet.sequence - base) & 0xffff;
        let h = Math.imul(n + 1, 0x9e3779b1) ^ seed;
        h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
        const isEvent = r.packet.payloadType === 101;
        if (isEvent) stats.events++;
        if (h % 100 < 30) {
          if (isEvent) stats.eventsDropped++;
          return;
        }
        if (!held && (h >>> 8) % 100 < 25) {
          held = data; // sent after the next packet: a swap
          stats.swapped++;
          clearTimeout(heldTimer);
          heldTimer = setTimeout(release, 30);
          return;
        }
        out.send(data, port(), '127.0.0.1');
        release();
      };
    };
    const toB = lossy(2024, pb.socket, () => b.localPort);
    const toA = lossy(4711, pa.socket, () => a.localPort);
    pa.socket.removeAllListeners('message');
    pb.socket.removeAllListeners('message');
    pa.socket.on('message', (d) => toB(d));
    pb.socket.on('message', (d) => toA(d));
    await connect(
      a,
      b,
      (answer) => answer.replace(`m=audio ${b.localPort} `, `m=audio ${pa.port} `),
      (offer) => offer.replace(`m=audio ${a.localPort} `, `m=audio ${pb.port} `),
    );
    const gotB: string[] = [];
    const gotA: string[] = [];
    b.onDigit = (d, source) => {
      assert.equal(source, 'rfc4733');
      gotB.push(d);
    };
    a.onDigit = (d) => gotA.push(d);
    const sentAB = '0123456789*#ABCD';
    const sentBA = '95!0';
    await Promise.all([a.sendDigits(sentAB, 60), b.sendDigits(sentBA, 60)]);
    await sleep(100);
    assert.equal(gotB.join(''), sentAB);
    assert.equal(gotA.join(''), sentBA);
    const rate = stats.eventsDropped / stats.events;
    assert.ok(rate > 0.2 && rate < 0.4, `the proxy dropped ${Math.round(rate * 100)}% of the event packets`);
    assert.ok(stats.swapped > 10, 'packets were reordered');
    assert.ok(b.stats.lost > 0, 'the loss shows in the stats');
    assert.equal(a.stats.latched + b.stats.latched, 0, 'everything went through the proxy');
    assert.equal(a.stats.digitsSent, sentAB.length);
  });

  it('sends events as RFC 4733 says: updates every 20 ms, marker on the first, three end packets, one timestamp', async () => {
    const far = await socket();
    const a = await session();
    a.createOffer();
    a.acceptAnswer(answerFor(far.port));
    await a.sendDigits('5', 100);
    const events = far.got.map((g) => parseRtp(g.data)).flatMap((r) => (r.ok && r.packet.payloadType === 101 ? [r.packet] : []));
    assert.equal(events.length, 7, '5 updates (the fifth is the first end packet) and 2 more end packets');
    assert.ok(events.every((p) => p.timestamp === events[0].timestamp));
    assert.deepEqual(
      events.map((p) => p.marker),
      [true, false, false, false, false, false, false],
    );
    assert.deepEqual(
      events.map((p) => p.payload.readUInt16BE(2)),
      [160, 320, 480, 640, 800, 800, 800],
    );
    assert.deepEqual(
      events.map((p) => (p.payload[1] & 0x80) !== 0),
      [false, false, false, false, true, true, true],
    );
    assert.ok(events.every((p) => p.payload[0] === 5));
    const seqs = events.map((p) => p.sequence);
    seqs.slice(1).forEach((s, i) => assert.equal((s - seqs[i]) & 0xffff, 1, 'no audio in between'));
  });

  it('refuses digits without telephone-event, outside 0-9 * # A-D !, and after close', async () => {
    const a = await session({ telephoneEvent: false });
    const b = await session();
    await connect(a, b);
    await assert.rejects(a.sendDigits('1', 100), /telephone-event/);
    await assert.rejects(b.sendDigits('1', 100), /telephone-event/, 'a offered none, so b has none to send with');
    const c = await session();
    const d = await session();
    await connect(c, d);
    await assert.rejects(c.sendDigits('1x', 100), TypeError);
    c.close();
    await assert.rejects(c.sendDigits('1', 100), /closed/);
  });

  it('holds with a=sendonly: the held side stops sending and sees the hold; resume restores both ways', async () => {
    const a = await session();
    const b = await session();
    await connect(a, b);
    await waitFor('audio both ways', () => a.stats.received > 2 && b.stats.received > 2);
    a.acceptAnswer(b.acceptOffer(a.setDirection('sendonly')));
    assert.equal(b.remoteHold, true);
    assert.equal(b.localDirection, 'recvonly');
    assert.equal(a.localDirection, 'sendonly');
    await sleep(50);
    const bSent = b.stats.sent;
    const bGot = b.stats.received;
    await sleep(100);
    assert.equal(b.stats.sent, bSent, 'the held side sends nothing');
    assert.ok(b.stats.received > bGot, 'music on hold still arrives');
    await assert.rejects(b.sendDigits('1', 60), /does not receive/);
    const results = await play(b, tone(440, 1000, 2));
    assert.deepEqual(results, [true, true], 'a held line consumes frames at the pace');
    assert.ok(b.stats.framesSuppressed >= 2);
    a.acceptAnswer(b.acceptOffer(a.setDirection('sendrecv')));
    assert.equal(b.remoteHold, false);
    await waitFor('audio again', () => b.stats.sent > bSent + 2);
  });

  it('counts hostile datagrams and keeps working', async () => {
    const a = await session();
    const b = await session();
    await connect(a, b);
    const attacker = await socket();
    let seed = 3;
    for (let i = 0; i < 200; i++) {
      const len = (seed = (seed * 16807) % 2147483647) % 64;
      const data = Buffer.alloc(len, seed & 0xff);
      if (len > 0 && i % 2) data[0] = 0x80 | (i & 0x3f);
      attacker.socket.send(data, b.localPort, '127.0.0.1');
    }
    await waitFor('drops counted', () => b.stats.dropped >= 150);
    const before = b.stats.received;
    await waitFor('audio still flows', () => b.stats.received > before + 3);
  });

  it('takes an even port from the range and refuses when the range is full', async () => {
    const x = await session({ portRange: [47100, 47103] });
    const y = await session({ portRange: [47100, 47103] });
    assert.equal(x.localPort % 2, 0);
    assert.equal(y.localPort % 2, 0);
    assert.notEqual(x.localPort, y.localPort);
    await assert.rejects(RtpSession.open({ bindAddress: '127.0.0.1', portRange: [47100, 47103] }), /no free even port/);
    await assert.rejects(RtpSession.open({ bindAddress: 'localhost' }), TypeError);
    await assert.rejects(RtpSession.open({ bindAddress: '127.0.0.1', telephoneEvent: 13 }), TypeError);
  });

  it('works over IPv6 loopback', async function () {
    const probe = await udp('::1').catch(() => undefined);
    if (!probe) this.skip(); // platform reason: no IPv6 loopback here
    probe.socket.close();
    const a = await session({ bindAddress: '::1' });
    const b = await session({ bindAddress: '::1' });
    const offer = a.createOffer();
    assert.match(offer, /c=IN IP6 ::1/);
    a.acceptAnswer(b.acceptOffer(offer));
    await waitFor('audio both ways over ::1', () => a.stats.received > 2 && b.stats.received > 2);
  });

  describe('the media seam on a manual clock', () => {
    it('write() resolves true at its pacing slot, one frame per 20 ms, partial frames joined', async () => {
      const clock = new ManualClock();
      const s = await session({ clock });
      clock.advance(0); // the tick at the start, with nothing queued
      const out = s.audioOut();
      const done: string[] = [];
      const w = (name: string, n: number) => out.write(new Int16Array(n).fill(100)).then((ok) => done.push(`${name}:${ok}`));
      w('a', 160);
      w('b', 100);
      w('c', 100);
      w('d', 160);
      await flush();
      assert.deepEqual(done, []);
      clock.advance(20);
      await flush();
      assert.deepEqual(done, ['a:true']);
      clock.advance(20);
      await flush();
      assert.deepEqual(done, ['a:true', 'b:true'], 'b (100) and 60 of c went in one frame');
      clock.advance(20);
      await flush();
      assert.deepEqual(done, ['a:true', 'b:true', 'c:true']);
      clock.advance(20);
      await flush();
      assert.deepEqual(done, ['a:true', 'b:true', 'c:true', 'd:true']);
    });

    it('reset() resolves every queued frame false and leaves other AudioOuts alone; close() is idempotent', async () => {
      const clock = new ManualClock();
      const s = await session({ clock });
      clock.advance(20);
      const out = s.audioOut();
      const other = s.audioOut();
      const frame = () => new Int16Array(160);
      const mine = [out.write(frame()), out.write(frame()), out.write(frame())];
      const theirs = other.write(frame());
      clock.advance(20); // sends mine[0]
      out.reset();
      assert.deepEqual(await Promise.all(mine), [true, false, false]);
      clock.advance(20);
      assert.equal(await theirs, true, 'the other AudioOut was not reset');
      const again = out.write(frame());
      clock.advance(20);
      assert.equal(await again, true, 'writes after reset() play');
      const pending = out.write(frame());
      out.close();
      out.close();
      assert.equal(await pending, false);
      assert.equal(await out.write(frame()), false, 'write after close() resolves false');
      const last = other.write(frame());
      s.close();
      assert.equal(await last, false, "the session's close() resolves queued frames false");
      assert.equal(clock.pending, 0, 'no timer left');
    });

    it('AudioIn gives one frame per tick (silence when nothing came) until close()', async () => {
      const clock = new ManualClock();
      const s = await session({ clock });
      const input = s.audioIn();
      assert.equal(input.sampleRate, 8000);
      const frames: Int16Array[] = [];
      input.start((pcm) => frames.push(pcm));
      input.start(() => assert.fail('a second start is ignored'));
      clock.advance(100); // ticks at 0, 20, ... 100
      assert.equal(frames.length, 6);
      assert.ok(frames.every((f) => f.length === 160 && f.every((x) => x === 0)));
      input.close();
      input.close();
      clock.advance(100);
      assert.equal(frames.length, 6);
    });

    it('after a stall AudioIn still gets one frame per 20 ms that passed, while sending skips the missed slots', async () => {
      const clock = new ManualClock();
      const s = await session({ clock });
      const frames: Int16Array[] = [];
      s.audioIn().start((pcm) => frames.push(pcm));
      clock.advance(0);
      assert.equal(frames.length, 1);
      clock.jump(200); // ticks 1..10 were due
      clock.advance(0);
      assert.equal(frames.length, 11, 'the frames of ticks 1-10 all came');
      assert.equal(s.pacing.skipped, 7, 'only the newest three slots were sent');
      assert.equal(s.stats.skippedTicks, 7);
    });
  });

  it('close() frees the socket and the timer, is idempotent, and the port can be bound again', async () => {
    const count = () => {
      const info = process.getActiveResourcesInfo();
      return { udp: info.filter((x) => x === 'UDPWrap').length, timers: info.filter((x) => x === 'Timeout').length };
    };
    await sleep(30);
    const before = count();
    const a = await RtpSession.open({ bindAddress: '127.0.0.1' });
    const b = await RtpSession.open({ bindAddress: '127.0.0.1' });
    await connect(a, b);
    a.onDigit = () => undefined;
    const digits = a.sendDigits('123', 60);
    const out = a.audioOut();
    const write = out.write(new Int16Array(160 * 5));
    const input = b.audioIn();
    input.start(() => undefined);
    await waitFor('traffic', () => b.stats.received > 2);
    const during = count();
    assert.equal(during.udp, before.udp + 2);
    a.close();
    a.close();
    b.close();
    await assert.rejects(digits, /closed/);
    assert.equal(await write, false);
    assert.equal(a.isClosed, true);
    await sleep(30);
    assert.deepEqual(count(), before, 'no socket or timer left');
    const rebound = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      rebound.once('error', reject);
      rebound.bind(a.localPort, '127.0.0.1', () => resolve());
    });
    rebound.close();
  });
});
