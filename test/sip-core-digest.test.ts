import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  computeDigest,
  digestResponse,
  parseAuthParams,
  parseDigestChallenge,
  parseDigestCredentials,
  verifyDigest,
} from '../lib/tapi/providers/sip/core/digest';

// RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
const RFC7616 = {
  realm: 'http-auth@example.org',
  username: 'Mufasa',
  password: 'Circle of Life',
  uri: '/dir/index.html',
  method: 'GET',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};

function rfc7616Challenge(algorithm: string): string {
  return `Digest realm="${RFC7616.realm}", qop="auth, auth-int", algorithm=${algorithm}, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`;
}

describe('sip core: digest (RFC 2617 / 7616)', function () {
  it('reproduces the RFC 7616 §3.9.1 MD5 response', function () {
    const value = digestResponse({
      challenge: rfc7616Challenge('MD5'),
      method: RFC7616.method,
      uri: RFC7616.uri,
      username: RFC7616.username,
      password: RFC7616.password,
      cnonce: RFC7616.cnonce,
      nc: 1,
    });
    const cred = parseDigestCredentials(value);
    assert.ok(cred);
    assert.equal(cred.response, '8ca523f5e9506fed4657c9700eebdbec');
    assert.equal(cred.qop, 'auth');
    assert.equal(cred.nc, '00000001');
    assert.equal(cred.cnonce, RFC7616.cnonce);
    assert.equal(cred.opaque, RFC7616.opaque);
    assert.equal(cred.algorithm, 'MD5');
    assert.equal(cred.uri, RFC7616.uri);
    assert.equal(cred.username, 'Mufasa');
    assert.ok(!value.includes(RFC7616.password), 'the password never appears in the header');
  });

  it('reproduces the RFC 7616 §3.9.1 SHA-256 response', function () {
    const c = computeDigest({
      challenge: rfc7616Challenge('SHA-256'),
      method: RFC7616.method,
      uri: RFC7616.uri,
      username: RFC7616.username,
      password: RFC7616.password,
      cnonce: RFC7616.cnonce,
      nc: 1,
    });
    assert.equal(c.response, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    assert.equal(c.algorithm, 'SHA-256');
    assert.equal(c.qop, 'auth');
  });

  it('reproduces the RFC 2617 §3.5 example (MD5, qop=auth)', function () {
    const c = computeDigest({
      challenge:
        'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
      method: 'GET',
      uri: '/dir/index.html',
      username: 'Mufasa',
      password: 'Circle Of Life',
      cnonce: '0a4f113b',
      nc: 1,
    });
    assert.equal(c.response, '6629fae49393a05397450978507c4ef1');
  });

  it('answers an RFC 2069 challenge (no qop) without cnonce or nc', function () {
    const challenge = 'Digest realm="fritz.box", nonce="abc123"';
    const value = digestResponse({ challenge, method: 'REGISTER', uri: 'sip:fritz.box', username: '620', password: 'secret' });
    const cred = parseDigestCredentials(value);
    assert.ok(cred);
    assert.equal(cred.qop, undefined);
    assert.equal(cred.nc, undefined);
    assert.equal(cred.cnonce, undefined);
    const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
    const expected = md5(`${md5('620:fritz.box:secret')}:abc123:${md5('REGISTER:sip:fritz.box')}`);
    assert.equal(cred.response, expected);
    assert.ok(verifyDigest({ credentials: value, challenge: parseDigestChallenge(challenge)!, method: 'REGISTER', password: 'secret' }));
  });

  it('counts nc in hex and uses a fresh cnonce when none is given', function () {
    const a = computeDigest({ challenge: rfc7616Challenge('MD5'), method: 'INVITE', uri: 'sip:a@b', username: 'u', password: 'p', nc: 26 });
    const b = computeDigest({ challenge: rfc7616Challenge('MD5'), method: 'INVITE', uri: 'sip:a@b', username: 'u', password: 'p', nc: 26 });
    assert.equal(a.nc, '0000001a');
    assert.ok(a.cnonce && b.cnonce && a.cnonce !== b.cnonce);
    assert.notEqual(a.response, b.response);
  });

  it('supports MD5-sess and SHA-256-sess, and verifies what it produced', function () {
    for (const algorithm of ['MD5-sess', 'SHA-256-sess', 'SHA-256', 'MD5']) {
      const challenge = parseDigestChallenge(`Digest realm="r", nonce="n1", qop="auth", algorithm=${algorithm}, opaque="o"`)!;
      const value = digestResponse({ challenge, method: 'INVITE', uri: 'sip:bob@r', username: 'alice', password: 'pw' });
      assert.ok(verifyDigest({ credentials: value, challenge, method: 'INVITE', password: 'pw' }), algorithm);
      assert.ok(!verifyDigest({ credentials: value, challenge, method: 'INVITE', password: 'wrong' }), `${algorithm} wrong password`);
      assert.ok(!verifyDigest({ credentials: value, challenge, method: 'BYE', password: 'pw' }), `${algorithm} other method`);
      assert.ok(!verifyDigest({ credentials: value, challenge: { ...challenge, nonce: 'n2' }, method: 'INVITE', password: 'pw' }));
      assert.ok(!verifyDigest({ credentials: value, challenge: { ...challenge, opaque: 'x' }, method: 'INVITE', password: 'pw' }));
    }
  });

  it('computes auth-int over the body when only auth-int is offered', function () {
    const challenge = parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"')!;
    const body = Buffer.from('v=0\r\n');
    const value = digestResponse({ challenge, method: 'INVITE', uri: 'sip:b@r', username: 'a', password: 'p', body });
    assert.equal(parseDigestCredentials(value)!.qop, 'auth-int');
    assert.ok(verifyDigest({ credentials: value, challenge, method: 'INVITE', password: 'p', body }));
    assert.ok(!verifyDigest({ credentials: value, challenge, method: 'INVITE', password: 'p', body: Buffer.from('v=1\r\n') }));
  });

  it('refuses unknown algorithms and schemes', function () {
    assert.throws(
      () =>
        digestResponse({
          challenge: 'Digest realm="r", nonce="n", algorithm=SHA-512-256',
          method: 'INVITE',
          uri: 'sip:x',
          username: 'u',
          password: 'p',
        }),
      /unsupported digest algorithm/,
    );
    assert.throws(
      () => digestResponse({ challenge: 'Basic realm="r"', method: 'INVITE', uri: 'sip:x', username: 'u', password: 'p' }),
      /not a Digest/,
    );
    assert.equal(parseDigestChallenge('Digest nonce="n"'), undefined, 'realm is required');
  });

  it('parses challenges: quoted commas, escapes, stale, case-insensitive names, qop list', function () {
    const c = parseDigestChallenge('digest  REALM="a, \\"b\\"",nonce=xyz ,  stale=TRUE, qop="auth,auth-int", algorithm=md5')!;
    assert.equal(c.realm, 'a, "b"');
    assert.equal(c.nonce, 'xyz');
    assert.equal(c.stale, true);
    assert.deepEqual(c.qop, ['auth', 'auth-int']);
    assert.equal(c.algorithm, 'md5');
    assert.equal(parseDigestChallenge('Digest realm="r", nonce="n"')!.stale, false);
    assert.equal(parseAuthParams('Digest realm="unterminated'), undefined);
    assert.equal(parseAuthParams('Digest =x'), undefined);
  });

  it('escapes quotes in the username and realm it echoes', function () {
    const challenge = parseDigestChallenge('Digest realm="we\\"ird", nonce="n"')!;
    const value = digestResponse({ challenge, method: 'REGISTER', uri: 'sip:r', username: 'a"b', password: 'p' });
    const cred = parseDigestCredentials(value)!;
    assert.equal(cred.username, 'a"b');
    assert.equal(cred.realm, 'we"ird');
    assert.ok(verifyDigest({ credentials: cred, challenge, method: 'REGISTER', password: 'p' }));
  });
});
