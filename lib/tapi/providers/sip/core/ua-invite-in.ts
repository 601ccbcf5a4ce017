// An INVITE we receive (RFC 3261 §13.3): 180 / 183 with the To tag, the 2xx with our answer retransmitted until
// the ACK (a missing ACK after 64*T1 ends the call with BYE and rejects accept()), reject with any 4xx–6xx,
// redirect with a 302, and CANCEL → 487 to the INVITE and onCancelled.
import { dialogFromUasRequest } from './dialog';
import { header } from './headers';
import { UaDialog, type DialogRegistry } from './ua-dialog';
import { negotiateAsUas } from './ua-session-timer';
import type { UaContext } from './ua-context';
import type { UaServerTransaction } from './ua-stack';
import type { IncomingCall, SipDialog } from './ua-types';
import type { SipEndpoint, SipHeader, SipRequest, SipResponse } from './types';

export class UaIncomingCall implements IncomingCall {
  readonly callId: string;
  readonly remoteSdp: string;
  onCancelled: () => void = () => undefined;
  private readonly localTag: string;
  /** 'offered' until a final response; 'accepting' between our 2xx and its ACK. */
  private phase: 'offered' | 'accepting' | 'accepted' | 'ended' = 'offered';
  private dialog?: UaDialog;
  private last2xx?: SipResponse;

  constructor(
    private readonly ctx: UaContext,
    private readonly registry: DialogRegistry & { removeIncoming(call: UaIncomingCall): void },
    readonly request: SipRequest,
    private readonly tx: UaServerTransaction,
    readonly source: SipEndpoint,
  ) {
    this.callId = header(request, 'call-id') ?? '';
    this.remoteSdp = request.body.toString('utf8');
    this.localTag = ctx.newTag();
    tx.onCancel = () => this.cancelled();
  }

  get ended(): boolean {
    return this.phase === 'ended';
  }

  private respond(status: number, headers: SipHeader[] = [], body?: Buffer, reason?: string): SipResponse {
    const response = this.ctx.response(this.request, status, { toTag: this.localTag, headers, body, reason });
    return response;
  }

  ringing(): void {
    if (this.phase !== 'offered') return;
    this.tx.respond(this.respond(180, [{ name: 'contact', value: this.ctx.contact(this.source) }]));
  }

  progress(sdp: string): void {
    if (this.phase !== 'offered') return;
    this.tx.respond(
      this.respond(
        183,
        [
          { name: 'contact', value: this.ctx.contact(this.source) },
          { name: 'content-type', value: 'application/sdp' },
        ],
        Buffer.from(sdp),
      ),
    );
  }

  accept(sdp: string): Promise<SipDialog> {
    if (this.phase !== 'offered') return Promise.reject(new Error(`the call is ${this.phase === 'ended' ? 'over' : 'already accepted'}`));
    const state = dialogFromUasRequest(this.request, this.localTag, Math.floor(Math.random() * 10000) + 1);
    if (!state) {
      this.reject(400, 'Bad Request (no Contact or From tag)');
      return Promise.reject(new Error('the INVITE cannot establish a dialog (no Contact or From tag)'));
    }
    this.phase = 'accepting';
    const dialog = new UaDialog(this.ctx, state, 'uas', sdp, this.registry, this.source);
    dialog.notePeerAllow(this.request);
    if (this.remoteSdp) dialog.remoteSdp = this.remoteSdp;
    this.dialog = dialog;
    const timer = negotiateAsUas(this.request);
    const headers: SipHeader[] = [{ name: 'contact', value: this.ctx.contact(this.source) }, ...dialog.capabilityHeaders()];
    if (timer) {
      headers.push({ name: 'session-expires', value: timer.headerValue });
      if (timer.require) headers.push({ name: 'require', value: 'timer' });
    }
    headers.push({ name: 'content-type', value: 'application/sdp' });
    const response = this.respond(200, headers, Buffer.from(sdp));
    this.last2xx = response;
    return dialog.send2xxUntilAck(this.tx, response, this.source).then(
      () => {
        this.phase = 'accepted';
        this.registry.removeIncoming(this);
        if (timer) dialog.startSessionTimer(timer.interval, timer.weRefresh);
        return dialog as SipDialog;
      },
      (error: unknown) => {
        this.phase = 'ended';
        this.registry.removeIncoming(this);
        void dialog.end('no ACK for the 2xx');
        throw error;
      },
    );
  }

  /** The INVITE arrived again after our 2xx (a retransmission that reached us past the transaction): resend it. */
  retransmitted(): void {
    if (this.phase === 'accepting' && this.last2xx) this.ctx.stack.sendResponse(this.last2xx, this.source);
  }

  reject(status: number, reason?: string): void {
    if (this.phase !== 'offered') return;
    const code = Number.isInteger(status) && status >= 300 && status <= 699 ? status : 486;
    this.phase = 'ended';
    this.registry.removeIncoming(this);
    this.tx.respond(this.respond(code, [], undefined, reason));
  }

  redirect(contact: string): void {
    if (this.phase !== 'offered') return;
    this.phase = 'ended';
    this.registry.removeIncoming(this);
    this.tx.respond(this.respond(302, [{ name: 'contact', value: `<${contact}>` }]));
  }

  /** The transaction layer matched a CANCEL (and answered it 200): 487 for the INVITE, unless it is answered. */
  cancelled(): void {
    if (this.phase !== 'offered') return;
    this.phase = 'ended';
    this.registry.removeIncoming(this);
    this.tx.respond(this.respond(487));
    try {
      this.onCancelled();
    } catch {
      // ignore
    }
  }

  /** The user agent is closing: a call still offered gets 480. */
  abandon(): void {
    this.reject(480, 'Temporarily Unavailable');
  }

  get acceptedDialog(): UaDialog | undefined {
    return this.dialog;
  }
}
