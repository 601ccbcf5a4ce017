// An INVITE we send (RFC 3261 §13.2): provisional responses, the 2xx → ACK and dialog (and the ACK again for each
// retransmitted 2xx; a 2xx from a second fork is ACKed and BYEd), 3xx → redirect contacts, other finals →
// onFailed (408 on timeout, 503 on a transport error), 401/407 → a new INVITE with CSeq + 1, and CANCEL (§9.1:
// only once a provisional came; if the 2xx still wins the race, ACK + BYE).
import { dialogFromUacResponse } from './dialog';
import { header, headerValues, parseCSeq, parseNameAddr, parseVia } from './headers';
import { UaDialog, type DialogRegistry } from './ua-dialog';
import type { UaContext } from './ua-context';
import type { OutgoingCall, OutgoingCallEvents } from './ua-types';
import type { SipEndpoint, SipHeader, SipRequest, SipResponse } from './types';

/** 3xx Contact URIs, highest q first (RFC 3261 §20.10; ties keep their order). */
export function redirectContacts(response: SipResponse): string[] {
  const entries = headerValues(response, 'contact')
    .map((value, index) => {
      const na = parseNameAddr(value);
      const q = na?.params.q === undefined || na.params.q === null ? 1 : Number(na.params.q);
      return na && na.uri !== '*' ? { uri: na.uri, q: Number.isFinite(q) ? q : 0, index } : undefined;
    })
    .filter((e): e is { uri: string; q: number; index: number } => e !== undefined);
  entries.sort((a, b) => b.q - a.q || a.index - b.index);
  return entries.map((e) => e.uri);
}

export class UaOutgoingCall implements OutgoingCall {
  readonly callId: string;
  private readonly fromTag: string;
  private current?: () => SipRequest;
  private destination?: SipEndpoint;
  private provisional = false;
  private cancelRequested = false;
  private cancelSent = false;
  private finished = false;
  dialog?: UaDialog;

  constructor(
    private readonly ctx: UaContext,
    private readonly registry: DialogRegistry & { removeCall(call: UaOutgoingCall): void },
    readonly target: string,
    private readonly sdp: string,
    private readonly extraHeaders: SipHeader[],
    private readonly events: OutgoingCallEvents,
  ) {
    this.callId = ctx.newCallId();
    this.fromTag = ctx.newTag();
  }

  get fromTagValue(): string {
    return this.fromTag;
  }

  /** Whether a final outcome has been reported (answered or failed). */
  get done(): boolean {
    return this.finished;
  }

  start(): void {
    const request = this.ctx.outOfDialog('INVITE', this.target, { callId: this.callId, fromTag: this.fromTag });
    request.headers.push(...this.extraHeaders);
    request.headers.push({ name: 'content-type', value: 'application/sdp' });
    request.body = Buffer.from(this.sdp);
    this.ctx.outOfDialogHop(this.target).then(
      (destination) => {
        if (this.finished) return;
        this.destination = destination;
        this.current = this.ctx.send(request, destination, {
          onProvisional: (response) => this.onProvisional(response),
          onRetry: () => {
            // A new INVITE transaction (authorised): a CANCEL must wait for its provisional again.
            this.provisional = false;
            this.cancelSent = false;
          },
          onFinal: (response, local) => this.onFinal(response, local),
        });
      },
      (error: unknown) => this.fail(503, `Service Unavailable (${error instanceof Error ? error.message : String(error)})`),
    );
  }

  private fail(status: number, reason: string, response?: SipResponse): void {
    if (this.finished) return;
    this.finished = true;
    this.registry.removeCall(this);
    try {
      this.events.onFailed(status, reason, response);
    } catch {
      // the provider's handler failing must not break the user agent
    }
  }

  private onProvisional(response: SipResponse): void {
    if (this.finished) return;
    this.provisional = true;
    if (this.cancelRequested) {
      this.sendCancel();
      return;
    }
    try {
      this.events.onProvisional(response);
    } catch {
      // ignore
    }
  }

  private onFinal(response: SipResponse, local: boolean): void {
    if (response.status >= 200 && response.status < 300) return this.on2xx(response);
    if (this.finished) return;
    if (local) return this.fail(response.status, response.reason);
    if (response.status >= 300 && response.status < 400 && this.events.onRedirected && !this.cancelRequested) {
      const contacts = redirectContacts(response);
      if (contacts.length > 0) {
        this.finished = true;
        this.registry.removeCall(this);
        try {
          this.events.onRedirected(contacts, response);
        } catch {
          // ignore
        }
        return;
      }
    }
    this.fail(response.status, response.reason, response);
  }

  /** A 2xx: the first makes the dialog; a retransmission is ACKed again; another fork's is ACKed and BYEd. */
  on2xx(response: SipResponse): void {
    const invite = this.current?.();
    if (!invite) return;
    const toTag = parseNameAddr(header(response, 'to') ?? '')?.params.tag;
    if (this.dialog) {
      if (toTag === this.dialog.remoteTag) this.dialog.handleRetransmitted2xx(response);
      else this.ackAndBye(invite, response);
      return;
    }
    const state = dialogFromUacResponse(invite, response);
    if (!state) {
      // A 2xx we cannot build a dialog from (no To tag / Contact): nothing sensible to ACK to.
      this.fail(502, 'Bad Gateway (2xx without To tag or Contact)', response);
      return;
    }
    const dialog = new UaDialog(this.ctx, state, 'uac', this.sdp, this.registry);
    dialog.notePeerAllow(response);
    if (response.body.length > 0) dialog.remoteSdp = response.body.toString('utf8');
    dialog.ackInitial(invite);
    this.dialog = dialog;
    if (this.cancelRequested || this.finished || this.ctx.closing) {
      // We gave up on it meanwhile (§15: a UAC that gets a 2xx after CANCEL ends the call with BYE).
      void dialog.end('cancelled: 2xx arrived after CANCEL');
      this.fail(487, 'Request Terminated (answered after CANCEL; ACK and BYE sent)', response);
      return;
    }
    this.finished = true;
    this.registry.removeCall(this);
    dialog.onSessionRefreshed(response, true);
    try {
      this.events.onAnswered(dialog, response);
    } catch {
      // ignore
    }
  }

  /** ACK and BYE for a 2xx we will not keep (another fork after the first answer). */
  private ackAndBye(invite: SipRequest, response: SipResponse): void {
    const state = dialogFromUacResponse(invite, response);
    if (!state) return;
    const stray = new UaDialog(this.ctx, state, 'uac', this.sdp, this.registry);
    stray.ackInitial(invite);
    void stray.end('a second fork answered');
  }

  cancel(): void {
    if (this.finished || this.cancelRequested) return;
    this.cancelRequested = true;
    if (!this.current) {
      // Not even sent yet (the next hop is being resolved): nothing went out, so nothing to cancel.
      this.fail(487, 'Request Terminated (cancelled before sending)');
      return;
    }
    if (this.provisional) this.sendCancel();
  }

  /** §9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via (branch) as the INVITE, and its Route set. */
  private sendCancel(): void {
    if (this.cancelSent || !this.current || !this.destination) return;
    this.cancelSent = true;
    const invite = this.current();
    const seq = parseCSeq(header(invite, 'cseq') ?? '')?.seq ?? 1;
    const keep = new Set(['from', 'to', 'call-id', 'route']);
    const headers = invite.headers.filter((h) => keep.has(h.name)).map((h) => ({ ...h }));
    headers.push({ name: 'cseq', value: `${seq} CANCEL` });
    const cancel: SipRequest = { kind: 'request', method: 'CANCEL', uri: invite.uri, headers, body: Buffer.alloc(0) };
    const branch = parseVia(headerValues(invite, 'via')[0] ?? '')?.params.branch ?? undefined;
    this.ctx.send(cancel, this.destination, { onFinal: () => undefined }, { branch });
  }
}
