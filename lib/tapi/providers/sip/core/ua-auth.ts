// Answering 401 / 407 challenges (RFC 3261 §22.2): the authorised request is a NEW transaction — a new Via
// branch and CSeq + 1, same Call-ID and From tag (Fritz!Box refuses a re-used CSeq). A second challenge for a
// realm we already answered means the credentials were refused, unless it says stale=true (a new nonce only).
import { randomBytes } from 'node:crypto';
import { digestResponse, parseDigestChallenge, supportsAlgorithm, type DigestChallenge } from './digest';
import { formatVia, header, headerValues, parseCSeq, parseVia, removeHeader, setHeader } from './headers';
import type { SipRequest, SipResponse } from './types';

export interface Credentials {
  username: string;
  password?: string;
}

export function newBranch(): string {
  return `z9hG4bK${randomBytes(10).toString('hex')}`;
}

/** A copy of the request with a fresh top Via branch and CSeq + 1 (the body is shared: it is never mutated). */
export function nextAttempt(request: SipRequest): SipRequest {
  const copy: SipRequest = { ...request, headers: request.headers.map((h) => ({ ...h })) };
  const top = copy.headers.find((h) => h.name === 'via');
  const via = top && parseVia(top.value);
  if (top && via) {
    via.params.branch = newBranch();
    delete via.params.received;
    if ('rport' in via.params) via.params.rport = null;
    top.value = formatVia(via);
  }
  const cseq = parseCSeq(header(copy, 'cseq') ?? '');
  if (cseq) setHeader(copy, 'cseq', `${cseq.seq + 1} ${cseq.method}`);
  return copy;
}

export type AuthOutcome = { ok: true; request: SipRequest } | { ok: false; reason: string };

/** One request's chain of attempts: the original, then each authorised retry. */
export class AuthChain {
  private readonly answered = new Set<string>();
  private attempts = 0;

  constructor(
    private readonly credentials: Credentials,
    private readonly maxAttempts = 4,
  ) {}

  /** The retry for a 401/407, or why there is none. */
  respond(request: SipRequest, response: SipResponse): AuthOutcome {
    const proxy = response.status === 407;
    const challengeHeader = proxy ? 'proxy-authenticate' : 'www-authenticate';
    const credentialsHeader = proxy ? 'proxy-authorization' : 'authorization';
    if (this.credentials.password === undefined) return { ok: false, reason: 'authentication required but no password configured' };
    if (++this.attempts > this.maxAttempts) return { ok: false, reason: 'too many authentication challenges' };
    // One challenge per realm: the first one we can answer (servers list their preferred algorithm first).
    const byRealm = new Map<string, DigestChallenge>();
    for (const value of headerValues(response, challengeHeader)) {
      const challenge = parseDigestChallenge(value);
      if (!challenge || !supportsAlgorithm(challenge.algorithm)) continue;
      if (challenge.qop.length > 0 && !challenge.qop.includes('auth') && !challenge.qop.includes('auth-int')) continue;
      if (!byRealm.has(challenge.realm)) byRealm.set(challenge.realm, challenge);
    }
    if (byRealm.size === 0) return { ok: false, reason: 'no Digest challenge we can answer' };
    for (const [realm, challenge] of byRealm) {
      if (this.answered.has(`${proxy}|${realm}`) && !challenge.stale)
        return { ok: false, reason: `credentials refused for realm ${realm}` };
    }
    const retry = nextAttempt(request);
    removeHeader(retry, credentialsHeader);
    for (const [realm, challenge] of byRealm) {
      this.answered.add(`${proxy}|${realm}`);
      const value = digestResponse({
        challenge,
        method: request.method,
        uri: request.uri,
        username: this.credentials.username,
        password: this.credentials.password,
        body: request.body,
      });
      retry.headers.push({ name: credentialsHeader, value });
    }
    return { ok: true, request: retry };
  }
}
