// RTP packets (RFC 3550), sequence tracking, the playout buffer and the RFC 4733 event receiver of the SIP
// provider's media: hostile packets come back as reasons (never exceptions), reordering within the buffer depth
// plays in order, each telephone-event is reported once.
import assert from 'node:assert/strict';
import {
  decodeEvent,
  encodeEvent,
  EventReceiver,
  parseRtp,
  PlayoutBuffer,
  SequenceTracker,
  serializeRtp,
  seqDiff,
  tsDiff,
} from '../lib/tapi/providers/sip/media';

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const frame = (value: number, n = 160) => new Int16Array(n).fill(value);

describe('SIP media: RTP packets', () => {
  it('serialises and parses back marker, payload type, sequence, timestamp, SSRC, CSRC and extension', () => {
    const data = serializeRtp({
      marker: true,
      payloadType: 8,
      sequence: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      csrc: [1, 0xffffffff],
      extension: { profile: 0xbede, data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) },
      payload: Buffer.from('abc'),
    });
    assert.equal(data.length, 12 + 8 + 4 + 8 + 3);
    const r = parseRtp(data);
    assert.ok(r.ok);
    const p = r.packet;
    assert.equal(p.marker, true);
    assert.equal(p.payloadType, 8);
    assert.equal(p.sequence, 65535);
    assert.equal(p.timestamp, 0xfffffff0);
    assert.equal(p.ssrc, 0xdeadbeef);
    assert.deepEqual(p.csrc, [1, 0xffffffff]);
    assert.equal(p.extension?.profile, 0xbede);
    assert.deepEqual([...(p.extension?.data ?? [])], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(p.payload.toString(), 'abc');
  });

  it('strips padding', () => {
    const plain = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, payload: Buffer.from([9, 9]) });
    const padded = Buffer.concat([plain, Buffer.from([0, 0, 3])]);
    padded[0] |= 0x20;
    const r = parseRtp(padded);
    assert.ok(r.ok);
    assert.equal(r.packet.padding, true);
    assert.deepEqual([...r.packet.payload], [9, 9]);
  });

  it('drops hostile packets with a reason', () => {
    const good = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(160) });
    const mutate = (f: (b: Buffer) => Buffer) => f(Buffer.from(good));
    const cases: Array<[Buffer, string]> = [
      [Buffer.alloc(0), 'short'],
      [Buffer.alloc(11, 0x80), 'short'],
      [mutate((b) => ((b[0] = 0x40), b)), 'version'],
      [mutate((b) => ((b[0] = 0x00), b)), 'version'],
      [mutate((b) => ((b[1] = 200), b)), 'rtcp'],
      [mutate((b) => ((b[0] = 0x8f), b.subarray(0, 40))), 'csrc'],
      [mutate((b) => ((b[0] = 0x90), b.subarray(0, 14))), 'extension'],
      [mutate((b) => ((b[0] = 0x90), b.writeUInt16BE(1000, 14), b)), 'extension'],
      [mutate((b) => ((b[0] = 0xa0), (b[b.length - 1] = 0), b)), 'padding'],
      [mutate((b) => ((b[0] = 0xa0), (b[b.length - 1] = 200), b)), 'padding'],
      [serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(5000) }), 'oversize'],
    ];
    for (const [data, reason] of cases) {
      const r = parseRtp(data);
      assert.equal(r.ok, false, reason);
      if (!r.ok) assert.equal(r.reason, reason);
    }
    assert.equal(parseRtp('x' as unknown as Buffer).ok, false);
  });

  it('never throws on seeded random and mutated datagrams', () => {
    const rand = rng(7);
    const good = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, payload: Buffer.alloc(40) });
    let ok = 0;
    for (let i = 0; i < 20000; i++) {
      const b = i % 2 ? Buffer.from(good) : Buffer.alloc(rand(80));
      for (let k = 0; k < 1 + rand(6); k++) if (b.length) b[rand(b.length)] = rand(256);
      const r = parseRtp(b);
      if (r.ok) {
        ok++;
        assert.ok(r.packet.payload.length <= b.length);
      }
    }
    assert.ok(ok > 0);
  });

  it('compares sequence numbers and timestamps across the wrap', () => {
    assert.equal(seqDiff(0, 65535), 1);
    assert.equal(seqDiff(65535, 0), -1);
    assert.equal(seqDiff(10, 5), 5);
    assert.equal(tsDiff(0, 0xffffff60), 160);
    assert.equal(tsDiff(0xffffff60, 0), -160);
  });

  it('tracks loss and duplicates across the sequence wrap', () => {
    const t = new SequenceTracker();
    for (const s of [65530, 65531, 65533, 65534, 0, 1, 3]) assert.equal(t.record(s), true);
    assert.equal(t.lost, 3, '65532, 65535 and 2 missing');
    assert.equal(t.record(1), false, 'duplicate');
    assert.equal(t.record(2), true, 'late but new');
    assert.equal(t.lost, 2);
    assert.equal(t.record(40000), true, 'a restart');
    assert.equal(t.lost, 2, 'the restart keeps what was lost before');
  });
});

describe('SIP media: playout buffer', () => {
  it('plays silence until the first packet, then prefetch frames behind it', () => {
    const b = new PlayoutBuffer({ prefetch: 2 });
    assert.deepEqual([...b.pull()].slice(0, 2), [0, 0]);
    b.push(1, 1000, frame(5));
    assert.equal(b.pull()[0], 0);
    assert.equal(b.pull()[0], 0);
    assert.equal(b.pull()[0], 5);
  });

  it('puts reordered packets back in order and conceals a lost one with silence', () => {
    const b = new PlayoutBuffer({ prefetch: 2 });
    const ts = (i: number) => (0xfffffe00 + i * 160) >>> 0; // crosses the timestamp wrap
    b.push(9, ts(0), frame(1));
    b.push(9, ts(2), frame(3));
    b.push(9, ts(1), frame(2));
    b.push(9, ts(4), frame(5)); // 3 is lost
    const out: number[] = [];
    for (let i = 0; i < 7; i++) out.push(b.pull()[0]);
    assert.deepEqual(out, [0, 0, 1, 2, 3, 0, 5]);
    assert.equal(b.concealed, 3, 'two prefetch frames and the lost one');
  });

  it('drops late packets and duplicates, resyncs after three late packets or a far jump', () => {
    const b = new PlayoutBuffer({ prefetch: 1, maxFrames: 4 });
    b.push(1, 0, frame(1));
    b.pull();
    b.pull();
    b.pull(); // played up to ts 320
    b.push(1, 0, frame(7));
    assert.equal(b.late, 1);
    b.push(1, 480, frame(4));
    b.push(1, 480, frame(4));
    assert.equal(b.duplicates, 1);
    b.push(1, 160 * 100, frame(9));
    assert.equal(b.resyncs, 1);
    assert.equal(b.pull()[0], 0);
    assert.equal(b.pull()[0], 9);
    for (let i = 0; i < 3; i++) b.push(1, 160 * i, frame(2));
    assert.equal(b.resyncs, 2, 'three late in a row: the far end restarted');
  });

  it('splits packets that are not 20 ms (30 ms ptime) across frames', () => {
    const b = new PlayoutBuffer({ prefetch: 1 });
    b.push(1, 0, frame(1, 240));
    b.push(1, 240, frame(2, 240));
    b.pull();
    const f1 = b.pull();
    const f2 = b.pull();
    const f3 = b.pull();
    assert.equal(f1[0], 1);
    assert.equal(f1[159], 1);
    assert.equal(f2[79], 1);
    assert.equal(f2[80], 2);
    assert.equal(f3[159], 2);
  });
});

describe('SIP media: RFC 4733 events', () => {
  it('encodes and decodes the payload', () => {
    const p = encodeEvent({ event: 11, end: true, volume: 10, duration: 800 });
    assert.deepEqual([...p], [11, 0x8a, 3, 32]);
    assert.deepEqual(decodeEvent(p), { event: 11, end: true, volume: 10, duration: 800 });
    assert.equal(decodeEvent(Buffer.alloc(3)), undefined);
  });

  it('reports each event once per (SSRC, timestamp), in any packet order', () => {
    const r = new EventReceiver();
    const got: Array<string | undefined> = [];
    const ev = (event: number, end: boolean, duration: number) => encodeEvent({ event, end, volume: 10, duration });
    got.push(r.accept(1, 1000, ev(5, true, 800))); // an end packet first: the updates were lost
    got.push(r.accept(1, 1000, ev(5, false, 160)));
    got.push(r.accept(1, 1000, ev(5, true, 800)));
    got.push(r.accept(1, 2000, ev(5, false, 160))); // same digit, new timestamp: new press
    got.push(r.accept(2, 2000, ev(10, false, 160))); // another source
    got.push(r.accept(1, 3000, ev(17, false, 160))); // not a DTMF event
    got.push(r.accept(1, 4000, Buffer.alloc(2)));
    assert.deepEqual(got, ['5', undefined, undefined, '5', '*', undefined, undefined]);
    assert.equal(r.unknown, 1);
  });
});
