// An established dialog (RFC 3261 §12–15) as the provider drives it: BYE, re-INVITE, UPDATE, INFO, REFER and
// NOTIFY both ways, our 2xx to an INVITE retransmitted until its ACK (§13.3.1.4), the ACK to a 2xx re-sent for
// each retransmission of it, and RFC 4028 session timers (ua-session-timer.ts).
import { acceptRemoteSeq, buildInDialogRequest, dialogKey, refreshRemoteTarget, type DialogState } from './dialog';
import { header, parseCSeq, parseNameAddr } from './headers';
import { ACCEPT, ALLOW, SUPPORTED, type UaContext } from './ua-context';
import { expiryMs, negotiateAsUac, negotiateAsUas } from './ua-session-timer';
import type { UaServerTransaction } from './ua-stack';
import type { ReferResult, SipDialog } from './ua-types';
import type { SipEndpoint, SipHeader, SipRequest, SipResponse } from './types';

export interface DialogRegistry {
  add(dialog: UaDialog): void;
  remove(dialog: UaDialog): void;
}

/** `Signal=5\r\nDuration=160` (application/dtmf-relay, as sent by Cisco, Asterisk, Fritz!Box). */
export function parseDtmfRelay(body: string): { signal: string; durationMs?: number } | undefined {
  const signal = /^\s*signal\s*=\s*([0-9A-Da-d*#!]|1[0-6])\s*$/im.exec(body)?.[1];
  if (signal === undefined) return undefined;
  const names: Record<string, string> = { '10': '*', '11': '#', '12': 'A', '13': 'B', '14': 'C', '15': 'D', '16': '!' };
  const duration = /^\s*duration\s*=\s*(\d{1,6})\s*$/im.exec(body)?.[1];
  return { signal: names[signal] ?? signal.toUpperCase(), durationMs: duration === undefined ? undefined : Number(duration) };
}

/** `SIP/2.0 200 OK` → 200 / 'OK'. */
export function parseSipfrag(body: string): { status: number; reason: string } | undefined {
  const match = /^SIP\/2\.0 (\d{3})(?: ([^\r\n]*))?/.exec(body.trimStart());
  return match ? { status: Number(match[1]), reason: match[2] ?? '' } : undefined;
}

interface Pending2xx {
  seq: number;
  resolve(): void;
  stop(): void;
}

export class UaDialog implements SipDialog {
  remoteSdp?: string;
  localSdp: string;
  terminated = false;
  onBye: () => void = () => undefined;
  onReinvite: (sdp: string, reply: (status: number, sdp?: string) => void) => void = (_sdp, reply) => reply(200);
  onInfo: (contentType: string, body: string) => void = () => undefined;
  onRefer?: (target: string, notify: (status: number, reason?: string) => void) => void;
  onNotify?: (sipfrag: string) => void;
  onTerminated: (reason: string) => void = () => undefined;

  private ourInvitePending = false;
  private theirInvitePending = false;
  /** The ACK we sent for each of our INVITEs' 2xx, by CSeq number: re-sent on a retransmitted 2xx. */
  private readonly acks = new Map<number, { ack: SipRequest; destination: SipEndpoint }>();
  private pending2xx?: Pending2xx;
  private pendingRefer?: { resolve(result: ReferResult): void; stop(): void; last?: { status: number; reason: string } };
  private stopSessionTimer?: () => void;
  private sessionInterval?: number;
  private peerAllowsUpdate = false;

  constructor(
    private readonly ctx: UaContext,
    readonly state: DialogState,
    readonly role: 'uac' | 'uas',
    localSdp: string,
    private readonly registry: DialogRegistry,
    /** Where the dialog's initial request came from (UAS) — in-dialog requests then still go to the Contact. */
    readonly initialSource?: SipEndpoint,
  ) {
    this.localSdp = localSdp;
    registry.add(this);
  }

  get callId(): string {
    return this.state.callId;
  }

  get localTag(): string {
    return this.state.localTag;
  }

  get remoteTag(): string {
    return this.state.remoteTag;
  }

  get key(): string {
    return dialogKey(this.state.callId, this.state.localTag, this.state.remoteTag);
  }

  /** Notes what the peer said it allows (UPDATE is used for session refreshes when it does). */
  notePeerAllow(message: SipRequest | SipResponse): void {
    const allow = message.headers.filter((h) => h.name === 'allow').map((h) => h.value.toUpperCase());
    if (allow.length > 0) this.peerAllowsUpdate = allow.some((v) => v.split(',').some((m) => m.trim() === 'UPDATE'));
  }

  // ---- requests we send ---------------------------------------------------------------------------------------

  private sendInDialog(
    method: string,
    options: { body?: string; contentType?: string; headers?: SipHeader[] } = {},
  ): Promise<{ response: SipResponse; request: SipRequest; local: boolean }> {
    const { request, nextHop } = buildInDialogRequest(this.state, method);
    request.headers.push(...(options.headers ?? []));
    if (options.body !== undefined && options.contentType !== undefined) {
      request.headers.push({ name: 'content-type', value: options.contentType });
      request.body = Buffer.from(options.body);
    }
    return new Promise((resolve) => {
      let current = request;
      this.ctx.sendTo(request, this.ctx.resolveUri(nextHop), {
        onRetry: (retry) => {
          current = retry;
          const seq = parseCSeq(header(retry, 'cseq') ?? '')?.seq;
          if (seq !== undefined && seq > this.state.localSeq) this.state.localSeq = seq;
        },
        onFinal: (response, local) => resolve({ response, request: current, local }),
      });
    });
  }

  private synthetic(method: string, status: number, reason: string): SipResponse {
    const { request } = buildInDialogRequest(this.state, method, { cseq: this.state.localSeq });
    return this.ctx.synthetic(request, status, reason);
  }

  async bye(): Promise<void> {
    await this.end('local BYE');
  }

  /** Ends the dialog with a BYE, reporting `reason`; resolves when the BYE is answered (or has failed). */
  async end(reason: string): Promise<void> {
    if (this.terminated) return;
    this.terminate(reason);
    await this.sendInDialog('BYE');
  }

  reinvite(sdp: string): Promise<SipResponse> {
    return this.sendInvite(sdp);
  }

  private async sendInvite(sdp: string): Promise<SipResponse> {
    if (this.terminated) return this.synthetic('INVITE', 481, 'Dialog terminated');
    if (this.ourInvitePending || this.theirInvitePending) return this.synthetic('INVITE', 491, 'Request Pending');
    this.ourInvitePending = true;
    const headers = this.sessionHeaders();
    const { response, request } = await this.sendInDialog('INVITE', { body: sdp, contentType: 'application/sdp', headers });
    this.ourInvitePending = false;
    if (response.status >= 200 && response.status < 300) {
      this.localSdp = sdp;
      refreshRemoteTarget(this.state, response);
      if (response.body.length > 0) this.remoteSdp = response.body.toString('utf8');
      this.sendAck(request);
      this.onSessionRefreshed(response, true);
    } else if (response.status === 481 || response.status === 408) {
      // §14.1: the dialog is gone (or the peer is).
      this.terminate(`re-INVITE answered ${response.status}`);
    }
    return response;
  }

  async update(sdp?: string): Promise<SipResponse> {
    if (this.terminated) return this.synthetic('UPDATE', 481, 'Dialog terminated');
    const headers = this.sessionHeaders();
    const { response } = await this.sendInDialog(
      'UPDATE',
      sdp === undefined ? { headers } : { body: sdp, contentType: 'application/sdp', headers },
    );
    if (response.status >= 200 && response.status < 300) {
      if (sdp !== undefined) this.localSdp = sdp;
      refreshRemoteTarget(this.state, response);
      if (response.body.length > 0) this.remoteSdp = response.body.toString('utf8');
      this.onSessionRefreshed(response, true);
    } else if (response.status === 481 || response.status === 408) {
      this.terminate(`UPDATE answered ${response.status}`);
    }
    return response;
  }

  async info(contentType: string, body: string): Promise<SipResponse> {
    if (this.terminated) return this.synthetic('INFO', 481, 'Dialog terminated');
    const { response } = await this.sendInDialog('INFO', { contentType, body });
    if (response.status === 481 || response.status === 408) this.terminate(`INFO answered ${response.status}`);
    return response;
  }

  async refer(target: string): Promise<ReferResult> {
    if (this.terminated) return { status: 481, reason: 'Dialog terminated' };
    if (this.pendingRefer) return { status: 491, reason: 'A REFER is already pending' };
    const headers: SipHeader[] = [
      { name: 'refer-to', value: `<${target}>` },
      { name: 'referred-by', value: `<${this.state.local.uri}>` },
    ];
    return new Promise<ReferResult>((resolve) => {
      let settled = false;
      const done = (result: ReferResult): void => {
        if (settled) return;
        settled = true;
        this.pendingRefer?.stop();
        this.pendingRefer = undefined;
        resolve(result);
      };
      // Set before sending: the NOTIFY may overtake the 202.
      this.pendingRefer = { resolve: done, stop: () => undefined };
      void this.sendInDialog('REFER', { headers }).then(({ response }) => {
        if (settled) return;
        if (response.status >= 300 || response.status < 200) {
          done({ status: response.status, reason: response.reason });
          return;
        }
        const wait = this.ctx.referNotifyTimeoutMs;
        const pending = this.pendingRefer;
        if (pending) {
          pending.stop = this.ctx.after(wait, () => {
            const last = this.pendingRefer?.last;
            done(last ?? { status: response.status, reason: 'no final NOTIFY' });
          });
        }
      });
    });
  }

  private sendAck(invite: SipRequest): void {
    const seq = parseCSeq(header(invite, 'cseq') ?? '')?.seq ?? this.state.localSeq;
    const { request: ack, nextHop } = buildInDialogRequest(this.state, 'ACK', { cseq: seq });
    // Credentials that were accepted for the INVITE go into the ACK too (§22.1).
    for (const h of invite.headers) if (h.name === 'authorization' || h.name === 'proxy-authorization') ack.headers.push({ ...h });
    this.ctx.resolveUri(nextHop).then(
      (destination) => {
        this.ctx.stamp(ack, destination);
        this.acks.set(seq, { ack, destination });
        this.ctx.stack.sendAck(ack, destination);
      },
      () => undefined,
    );
  }

  /** Sends the ACK for a 2xx of our initial INVITE (the outgoing call builds the dialog, then calls this). */
  ackInitial(invite: SipRequest): void {
    this.sendAck(invite);
  }

  /** A 2xx retransmission for one of our INVITEs: ACK it again. */
  handleRetransmitted2xx(response: SipResponse): void {
    const seq = parseCSeq(header(response, 'cseq') ?? '')?.seq;
    const sent = seq === undefined ? undefined : this.acks.get(seq);
    if (sent) this.ctx.stack.sendAck(sent.ack, sent.destination);
  }

  // ---- our 2xx to an INVITE -------------------------------------------------------------------------------------

  /**
   * Sends the 2xx and, over UDP, retransmits it at T1, 2·T1, … capped at T2 until the ACK (§13.3.1.4). Resolves
   * on the ACK; rejects after 64·T1 without one (the caller then ends the dialog).
   */
  send2xxUntilAck(tx: UaServerTransaction, response: SipResponse, source: SipEndpoint): Promise<void> {
    const seq = parseCSeq(header(response, 'cseq') ?? '')?.seq ?? 0;
    this.pending2xx?.stop();
    tx.respond(response);
    return new Promise<void>((resolve, reject) => {
      let interval = this.ctx.t1;
      let cancelRetransmit: (() => void) | undefined;
      const retransmit = (): void => {
        cancelRetransmit = this.ctx.after(interval, () => {
          this.ctx.stack.sendResponse(response, source);
          interval = Math.min(interval * 2, this.ctx.t2);
          retransmit();
        });
      };
      if (source.transport === 'udp') retransmit();
      const cancelTimeout = this.ctx.after(64 * this.ctx.t1, () => {
        stop();
        reject(new Error('no ACK for the 2xx within 64*T1'));
      });
      const stop = (): void => {
        cancelRetransmit?.();
        cancelTimeout();
        if (this.pending2xx === pending) this.pending2xx = undefined;
      };
      const pending: Pending2xx = {
        seq,
        resolve: () => {
          stop();
          resolve();
        },
        stop,
      };
      this.pending2xx = pending;
    });
  }

  handleAck(ack: SipRequest): void {
    const seq = parseCSeq(header(ack, 'cseq') ?? '')?.seq;
    if (!this.pending2xx || seq !== this.pending2xx.seq) return;
    if (ack.body.length > 0) this.remoteSdp = ack.body.toString('utf8');
    this.pending2xx.resolve();
  }

  // ---- requests we receive --------------------------------------------------------------------------------------

  handleRequest(request: SipRequest, tx: UaServerTransaction, source: SipEndpoint): void {
    const respond = (status: number, options: { reason?: string; headers?: SipHeader[]; body?: Buffer } = {}): void =>
      tx.respond(this.ctx.response(request, status, options));
    if (this.terminated && request.method !== 'BYE') return respond(481, { reason: 'Dialog terminated' });
    if (!acceptRemoteSeq(this.state, request)) return respond(500, { reason: 'CSeq out of order' });
    this.notePeerAllow(request);
    switch (request.method) {
      case 'BYE':
        respond(200);
        if (!this.terminated) {
          this.terminate('remote BYE');
          this.safely(() => this.onBye());
        }
        return;
      case 'INVITE':
        return this.handleReinvite(request, tx, source);
      case 'UPDATE':
        return this.handleUpdate(request, tx);
      case 'INFO':
        respond(200);
        this.safely(() => this.onInfo(header(request, 'content-type') ?? '', request.body.toString('utf8')));
        return;
      case 'REFER':
        return this.handleRefer(request, respond);
      case 'NOTIFY':
        return this.handleNotify(request, respond);
      case 'OPTIONS':
        return respond(200, { headers: this.capabilityHeaders() });
      default:
        return respond(405, { headers: [{ name: 'allow', value: ALLOW }] });
    }
  }

  capabilityHeaders(): SipHeader[] {
    return [
      { name: 'allow', value: ALLOW },
      { name: 'accept', value: ACCEPT },
      { name: 'supported', value: SUPPORTED },
    ];
  }

  private safely(callback: () => void): void {
    try {
      callback();
    } catch {
      // the provider's handler failing must not break the dialog
    }
  }

  private handleReinvite(request: SipRequest, tx: UaServerTransaction, source: SipEndpoint): void {
    if (this.ourInvitePending) return tx.respond(this.ctx.response(request, 491));
    if (this.theirInvitePending) return tx.respond(this.ctx.response(request, 500, { headers: [{ name: 'retry-after', value: '1' }] }));
    this.theirInvitePending = true;
    const timer = negotiateAsUas(request);
    let replied = false;
    const reply = (status: number, sdp?: string): void => {
      if (replied || this.terminated) return;
      replied = true;
      if (status < 200 || status >= 300) {
        this.theirInvitePending = false;
        tx.respond(this.ctx.response(request, status));
        return;
      }
      refreshRemoteTarget(this.state, request);
      const body = sdp ?? this.localSdp;
      this.localSdp = body;
      if (request.body.length > 0) this.remoteSdp = request.body.toString('utf8');
      const response = this.ctx.response(request, status, {
        headers: [
          { name: 'contact', value: this.ctx.contact(source) },
          ...this.capabilityHeaders(),
          ...(timer ? [{ name: 'session-expires', value: timer.headerValue }] : []),
          ...(timer?.require ? [{ name: 'require', value: 'timer' }] : []),
          { name: 'content-type', value: 'application/sdp' },
        ],
        body: Buffer.from(body),
      });
      if (timer) this.startSessionTimer(timer.interval, timer.weRefresh);
      this.send2xxUntilAck(tx, response, source).then(
        () => {
          this.theirInvitePending = false;
        },
        () => {
          this.theirInvitePending = false;
          void this.end('no ACK for the 2xx to a re-INVITE');
        },
      );
    };
    try {
      this.onReinvite(request.body.toString('utf8'), reply);
    } catch {
      reply(500);
    }
  }

  private handleUpdate(request: SipRequest, tx: UaServerTransaction): void {
    const timer = negotiateAsUas(request);
    const finish = (status: number, sdp?: string): void => {
      const headers: SipHeader[] = [{ name: 'contact', value: this.ctx.contact() }];
      if (status >= 200 && status < 300) {
        refreshRemoteTarget(this.state, request);
        if (timer) {
          headers.push({ name: 'session-expires', value: timer.headerValue });
          if (timer.require) headers.push({ name: 'require', value: 'timer' });
          this.startSessionTimer(timer.interval, timer.weRefresh);
        }
        if (sdp !== undefined) {
          this.localSdp = sdp;
          headers.push({ name: 'content-type', value: 'application/sdp' });
        }
      }
      tx.respond(this.ctx.response(request, status, { headers, body: sdp !== undefined && status < 300 ? Buffer.from(sdp) : undefined }));
    };
    if (request.body.length === 0) return finish(200);
    this.remoteSdp = request.body.toString('utf8');
    let replied = false;
    try {
      this.onReinvite(this.remoteSdp, (status, sdp) => {
        if (replied) return;
        replied = true;
        finish(status, status < 300 ? (sdp ?? this.localSdp) : undefined);
      });
    } catch {
      if (!replied) finish(500);
    }
  }

  private handleRefer(request: SipRequest, respond: (status: number, options?: { reason?: string; headers?: SipHeader[] }) => void): void {
    const referTo = parseNameAddr(header(request, 'refer-to') ?? '');
    if (!referTo) return respond(400, { reason: 'Bad Refer-To' });
    const handler = this.onRefer;
    if (!handler) return respond(603, { reason: 'Decline' });
    respond(202);
    let finished = false;
    const notify = (status: number, reason?: string): void => {
      if (finished || this.terminated) return;
      finished = status >= 200;
      const state = finished ? 'terminated;reason=noresource' : 'active;expires=60';
      void this.sendInDialog('NOTIFY', {
        headers: [
          { name: 'event', value: 'refer' },
          { name: 'subscription-state', value: state },
        ],
        contentType: 'message/sipfrag;version=2.0',
        body: `SIP/2.0 ${status} ${reason ?? (status === 100 ? 'Trying' : status < 300 ? 'OK' : 'Failed')}\r\n`,
      });
    };
    notify(100, 'Trying');
    try {
      handler(referTo.uri, notify);
    } catch {
      notify(503, 'Service Unavailable');
    }
  }

  private handleNotify(request: SipRequest, respond: (status: number, options?: { reason?: string }) => void): void {
    const event = (header(request, 'event') ?? '').split(';')[0].trim().toLowerCase();
    if (event !== 'refer') return respond(489);
    respond(200);
    const body = request.body.toString('utf8');
    this.safely(() => this.onNotify?.(body));
    const frag = parseSipfrag(body);
    const pending = this.pendingRefer;
    if (!pending) return;
    if (frag) pending.last = frag;
    const terminated = (header(request, 'subscription-state') ?? '').trim().toLowerCase().startsWith('terminated');
    if ((frag && frag.status >= 200) || terminated) {
      pending.resolve(frag ?? pending.last ?? { status: 200, reason: 'subscription terminated' });
    }
  }

  // ---- session timers ---------------------------------------------------------------------------------------------

  private sessionHeaders(): SipHeader[] {
    if (this.sessionInterval === undefined) return [];
    return [{ name: 'session-expires', value: `${this.sessionInterval};refresher=uac` }];
  }

  /** After a 2xx to a session-refreshing request: re-arm per its Session-Expires. */
  onSessionRefreshed(response: SipResponse, weSentIt: boolean): void {
    const timer = weSentIt ? negotiateAsUac(response) : undefined;
    if (timer) this.startSessionTimer(timer.interval, timer.weRefresh);
    else if (this.sessionInterval === undefined) this.stopSessionTimer?.();
  }

  startSessionTimer(interval: number, weRefresh: boolean): void {
    this.stopSessionTimer?.();
    this.sessionInterval = interval;
    if (weRefresh) {
      this.stopSessionTimer = this.ctx.after((interval * 1000) / 2, () => {
        if (this.terminated) return;
        if (this.peerAllowsUpdate) void this.update();
        else void this.sendInvite(this.localSdp);
      });
    } else {
      this.stopSessionTimer = this.ctx.after(expiryMs(interval), () => {
        if (!this.terminated) void this.end('session timer expired');
      });
    }
  }

  // ---- the end ----------------------------------------------------------------------------------------------------

  terminate(reason: string): void {
    if (this.terminated) return;
    this.terminated = true;
    this.stopSessionTimer?.();
    this.pending2xx?.stop();
    this.pendingRefer?.resolve({ status: 487, reason: 'dialog terminated' });
    this.registry.remove(this);
    this.safely(() => this.onTerminated(reason));
  }
}
