// The SIP core's message layer: parse/serialise round trips, compact forms, multi-value headers, folding,
// Content-Length rules, bounds, header-injection refusal, the stream framer and the header/URI helpers.
import assert from 'node:assert/strict';
import {
  parseMessage,
  serializeMessage,
  SIP_LIMITS,
  SipSyntaxError,
  StreamFramer,
  type ParseResult,
} from '../lib/tapi/providers/sip/core/message';
import {
  addHeader,
  formatNameAddr,
  formatVia,
  header,
  headerValues,
  parseAuthChallenge,
  parseCSeq,
  parseNameAddr,
  parseParams,
  parseVia,
  removeHeader,
  setHeader,
} from '../lib/tapi/providers/sip/core/headers';
import { formatSipUri, parseSipUri, uriTarget } from '../lib/tapi/providers/sip/core/uri';
import type { SipMessage, SipRequest, SipResponse } from '../lib/tapi/providers/sip/core/types';

const SDP = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.101',
  's=-',
  'c=IN IP4 192.0.2.101',
  't=0 0',
  'm=audio 49172 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  '',
].join('\r\n');

// An INVITE in the style of RFC 3665 §3.1 (text written here for the test).
const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9;rport',
  'Max-Forwards: 70',
  'From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
  'To: Bob <sip:bob@biloxi.example.com>',
  'Call-ID: 3848276298220188511@atlanta.example.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@client.atlanta.example.com;transport=udp>',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, INFO',
  'Supported: replaces, timer',
  'Content-Type: application/sdp',
  `Content-Length: ${Buffer.byteLength(SDP)}`,
  '',
  SDP,
].join('\r\n');

function ok(result: ParseResult): SipMessage {
  if (!result.ok) assert.fail(`parse failed: ${result.reason}`);
  return result.message;
}

function parseText(text: string): ParseResult {
  return parseMessage(Buffer.from(text, 'utf8'));
}

function failReason(result: ParseResult): string {
  assert.equal(result.ok, false, 'expected the parse to fail');
  return (result as { reason: string }).reason;
}

describe('SIP core: message parsing', function () {
  it('parses a real INVITE with SDP: start line, headers in order, the body by Content-Length', function () {
    const m = ok(parseText(INVITE)) as SipRequest;
    assert.equal(m.kind, 'request');
    assert.equal(m.method, 'INVITE');
    assert.equal(m.uri, 'sip:bob@biloxi.example.com');
    assert.equal(header(m, 'Call-ID'), '3848276298220188511@atlanta.example.com');
    assert.equal(header(m, 'i'), '3848276298220188511@atlanta.example.com');
    assert.deepEqual(headerValues(m, 'allow'), ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REFER', 'INFO']);
    assert.deepEqual(headerValues(m, 'k'), ['replaces', 'timer']);
    assert.equal(m.body.toString(), SDP);
    assert.deepEqual(parseCSeq(header(m, 'cseq')!), { seq: 1, method: 'INVITE' });
    const from = parseNameAddr(header(m, 'from')!)!;
    assert.equal(from.displayName, 'Alice Liddell');
    assert.equal(from.uri, 'sip:alice@atlanta.example.com');
    assert.equal(from.params.tag, '9fxced76sl');
    const via = parseVia(header(m, 'v')!)!;
    assert.equal(via.transport, 'UDP');
    assert.equal(via.host, 'client.atlanta.example.com');
    assert.equal(via.port, 5060);
    assert.equal(via.params.branch, 'z9hG4bK74bf9');
    assert.equal(via.params.rport, null);
  });

  it('round-trips: serialise(parse(x)) parses to the same message', function () {
    const first = ok(parseText(INVITE));
    const again = ok(parseMessage(serializeMessage(first)));
    assert.deepEqual(again, first);
    const text = serializeMessage(first).toString();
    assert.match(text, /^INVITE sip:bob@biloxi\.example\.com SIP\/2\.0\r\n/);
    assert.match(text, /\r\nCall-ID: 3848276298220188511@atlanta\.example\.com\r\n/);
    assert.match(text, /\r\nCSeq: 1 INVITE\r\n/);
    assert.ok(text.endsWith('\r\n\r\n' + SDP));
  });

  it('parses a response, with an empty reason phrase too', function () {
    const r = ok(parseText('SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n')) as SipResponse;
    assert.equal(r.kind, 'response');
    assert.equal(r.status, 180);
    assert.equal(r.reason, 'Ringing');
    const bare = ok(parseText('SIP/2.0 200\r\nContent-Length: 0\r\n\r\n')) as SipResponse;
    assert.equal(bare.status, 200);
    assert.equal(bare.reason, '');
    assert.equal(failReason(parseText('SIP/2.0 99 Odd\r\n\r\n')), 'malformed status line');
    assert.equal(failReason(parseText('SIP/2.0 700 Odd\r\n\r\n')), 'malformed status line');
  });

  it('expands every compact form to the long name', function () {
    const compact = {
      i: 'call-id',
      v: 'via',
      f: 'from',
      t: 'to',
      m: 'contact',
      l: 'content-length',
      c: 'content-type',
      s: 'subject',
      k: 'supported',
      e: 'content-encoding',
      o: 'event',
      r: 'refer-to',
      u: 'allow-events',
      x: 'session-expires',
      b: 'referred-by',
    };
    const lines = Object.keys(compact)
      .filter((k) => k !== 'l')
      .map((k) => `${k}: value-${k}`);
    const m = ok(parseText(`OPTIONS sip:a@b SIP/2.0\r\n${lines.join('\r\n')}\r\nl: 0\r\n\r\n`));
    for (const [short, long] of Object.entries(compact)) {
      if (short === 'l') continue;
      assert.equal(header(m, long), `value-${short}`, long);
      assert.equal(header(m, short.toUpperCase()), `value-${short}`, short);
    }
    assert.ok(m.headers.every((h) => h.name.length > 1 || h.name === 'l'));
    assert.equal(m.headers.find((h) => h.name === 'content-length')?.value, '0');
  });

  it('splits multi-value headers on commas outside quotes and angle brackets, and only list headers', function () {
    const text = [
      'INVITE sip:b@c SIP/2.0',
      'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKa, SIP/2.0/TCP p2.example.com:5070;branch=z9hG4bKb',
      'Via: SIP/2.0/UDP p3.example.com;branch=z9hG4bKc',
      'Contact: "Doe, John" <sip:j@d;x=a,b>;q=0.7, <sip:k@d>',
      'Route: <sip:p1;lr>,<sip:p2;lr>',
      'WWW-Authenticate: Digest realm="r", nonce="n", qop="auth,auth-int"',
      'Date: Sat, 13 Nov 2010 23:29:00 GMT',
      'User-Agent: Phone, v1.0',
      'Subject: lunch, maybe',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const m = ok(parseText(text));
    const vias = headerValues(m, 'via');
    assert.equal(vias.length, 3);
    assert.equal(parseVia(vias[1])!.port, 5070);
    assert.equal(parseVia(vias[1])!.transport, 'TCP');
    assert.deepEqual(headerValues(m, 'contact'), ['"Doe, John" <sip:j@d;x=a,b>;q=0.7', '<sip:k@d>']);
    assert.deepEqual(headerValues(m, 'route'), ['<sip:p1;lr>', '<sip:p2;lr>']);
    assert.deepEqual(headerValues(m, 'www-authenticate'), ['Digest realm="r", nonce="n", qop="auth,auth-int"']);
    assert.deepEqual(headerValues(m, 'date'), ['Sat, 13 Nov 2010 23:29:00 GMT']);
    assert.deepEqual(headerValues(m, 'user-agent'), ['Phone, v1.0']);
    assert.deepEqual(headerValues(m, 'subject'), ['lunch, maybe']);
    const contact = parseNameAddr(headerValues(m, 'contact')[0])!;
    assert.equal(contact.displayName, 'Doe, John');
    assert.equal(contact.uri, 'sip:j@d;x=a,b');
    assert.equal(contact.params.q, '0.7');
  });

  it('unfolds continuation lines (LWS) into one value', function () {
    const m = ok(
      parseText('OPTIONS sip:a@b SIP/2.0\r\nSubject: I know you are there,\r\n     pick up the phone\r\n\tand talk to me!\r\nl: 0\r\n\r\n'),
    );
    assert.equal(header(m, 'subject'), 'I know you are there, pick up the phone and talk to me!');
    assert.equal(failReason(parseText('OPTIONS sip:a@b SIP/2.0\r\n continued\r\n\r\n')), 'continuation line before any header');
  });

  it('skips CRLFs before the start line and accepts bare LF line ends', function () {
    const m = ok(parseText('\r\n\r\nOPTIONS sip:a@b SIP/2.0\nCall-ID: x\nl: 0\n\n')) as SipRequest;
    assert.equal(m.method, 'OPTIONS');
    assert.equal(header(m, 'call-id'), 'x');
  });

  it('Content-Length: missing on a datagram takes the rest; larger than the data drops; extra bytes are ignored', function () {
    const head = 'MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n';
    assert.equal(ok(parseText(head + '\r\nhello')).body.toString(), 'hello');
    assert.equal(ok(parseText(head + 'Content-Length: 3\r\n\r\nhello')).body.toString(), 'hel');
    assert.equal(failReason(parseText(head + 'Content-Length: 6\r\n\r\nhello')), 'Content-Length larger than the data');
    assert.equal(failReason(parseText(head + 'Content-Length: -1\r\n\r\nhello')), 'invalid Content-Length');
    assert.equal(failReason(parseText(head + 'Content-Length: 1e3\r\n\r\nhello')), 'invalid Content-Length');
    assert.equal(failReason(parseText(head + 'Content-Length: 99999999999\r\n\r\nhello')), 'invalid Content-Length');
    assert.equal(failReason(parseText(head + 'Content-Length: 70000\r\n\r\nhello')), 'body too large');
    assert.equal(failReason(parseText(head + 'Content-Length: 5\r\nl: 4\r\n\r\nhello')), 'conflicting Content-Length headers');
    assert.equal(ok(parseText(head + 'Content-Length: 5\r\nl: 5\r\n\r\nhello')).body.toString(), 'hello');
  });

  it('bounds: message size, header count, header line length, body size', function () {
    const big = Buffer.alloc(SIP_LIMITS.maxMessageBytes + 1, 0x41);
    assert.equal(failReason(parseMessage(big)), 'message too large');
    const many = Array.from({ length: SIP_LIMITS.maxHeaders + 1 }, (_, i) => `X-H${i}: v`).join('\r\n');
    assert.equal(failReason(parseText(`OPTIONS sip:a@b SIP/2.0\r\n${many}\r\n\r\n`)), 'too many headers');
    const vias = Array.from({ length: SIP_LIMITS.maxHeaders + 1 }, (_, i) => `SIP/2.0/UDP h${i}`).join(',');
    assert.equal(failReason(parseText(`OPTIONS sip:a@b SIP/2.0\r\nVia: ${vias}\r\n\r\n`)), 'too many headers');
    const long = 'x'.repeat(SIP_LIMITS.maxHeaderLineBytes + 1);
    assert.equal(failReason(parseText(`OPTIONS sip:a@b SIP/2.0\r\nSubject: ${long}\r\n\r\n`)), 'header line too long');
    const folded = Array.from({ length: 100 }, () => ' ' + 'y'.repeat(100)).join('\r\n');
    assert.equal(failReason(parseText(`OPTIONS sip:a@b SIP/2.0\r\nSubject: a\r\n${folded}\r\n\r\n`)), 'header line too long');
    const body = 'b'.repeat(SIP_LIMITS.maxBodyBytes + 1);
    assert.equal(failReason(parseText(`MESSAGE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n${body}`)), 'body too large');
  });

  it('malformed input gives a reason, never an exception', function () {
    const cases: [string, string][] = [
      ['', 'empty message'],
      ['\r\n\r\n', 'empty message'],
      ['INVITE sip:a@b SIP/2.0\r\nVia: x\r\n', 'no blank line after the headers'],
      ['INVITE sip:a@b SIP/3.0\r\n\r\n', 'unsupported SIP version'],
      ['INVITE  sip:a@b SIP/2.0\r\n\r\n', 'malformed request line'],
      ['IN<VITE sip:a@b SIP/2.0\r\n\r\n', 'invalid method'],
      ['INVITE nocolon SIP/2.0\r\n\r\n', 'invalid Request-URI'],
      ['INVITE sip:a@b SIP/2.0\r\nNoColonHere\r\n\r\n', 'header line without a name and colon'],
      ['INVITE sip:a@b SIP/2.0\r\nBad Name: v\r\n\r\n', 'invalid header name'],
      ['INVITE sip:a@b SIP/2.0\r\nX: a\u0000b\r\n\r\n', 'NUL in the message head'],
    ];
    for (const [text, reason] of cases) assert.equal(failReason(parseText(text)), reason, JSON.stringify(text));
    assert.equal(failReason(parseMessage('not a buffer' as unknown as Buffer)), 'not a buffer');
  });

  it('accepts unknown methods as requests (the transaction user answers 501)', function () {
    const m = ok(parseText('FOOBAR sip:a@b SIP/2.0\r\nl: 0\r\n\r\n')) as SipRequest;
    assert.equal(m.method, 'FOOBAR');
  });
});

describe('SIP core: serialising (the header-injection boundary)', function () {
  function request(): SipRequest {
    return {
      kind: 'request',
      method: 'MESSAGE',
      uri: 'sip:bob@example.com',
      headers: [
        { name: 'via', value: 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx' },
        { name: 'call-id', value: 'abc' },
        { name: 'content-length', value: '999' },
        { name: 'x-custom-thing', value: 'v' },
      ],
      body: Buffer.from('héllo'),
    };
  }

  it('sets Content-Length from the body (bytes, not characters), replacing any given one', function () {
    const text = serializeMessage(request()).toString();
    assert.match(text, /\r\nContent-Length: 6\r\n\r\nhéllo$/);
    assert.equal(text.match(/Content-Length/g)!.length, 1);
    assert.match(text, /\r\nX-Custom-Thing: v\r\n/);
    const r = ok(parseMessage(serializeMessage({ kind: 'response', status: 200, reason: 'OK', headers: [], body: Buffer.alloc(0) })));
    assert.equal(header(r, 'content-length'), '0');
  });

  it('refuses CR, LF or NUL in header values, names, the URI, the method and the reason', function () {
    const attacks = ['a\r\nVia: SIP/2.0/UDP evil', 'a\nX: y', 'a\rX: y', 'a\u0000b'];
    for (const bad of attacks) {
      const m1 = request();
      m1.headers[1].value = bad;
      assert.throws(() => serializeMessage(m1), SipSyntaxError);
      const m2 = request();
      m2.headers.push({ name: bad, value: 'v' });
      assert.throws(() => serializeMessage(m2), SipSyntaxError);
      const m3 = request();
      m3.uri = `sip:${bad}@example.com`;
      assert.throws(() => serializeMessage(m3), SipSyntaxError);
      const r: SipResponse = { kind: 'response', status: 200, reason: bad, headers: [], body: Buffer.alloc(0) };
      assert.throws(
        () => serializeMessage(r),
        (e: Error) => e instanceof SipSyntaxError && e.name === 'SipSyntaxError',
      );
    }
    const m4 = request();
    m4.method = 'MESSAGE\r\nX';
    assert.throws(() => serializeMessage(m4), SipSyntaxError);
    const m5 = request();
    m5.uri = 'sip:a b@c';
    assert.throws(() => serializeMessage(m5), SipSyntaxError);
    const r2: SipResponse = { kind: 'response', status: 1000, reason: 'x', headers: [], body: Buffer.alloc(0) };
    assert.throws(() => serializeMessage(r2), SipSyntaxError);
  });

  it('the header helpers refuse injection too, and set/add/remove work by long or compact name', function () {
    const m = request();
    assert.throws(() => setHeader(m, 'Subject', 'x\r\nInjected: 1'), SipSyntaxError);
    assert.throws(() => addHeader(m, 'X\nY', 'v'), SipSyntaxError);
    addHeader(m, 'v', 'SIP/2.0/UDP second;branch=z9hG4bKy');
    assert.equal(headerValues(m, 'Via').length, 2);
    setHeader(m, 'VIA', 'SIP/2.0/TCP only;branch=z9hG4bKz');
    assert.deepEqual(headerValues(m, 'via'), ['SIP/2.0/TCP only;branch=z9hG4bKz']);
    assert.equal(m.headers[0].name, 'via', 'setHeader keeps the place of the first entry');
    setHeader(m, 's', 'new subject');
    assert.equal(header(m, 'subject'), 'new subject');
    removeHeader(m, 'i');
    assert.equal(header(m, 'call-id'), undefined);
  });
});

describe('SIP core: StreamFramer (TCP/TLS)', function () {
  const one = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 5\r\n\r\nhello';
  const two = 'SIP/2.0 200 OK\r\nCall-ID: 2\r\nl: 0\r\n\r\n';

  it('frames back-to-back messages by Content-Length and skips keep-alive CRLFs', function () {
    const f = new StreamFramer();
    const results = f.push(Buffer.from('\r\n\r\n' + one + '\r\n' + two + '\r\n\r\n'));
    assert.equal(results.length, 2);
    assert.equal(ok(results[0]).body.toString(), 'hello');
    assert.equal((ok(results[1]) as SipResponse).status, 200);
    assert.equal(f.bufferedBytes, 0);
  });

  it('reassembles a message split at every byte', function () {
    const f = new StreamFramer();
    const data = Buffer.from(one + two);
    const results: ParseResult[] = [];
    for (let i = 0; i < data.length; i++) results.push(...f.push(data.subarray(i, i + 1)));
    assert.equal(results.length, 2);
    assert.equal(header(ok(results[0]), 'call-id'), '1');
    assert.equal(header(ok(results[1]), 'call-id'), '2');
  });

  it('requires Content-Length on streams and breaks on a head that has none', function () {
    const f = new StreamFramer();
    const results = f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\n\r\n'));
    assert.equal(failReason(results[0]), 'stream message without Content-Length');
    assert.ok(f.broken);
    assert.deepEqual(f.push(Buffer.from(two)), [], 'a broken framer takes nothing more');
  });

  it('never buffers more than its limit: an endless head or a huge body breaks it', function () {
    const f = new StreamFramer(1000);
    const results: ParseResult[] = [];
    for (let i = 0; i < 50 && !f.broken; i++) {
      results.push(...f.push(Buffer.alloc(100, 0x41)));
      assert.ok(f.bufferedBytes <= 1000);
    }
    assert.equal(failReason(results[0]), 'stream message exceeds the buffer limit');
    const g = new StreamFramer(1000);
    assert.equal(
      failReason(g.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 5000\r\n\r\n'))[0]),
      'stream message exceeds the buffer limit',
    );
    const h = new StreamFramer(1000);
    assert.equal(failReason(h.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: -4\r\n\r\n'))[0]), 'invalid Content-Length');
  });

  it('a malformed message with a valid length is reported and framing continues', function () {
    const f = new StreamFramer();
    const results = f.push(Buffer.from('GARBAGE LINE\r\nl: 0\r\n\r\n' + two));
    assert.equal(results.length, 2);
    assert.equal(results[0].ok, false);
    assert.equal(results[1].ok, true);
  });
});

describe('SIP core: header and URI helpers', function () {
  it('parseVia: IPv6, received/rport params, bad input', function () {
    const via = parseVia('SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKq;received=192.0.2.1;rport=4000')!;
    assert.equal(via.transport, 'TLS');
    assert.equal(via.host, '2001:db8::1');
    assert.equal(via.port, 5061);
    assert.equal(via.params.received, '192.0.2.1');
    assert.equal(via.params.rport, '4000');
    assert.equal(formatVia(via), 'SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKq;received=192.0.2.1;rport=4000');
    assert.equal(parseVia('SIP/2.0/UDP host:99999'), undefined);
    assert.equal(parseVia('HTTP/1.1 host'), undefined);
    assert.equal(parseVia('SIP/2.0/UDP'), undefined);
  });

  it('parseCSeq', function () {
    assert.deepEqual(parseCSeq('4711 BYE'), { seq: 4711, method: 'BYE' });
    assert.equal(parseCSeq('x BYE'), undefined);
    assert.equal(parseCSeq('99999999999 BYE'), undefined);
    assert.equal(parseCSeq('1'), undefined);
  });

  it('parseNameAddr / formatNameAddr', function () {
    assert.deepEqual(parseNameAddr('<sip:a@b>;tag=1'), { displayName: undefined, uri: 'sip:a@b', params: { tag: '1' } });
    assert.deepEqual(parseNameAddr('sip:a@b;tag=1'), { uri: 'sip:a@b', params: { tag: '1' } });
    assert.deepEqual(parseNameAddr('Bob <tel:+4930123>'), { displayName: 'Bob', uri: 'tel:+4930123', params: {} });
    assert.equal(parseNameAddr('"Quote \\" in" <sip:q@r>')!.displayName, 'Quote " in');
    assert.equal(parseNameAddr('"unterminated <sip:a@b>'), undefined);
    assert.equal(parseNameAddr('<sip:a@b'), undefined);
    assert.equal(parseNameAddr(''), undefined);
    assert.equal(parseNameAddr('*')!.uri, '*');
    const text = formatNameAddr({ displayName: 'Alice "A"', uri: 'sip:alice@example.com', params: { tag: 'abc', lr: null } });
    assert.equal(text, '"Alice \\"A\\"" <sip:alice@example.com>;tag=abc;lr');
    assert.deepEqual(parseNameAddr(text), { displayName: 'Alice "A"', uri: 'sip:alice@example.com', params: { tag: 'abc', lr: null } });
  });

  it('parseParams and parseAuthChallenge', function () {
    assert.deepEqual(parseParams(';a=1;B;c="x;y"'), { a: '1', b: null, c: 'x;y' });
    const ch = parseAuthChallenge('Digest realm="fritz.box", nonce="abc,def", qop="auth,auth-int", algorithm=SHA-256, stale=FALSE')!;
    assert.equal(ch.scheme, 'Digest');
    assert.deepEqual(ch.params, { realm: 'fritz.box', nonce: 'abc,def', qop: 'auth,auth-int', algorithm: 'SHA-256', stale: 'FALSE' });
    assert.equal(parseAuthChallenge('digest realm="x"')!.scheme, 'Digest');
    assert.equal(parseAuthChallenge('Digest'), undefined);
  });

  it('parseSipUri / formatSipUri round trips', function () {
    const cases = [
      'sip:alice@atlanta.example.com',
      'sip:alice:secret@atlanta.example.com:5070;transport=tcp;lr',
      'sips:bob@[2001:db8::10]:5061',
      'sip:192.0.2.4',
      'sip:%2A610@fritz.box;user=phone',
      'sip:carol@chicago.example.com?subject=project&priority=urgent',
      'tel:+1-201-555-0123;phone-context=example.com',
    ];
    for (const text of cases) {
      const u = parseSipUri(text);
      assert.ok(u, text);
      assert.equal(formatSipUri(u), text);
    }
    const u = parseSipUri('sip:alice:secret@atlanta.example.com:5070;transport=TCP;lr')!;
    assert.equal(u.scheme, 'sip');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, 'secret');
    assert.equal(u.host, 'atlanta.example.com');
    assert.equal(u.port, 5070);
    assert.deepEqual(u.params, { transport: 'TCP', lr: null });
    assert.deepEqual(uriTarget(u), { host: 'atlanta.example.com', port: 5070, transport: 'tcp' });
    assert.equal(uriTarget(parseSipUri('sips:x@y')!).transport, 'tls');
    assert.equal(parseSipUri('sips:bob@[2001:db8::10]:5061')!.host, '2001:db8::10');
    for (const bad of [
      '',
      'http://x',
      'sip:',
      'sip:@host',
      'sip:a@b:0',
      'sip:a@b:70000',
      'sip:a b@c',
      'sip:a@b\r\nX: y',
      'sip:a@[::1',
      'tel:abc!',
    ]) {
      assert.equal(parseSipUri(bad), undefined, JSON.stringify(bad));
    }
    assert.throws(() => formatSipUri({ scheme: 'sip', user: 'a\r\nb', host: 'h', params: {}, headers: {} }), SipSyntaxError);
  });
});
