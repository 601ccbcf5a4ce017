// A scriptable SIP far end for tests: a real UDP socket or TCP listener on loopback that records everything it
// receives, answers requests by script (`peer.onRequest('INVITE', (req, reply) => { reply(180); reply(200, { sdp }) })`),
// challenges with 401/407 digest and verifies the answer itself, and sends requests of its own (inside a dialog
// it answered or placed). It is deliberately simple: no retransmission of its own (loopback does not lose
// datagrams), but it absorbs our retransmissions by repeating its last response for a branch.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { parseMessage, serializeMessage, StreamFramer } from '../../lib/tapi/providers/sip/core/message';
import { formatNameAddr, header, headerValues, parseCSeq, parseNameAddr, parseVia } from '../../lib/tapi/providers/sip/core/headers';
import { verifyDigest } from '../../lib/tapi/providers/sip/core/digest';
import type { SipEndpoint, SipHeader, SipMessage, SipRequest, SipResponse } from '../../lib/tapi/providers/sip/core/types';

export interface ReplyOptions {
  reason?: string;
  headers?: SipHeader[] | Record<string, string>;
  /** A body with Content-Type application/sdp. */
  sdp?: string;
  body?: string;
  contentType?: string;
  /** Leave the To tag out (a 100 never has one; for others the peer adds its tag). */
  noTag?: boolean;
  /** No Contact header (the peer adds one to 1xx/2xx of INVITE, 2xx of REGISTER is the script's business). */
  noContact?: boolean;
}

export type Reply = (status: number, options?: ReplyOptions) => SipResponse;

export interface RequestContext {
  source: SipEndpoint;
  /** Requests of this method received so far (this one included). */
  count: number;
}

export type RequestHandler = (request: SipRequest, reply: Reply, context: RequestContext) => void;

export interface ChallengeOptions {
  realm?: string;
  algorithm?: string;
  qop?: string | null;
  /** 407 Proxy-Authenticate instead of 401 WWW-Authenticate. */
  proxy?: boolean;
  username?: string;
  password: string;
  opaque?: string;
}

export interface PeerRecord {
  direction: 'in' | 'out';
  message: SipMessage;
  endpoint: SipEndpoint;
}

export interface AuthRecord {
  method: string;
  cseq: number;
  callId: string;
  branch: string;
  /** 'challenged' (no or bad credentials, answered 401/407) or 'accepted'. */
  outcome: 'challenged' | 'accepted' | 'rejected';
}

/** A dialog seen from the peer: enough to send BYE, re-INVITE, INFO, REFER or NOTIFY to the user agent. */
export interface PeerDialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our (the peer's) name-addr without the tag. */
  local: string;
  remote: string;
  remoteTarget: string;
  localSeq: number;
  routeSet: string[];
  endpoint: SipEndpoint;
}

export interface PeerRequestOptions {
  uri?: string;
  to?: SipEndpoint;
  dialog?: PeerDialog;
  headers?: SipHeader[] | Record<string, string>;
  sdp?: string;
  body?: string;
  contentType?: string;
  /** For INVITE: ACK a 2xx automatically (default true). */
  autoAck?: boolean;
  /** Called for each provisional response. */
  onProvisional?: (response: SipResponse) => void;
}

export interface PeerRequestResult {
  request: SipRequest;
  final: SipResponse;
  provisional: SipResponse[];
  /** For an INVITE answered 2xx: the dialog (from the peer's side). */
  dialog?: PeerDialog;
}

interface ServerTx {
  lastResponse?: SipResponse;
  endpoint: SipEndpoint;
  toTag: string;
}

interface ClientTx {
  request: SipRequest;
  provisional: SipResponse[];
  resolve: (result: PeerRequestResult) => void;
  options: PeerRequestOptions;
  endpoint: SipEndpoint;
  done: boolean;
  ack?: SipRequest;
}

function headerList(h: SipHeader[] | Record<string, string> | undefined): SipHeader[] {
  if (!h) return [];
  if (Array.isArray(h)) return h;
  return Object.entries(h).map(([name, value]) => ({ name: name.toLowerCase(), value }));
}

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  302: 'Moved Temporarily',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  603: 'Decline',
};

export function reasonOf(status: number): string {
  return REASONS[status] ?? 'Status';
}

function endpointKey(e: SipEndpoint): string {
  return `${e.transport}:${e.address}:${e.port}`;
}

export class SipPeer {
  readonly log: PeerRecord[] = [];
  readonly auth: AuthRecord[] = [];
  /** Dialogs the peer created by answering an INVITE 2xx, by Call-ID. */
  readonly dialogs = new Map<string, PeerDialog>();
  /** Messages that did not parse. */
  dropped = 0;
  user = 'peer';

  private handlers = new Map<string, RequestHandler>();
  private challenges = new Map<string, ChallengeOptions & { nonces: Set<string> }>();
  private counts = new Map<string, number>();
  private serverTx = new Map<string, ServerTx>();
  private clientTx = new Map<string, ClientTx>();
  private waiters: (() => void)[] = [];
  private connections = new Map<string, net.Socket>();
  private cseq = 1;

  private constructor(
    readonly transport: 'udp' | 'tcp',
    private readonly udp: dgram.Socket | undefined,
    private readonly server: net.Server | undefined,
    readonly endpoint: SipEndpoint,
  ) {}

  static async open(options: { transport: 'udp' | 'tcp'; address?: string; port?: number } = { transport: 'udp' }): Promise<SipPeer> {
    const address = options.address ?? '127.0.0.1';
    if (options.transport === 'udp') {
      const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(options.port ?? 0, address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      const peer = new SipPeer('udp', socket, undefined, { transport: 'udp', address, port: socket.address().port });
      socket.on('message', (data, rinfo) => peer.receive(data, { transport: 'udp', address: rinfo.address, port: rinfo.port }));
      socket.on('error', () => undefined);
      return peer;
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as net.AddressInfo).port;
    const peer = new SipPeer('tcp', undefined, server, { transport: 'tcp', address, port });
    server.on('connection', (socket) => peer.adopt(socket));
    return peer;
  }

  /** The peer's own URI (what a user agent under test dials or registers at). */
  get uri(): string {
    const host = this.endpoint.address.includes(':') ? `[${this.endpoint.address}]` : this.endpoint.address;
    return `sip:${this.user}@${host}:${this.endpoint.port}${this.transport === 'tcp' ? ';transport=tcp' : ''}`;
  }

  /** host:port for a registrar / outbound proxy setting. */
  get hostPort(): string {
    const host = this.endpoint.address.includes(':') ? `[${this.endpoint.address}]` : this.endpoint.address;
    return `${host}:${this.endpoint.port}`;
  }

  onRequest(method: string, handler: RequestHandler): void {
    this.handlers.set(method.toUpperCase(), handler);
  }

  /** Requests of `method` without valid credentials get 401 (or 407); the handler only sees authorised ones. */
  challenge(method: string, options: ChallengeOptions): void {
    this.challenges.set(method.toUpperCase(), { ...options, nonces: new Set() });
  }

  requests(method?: string): SipRequest[] {
    return this.log
      .filter((r) => r.direction === 'in' && r.message.kind === 'request' && (method === undefined || r.message.method === method))
      .map((r) => r.message as SipRequest);
  }

  responses(filter?: (r: SipResponse) => boolean): SipResponse[] {
    return this.log
      .filter((r) => r.direction === 'in' && r.message.kind === 'response' && (filter === undefined || filter(r.message)))
      .map((r) => r.message as SipResponse);
  }

  /** Waits (real time; a test guard, not a timing assertion) until `predicate` holds. */
  async until<T>(predicate: () => T | undefined | false, what: string, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = predicate();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`sip-peer: timed out waiting for ${what}; got ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The n-th (1-based) request of `method`. */
  waitFor(method: string, n = 1, ms = 5000): Promise<SipRequest> {
    return this.until(() => this.requests(method)[n - 1], `${method} #${n}`, ms);
  }

  summary(): string {
    return this.log
      .map(
        (r) => `${r.direction} ${r.message.kind === 'request' ? r.message.method : `${r.message.status} (${header(r.message, 'cseq')})`}`,
      )
      .join(', ');
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private adopt(socket: net.Socket): void {
    const endpoint: SipEndpoint = { transport: 'tcp', address: socket.remoteAddress ?? '127.0.0.1', port: socket.remotePort ?? 0 };
    const key = endpointKey(endpoint);
    this.connections.set(key, socket);
    const framer = new StreamFramer();
    socket.on('data', (chunk) => {
      for (const result of framer.push(chunk)) {
        if (result.ok) this.handle(result.message, endpoint);
        else this.dropped++;
      }
      if (framer.broken) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.connections.get(key) === socket) this.connections.delete(key);
    });
  }

  private receive(data: Buffer, source: SipEndpoint): void {
    const result = parseMessage(data);
    if (!result.ok) {
      this.dropped++;
      return;
    }
    this.handle(result.message, source);
  }

  /** Sends raw bytes (for hostile-input tests). */
  async sendRaw(data: Buffer, to: SipEndpoint): Promise<void> {
    if (this.udp) {
      await new Promise<void>((resolve) => this.udp!.send(data, to.port, to.address, () => resolve()));
      return;
    }
    const socket = await this.connection(to);
    await new Promise<void>((resolve) => socket.write(data, () => resolve()));
  }

  private async connection(to: SipEndpoint): Promise<net.Socket> {
    const existing = this.connections.get(endpointKey({ ...to, transport: 'tcp' }));
    if (existing && !existing.destroyed) return existing;
    const socket = net.connect({ host: to.address, port: to.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.adopt(socket);
    // Keyed by the address we dialled too, so later requests reuse it.
    this.connections.set(endpointKey({ ...to, transport: 'tcp' }), socket);
    return socket;
  }

  send(message: SipMessage, to: SipEndpoint): void {
    this.log.push({ direction: 'out', message, endpoint: to });
    const data = serializeMessage(message);
    void this.sendRaw(data, to).catch(() => undefined);
  }

  private handle(message: SipMessage, source: SipEndpoint): void {
    this.log.push({ direction: 'in', message, endpoint: source });
    try {
      if (message.kind === 'request') this.handleRequest(message, source);
      else this.handleResponse(message);
    } finally {
      this.notify();
    }
  }

  private txKey(m: SipMessage, method?: string): string {
    const via = parseVia(headerValues(m, 'via')[0] ?? '');
    const cseq = parseCSeq(header(m, 'cseq') ?? '');
    return `${via?.params.branch ?? ''} ${method ?? cseq?.method ?? ''}`;
  }

  private handleRequest(request: SipRequest, source: SipEndpoint): void {
    const method = request.method;
    // Responses go back where the request came from (symmetric, as rport asks for).
    if (method === 'ACK') {
      // ACK for a non-2xx shares the INVITE's branch; for a 2xx it is its own transaction. Either way: recorded only.
      return;
    }
    const key = this.txKey(request);
    const existing = this.serverTx.get(key);
    if (existing) {
      if (existing.lastResponse) this.send(existing.lastResponse, existing.endpoint);
      return;
    }
    const tx: ServerTx = { endpoint: source, toTag: randomBytes(4).toString('hex') };
    this.serverTx.set(key, tx);
    const count = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, count);
    const reply: Reply = (status, options = {}) => {
      const response = this.buildResponse(request, status, tx, options);
      tx.lastResponse = response;
      if (method === 'INVITE' && status >= 200 && status < 300) this.rememberUasDialog(request, response, source);
      this.send(response, tx.endpoint);
      return response;
    };
    if (method === 'CANCEL') {
      const inviteTx = this.serverTx.get(this.txKey(request, 'INVITE'));
      reply(inviteTx ? 200 : 481);
      const handler = this.handlers.get('CANCEL');
      if (handler) handler(request, () => tx.lastResponse!, { source, count });
      else if (inviteTx && (inviteTx.lastResponse === undefined || inviteTx.lastResponse.status < 200)) {
        // The default: the INVITE ends with 487.
        const invite = this.requests('INVITE').find((r) => this.txKey(r) === this.txKey(request, 'INVITE'));
        if (invite) {
          const response = this.buildResponse(invite, 487, inviteTx, {});
          inviteTx.lastResponse = response;
          this.send(response, inviteTx.endpoint);
        }
      }
      return;
    }
    const challenge = this.challenges.get(method);
    if (challenge && !this.authorised(request, challenge, reply)) return;
    const handler = this.handlers.get(method);
    if (handler) handler(request, reply, { source, count });
    else reply(method === 'INVITE' ? 486 : 200);
  }

  private authorised(request: SipRequest, challenge: ChallengeOptions & { nonces: Set<string> }, reply: Reply): boolean {
    const credentialsHeader = challenge.proxy ? 'proxy-authorization' : 'authorization';
    const value = header(request, credentialsHeader);
    const cseq = parseCSeq(header(request, 'cseq') ?? '')?.seq ?? 0;
    const record = (outcome: AuthRecord['outcome']): void => {
      this.auth.push({
        method: request.method,
        cseq,
        callId: header(request, 'call-id') ?? '',
        branch: parseVia(headerValues(request, 'via')[0] ?? '')?.params.branch ?? '',
        outcome,
      });
    };
    const realm = challenge.realm ?? 'peer.test';
    const algorithm = challenge.algorithm ?? 'MD5';
    const qop = challenge.qop === undefined ? 'auth' : challenge.qop;
    if (value) {
      const nonce = /nonce="([^"]*)"/.exec(value)?.[1] ?? '';
      if (challenge.nonces.has(nonce)) {
        const ok = verifyDigest({
          credentials: value,
          challenge: { realm, nonce, algorithm, qop: qop ? [qop] : [], stale: false, opaque: challenge.opaque },
          method: request.method,
          password: challenge.password,
        });
        const user = /username="([^"]*)"/.exec(value)?.[1];
        if (ok && (challenge.username === undefined || challenge.username === user)) {
          record('accepted');
          return true;
        }
      }
    }
    const nonce = randomBytes(12).toString('base64');
    challenge.nonces.add(nonce);
    record(value ? 'rejected' : 'challenged');
    let text = `Digest realm="${realm}", nonce="${nonce}", algorithm=${algorithm}`;
    if (qop) text += `, qop="${qop}"`;
    if (challenge.opaque) text += `, opaque="${challenge.opaque}"`;
    reply(challenge.proxy ? 407 : 401, { headers: [{ name: challenge.proxy ? 'proxy-authenticate' : 'www-authenticate', value: text }] });
    return false;
  }

  buildResponse(request: SipRequest, status: number, tx: { toTag: string }, options: ReplyOptions): SipResponse {
    const headers: SipHeader[] = [];
    for (const h of request.headers) {
      if (h.name === 'via' || h.name === 'from' || h.name === 'call-id' || h.name === 'cseq') headers.push({ ...h });
      else if (h.name === 'record-route' && request.method === 'INVITE' && status > 100 && status < 300) headers.push({ ...h });
    }
    let to = header(request, 'to') ?? '';
    const toNa = parseNameAddr(to);
    if (toNa && toNa.params.tag === undefined && status > 100 && !options.noTag)
      to = formatNameAddr({ ...toNa, params: { ...toNa.params, tag: tx.toTag } });
    headers.push({ name: 'to', value: to });
    if (!options.noContact && request.method === 'INVITE' && status > 100 && status < 300)
      headers.push({ name: 'contact', value: `<${this.uri}>` });
    headers.push(...headerList(options.headers));
    let body = Buffer.alloc(0);
    if (options.sdp !== undefined) {
      headers.push({ name: 'content-type', value: 'application/sdp' });
      body = Buffer.from(options.sdp);
    } else if (options.body !== undefined) {
      headers.push({ name: 'content-type', value: options.contentType ?? 'text/plain' });
      body = Buffer.from(options.body);
    }
    return { kind: 'response', status, reason: options.reason ?? reasonOf(status), headers, body };
  }

  private rememberUasDialog(request: SipRequest, response: SipResponse, source: SipEndpoint): void {
    const from = parseNameAddr(header(request, 'from') ?? '');
    const to = parseNameAddr(header(response, 'to') ?? '');
    const contact = parseNameAddr(headerValues(request, 'contact')[0] ?? '');
    const callId = header(request, 'call-id') ?? '';
    if (!from || !to || !contact || this.dialogs.has(callId)) return;
    this.dialogs.set(callId, {
      callId,
      localTag: to.params.tag ?? '',
      remoteTag: from.params.tag ?? '',
      local: formatNameAddr({ ...to, params: {} }),
      remote: formatNameAddr({ ...from, params: {} }),
      remoteTarget: contact.uri,
      localSeq: 100,
      routeSet: headerValues(request, 'record-route'),
      endpoint: source,
    });
  }

  /** Sends a request to the user agent (out of dialog to `to`/`uri`, or inside `dialog`); resolves on the final response. */
  request(method: string, options: PeerRequestOptions = {}): Promise<PeerRequestResult> {
    const dialog = options.dialog;
    const to = options.to ?? dialog?.endpoint;
    if (!to) throw new Error('sip-peer: request needs `to` or `dialog`');
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    const headers: SipHeader[] = [
      { name: 'via', value: `SIP/2.0/${this.transport.toUpperCase()} ${this.hostPort};branch=${branch};rport` },
    ];
    headers.push({ name: 'max-forwards', value: '70' });
    let uri: string;
    if (dialog) {
      dialog.localSeq += 1;
      uri = dialog.remoteTarget;
      for (const r of dialog.routeSet) headers.push({ name: 'route', value: r });
      headers.push({ name: 'from', value: `${dialog.local};tag=${dialog.localTag}` });
      headers.push({ name: 'to', value: `${dialog.remote};tag=${dialog.remoteTag}` });
      headers.push({ name: 'call-id', value: dialog.callId });
      headers.push({ name: 'cseq', value: `${dialog.localSeq} ${method}` });
    } else {
      uri = options.uri ?? `sip:ua@${to.address}:${to.port}`;
      headers.push({ name: 'from', value: `<${this.uri}>;tag=${randomBytes(4).toString('hex')}` });
      headers.push({ name: 'to', value: `<${uri}>` });
      headers.push({ name: 'call-id', value: `${randomBytes(8).toString('hex')}@peer` });
      headers.push({ name: 'cseq', value: `${this.cseq++} ${method}` });
    }
    headers.push({ name: 'contact', value: `<${this.uri}>` });
    const extra = headerList(options.headers);
    const overridden = new Set(extra.map((h) => h.name));
    const request: SipRequest = {
      kind: 'request',
      method,
      uri,
      headers: [...headers.filter((h) => !overridden.has(h.name)), ...extra],
      body: Buffer.alloc(0),
    };
    if (options.sdp !== undefined) {
      request.headers.push({ name: 'content-type', value: 'application/sdp' });
      request.body = Buffer.from(options.sdp);
    } else if (options.body !== undefined) {
      request.headers.push({ name: 'content-type', value: options.contentType ?? 'text/plain' });
      request.body = Buffer.from(options.body);
    }
    return new Promise<PeerRequestResult>((resolve) => {
      this.clientTx.set(this.txKey(request), { request, provisional: [], resolve, options, endpoint: to, done: false });
      this.send(request, to);
    });
  }

  /** CANCEL for an INVITE the peer sent (same branch, R-URI, From, To, Call-ID, CSeq number). */
  cancel(invite: SipRequest, to: SipEndpoint): void {
    const keep = new Set(['via', 'from', 'to', 'call-id', 'route']);
    const headers = invite.headers.filter((h) => keep.has(h.name));
    headers.splice(1, 0, { name: 'max-forwards', value: '70' });
    const seq = parseCSeq(header(invite, 'cseq') ?? '')?.seq ?? 1;
    headers.push({ name: 'cseq', value: `${seq} CANCEL` });
    this.send({ kind: 'request', method: 'CANCEL', uri: invite.uri, headers, body: Buffer.alloc(0) }, to);
  }

  private handleResponse(response: SipResponse): void {
    const tx = this.clientTx.get(this.txKey(response));
    if (!tx) return;
    const method = tx.request.method;
    if (response.status < 200) {
      if (!tx.done) {
        tx.provisional.push(response);
        tx.options.onProvisional?.(response);
      }
      return;
    }
    if (method === 'INVITE') {
      if (response.status >= 300) {
        this.send(this.ackFor(tx.request, response, false), tx.endpoint);
      } else if (tx.options.autoAck !== false) {
        tx.ack = tx.ack ?? this.ackFor(tx.request, response, true);
        this.send(tx.ack, tx.endpoint);
      }
    }
    if (tx.done) return;
    tx.done = true;
    let dialog: PeerDialog | undefined;
    if (method === 'INVITE' && response.status < 300) dialog = this.uacDialog(tx, response);
    tx.resolve({ request: tx.request, final: response, provisional: tx.provisional, dialog });
  }

  /** ACK for a final response to one of the peer's INVITEs (2xx: a new branch; otherwise the INVITE's). */
  ackFor(invite: SipRequest, response: SipResponse, success: boolean): SipRequest {
    const seq = parseCSeq(header(invite, 'cseq') ?? '')?.seq ?? 1;
    const via = success
      ? `SIP/2.0/${this.transport.toUpperCase()} ${this.hostPort};branch=z9hG4bK${randomBytes(8).toString('hex')};rport`
      : (headerValues(invite, 'via')[0] ?? '');
    let uri = invite.uri;
    if (success) {
      const contact = parseNameAddr(headerValues(response, 'contact')[0] ?? '');
      if (contact) uri = contact.uri;
    }
    return {
      kind: 'request',
      method: 'ACK',
      uri,
      headers: [
        { name: 'via', value: via },
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: header(invite, 'from') ?? '' },
        { name: 'to', value: header(response, 'to') ?? '' },
        { name: 'call-id', value: header(invite, 'call-id') ?? '' },
        { name: 'cseq', value: `${seq} ACK` },
      ],
      body: Buffer.alloc(0),
    };
  }

  /** Sends the ACK for a 2xx by hand (with `autoAck: false`). */
  ack(result: { request: SipRequest; final: SipResponse }, to: SipEndpoint): void {
    this.send(this.ackFor(result.request, result.final, true), to);
  }

  private uacDialog(tx: ClientTx, response: SipResponse): PeerDialog | undefined {
    const from = parseNameAddr(header(tx.request, 'from') ?? '');
    const to = parseNameAddr(header(response, 'to') ?? '');
    const contact = parseNameAddr(headerValues(response, 'contact')[0] ?? '');
    if (!from || !to || !contact) return undefined;
    const dialog: PeerDialog = tx.options.dialog ?? {
      callId: header(tx.request, 'call-id') ?? '',
      localTag: from.params.tag ?? '',
      remoteTag: to.params.tag ?? '',
      local: formatNameAddr({ ...from, params: {} }),
      remote: formatNameAddr({ ...to, params: {} }),
      remoteTarget: contact.uri,
      localSeq: parseCSeq(header(tx.request, 'cseq') ?? '')?.seq ?? 1,
      routeSet: headerValues(response, 'record-route').reverse(),
      endpoint: tx.endpoint,
    };
    if (!tx.options.dialog) this.dialogs.set(dialog.callId, dialog);
    return dialog;
  }

  /** The dialog the peer holds for a Call-ID (waits for it). */
  dialog(callId: string, ms = 5000): Promise<PeerDialog> {
    return this.until(() => this.dialogs.get(callId), `dialog ${callId}`, ms);
  }

  async close(): Promise<void> {
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    this.notify();
    if (this.udp) await new Promise<void>((resolve) => this.udp!.close(() => resolve()));
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
