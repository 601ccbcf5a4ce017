// What every part of the user agent shares: the account as parsed once, the stack, the clock and timers, and
// the rules for building requests and responses (Via with rport, Max-Forwards 70, User-Agent, Allow, Contact),
// finding the next hop, and sending a request with 401/407 answered as a new transaction.
import { randomBytes } from 'node:crypto';
import { AuthChain, newBranch } from './ua-auth';
import { formatHostPort, formatNameAddr, header, parseNameAddr, splitHostPort, type SipNameAddr } from './headers';
import { parseSipUri, uriTarget } from './uri';
import type { UaStack } from './ua-stack';
import type { SipAccount } from './ua-types';
import type { SipClock, SipEndpoint, SipHeader, SipRequest, SipResponse, SipTransportKind } from './types';

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY';
export const ACCEPT = 'application/sdp, application/dtmf-relay, message/sipfrag';
export const SUPPORTED = 'timer';
/** Methods this user agent understands at all; any other gets 501. */
export const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'CANCEL',
  'BYE',
  'OPTIONS',
  'INFO',
  'UPDATE',
  'REFER',
  'NOTIFY',
  'PRACK',
  'REGISTER',
  'SUBSCRIBE',
  'MESSAGE',
  'PUBLISH',
]);

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  302: 'Moved Temporarily',
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  422: 'Session Interval Too Small',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 300 ? 'OK' : 'Error');
}

export interface ParsedAccount {
  account: SipAccount;
  aor: SipNameAddr;
  user: string;
  /** The domain (host[:port] text) for the REGISTER Request-URI. */
  domain: string;
  domainHost: string;
  authUser: string;
}

export function parseAccount(account: SipAccount): ParsedAccount {
  const uri = parseSipUri(account.uri);
  if (!uri || uri.scheme === 'tel' || !uri.user) throw new Error('account.uri must be a sip: or sips: URI with a user part');
  return {
    account,
    aor: { displayName: account.displayName, uri: `${uri.scheme}:${uri.user}@${formatHostPort(uri.host, uri.port)}`, params: {} },
    user: uri.user,
    domain: formatHostPort(uri.host, uri.port),
    domainHost: uri.host.toLowerCase(),
    authUser: account.authUser || uri.user,
  };
}

export interface SendHandlers {
  onProvisional?(response: SipResponse): void;
  /** The final response; `local` when it was synthesised (408 timeout, 503 transport or DNS failure). */
  onFinal(response: SipResponse, local: boolean): void;
  /** The request was re-sent (authorised) as a new transaction. */
  onRetry?(request: SipRequest): void;
}

export class UaContext {
  /** Addresses requests may come from when acceptOnlyFromRegistrar is on. */
  readonly trustedAddresses = new Set<string>();
  closing = false;
  referNotifyTimeoutMs = 32_000;

  constructor(
    readonly parsed: ParsedAccount,
    readonly stack: UaStack,
    readonly clock: SipClock,
    readonly userAgent: string,
    readonly t1: number,
    readonly t2: number,
  ) {}

  get account(): SipAccount {
    return this.parsed.account;
  }

  get transport(): SipTransportKind {
    return this.account.transport;
  }

  newTag(): string {
    return randomBytes(6).toString('hex');
  }

  newCallId(): string {
    return `${randomBytes(12).toString('hex')}@tapi`;
  }

  viaFor(destination: SipEndpoint, branch = newBranch()): string {
    const local = this.stack.localEndpoint(destination);
    return `SIP/2.0/${destination.transport.toUpperCase()} ${formatHostPort(local.address, local.port)};rport;branch=${branch}`;
  }

  contactUri(towards?: SipEndpoint): string {
    const local = this.stack.localEndpoint(towards);
    const kind = towards?.transport ?? this.transport;
    const scheme = kind === 'tls' ? 'sips' : 'sip';
    const transport = kind === 'udp' ? '' : kind === 'tcp' ? ';transport=tcp' : '';
    return `${scheme}:${this.parsed.user}@${formatHostPort(local.address, local.port)}${transport}`;
  }

  contact(towards?: SipEndpoint): string {
    return `<${this.contactUri(towards)}>`;
  }

  /**
   * Adds what every request we send carries: the top Via (rport, a new branch unless one is given), Max-Forwards,
   * User-Agent, and Contact / Allow / Supported where the method wants them.
   */
  stamp(request: SipRequest, destination: SipEndpoint, branch?: string): SipRequest {
    const first: SipHeader[] = [
      { name: 'via', value: this.viaFor(destination, branch) },
      { name: 'max-forwards', value: '70' },
    ];
    const rest = request.headers.filter((h) => h.name !== 'via' && h.name !== 'max-forwards');
    const method = request.method;
    if (!rest.some((h) => h.name === 'contact') && ['INVITE', 'UPDATE', 'REFER', 'REGISTER', 'NOTIFY', 'SUBSCRIBE'].includes(method)) {
      rest.push({ name: 'contact', value: this.contact(destination) });
    }
    if (method !== 'ACK' && method !== 'CANCEL') {
      if (!rest.some((h) => h.name === 'allow')) rest.push({ name: 'allow', value: ALLOW });
      if (['INVITE', 'UPDATE', 'OPTIONS', 'REGISTER'].includes(method) && !rest.some((h) => h.name === 'supported')) {
        rest.push({ name: 'supported', value: SUPPORTED });
      }
    }
    if (this.userAgent && !rest.some((h) => h.name === 'user-agent')) rest.push({ name: 'user-agent', value: this.userAgent });
    request.headers = [...first, ...rest];
    return request;
  }

  /** A request out of any dialog: From (our AOR, a new tag), To, Call-ID, CSeq; Via etc. come from stamp(). */
  outOfDialog(method: string, uri: string, options: { to?: string; callId?: string; fromTag?: string; cseq?: number } = {}): SipRequest {
    const from = formatNameAddr({ ...this.parsed.aor, params: { tag: options.fromTag ?? this.newTag() } });
    const headers: SipHeader[] = [];
    if (this.account.outboundProxy) headers.push({ name: 'route', value: `<sip:${this.account.outboundProxy};lr>` });
    headers.push(
      { name: 'from', value: from },
      { name: 'to', value: options.to ?? `<${uri}>` },
      { name: 'call-id', value: options.callId ?? this.newCallId() },
      { name: 'cseq', value: `${options.cseq ?? 1} ${method}` },
    );
    return { kind: 'request', method, uri, headers, body: Buffer.alloc(0) };
  }

  /** A response to `request` (§8.2.6): Via, From, To (with `toTag` when it has none), Call-ID, CSeq copied. */
  response(
    request: SipRequest,
    status: number,
    options: { reason?: string; toTag?: string; headers?: SipHeader[]; body?: Buffer } = {},
  ): SipResponse {
    const headers: SipHeader[] = [];
    for (const h of request.headers) {
      if (h.name === 'via' || h.name === 'from' || h.name === 'call-id' || h.name === 'cseq') headers.push({ ...h });
    }
    let to = header(request, 'to') ?? '';
    const na = parseNameAddr(to);
    if (na && na.params.tag === undefined && status > 100 && options.toTag)
      to = formatNameAddr({ ...na, params: { ...na.params, tag: options.toTag } });
    headers.push({ name: 'to', value: to });
    // Dialog-creating responses echo the Record-Route set (§12.1.1).
    if (request.method === 'INVITE' && status > 100 && status < 300 && header(request, 'to')?.includes('tag=') !== true) {
      for (const h of request.headers) if (h.name === 'record-route') headers.push({ ...h });
    }
    headers.push(...(options.headers ?? []));
    if (this.userAgent) headers.push({ name: 'server', value: this.userAgent });
    return { kind: 'response', status, reason: options.reason ?? reasonPhrase(status), headers, body: options.body ?? Buffer.alloc(0) };
  }

  /** A response we make up for a request that got none. */
  synthetic(request: SipRequest, status: number, reason: string): SipResponse {
    return this.response(request, status, { reason });
  }

  async resolveHostPort(hostPort: string, transport: SipTransportKind = this.transport): Promise<SipEndpoint> {
    const split = splitHostPort(hostPort.replace(/^sips?:/i, '').split(';')[0]);
    if (!split) throw new Error(`not a host[:port]: ${hostPort}`);
    const endpoints = await this.stack.resolve(split.host, split.port, transport);
    if (endpoints.length === 0) throw new Error(`${split.host} did not resolve`);
    return endpoints[0];
  }

  /** Where a URI points (its host, port and transport parameter). */
  async resolveUri(uri: string): Promise<SipEndpoint> {
    const parsed = parseSipUri(uri);
    if (!parsed || parsed.scheme === 'tel') throw new Error(`cannot route to ${uri}`);
    const target = uriTarget(parsed);
    const endpoints = await this.stack.resolve(target.host, target.port, target.transport ?? this.transport);
    if (endpoints.length === 0) throw new Error(`${target.host} did not resolve`);
    return endpoints[0];
  }

  /**
   * The next hop of a request out of a dialog: the outbound proxy; else the registrar when the target is in our
   * own domain (it is the domain's server); else the target's host.
   */
  async outOfDialogHop(uri: string): Promise<SipEndpoint> {
    if (this.account.outboundProxy) return this.resolveHostPort(this.account.outboundProxy);
    const parsed = parseSipUri(uri);
    if (parsed && parsed.scheme !== 'tel' && parsed.host.toLowerCase() === this.parsed.domainHost && this.account.registrar) {
      return this.resolveHostPort(this.account.registrar);
    }
    return this.resolveUri(uri);
  }

  /**
   * Sends `request` (stamped here) to `destination`, answering 401/407 with a new transaction (CSeq + 1). Every
   * outcome ends in exactly one onFinal. Returns a function giving the request currently in flight.
   */
  send(request: SipRequest, destination: SipEndpoint, handlers: SendHandlers, options: { branch?: string } = {}): () => SipRequest {
    const chain = new AuthChain({ username: this.parsed.authUser, password: this.account.password });
    let current = this.stamp(request, destination, options.branch);
    let finished = false;
    const finish = (response: SipResponse, local: boolean): void => {
      if (finished) return;
      finished = true;
      handlers.onFinal(response, local);
    };
    const attempt = (): void => {
      const sent = current;
      this.stack.sendRequest(sent, destination, {
        onResponse: (response) => {
          if (finished || sent !== current) return;
          if (response.status < 200) {
            handlers.onProvisional?.(response);
            return;
          }
          if (response.status === 401 || response.status === 407) {
            const outcome = chain.respond(sent, response);
            if (outcome.ok) {
              current = outcome.request;
              handlers.onRetry?.(current);
              attempt();
              return;
            }
          }
          finish(response, false);
        },
        onTimeout: () => {
          if (sent === current) finish(this.synthetic(sent, 408, 'Request Timeout'), true);
        },
        onTransportError: (error) => {
          if (sent === current) finish(this.synthetic(sent, 503, `Service Unavailable (${error.message})`), true);
        },
      });
    };
    attempt();
    return () => current;
  }

  /** Resolves the hop first; a DNS failure ends in a synthesised 503. */
  sendTo(request: SipRequest, hop: Promise<SipEndpoint>, handlers: SendHandlers): void {
    hop.then(
      (destination) => {
        this.send(request, destination, handlers);
      },
      (error: unknown) =>
        handlers.onFinal(
          this.synthetic(request, 503, `Service Unavailable (${error instanceof Error ? error.message : String(error)})`),
          true,
        ),
    );
  }

  /** A timer on the user agent's clock that never throws into it. */
  after(ms: number, callback: () => void): () => void {
    const timer = this.clock.setTimeout(() => {
      try {
        callback();
      } catch {
        // a failing callback must not break the clock
      }
    }, ms);
    return () => this.clock.clearTimeout(timer);
  }
}
