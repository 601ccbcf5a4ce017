// The user agent's public shapes (re-exported by user-agent.ts): the account, the options, and the call and
// dialog objects the provider drives. Kept apart so the ua-*.ts files share them without importing each other.
import type { SipClock, SipEndpoint, SipHeader, SipRequest, SipResponse, SipTransportKind } from './types';

export interface SipAccount {
  /** The address of record: `sip:user@domain`. */
  uri: string;
  /** The digest user name when it differs from the URI's user. */
  authUser?: string;
  password?: string;
  displayName?: string;
  /** host[:port] of the registrar; default the URI's domain. */
  registrar?: string;
  /** host[:port]: every request out of a dialog goes there (with a loose Route). */
  outboundProxy?: string;
  transport: SipTransportKind;
  /** Local SIP port; 0 or absent = any. */
  localPort?: number;
  bindAddress?: string;
  register: boolean;
  /** Requested registration lifetime in seconds. */
  expires: number;
  /** Requests from any address but the registrar's / outbound proxy's are refused with 403. */
  acceptOnlyFromRegistrar: boolean;
  tls?: { rejectUnauthorized: boolean; ca?: string };
  /** Look the registrar / proxy / targets up with DNS SRV when no port is given. */
  srv?: boolean;
}

export interface SipUserAgentOptions {
  clock?: SipClock;
  /** The User-Agent (requests) and Server (responses) header. */
  userAgent?: string;
  /** RFC 3261 timers (ms): T1 500, T2 4000, T4 5000. Tests shorten them. */
  t1?: number;
  t2?: number;
  t4?: number;
  registration?: {
    /** First retry after a failed registration (default 30 s); doubles on each failure… */
    retryMinMs?: number;
    /** …up to this (default 30 min). */
    retryMaxMs?: number;
    /** Refresh at this fraction of the granted expiry (default 0.5). */
    refreshFraction?: number;
  };
  /** How long an accepted REFER waits for the NOTIFY with the final status (default 64*T1). */
  referNotifyTimeoutMs?: number;
  /** Upper bound for close() to wait for BYE / unregister answers (default 8*T1). */
  closeTimeoutMs?: number;
  /** Test hook: the transport's MTU threshold (§18.1.1). */
  mtuThreshold?: number;
}

export type RegistrationState = 'registering' | 'registered' | 'failed' | 'unregistered';

export interface RegistrationEvent {
  state: RegistrationState;
  status?: number;
  reason: string;
  /** When failed: the next attempt is in this many ms. */
  retryInMs?: number;
  /** When registered: the expiry the registrar granted (s). */
  expires?: number;
}

export interface OutgoingCallEvents {
  onProvisional(response: SipResponse): void;
  onAnswered(dialog: SipDialog, response: SipResponse): void;
  /** Final failure: 4xx–6xx; 408 synthesised on timeout, 503 on a transport error (no response then). */
  onFailed(status: number, reason: string, response?: SipResponse): void;
  /** 3xx with the Contact URIs in q order; without this handler a 3xx goes to onFailed. */
  onRedirected?(contacts: string[], response: SipResponse): void;
}

export interface OutgoingCall {
  readonly callId: string;
  /** CANCEL (sent after the first provisional, §9.1); a 2xx that still arrives is ACKed and BYEd. */
  cancel(): void;
}

export interface IncomingCall {
  readonly request: SipRequest;
  readonly callId: string;
  readonly source: SipEndpoint;
  /** The INVITE's SDP offer ('' when the caller sent none). */
  readonly remoteSdp: string;
  ringing(): void;
  progress(sdp: string): void;
  /** 200 with the answer, retransmitted until the ACK; resolves on the ACK, rejects after 64*T1 (then BYE). */
  accept(sdp: string): Promise<SipDialog>;
  reject(status: number, reason?: string): void;
  /** 302 Moved Temporarily with this Contact. */
  redirect(contact: string): void;
  onCancelled: () => void;
}

export interface ReferResult {
  /** The final status of the transfer (from the NOTIFY sipfrag), or the REFER's own failure status. */
  status: number;
  reason: string;
}

export interface SipDialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** The peer's current SDP (offer or answer). */
  readonly remoteSdp?: string;
  /** Whether it is still up. */
  readonly terminated: boolean;
  bye(): Promise<void>;
  /** Resolves with the final response (408/503 synthesised when none came; 491 when one is already pending). */
  reinvite(sdp: string): Promise<SipResponse>;
  update(sdp?: string): Promise<SipResponse>;
  refer(target: string): Promise<ReferResult>;
  info(contentType: string, body: string): Promise<SipResponse>;
  onBye: () => void;
  /** A re-INVITE or UPDATE with an offer ('' when it has none); reply once. Default: 200 with our last SDP. */
  onReinvite: (sdp: string, reply: (status: number, sdp?: string) => void) => void;
  onInfo: (contentType: string, body: string) => void;
  /** An incoming REFER; without a handler it is declined (603). `notify` reports the transfer's progress. */
  onRefer?: (target: string, notify: (status: number, reason?: string) => void) => void;
  /** Each NOTIFY sipfrag of a REFER we sent. */
  onNotify?: (sipfrag: string) => void;
  onTerminated: (reason: string) => void;
}

export type { SipHeader };
