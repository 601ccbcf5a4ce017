// Bounded, seeded fuzzing of the SIP message layer (issue 15): mutated and hostile datagrams and streams must
// never throw, must always give a message or a reason, must not grow the heap without bound, and the stream
// framer must never buffer past its limit. A parsed message must serialise again and parse to the same thing;
// a value carrying CR, LF or NUL must never reach the wire.
import assert from 'node:assert/strict';
import {
  parseMessage,
  serializeMessage,
  SIP_LIMITS,
  SipSyntaxError,
  StreamFramer,
  type ParseResult,
} from '../../lib/tapi/providers/sip/core/message';
import type { SipMessage, SipRequest } from '../../lib/tapi/providers/sip/core/types';

/** xorshift32, seeded: FUZZ_SEED from the environment, else a fixed seed so CI is deterministic. */
class Prng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

const SEED = Number.isInteger(Number(process.env.FUZZ_SEED)) ? Number(process.env.FUZZ_SEED) : 0x51b0c0de;

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n';
const METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'REFER',
  'INFO',
  'UPDATE',
  'NOTIFY',
  'X-UNKNOWN',
  'FOO!',
  'invite',
];
const NAMES = [
  'Via',
  'v',
  'From',
  'f',
  'To',
  't',
  'Call-ID',
  'i',
  'CSeq',
  'Contact',
  'm',
  'Route',
  'Record-Route',
  'Allow',
  'Supported',
  'k',
  'WWW-Authenticate',
  'Authorization',
  'Date',
  'Subject',
  's',
  'User-Agent',
  'X-Custom',
  'P-Asserted-Identity',
  'Content-Type',
  'c',
];
const VALUES = [
  'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport',
  '"Doe, J" <sip:j@d;x=a,b>;tag=1, <sip:k@d>',
  'Digest realm="r", nonce="a,b", qop="auth,auth-int"',
  'Sat, 13 Nov 2010 23:29:00 GMT',
  '<sip:p1;lr>,<sip:p2;lr>',
  '1 INVITE',
  'INVITE, ACK, BYE',
  '"unterminated, <sip:x',
  'a\\"b,"c,d"',
  '',
  ' ',
  'ünïcödé €',
];

function validMessage(r: Prng): string {
  const body = r.chance(0.5) ? SDP : '';
  const lines = [
    r.chance(0.7) ? `${r.pick(METHODS)} sip:bob@127.0.0.1:${1 + r.int(65535)} SIP/2.0` : `SIP/2.0 ${100 + r.int(600)} Reason ${r.int(99)}`,
  ];
  const count = r.int(12);
  for (let i = 0; i < count; i++) lines.push(`${r.pick(NAMES)}: ${r.pick(VALUES)}`);
  if (r.chance(0.9)) lines.push(`${r.pick(['Content-Length', 'l', 'content-length'])}: ${Buffer.byteLength(body)}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

function mutate(r: Prng, data: Buffer): Buffer {
  const out = Buffer.from(data);
  const edits = 1 + r.int(8);
  let buf = out;
  for (let e = 0; e < edits; e++) {
    switch (r.int(7)) {
      case 0: // flip a byte
        if (buf.length) buf[r.int(buf.length)] = r.int(256);
        break;
      case 1: // insert a hostile byte
        {
          const at = r.int(buf.length + 1);
          const ins = Buffer.from([r.pick([0x00, 0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x2c, 0x22, 0x3c, 0x3e, 0xff])]);
          buf = Buffer.concat([buf.subarray(0, at), ins, buf.subarray(at)]);
        }
        break;
      case 2: // delete a run
        {
          const at = r.int(buf.length + 1);
          buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + r.int(20))]);
        }
        break;
      case 3: // truncate
        buf = buf.subarray(0, r.int(buf.length + 1));
        break;
      case 4: // duplicate a slice
        {
          const at = r.int(buf.length + 1);
          const len = r.int(200);
          buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at, at + len), buf.subarray(at)]);
        }
        break;
      case 5: // replace Content-Length with a hostile one
        buf = Buffer.from(
          buf
            .toString('latin1')
            .replace(
              /(Content-Length|l): *\d+/i,
              `Content-Length: ${r.pick(['-1', '1e9', '99999999999', '0x10', ' ', '65536', String(r.int(70000))])}`,
            ),
          'latin1',
        );
        break;
      default: {
        // inject a header line
        const text = buf.toString('latin1');
        const at = text.indexOf('\r\n');
        if (at >= 0) buf = Buffer.from(text.slice(0, at) + '\r\nX-Injected: \r\nVia: evil\r' + text.slice(at), 'latin1');
      }
    }
  }
  return buf;
}

function hostile(r: Prng): Buffer {
  switch (r.int(8)) {
    case 0: // one huge header
      return Buffer.from(`INVITE sip:a@b SIP/2.0\r\nSubject: ${'x'.repeat(r.int(70000))}\r\n\r\n`);
    case 1: // very many tiny headers (100k: far past every bound)
      return Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n' + 'a:b\r\n'.repeat(r.chance(0.1) ? 100000 : r.int(20000)) + '\r\n');
    case 2: // endless folding
      return Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nSubject: a\r\n' + ' b\r\n'.repeat(r.int(20000)) + '\r\n');
    case 3: // binary garbage
      return r.bytes(r.int(3000));
    case 4: // a huge comma list
      return Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: ' + 'SIP/2.0/UDP h,'.repeat(r.int(5000)) + '\r\n\r\n');
    case 5: // unknown or odd method and URI
      return Buffer.from(
        `${r.pick(['', 'X'.repeat(r.int(10000)), 'ÄÖÜ', 'GET', 'SIP/2.0'])} ${r.pick(['sip:a', '*', 'http://x', ''])} SIP/2.0\r\nl: 0\r\n\r\n`,
      );
    case 6: // unbalanced quotes and brackets in list headers
      return Buffer.from(`INVITE sip:a@b SIP/2.0\r\nContact: ${'"<,>'.repeat(r.int(3000))}\r\nl: 0\r\n\r\n`);
    default: // hostile Content-Length
      return Buffer.from(
        `MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${r.pick(['-5', '4294967296', '1'.repeat(400), 'abc', '', '60001', '12'])}\r\n\r\n${'z'.repeat(r.int(100))}`,
      );
  }
}

function withoutLength(m: SipMessage): SipMessage {
  return { ...m, headers: m.headers.filter((h) => h.name !== 'content-length') };
}

function checkResult(result: ParseResult, context: string): void {
  if (result.ok) {
    // A parsed message is safe to send again: it serialises without error and parses to the same message.
    let wire: Buffer;
    try {
      wire = serializeMessage(result.message);
    } catch (error) {
      assert.fail(`${context}: a parsed message did not serialise: ${String(error)}`);
    }
    const again = parseMessage(wire);
    assert.ok(again.ok, `${context}: re-parse failed: ${again.ok ? '' : again.reason}`);
    assert.deepEqual(withoutLength(again.message), withoutLength(result.message), `${context}: round trip changed the message`);
  } else {
    assert.equal(typeof result.reason, 'string', context);
    assert.ok(result.reason.length > 0, context);
  }
}

function heapUsed(): number {
  const gc = (global as { gc?: () => void }).gc;
  if (gc) gc();
  return process.memoryUsage().heapUsed;
}

describe('fuzz: SIP parser, serialiser and stream framer (seeded)', function () {
  this.timeout(120000);
  const DATAGRAMS = 16000;
  const HOSTILE = 2500;
  const INJECTIONS = 3000;
  const STREAM_BYTES_CASES = 600;

  it(`mutated and hostile datagrams: no throw, a message or a reason, round trips hold (seed ${SEED})`, function () {
    const r = new Prng(SEED);
    const before = heapUsed();
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < DATAGRAMS + HOSTILE; i++) {
      const data = i < DATAGRAMS ? mutate(r, Buffer.from(validMessage(r), 'utf8')) : hostile(r);
      let result: ParseResult;
      try {
        result = parseMessage(data);
      } catch (error) {
        assert.fail(`seed ${SEED} case ${i}: parseMessage threw ${String(error)}`);
      }
      checkResult(result, `seed ${SEED} case ${i}`);
      if (result.ok) parsed++;
      else refused++;
    }
    // Both paths must have been exercised for the run to mean anything.
    assert.ok(parsed > 1000, `only ${parsed} parsed`);
    assert.ok(refused > 1000, `only ${refused} refused`);
    const growth = heapUsed() - before;
    const bound = (global as { gc?: unknown }).gc ? 16 * 1024 * 1024 : 200 * 1024 * 1024;
    assert.ok(growth < bound, `heap grew by ${growth} bytes`);
  });

  it(`header injection: any CR, LF or NUL in a value, name, URI or reason is refused; anything else stays one header (seed ${SEED})`, function () {
    const r = new Prng(SEED ^ 0x1234);
    const alphabet = [
      'a',
      ' ',
      ',',
      ';',
      '"',
      '<',
      '>',
      ':',
      '\t',
      '\u000b',
      '\u0085',
      '\u2028',
      'é',
      '\r',
      '\n',
      '\u0000',
      '\r\n',
      '\r\nVia: x',
    ];
    for (let i = 0; i < INJECTIONS; i++) {
      let value = '';
      const n = 1 + r.int(20);
      for (let k = 0; k < n; k++) value += r.pick(alphabet);
      const dangerous = value.includes('\r') || value.includes('\n') || value.includes(String.fromCharCode(0));
      const where = r.int(4);
      const m: SipRequest = {
        kind: 'request',
        method: 'MESSAGE',
        uri: 'sip:a@b',
        headers: [
          { name: 'call-id', value: 'c1' },
          { name: 'subject', value: 'ok' },
        ],
        body: Buffer.alloc(0),
      };
      if (where === 0) m.headers[1].value = value;
      else if (where === 1) m.headers.push({ name: 'x-' + value, value: 'v' });
      else if (where === 2) m.uri = 'sip:' + value + '@b';
      else m.method = 'MESSAGE' + value;
      let wire: Buffer | undefined;
      try {
        wire = serializeMessage(m);
      } catch (error) {
        assert.ok(error instanceof SipSyntaxError, `seed ${SEED} injection ${i}: threw ${String(error)}`);
      }
      if (dangerous) assert.equal(wire, undefined, `seed ${SEED} injection ${i}: ${JSON.stringify(value)} reached the wire`);
      if (wire && where === 0) {
        const back = parseMessage(wire);
        assert.ok(back.ok, `seed ${SEED} injection ${i}: ${back.ok ? '' : back.reason}`);
        assert.deepEqual(
          back.message.headers.map((h) => h.name),
          ['call-id', 'subject', 'content-length'],
          `seed ${SEED} injection ${i}: ${JSON.stringify(value)} changed the header list`,
        );
        assert.equal(back.message.headers[1].value, value.trim());
      }
    }
  });

  it(`truncated and hostile streams through StreamFramer: no throw, buffer never above its limit (seed ${SEED})`, function () {
    const r = new Prng(SEED ^ 0xabcd);
    const before = heapUsed();
    let messages = 0;
    let failures = 0;
    for (let c = 0; c < STREAM_BYTES_CASES; c++) {
      const limit = r.pick([SIP_LIMITS.maxMessageBytes, 4096, 1024]);
      let framer = new StreamFramer(limit);
      const parts: Buffer[] = [];
      const count = 1 + r.int(12);
      for (let k = 0; k < count; k++) {
        if (r.chance(0.2)) parts.push(Buffer.from(r.pick(['\r\n', '\r\n\r\n', '\n'])));
        if (r.chance(0.7)) parts.push(Buffer.from(validMessage(r)));
        else if (r.chance(0.5)) parts.push(mutate(r, Buffer.from(validMessage(r))));
        else parts.push(hostile(r).subarray(0, r.int(80000)));
      }
      let stream = Buffer.concat(parts);
      if (r.chance(0.3)) stream = stream.subarray(0, r.int(stream.length + 1)); // truncated stream
      let offset = 0;
      while (offset < stream.length) {
        const size = r.pick([1, 7, 100, 1500, 16384, 100000]);
        const chunk = stream.subarray(offset, offset + size);
        offset += chunk.length;
        let results: ParseResult[];
        try {
          results = framer.push(chunk);
        } catch (error) {
          assert.fail(`seed ${SEED} stream ${c}: push threw ${String(error)}`);
        }
        assert.ok(framer.bufferedBytes <= limit, `seed ${SEED} stream ${c}: ${framer.bufferedBytes} buffered > ${limit}`);
        for (const result of results) {
          checkResult(result, `seed ${SEED} stream ${c}`);
          if (result.ok) messages++;
          else failures++;
        }
        if (framer.broken) framer = new StreamFramer(limit); // the transport closes the connection; a new one starts clean
      }
    }
    assert.ok(messages > 500, `only ${messages} framed`);
    assert.ok(failures > 50, `only ${failures} refused`);
    const growth = heapUsed() - before;
    const bound = (global as { gc?: unknown }).gc ? 16 * 1024 * 1024 : 200 * 1024 * 1024;
    assert.ok(growth < bound, `heap grew by ${growth} bytes`);
  });
});
