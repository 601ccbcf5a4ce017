// RFC 3261 §17 transactions with timers A–K on a SipClock.
//
// Choices where the RFC leaves room (documented here because the user agent relies on them):
// - Client INVITE: a 2xx is passed up and the transaction terminates (RFC 3261); 2xx retransmissions then reach
//   onStrayResponse, where the dialog re-sends its ACK. ACK for 300–699 is generated here, on the same branch.
// - Server INVITE: 100 Trying is sent 200 ms after the INVITE unless the TU has answered by then (§17.2.1 allows
//   either). After a 2xx the transaction waits 64*T1 in an "accepted" state (RFC 6026) so INVITE retransmissions are
//   absorbed instead of reaching the TU as new calls; the TU retransmits its 2xx until the ACK (onAck) itself.
// - CANCEL: answered here — 200 when it matches an INVITE server transaction (whose onCancel then fires; without
//   an onCancel hook the INVITE is answered 487 here), 481 when nothing matches. CANCEL never reaches onRequest.
// - Reliable transports (TCP/TLS): no retransmission timers (A, E, G), and D, I, J, K are zero (§17).
import { randomBytes } from 'node:crypto';
import { formatVia, header, parseCSeq, parseNameAddr, parseVia } from './headers';
import { SipTransportLayer, type TransportOptions } from './transport';
import { systemClock } from './clock';
import type { SipClock, SipEndpoint, SipHeader, SipMessage, SipRequest, SipResponse, SipTimer, SipTransportKind } from './types';

export const BRANCH_COOKIE = 'z9hG4bK';

/** The part of the transport layer transactions use (a fake one in tests). */
export interface TransactionTransport {
  send(message: SipMessage, destination: SipEndpoint): Promise<SipEndpoint>;
  sendResponse(response: SipResponse, requestSource: SipEndpoint): Promise<SipEndpoint>;
  localEndpoint(kind: SipTransportKind, towards?: SipEndpoint): SipEndpoint;
  close?(): Promise<void>;
}

export interface TransactionLayerOptions {
  transport: TransactionTransport;
  clock?: SipClock;
  t1?: number;
  t2?: number;
  t4?: number;
  /** Delay before the automatic 100 Trying to an INVITE (default 200 ms; 0 = at once). */
  tryingDelayMs?: number;
  /** A new server transaction (not for ACK and not for CANCEL, which are handled here). */
  onRequest(request: SipRequest, tx: ServerTransaction, source: SipEndpoint): void;
  /** An ACK that matches no INVITE server transaction: the ACK to a 2xx, for the dialog. */
  onAck?(ack: SipRequest, source: SipEndpoint): void;
  /** A response that matches no client transaction (e.g. 2xx retransmissions after the INVITE terminated). */
  onStrayResponse?(response: SipResponse, source: SipEndpoint): void;
  /** Messages dropped here: missing or malformed Via/CSeq. */
  onDrop?(reason: string, source: SipEndpoint): void;
}

export interface ClientHandlers {
  onResponse(response: SipResponse): void;
  onTimeout(): void;
  onTransportError(error: Error): void;
}

type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'K' | 'G' | 'H' | 'I' | 'J' | 'L' | 'trying';

const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  422: 'Session Interval Too Small',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Progress' : status < 300 ? 'OK' : 'Error');
}

export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return BRANCH_COOKIE + randomToken(10);
}

/**
 * A response to `request` (§8.2.6): Via (all, in order), From, To (with `toTag` added when it has none), Call-ID
 * and CSeq copied; `headers` appended.
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reason?: string,
  toTag?: string,
  headers: SipHeader[] = [],
): SipResponse {
  const copied: SipHeader[] = [];
  for (const h of request.headers) {
    if (h.name === 'via' || h.name === 'from' || h.name === 'call-id' || h.name === 'cseq') copied.push({ ...h });
    else if (h.name === 'to') {
      const to = parseNameAddr(h.value);
      copied.push({ name: 'to', value: toTag && to && to.params.tag === undefined ? `${h.value};tag=${toTag}` : h.value });
    }
  }
  return { kind: 'response', status, reason: reason ?? reasonPhrase(status), headers: [...copied, ...headers], body: Buffer.alloc(0) };
}

/** CANCEL for an INVITE (§9.1): same Request-URI, top Via (branch), From, To, Call-ID, CSeq number and Route. */
export function createCancel(invite: SipRequest): SipRequest {
  const headers: SipHeader[] = [];
  const topVia = invite.headers.find((h) => h.name === 'via');
  if (topVia) headers.push({ ...topVia });
  for (const h of invite.headers) {
    if (h.name === 'route' || h.name === 'from' || h.name === 'to' || h.name === 'call-id') headers.push({ ...h });
  }
  const cseq = parseCSeq(header(invite, 'cseq') ?? '');
  headers.push({ name: 'cseq', value: `${cseq?.seq ?? 1} CANCEL` });
  headers.push({ name: 'max-forwards', value: '70' });
  return { kind: 'request', method: 'CANCEL', uri: invite.uri, headers, body: Buffer.alloc(0) };
}

/** The ACK for a 300–699 response to an INVITE (§17.1.1.3). */
function createNonTwoXxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: SipHeader[] = [];
  const topVia = invite.headers.find((h) => h.name === 'via');
  if (topVia) headers.push({ ...topVia });
  for (const h of invite.headers) if (h.name === 'route' || h.name === 'from' || h.name === 'call-id') headers.push({ ...h });
  const to = response.headers.find((h) => h.name === 'to') ?? invite.headers.find((h) => h.name === 'to');
  if (to) headers.push({ ...to });
  const cseq = parseCSeq(header(invite, 'cseq') ?? '');
  headers.push({ name: 'cseq', value: `${cseq?.seq ?? 1} ACK` });
  headers.push({ name: 'max-forwards', value: '70' });
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers, body: Buffer.alloc(0) };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

abstract class Transaction {
  private readonly timers = new Map<TimerName, SipTimer>();

  constructor(
    protected readonly layer: TransactionLayer,
    readonly key: string,
  ) {}

  protected setTimer(name: TimerName, ms: number, fire: () => void): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      this.layer.clock.setTimeout(() => {
        this.timers.delete(name);
        fire();
      }, ms),
    );
  }

  protected clearTimer(name: TimerName): void {
    const timer = this.timers.get(name);
    if (timer) this.layer.clock.clearTimeout(timer);
    this.timers.delete(name);
  }

  /** Names of the timers running (tests). */
  get runningTimers(): string[] {
    return [...this.timers.keys()];
  }

  protected clearAllTimers(): void {
    for (const timer of this.timers.values()) this.layer.clock.clearTimeout(timer);
    this.timers.clear();
  }

  abstract get state(): string;
  abstract terminate(): void;
}

export type ClientState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'terminated';

export class ClientTransaction extends Transaction {
  private current: ClientState;
  private reliable: boolean;
  private interval: number;
  private ack?: SipRequest;
  readonly isInvite: boolean;
  readonly branch: string;

  constructor(
    layer: TransactionLayer,
    key: string,
    readonly request: SipRequest,
    public destination: SipEndpoint,
    private readonly handlers: ClientHandlers,
  ) {
    super(layer, key);
    this.isInvite = request.method === 'INVITE';
    this.current = this.isInvite ? 'calling' : 'trying';
    this.reliable = destination.transport !== 'udp';
    this.interval = layer.t1;
    this.branch = key.split('|')[0];
  }

  get state(): ClientState {
    return this.current;
  }

  start(): void {
    const t1 = this.layer.t1;
    if (!this.reliable) this.setTimer(this.isInvite ? 'A' : 'E', t1, () => this.retransmit());
    this.setTimer(this.isInvite ? 'B' : 'F', 64 * t1, () => this.timeout());
    this.layer.transport.send(this.request, this.destination).then(
      (used) => {
        this.destination = used;
        if (used.transport !== 'udp' && !this.reliable) {
          // Sent over TCP after all (§18.1.1): no retransmissions.
          this.reliable = true;
          this.clearTimer('A');
          this.clearTimer('E');
        }
      },
      (error) => this.transportError(error),
    );
  }

  private retransmit(): void {
    if (this.current === 'terminated' || this.current === 'completed') return;
    if (this.isInvite) {
      if (this.current !== 'calling') return;
      this.interval *= 2; // Timer A doubles without a cap (§17.1.1.2); Timer B ends it.
      this.setTimer('A', this.interval, () => this.retransmit());
    } else {
      this.interval = Math.min(2 * this.interval, this.layer.t2);
      // In Proceeding, Timer E fires every T2 (§17.1.2.2).
      this.setTimer('E', this.current === 'proceeding' ? this.layer.t2 : this.interval, () => this.retransmit());
    }
    this.layer.transport.send(this.request, this.destination).catch((error) => this.transportError(error));
  }

  private timeout(): void {
    if (this.current === 'terminated' || this.current === 'completed') return;
    if (this.isInvite && this.current !== 'calling') return;
    this.terminate();
    this.layer.safely(() => this.handlers.onTimeout());
  }

  private transportError(error: unknown): void {
    if (this.current === 'terminated') return;
    const wasCompleted = this.current === 'completed';
    this.terminate();
    if (!wasCompleted) this.layer.safely(() => this.handlers.onTransportError(asError(error)));
  }

  /** A response matched to this transaction. */
  receive(response: SipResponse): void {
    const status = response.status;
    switch (this.current) {
      case 'calling':
      case 'trying':
      case 'proceeding':
        if (status < 200) {
          if (this.isInvite) {
            this.clearTimer('A');
            this.clearTimer('B'); // §17.1.1.2: once Proceeding, the INVITE may ring as long as the TU lets it
          } else if (this.current === 'trying' && !this.reliable) {
            this.setTimer('E', this.layer.t2, () => this.retransmit());
          }
          this.current = 'proceeding';
          this.layer.safely(() => this.handlers.onResponse(response));
          return;
        }
        if (this.isInvite && status < 300) {
          this.terminate();
          this.layer.safely(() => this.handlers.onResponse(response));
          return;
        }
        this.current = 'completed';
        this.clearAllTimers();
        if (this.isInvite) {
          this.ack = createNonTwoXxAck(this.request, response);
          this.sendAck();
          this.setTimer('D', this.reliable ? 0 : 32_000, () => this.terminate());
        } else {
          this.setTimer('K', this.reliable ? 0 : this.layer.t4, () => this.terminate());
        }
        this.layer.safely(() => this.handlers.onResponse(response));
        return;
      case 'completed':
        // A retransmitted final response: the INVITE transaction re-sends its ACK; both absorb it.
        if (this.isInvite && status >= 300) this.sendAck();
        return;
      default:
        return;
    }
  }

  private sendAck(): void {
    if (!this.ack) return;
    this.layer.transport.send(this.ack, this.destination).catch(() => undefined);
  }

  terminate(): void {
    if (this.current === 'terminated') return;
    this.current = 'terminated';
    this.clearAllTimers();
    this.layer.forget(this);
  }
}

export type ServerState = 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export class ServerTransaction extends Transaction {
  private current: ServerState;
  private lastResponse?: SipResponse;
  private interval: number;
  readonly reliable: boolean;
  readonly isInvite: boolean;
  /** A CANCEL matched this INVITE transaction while no final response was sent; the TU should answer 487. */
  onCancel?: () => void;
  /** Timer H fired: a final non-2xx response was never acknowledged. */
  onTimeout?: () => void;
  /** A response could not be sent. */
  onTransportError?: (error: Error) => void;

  constructor(
    layer: TransactionLayer,
    key: string,
    readonly request: SipRequest,
    readonly source: SipEndpoint,
  ) {
    super(layer, key);
    this.isInvite = request.method === 'INVITE';
    this.current = this.isInvite ? 'proceeding' : 'trying';
    this.reliable = source.transport !== 'udp';
    this.interval = layer.t1;
  }

  get state(): ServerState {
    return this.current;
  }

  /** True once a final response has been sent. */
  get answered(): boolean {
    return this.lastResponse !== undefined && this.lastResponse.status >= 200;
  }

  start(): void {
    if (!this.isInvite) return;
    const delay = this.layer.tryingDelayMs;
    const trying = () => {
      if (this.lastResponse !== undefined || this.current !== 'proceeding') return;
      this.lastResponse = createResponse(this.request, 100);
      this.send(this.lastResponse);
    };
    if (delay <= 0) trying();
    else this.setTimer('trying', delay, trying);
  }

  /** Sends a response from the TU; the state machine decides what follows (§17.2.1, §17.2.2). */
  respond(response: SipResponse): void {
    const status = response.status;
    if (this.current === 'terminated' || this.current === 'confirmed') return;
    if (this.current === 'completed') return; // the final response is already out; Timer G retransmits it
    if (this.current === 'accepted') {
      if (status >= 200 && status < 300) this.send(response); // the TU's own 2xx retransmissions
      return;
    }
    this.clearTimer('trying');
    if (status < 200) {
      this.current = 'proceeding';
      this.lastResponse = response;
      this.send(response);
      return;
    }
    this.lastResponse = response;
    const t1 = this.layer.t1;
    if (this.isInvite && status < 300) {
      this.current = 'accepted';
      this.setTimer('L', 64 * t1, () => this.terminate());
    } else if (this.isInvite) {
      this.current = 'completed';
      if (!this.reliable) this.setTimer('G', t1, () => this.retransmitFinal());
      this.setTimer('H', 64 * t1, () => {
        this.terminate();
        if (this.onTimeout) this.layer.safely(() => this.onTimeout!());
      });
    } else {
      this.current = 'completed';
      this.setTimer('J', this.reliable ? 0 : 64 * t1, () => this.terminate());
    }
    this.send(response);
  }

  private retransmitFinal(): void {
    if (this.current !== 'completed' || !this.lastResponse) return;
    this.interval = Math.min(2 * this.interval, this.layer.t2);
    this.setTimer('G', this.interval, () => this.retransmitFinal());
    this.send(this.lastResponse);
  }

  private send(response: SipResponse): void {
    this.layer.transport.sendResponse(response, this.source).catch((error) => {
      if (this.current === 'terminated') return;
      this.terminate();
      if (this.onTransportError) this.layer.safely(() => this.onTransportError!(asError(error)));
    });
  }

  /** A retransmission of the request (or, for INVITE, the ACK to a non-2xx). */
  receive(request: SipRequest): void {
    if (request.method === 'ACK') {
      if (this.isInvite && this.current === 'completed') {
        this.current = 'confirmed';
        this.clearTimer('G');
        this.clearTimer('H');
        this.setTimer('I', this.reliable ? 0 : this.layer.t4, () => this.terminate());
      }
      return;
    }
    if ((this.current === 'proceeding' || this.current === 'completed') && this.lastResponse) this.send(this.lastResponse);
  }

  /** A CANCEL matched this transaction (called by the layer); true when it still could be cancelled. */
  cancelledByPeer(): boolean {
    if (!this.isInvite || this.current !== 'proceeding') return false;
    if (this.onCancel) this.layer.safely(() => this.onCancel!());
    else this.respond(createResponse(this.request, 487, undefined, randomToken()));
    return true;
  }

  terminate(): void {
    if (this.current === 'terminated') return;
    this.current = 'terminated';
    this.clearAllTimers();
    this.layer.forget(this);
  }
}

/** The top Via's transaction identity, or a reason. */
function viaIdentity(message: SipMessage): { branch: string; sentBy: string; legacy: boolean; topVia: string } | string {
  const topVia = header(message, 'via');
  if (topVia === undefined) return 'no Via';
  const via = parseVia(topVia);
  if (!via) return 'malformed Via';
  const branch = via.params.branch ?? '';
  return { branch, sentBy: `${via.host.toLowerCase()}:${via.port ?? ''}`, legacy: !branch.startsWith(BRANCH_COOKIE), topVia };
}

export class TransactionLayer {
  readonly transport: TransactionTransport;
  readonly clock: SipClock;
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  readonly tryingDelayMs: number;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private closed = false;
  private ownsTransport = false;
  droppedCount = 0;

  constructor(private readonly options: TransactionLayerOptions) {
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    this.t1 = options.t1 ?? 500;
    this.t2 = options.t2 ?? 4000;
    this.t4 = options.t4 ?? 5000;
    this.tryingDelayMs = options.tryingDelayMs ?? 200;
  }

  /** Opens a transport whose incoming messages feed a new transaction layer; close() closes both. */
  static async open(
    transportOptions: Omit<TransportOptions, 'onMessage'>,
    options: Omit<TransactionLayerOptions, 'transport'>,
  ): Promise<TransactionLayer> {
    const holder: { layer?: TransactionLayer } = {};
    const transport = await SipTransportLayer.open({ ...transportOptions, onMessage: (m, s) => holder.layer?.receive(m, s) });
    const layer = new TransactionLayer({ ...options, transport });
    holder.layer = layer;
    layer.ownsTransport = true;
    return layer;
  }

  /** Open transactions (tests, diagnostics). */
  get size(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size };
  }

  /** Calls into the TU; an exception there must not break the transaction machinery. */
  safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // the TU's own bug: nothing to recover here, the transaction state is already consistent
    }
  }

  forget(tx: Transaction): void {
    if (tx instanceof ClientTransaction) {
      if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
    } else if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
  }

  private drop(reason: string, source: SipEndpoint): void {
    this.droppedCount++;
    this.options.onDrop?.(reason, source);
  }

  /**
   * Starts a client transaction. A top Via is added when there is none (`SIP/2.0/<transport> <local>;branch=…;rport`);
   * a Via without a branch gets one.
   */
  sendRequest(request: SipRequest, destination: SipEndpoint, handlers: ClientHandlers): ClientTransaction {
    if (this.closed) throw new Error('SIP transaction layer is closed');
    if (request.method === 'ACK') throw new Error('ACK is not sent in a client transaction: use sendAck');
    const branch = this.ensureVia(request, destination);
    const key = `${branch}|${request.method}`;
    const tx = new ClientTransaction(this, key, request, destination, handlers);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Adds or completes the top Via; returns its branch. */
  private ensureVia(request: SipMessage, destination: SipEndpoint): string {
    const index = request.headers.findIndex((h) => h.name === 'via');
    if (index < 0) {
      const local = this.transport.localEndpoint(destination.transport, destination);
      const branch = newBranch();
      request.headers.unshift({
        name: 'via',
        value: formatVia({
          transport: destination.transport.toUpperCase(),
          host: local.address,
          port: local.port || undefined,
          params: { branch, rport: null },
        }),
      });
      return branch;
    }
    const via = parseVia(request.headers[index].value);
    if (!via) throw new Error('malformed top Via');
    if (!via.params.branch) {
      via.params.branch = newBranch();
      request.headers[index] = { name: 'via', value: formatVia(via) };
    }
    return via.params.branch;
  }

  /** The ACK to a 2xx (a new "transaction" of its own, §13.2.2.4), or any stateless message. */
  sendAck(ack: SipRequest, destination: SipEndpoint): Promise<SipEndpoint> {
    if (ack.kind === 'request') this.ensureVia(ack, destination);
    return this.transport.send(ack, destination);
  }

  sendStateless(message: SipMessage, destination: SipEndpoint): Promise<SipEndpoint> {
    if (message.kind === 'request') this.ensureVia(message, destination);
    return message.kind === 'response' ? this.transport.sendResponse(message, destination) : this.transport.send(message, destination);
  }

  /** Feed every message the transport receives here. */
  receive(message: SipMessage, source: SipEndpoint): void {
    if (this.closed) return;
    const id = viaIdentity(message);
    if (typeof id === 'string') return this.drop(`${message.kind}: ${id}`, source);
    const cseq = parseCSeq(header(message, 'cseq') ?? '');
    if (!cseq) return this.drop(`${message.kind}: missing or malformed CSeq`, source);
    if (message.kind === 'response') return this.receiveResponse(message, id.branch, cseq.method, source);
    this.receiveRequest(message, id, source);
  }

  private receiveResponse(response: SipResponse, branch: string, method: string, source: SipEndpoint): void {
    const tx = this.clients.get(`${branch}|${method}`);
    if (tx) tx.receive(response);
    else this.safely(() => this.options.onStrayResponse?.(response, source));
  }

  private serverKey(request: SipRequest, id: { branch: string; sentBy: string; legacy: boolean; topVia: string }, method: string): string {
    if (!id.legacy) return `${id.branch}|${id.sentBy}|${method}`;
    // RFC 2543 peers (§17.2.3, simplified): From tag, Call-ID, CSeq number and the top Via.
    const from = parseNameAddr(header(request, 'from') ?? '');
    const cseq = parseCSeq(header(request, 'cseq') ?? '');
    return `legacy|${from?.params.tag ?? ''}|${header(request, 'call-id') ?? ''}|${cseq?.seq ?? ''}|${id.topVia}|${method}`;
  }

  private receiveRequest(
    request: SipRequest,
    id: { branch: string; sentBy: string; legacy: boolean; topVia: string },
    source: SipEndpoint,
  ): void {
    const method = request.method === 'ACK' ? 'INVITE' : request.method;
    const key = this.serverKey(request, id, method);
    const existing = this.servers.get(key);
    if (existing) {
      // A legacy (RFC 2543) ACK to a 2xx matches the INVITE's key: it is still the dialog's.
      if (request.method === 'ACK' && existing.state === 'accepted') this.safely(() => this.options.onAck?.(request, source));
      else existing.receive(request);
      return;
    }
    if (request.method === 'ACK') {
      this.safely(() => this.options.onAck?.(request, source));
      return;
    }
    const tx = new ServerTransaction(this, key, request, source);
    this.servers.set(key, tx);
    if (request.method === 'CANCEL') {
      const invite = this.servers.get(this.serverKey(request, id, 'INVITE'));
      if (invite && invite.isInvite) {
        tx.respond(createResponse(request, 200, undefined, randomToken()));
        invite.cancelledByPeer();
      } else {
        tx.respond(createResponse(request, 481, undefined, randomToken()));
      }
      return;
    }
    tx.start();
    this.safely(() => this.options.onRequest(request, tx, source));
  }

  /** Clears every timer and forgets every transaction (closing the transport too when open() made it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.terminate();
    this.clients.clear();
    this.servers.clear();
    if (this.ownsTransport) await this.transport.close?.();
  }
}
