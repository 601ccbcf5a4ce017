// HTTP digest authentication as SIP uses it (RFC 3261 §22, RFC 2617, RFC 7616): the client side (answering a
// 401 WWW-Authenticate / 407 Proxy-Authenticate challenge) and the server side (a test peer or a registrar
// verifying an Authorization header). MD5 and SHA-256, with or without "-sess"; qop=auth (and auth-int when the
// body is given); no qop at all for RFC 2069 servers. Credentials only ever end up in the returned header value.
import { createHash, randomBytes } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** As the server spelled it; `MD5` when absent (RFC 2617 §3.2.1). */
  algorithm: string;
  /** The qop options offered, lower case; empty for an RFC 2069 challenge. */
  qop: string[];
  stale: boolean;
  domain?: string;
}

export class DigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DigestError';
  }
}

const ALGORITHMS: Record<string, { hash: 'md5' | 'sha256'; sess: boolean; name: DigestAlgorithm }> = {
  md5: { hash: 'md5', sess: false, name: 'MD5' },
  'md5-sess': { hash: 'md5', sess: true, name: 'MD5-sess' },
  'sha-256': { hash: 'sha256', sess: false, name: 'SHA-256' },
  'sha-256-sess': { hash: 'sha256', sess: true, name: 'SHA-256-sess' },
};

/** Whether the algorithm of a challenge is one we can answer. */
export function supportsAlgorithm(algorithm: string): boolean {
  return ALGORITHMS[algorithm.toLowerCase()] !== undefined;
}

/**
 * Splits `Digest a=b, c="d, e"` into its scheme and auth-params (names lower case, quotes and `\` escapes
 * removed). Undefined when the text is not a scheme followed by well-formed params.
 */
export function parseAuthParams(value: string): { scheme: string; params: Record<string, string> } | undefined {
  const text = value.trim();
  const space = text.search(/[ \t]/);
  if (space <= 0) return undefined;
  const scheme = text.slice(0, space);
  const params: Record<string, string> = {};
  let i = space;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
    if (i >= n) break;
    const nameStart = i;
    while (i < n && /[A-Za-z0-9_.!%*+`'~-]/.test(text[i])) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (name === '' || text[i] !== '=') return undefined;
    i++;
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    let paramValue = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === '\\' && i + 1 < n) {
          paramValue += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          closed = true;
          break;
        } else {
          paramValue += c;
          i++;
        }
      }
      if (!closed) return undefined;
    } else {
      const valueStart = i;
      while (i < n && text[i] !== ',' && text[i] !== ' ' && text[i] !== '\t') i++;
      paramValue = text.slice(valueStart, i);
    }
    params[name] = paramValue;
  }
  return { scheme, params };
}

/** Parses a WWW-Authenticate / Proxy-Authenticate value; undefined when it is not a usable Digest challenge. */
export function parseDigestChallenge(value: string): DigestChallenge | undefined {
  const parsed = parseAuthParams(value);
  if (!parsed || parsed.scheme.toLowerCase() !== 'digest') return undefined;
  const p = parsed.params;
  if (p.realm === undefined || p.nonce === undefined) return undefined;
  return {
    realm: p.realm,
    nonce: p.nonce,
    opaque: p.opaque,
    algorithm: p.algorithm ?? 'MD5',
    qop:
      p.qop === undefined
        ? []
        : p.qop
            .split(',')
            .map((q) => q.trim().toLowerCase())
            .filter((q) => q !== ''),
    stale: (p.stale ?? '').toLowerCase() === 'true',
    domain: p.domain,
  };
}

function hashOf(kind: 'md5' | 'sha256', text: string | Buffer): string {
  return createHash(kind).update(text).digest('hex');
}

/** A quoted-string for a header value: backslash-escapes `"` and `\` (RFC 3261 §25.1). */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export interface DigestInput {
  /** A parsed challenge or the raw header value. */
  challenge: DigestChallenge | string;
  method: string;
  /** The digest-uri: the Request-URI of the request being authorised. */
  uri: string;
  username: string;
  password: string;
  /** Fresh random one when absent (only used with qop). */
  cnonce?: string;
  /** Nonce count, 1 when absent. */
  nc?: number;
  /** The message body, for qop=auth-int (only chosen when auth is not offered). */
  body?: Buffer;
}

export interface DigestComputation {
  response: string;
  qop?: 'auth' | 'auth-int';
  cnonce?: string;
  nc: string;
  algorithm: DigestAlgorithm;
}

function formatNc(nc: number): string {
  return nc.toString(16).padStart(8, '0');
}

/** The core computation: H(A1), H(A2), request-digest (RFC 7616 §3.4.1). */
export function computeDigest(input: DigestInput): DigestComputation {
  const challenge = typeof input.challenge === 'string' ? parseDigestChallenge(input.challenge) : input.challenge;
  if (!challenge) throw new DigestError('not a Digest challenge with realm and nonce');
  const algorithm = ALGORITHMS[challenge.algorithm.toLowerCase()];
  if (!algorithm) throw new DigestError(`unsupported digest algorithm ${challenge.algorithm}`);
  let qop: 'auth' | 'auth-int' | undefined;
  if (challenge.qop.includes('auth')) qop = 'auth';
  else if (challenge.qop.includes('auth-int')) qop = 'auth-int';
  else if (challenge.qop.length > 0) throw new DigestError(`unsupported qop ${challenge.qop.join(',')}`);
  const cnonce = qop || algorithm.sess ? (input.cnonce ?? randomBytes(12).toString('hex')) : undefined;
  const nc = formatNc(input.nc ?? 1);
  const h = (text: string): string => hashOf(algorithm.hash, text);
  let ha1 = h(`${input.username}:${challenge.realm}:${input.password}`);
  if (algorithm.sess) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const a2 =
    qop === 'auth-int'
      ? `${input.method}:${input.uri}:${hashOf(algorithm.hash, input.body ?? Buffer.alloc(0))}`
      : `${input.method}:${input.uri}`;
  const ha2 = h(a2);
  const response = qop ? h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${challenge.nonce}:${ha2}`);
  return { response, qop, cnonce, nc, algorithm: algorithm.name };
}

/**
 * The value of the Authorization / Proxy-Authorization header answering `challenge`. Throws DigestError when
 * the challenge cannot be answered (not Digest, unknown algorithm or qop).
 */
export function digestResponse(input: DigestInput): string {
  const challenge = typeof input.challenge === 'string' ? parseDigestChallenge(input.challenge) : input.challenge;
  if (!challenge) throw new DigestError('not a Digest challenge with realm and nonce');
  const c = computeDigest({ ...input, challenge });
  const parts = [
    `username=${quote(input.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(input.uri)}`,
    `response=${quote(c.response)}`,
    // Echo the server's spelling: old servers compare it literally.
    `algorithm=${challenge.algorithm}`,
  ];
  if (c.cnonce !== undefined) parts.push(`cnonce=${quote(c.cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (c.qop) parts.push(`qop=${c.qop}`, `nc=${c.nc}`);
  return `Digest ${parts.join(', ')}`;
}

/** The fields of an Authorization header (server side). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string;
  cnonce?: string;
  nc?: string;
  qop?: string;
  opaque?: string;
}

export function parseDigestCredentials(value: string): DigestCredentials | undefined {
  const parsed = parseAuthParams(value);
  if (!parsed || parsed.scheme.toLowerCase() !== 'digest') return undefined;
  const p = parsed.params;
  if (p.username === undefined || p.realm === undefined || p.nonce === undefined || p.uri === undefined || p.response === undefined) {
    return undefined;
  }
  return {
    username: p.username,
    realm: p.realm,
    nonce: p.nonce,
    uri: p.uri,
    response: p.response,
    algorithm: p.algorithm ?? 'MD5',
    cnonce: p.cnonce,
    nc: p.nc,
    qop: p.qop,
    opaque: p.opaque,
  };
}

/** Server side: whether `credentials` answer `challenge` for this method with this password. */
export function verifyDigest(options: {
  credentials: DigestCredentials | string;
  challenge: DigestChallenge;
  method: string;
  password: string;
  body?: Buffer;
}): boolean {
  const cred = typeof options.credentials === 'string' ? parseDigestCredentials(options.credentials) : options.credentials;
  if (!cred) return false;
  const ch = options.challenge;
  if (cred.realm !== ch.realm || cred.nonce !== ch.nonce || cred.algorithm.toLowerCase() !== ch.algorithm.toLowerCase()) return false;
  if (ch.opaque !== undefined && cred.opaque !== ch.opaque) return false;
  const qop = cred.qop?.toLowerCase();
  if (ch.qop.length > 0 && (qop === undefined || !ch.qop.includes(qop))) return false;
  if (qop !== undefined && (cred.cnonce === undefined || cred.nc === undefined || !/^[0-9a-fA-F]{8}$/.test(cred.nc))) return false;
  let expected: string;
  try {
    expected = computeDigest({
      challenge: { ...ch, qop: qop === undefined ? [] : [qop] },
      method: options.method,
      uri: cred.uri,
      username: cred.username,
      password: options.password,
      cnonce: cred.cnonce,
      nc: cred.nc === undefined ? 1 : parseInt(cred.nc, 16),
      body: options.body,
    }).response;
  } catch (_error) {
    return false;
  }
  return expected === cred.response.toLowerCase();
}
