// SDP offer/answer for the SIP provider's media (issue 15): codec choice in the offer's order, 488 when nothing
// is common, telephone-event, the direction matrix of RFC 3264 §6.1, hold by a=sendonly and by c=0.0.0.0, and a
// bounded parser that refuses hostile SDP with SdpError only.
import assert from 'node:assert/strict';
import {
  answerDirection,
  answerOffer,
  buildOffer,
  parseSdp,
  readAnswer,
  SdpError,
  type LocalAudio,
  type MediaDirection,
} from '../lib/tapi/providers/sip/media';

const local = (over: Partial<LocalAudio> = {}): LocalAudio => ({
  address: '127.0.0.1',
  port: 40000,
  codecs: ['PCMU', 'PCMA'],
  telephoneEvent: 101,
  direction: 'sendrecv',
  sessionId: '42',
  sessionVersion: 1,
  ...over,
});

function offer(media: string, extra = '', address = '192.0.2.7'): string {
  return (
    ['v=0', `o=peer 1 1 IN IP4 ${address}`, 's=call', `c=IN IP4 ${address}`, 't=0 0', media, extra].filter(Boolean).join('\r\n') + '\r\n'
  );
}

function expectSdpError(fn: () => unknown, status?: number): SdpError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SdpError, `expected SdpError, got ${String(error)}`);
    if (status !== undefined) assert.equal(error.status, status);
    return error;
  }
  assert.fail('expected an SdpError');
}

describe('SIP media: SDP offer/answer', () => {
  it('builds an offer of PCMU, PCMA and telephone-event 0-16 with ptime 20 that parses back', () => {
    const text = buildOffer(local());
    assert.match(text, /\r\n$/);
    const sdp = parseSdp(text);
    assert.equal(sdp.origin.sessionId, '42');
    assert.equal(sdp.media.length, 1);
    const m = sdp.media[0];
    assert.deepEqual(m.formats, [0, 8, 101]);
    assert.equal(m.port, 40000);
    assert.equal(m.address, '127.0.0.1');
    assert.equal(m.ptime, 20);
    assert.equal(m.direction, 'sendrecv');
    assert.equal(m.rtpmap.get(101)?.encoding, 'telephone-event');
    assert.equal(m.rtpmap.get(101)?.fmtp, '0-16');
    assert.match(text, /a=rtpmap:0 PCMU\/8000/);
    assert.match(text, /a=rtpmap:8 PCMA\/8000/);
  });

  it('offers no telephone-event when told so, and IPv6 addresses as IP6', () => {
    const text = buildOffer(local({ telephoneEvent: undefined, address: '::1', codecs: ['PCMA'] }));
    assert.match(text, /c=IN IP6 ::1/);
    assert.match(text, /m=audio 40000 RTP\/AVP 8\r\n/);
    assert.doesNotMatch(text, /telephone-event/);
  });

  it('answers with the first common codec in the offer order', () => {
    const cases: Array<{ formats: string; codecs: LocalAudio['codecs']; expect: string; pt: number }> = [
      { formats: '8 0 101', codecs: ['PCMU', 'PCMA'], expect: 'PCMA', pt: 8 },
      { formats: '0 8 101', codecs: ['PCMA', 'PCMU'], expect: 'PCMU', pt: 0 },
      { formats: '18 9 0', codecs: ['PCMU', 'PCMA'], expect: 'PCMU', pt: 0 },
      { formats: '0 8', codecs: ['PCMA'], expect: 'PCMA', pt: 8 },
    ];
    for (const c of cases) {
      const { answer, negotiated } = answerOffer(offer(`m=audio 5004 RTP/AVP ${c.formats}`), local({ codecs: c.codecs }));
      assert.equal(negotiated.codec, c.expect, c.formats);
      assert.equal(negotiated.payloadType, c.pt);
      const m = parseSdp(answer).media[0];
      assert.equal(m.formats[0], c.pt, `answer to ${c.formats} lists ${c.expect} first`);
      assert.ok(!m.formats.includes(18), 'G.729 is not in the answer');
    }
  });

  it('maps a dynamic payload type named PCMU/8000 by its rtpmap', () => {
    const { negotiated, answer } = answerOffer(offer('m=audio 5004 RTP/AVP 97', 'a=rtpmap:97 PCMU/8000'), local());
    assert.equal(negotiated.codec, 'PCMU');
    assert.equal(negotiated.payloadType, 97);
    assert.match(answer, /a=rtpmap:97 PCMU\/8000/);
  });

  it('refuses an offer without a common codec with SdpError 488', () => {
    for (const media of [
      'm=audio 5004 RTP/AVP 18',
      'm=audio 5004 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2',
      'm=audio 5004 RTP/SAVP 0 8',
      'm=audio 0 RTP/AVP 0 8',
      'm=video 5006 RTP/AVP 0',
    ]) {
      const error = expectSdpError(() => answerOffer(offer(media), local()), 488);
      assert.match(error.message, /no common audio codec/);
    }
    expectSdpError(() => answerOffer(offer('m=audio 5004 RTP/AVP 0'), local({ codecs: ['PCMA'] })), 488);
  });

  it('keeps the offer payload type of telephone-event and omits it when the offer has none', () => {
    const withTe = answerOffer(offer('m=audio 5004 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15'), local());
    assert.equal(withTe.negotiated.telephoneEvent, 96);
    assert.match(withTe.answer, /a=rtpmap:96 telephone-event\/8000/);
    const without = answerOffer(offer('m=audio 5004 RTP/AVP 0'), local());
    assert.equal(without.negotiated.telephoneEvent, undefined);
    assert.doesNotMatch(without.answer, /telephone-event/);
    const notLocal = answerOffer(
      offer('m=audio 5004 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000'),
      local({ telephoneEvent: undefined }),
    );
    assert.equal(notLocal.negotiated.telephoneEvent, undefined);
  });

  it('follows the RFC 3264 direction matrix', () => {
    const dirs: MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
    const expected: Record<string, MediaDirection> = {
      'sendrecv/sendrecv': 'sendrecv',
      'sendrecv/sendonly': 'sendonly',
      'sendrecv/recvonly': 'recvonly',
      'sendrecv/inactive': 'inactive',
      'sendonly/sendrecv': 'recvonly',
      'sendonly/sendonly': 'inactive',
      'sendonly/recvonly': 'recvonly',
      'sendonly/inactive': 'inactive',
      'recvonly/sendrecv': 'sendonly',
      'recvonly/sendonly': 'sendonly',
      'recvonly/recvonly': 'inactive',
      'recvonly/inactive': 'inactive',
      'inactive/sendrecv': 'inactive',
      'inactive/sendonly': 'inactive',
      'inactive/recvonly': 'inactive',
      'inactive/inactive': 'inactive',
    };
    for (const o of dirs) {
      for (const l of dirs) {
        assert.equal(answerDirection(o, l), expected[`${o}/${l}`], `${o}/${l}`);
        const { answer, negotiated } = answerOffer(offer('m=audio 5004 RTP/AVP 0', `a=${o}`), local({ direction: l }));
        assert.equal(negotiated.localDirection, expected[`${o}/${l}`]);
        assert.equal(parseSdp(answer).media[0].direction, expected[`${o}/${l}`]);
      }
    }
  });

  it('sees hold as a=sendonly, as a session-level a=sendonly and as the old c=0.0.0.0 form', () => {
    const held = answerOffer(offer('m=audio 5004 RTP/AVP 0', 'a=sendonly'), local());
    assert.equal(held.negotiated.remoteDirection, 'sendonly');
    assert.equal(held.negotiated.localDirection, 'recvonly');
    assert.equal(held.negotiated.remoteAddress, '192.0.2.7');
    const session = [
      'v=0',
      'o=p 1 1 IN IP4 192.0.2.7',
      's=-',
      'c=IN IP4 192.0.2.7',
      't=0 0',
      'a=sendonly',
      'm=audio 5004 RTP/AVP 0',
      '',
    ].join('\r\n');
    assert.equal(answerOffer(session, local()).negotiated.localDirection, 'recvonly');
    const old = answerOffer(offer('m=audio 5004 RTP/AVP 0', '', '0.0.0.0'), local());
    assert.equal(old.negotiated.remoteDirection, 'sendonly');
    assert.equal(old.negotiated.remoteAddress, undefined);
    assert.match(old.answer, /a=recvonly/);
    const oldInactive = answerOffer(offer('m=audio 5004 RTP/AVP 0', 'a=recvonly', '0.0.0.0'), local());
    assert.equal(oldInactive.negotiated.localDirection, 'inactive');
    const media = ['m=audio 5004 RTP/AVP 0', 'c=IN IP4 0.0.0.0'].join('\r\n');
    assert.equal(answerOffer(offer(media), local()).negotiated.remoteDirection, 'sendonly', 'media-level c= wins');
  });

  it('answers every m= line: the audio it takes, the others with port 0', () => {
    const text = offer(['m=audio 0 RTP/AVP 0', 'm=video 5006 RTP/AVP 96', 'm=audio 5008 RTP/AVP 8 0'].join('\r\n'));
    const { answer, negotiated } = answerOffer(text, local());
    const m = parseSdp(answer).media;
    assert.equal(m.length, 3);
    assert.deepEqual(
      m.map((x) => [x.type, x.port]),
      [
        ['audio', 0],
        ['video', 0],
        ['audio', 40000],
      ],
    );
    assert.equal(negotiated.remotePort, 5008);
    assert.equal(negotiated.codec, 'PCMA');
  });

  it('reads an answer: codec it picked, its address and direction; 488 for a codec not offered or a rejected stream', () => {
    const n = readAnswer(offer('m=audio 6000 RTP/AVP 8 101', 'a=rtpmap:101 telephone-event/8000\r\na=recvonly'), local());
    assert.equal(n.codec, 'PCMA');
    assert.equal(n.telephoneEvent, 101);
    assert.equal(n.remotePort, 6000);
    assert.equal(n.localDirection, 'sendonly');
    expectSdpError(() => readAnswer(offer('m=audio 6000 RTP/AVP 8'), local({ codecs: ['PCMU'] })), 488);
    expectSdpError(() => readAnswer(offer('m=audio 0 RTP/AVP 0'), local()), 488);
  });

  it('refuses malformed and oversized SDP with SdpError 400', () => {
    const bad: Array<string | Buffer> = [
      '',
      'hello',
      'o=x 1 1 IN IP4 1.2.3.4\r\n',
      'v=1\r\no=x 1 1 IN IP4 1.2.3.4\r\n',
      'v=0\r\ns=-\r\n',
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n',
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\nm=audio 5004 RTP/AVP 300\r\n',
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\nm=audio x RTP/AVP 0\r\n',
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\nc=IN IP9 1.2.3.4\r\n',
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\na=tool:' + String.fromCharCode(0) + '\r\n',
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\nnonsense\r\n',
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\na=' + 'x'.repeat(5000) + '\r\n',
      'v=0\r\n' + 'a=x\r\n'.repeat(1000),
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\n' + 'm=audio 5004 RTP/AVP 0\r\n'.repeat(17),
      'v=0\r\no=x 1 1 IN IP4 1.2.3.4\r\nm=audio 5004 RTP/AVP ' + Array.from({ length: 65 }, () => '0').join(' ') + '\r\n',
      Buffer.alloc(20000, 0x61),
    ];
    for (const text of bad) expectSdpError(() => parseSdp(text), 400);
    expectSdpError(() => parseSdp(undefined as unknown as string), 400);
    expectSdpError(() => answerOffer('junk', local()), 400);
  });

  it('survives seeded mutations of a valid offer, throwing nothing but SdpError', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const base = offer('m=audio 5004 RTP/AVP 0 8 101', 'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv');
    const pieces = ['=', ' ', '\r\n', ':', '/', '0', '99999', 'a=rtpmap:', 'm=audio ', 'c=IN IP4 ', '-', String.fromCharCode(255), 'é'];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let s = base;
      for (let k = 0, n = 1 + rand(4); k < n; k++) {
        const at = rand(s.length + 1);
        const op = rand(3);
        if (op === 0) s = s.slice(0, at) + pieces[rand(pieces.length)] + s.slice(at);
        else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rand(8));
        else s = s.slice(0, at) + s.slice(at).split('').reverse().join('').slice(0, 40) + s.slice(at + 40);
      }
      try {
        answerOffer(s, local());
        accepted++;
      } catch (error) {
        assert.ok(error instanceof SdpError, `mutation ${i} threw ${String(error)}`);
      }
    }
    assert.ok(accepted > 0, 'some mutations still negotiate');
  });
});
