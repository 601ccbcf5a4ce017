// The SIP user agent the provider drives (RFC 3261 UAC and UAS cores): registration, calls both ways, and the
// requests of a dialog. Routing of what arrives lives here; the parts live in ua-*.ts.
//
// Changes against the interfaces in notes/sip-plan.md (names kept):
// - SipUserAgent.start(account, options) takes SipUserAgentOptions (clock, userAgent, t1/t2/t4, registration
//   back-off, referNotifyTimeoutMs, closeTimeoutMs); onRegistration events also carry `expires` when registered.
// - IncomingCall has `remoteSdp` (the offer, '' when none).
// - SipDialog has `terminated`; refer() resolves { status, reason }; onRefer gets a second argument `notify(status,
//   reason?)` to report the transfer's progress back (NOTIFY sipfrag); onReinvite also receives UPDATE offers.
// - invite() throws (synchronously) for a target that is not a sip:/sips: URI or after close().
// - parseDtmfRelay(body) and parseSipfrag(body) are exported for the provider (INFO application/dtmf-relay).
import { dialogKey, dialogKeyOfRequest } from './dialog';
import { header, parseCSeq, parseNameAddr, parseVia } from './headers';
import { KNOWN_METHODS, parseAccount, UaContext, ALLOW, ACCEPT, SUPPORTED } from './ua-context';
import { UaDialog, type DialogRegistry } from './ua-dialog';
import { UaIncomingCall } from './ua-invite-in';
import { UaOutgoingCall } from './ua-invite-out';
import { Registration } from './ua-registration';
import { MIN_SE, parseSessionExpires } from './ua-session-timer';
import { openUaStack, systemClock } from './ua-stack-impl';
import type { UaServerTransaction, UaStack } from './ua-stack';
import type { IncomingCall, OutgoingCall, OutgoingCallEvents, RegistrationEvent, SipAccount, SipUserAgentOptions } from './ua-types';
import type { SipEndpoint, SipHeader, SipRequest, SipResponse } from './types';
import { parseSipUri } from './uri';

export type {
  IncomingCall,
  OutgoingCall,
  OutgoingCallEvents,
  ReferResult,
  RegistrationEvent,
  RegistrationState,
  SipAccount,
  SipDialog,
  SipUserAgentOptions,
} from './ua-types';
export { parseDtmfRelay, parseSipfrag } from './ua-dialog';

const DEFAULT_USER_AGENT = 'node-red-contrib-tapi';

export class SipUserAgent implements DialogRegistry {
  onRegistration: (event: RegistrationEvent) => void = () => undefined;
  /** Without a handler an incoming call is answered 480. */
  onIncomingCall: (call: IncomingCall) => void = (call) => call.reject(480, 'Temporarily Unavailable');

  private readonly dialogs = new Map<string, UaDialog>();
  private readonly outgoing = new Map<string, UaOutgoingCall>();
  private readonly incoming = new Map<string, UaIncomingCall>();
  private registration?: Registration;
  private closed = false;
  private ctx!: UaContext;
  private closeTimeoutMs = 4000;

  private constructor() {}

  static async start(account: SipAccount, options: SipUserAgentOptions = {}): Promise<SipUserAgent> {
    const parsed = parseAccount(account);
    const clock = options.clock ?? systemClock();
    const t1 = options.t1 ?? 500;
    const t2 = options.t2 ?? 4000;
    const t4 = options.t4 ?? 5000;
    const ua = new SipUserAgent();
    const stack: UaStack = await openUaStack(
      {
        transport: account.transport,
        bindAddress: account.bindAddress,
        port: account.localPort,
        tls: account.tls,
        clock,
        t1,
        t2,
        t4,
        srv: account.srv === true,
        mtuThreshold: options.mtuThreshold,
      },
      {
        onRequest: (request, tx, source) => ua.guard(() => ua.handleRequest(request, tx, source)),
        onAck: (ack) => ua.guard(() => ua.handleAck(ack)),
        onStrayResponse: (response) => ua.guard(() => ua.handleStrayResponse(response)),
      },
    );
    const ctx = new UaContext(parsed, stack, clock, options.userAgent ?? DEFAULT_USER_AGENT, t1, t2);
    ctx.referNotifyTimeoutMs = options.referNotifyTimeoutMs ?? 64 * t1;
    ua.ctx = ctx;
    ua.closeTimeoutMs = options.closeTimeoutMs ?? 8 * t1;
    await ua.resolveTrusted();
    if (account.register) {
      const reg = options.registration ?? {};
      ua.registration = new Registration(
        ctx,
        (event) => {
          if (event.state === 'registered' && ua.registration?.registrarEndpoint)
            ctx.trustedAddresses.add(ua.registration.registrarEndpoint.address);
          ua.guard(() => ua.onRegistration(event));
        },
        { retryMinMs: reg.retryMinMs ?? 30_000, retryMaxMs: reg.retryMaxMs ?? 1_800_000, refreshFraction: reg.refreshFraction ?? 0.5 },
      );
      // After start() has resolved, so the caller has set onRegistration.
      setImmediate(() => ua.registration?.start());
    }
    return ua;
  }

  private async resolveTrusted(): Promise<void> {
    const a = this.ctx.account;
    for (const hostPort of [a.outboundProxy, a.registrar ?? this.ctx.parsed.domain]) {
      if (!hostPort) continue;
      try {
        this.ctx.trustedAddresses.add((await this.ctx.resolveHostPort(hostPort)).address);
      } catch {
        // unresolvable now: registration will report it; requests from it are refused until it resolves
      }
    }
  }

  private guard(callback: () => void): void {
    try {
      callback();
    } catch {
      // nothing a peer sends may throw out of a socket handler
    }
  }

  /** Where the user agent listens (for tests and the provider's diagnostics). */
  localEndpoint(towards?: SipEndpoint): SipEndpoint {
    return this.ctx.stack.localEndpoint(towards);
  }

  /** Messages the transport dropped (malformed, oversized). */
  get dropped(): number {
    return this.ctx.stack.dropped;
  }

  get registrationState(): RegistrationEvent['state'] | 'idle' | undefined {
    return this.registration?.state;
  }

  // DialogRegistry
  add(dialog: UaDialog): void {
    this.dialogs.set(dialog.key, dialog);
  }

  remove(dialog: UaDialog): void {
    if (this.dialogs.get(dialog.key) === dialog) this.dialogs.delete(dialog.key);
  }

  removeCall(call: UaOutgoingCall): void {
    if (this.outgoing.get(call.callId) === call) this.outgoing.delete(call.callId);
  }

  removeIncoming(call: UaIncomingCall): void {
    for (const [key, value] of this.incoming) if (value === call) this.incoming.delete(key);
  }

  invite(target: string, options: { sdp: string; headers?: SipHeader[] }, events: OutgoingCallEvents): OutgoingCall {
    if (this.closed) throw new Error('the SIP user agent is closed');
    const uri = parseSipUri(target);
    if (!uri || uri.scheme === 'tel') throw new TypeError(`not a sip: or sips: URI: ${target}`);
    const call = new UaOutgoingCall(this.ctx, this, target, options.sdp, options.headers ?? [], events);
    this.outgoing.set(call.callId, call);
    call.start();
    return call;
  }

  /** OPTIONS out of any dialog; resolves with the final response (408 / 503 synthesised when none came). */
  options(target: string): Promise<SipResponse> {
    const request = this.ctx.outOfDialog('OPTIONS', target);
    request.headers.push({ name: 'accept', value: ACCEPT });
    return new Promise((resolve) =>
      this.ctx.sendTo(request, this.ctx.outOfDialogHop(target), { onFinal: (response) => resolve(response) }),
    );
  }

  // ---- what arrives -------------------------------------------------------------------------------------------------

  private respond(
    tx: UaServerTransaction,
    request: SipRequest,
    status: number,
    options: { reason?: string; headers?: SipHeader[] } = {},
  ): void {
    tx.respond(this.ctx.response(request, status, { ...options, toTag: status > 100 ? this.ctx.newTag() : undefined }));
  }

  private handleRequest(request: SipRequest, tx: UaServerTransaction, source: SipEndpoint): void {
    if (request.method === 'ACK') return;
    const callId = header(request, 'call-id');
    const from = parseNameAddr(header(request, 'from') ?? '');
    const to = parseNameAddr(header(request, 'to') ?? '');
    const cseq = parseCSeq(header(request, 'cseq') ?? '');
    if (!callId || !from || !to || !cseq || cseq.method !== request.method || !parseVia(header(request, 'via') ?? '')) {
      return this.respond(tx, request, 400, { reason: 'Bad Request (missing or malformed Call-ID, From, To, CSeq or Via)' });
    }
    if (this.closed) return this.respond(tx, request, 503, { reason: 'Service Unavailable (closing)' });
    if (this.ctx.account.acceptOnlyFromRegistrar && !this.ctx.trustedAddresses.has(source.address)) {
      return this.respond(tx, request, 403, { reason: 'Forbidden (not from the registrar or proxy)' });
    }
    if (!KNOWN_METHODS.has(request.method)) return this.respond(tx, request, 501, { headers: [{ name: 'allow', value: ALLOW }] });
    if (to.params.tag) {
      const key = dialogKeyOfRequest(request);
      const dialog = key === undefined ? undefined : this.dialogs.get(key);
      if (dialog) return dialog.handleRequest(request, tx, source);
      return this.respond(tx, request, 481);
    }
    switch (request.method) {
      case 'INVITE':
        return this.handleInvite(request, tx, source, `${callId}\u0000${from.params.tag ?? ''}`);
      case 'OPTIONS':
        return this.respond(tx, request, 200, {
          headers: [
            { name: 'allow', value: ALLOW },
            { name: 'accept', value: ACCEPT },
            { name: 'supported', value: SUPPORTED },
          ],
        });
      case 'REGISTER':
      case 'SUBSCRIBE':
      case 'MESSAGE':
      case 'PUBLISH':
        return this.respond(tx, request, 405, { headers: [{ name: 'allow', value: ALLOW }] });
      default:
        // BYE, INFO, UPDATE, REFER, NOTIFY, PRACK, an unmatched CANCEL: they need a dialog or transaction.
        return this.respond(tx, request, 481);
    }
  }

  private handleInvite(request: SipRequest, tx: UaServerTransaction, source: SipEndpoint, key: string): void {
    const existing = this.incoming.get(key);
    if (existing) {
      existing.retransmitted();
      return;
    }
    const se = parseSessionExpires(request);
    if (se && se.interval < MIN_SE) return this.respond(tx, request, 422, { headers: [{ name: 'min-se', value: String(MIN_SE) }] });
    if (!from(request)) return this.respond(tx, request, 400, { reason: 'Bad Request (From without tag)' });
    tx.respond(this.ctx.response(request, 100));
    const call = new UaIncomingCall(this.ctx, this, request, tx, source);
    this.incoming.set(key, call);
    try {
      this.onIncomingCall(call);
    } catch {
      call.reject(500, 'Server Internal Error');
    }
  }

  private handleAck(ack: SipRequest): void {
    const key = dialogKeyOfRequest(ack);
    if (key !== undefined) this.dialogs.get(key)?.handleAck(ack);
  }

  private handleStrayResponse(response: SipResponse): void {
    const cseq = parseCSeq(header(response, 'cseq') ?? '');
    if (!cseq || cseq.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const callId = header(response, 'call-id') ?? '';
    const localTag = parseNameAddr(header(response, 'from') ?? '')?.params.tag ?? '';
    const remoteTag = parseNameAddr(header(response, 'to') ?? '')?.params.tag ?? '';
    const dialog = this.dialogs.get(dialogKey(callId, localTag, remoteTag));
    if (dialog) return dialog.handleRetransmitted2xx(response);
    this.outgoing.get(callId)?.on2xx(response);
  }

  /** Unregisters, ends every call (CANCEL / BYE / 480), closes the sockets and clears every timer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ctx.closing = true;
    for (const call of [...this.incoming.values()]) call.abandon();
    for (const call of [...this.outgoing.values()]) call.cancel();
    const pending: Promise<void>[] = [...this.dialogs.values()].map((d) => d.end('user agent closed'));
    if (this.registration) pending.push(this.registration.unregister());
    let cancelTimeout: (() => void) | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        cancelTimeout = this.ctx.after(this.closeTimeoutMs, resolve);
      }),
    ]);
    cancelTimeout?.();
    this.registration?.stop();
    for (const d of [...this.dialogs.values()]) d.terminate('user agent closed');
    this.outgoing.clear();
    this.incoming.clear();
    await this.ctx.stack.close();
  }
}

function from(request: SipRequest): boolean {
  return parseNameAddr(header(request, 'from') ?? '')?.params.tag !== undefined;
}
