// What the provider needs from the user agent (core/user-agent.ts, H2): the shapes of core/ua-types.ts and a
// factory that starts one user agent per account. The provider takes the factory as an option, so tests and
// the contract harness use the real one and nothing else depends on how the user agent is built.
import type { SipClock, SipEndpoint, SipHeader, SipRequest, SipResponse } from './core/types';
import type { SipAccount } from './options';

export type RegistrationState = 'registering' | 'registered' | 'failed' | 'unregistered';

export interface RegistrationEvent {
  state: RegistrationState;
  status?: number;
  reason: string;
  retryInMs?: number;
  expires?: number;
}

export interface OutgoingCallEvents {
  onProvisional(response: SipResponse): void;
  onAnswered(dialog: SipDialog, response: SipResponse): void;
  onFailed(status: number, reason: string, response?: SipResponse): void;
  onRedirected?(contacts: string[], response: SipResponse): void;
}

export interface OutgoingCall {
  readonly callId: string;
  cancel(): void;
}

export interface IncomingCall {
  readonly request: SipRequest;
  readonly callId: string;
  readonly source: SipEndpoint;
  readonly remoteSdp: string;
  ringing(): void;
  progress(sdp: string): void;
  accept(sdp: string): Promise<SipDialog>;
  reject(status: number, reason?: string): void;
  redirect(contact: string): void;
  onCancelled: () => void;
}

export interface ReferResult {
  status: number;
  reason: string;
}

export interface SipDialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly remoteSdp?: string;
  readonly terminated: boolean;
  bye(): Promise<void>;
  reinvite(sdp: string): Promise<SipResponse>;
  update(sdp?: string): Promise<SipResponse>;
  refer(target: string): Promise<ReferResult>;
  info(contentType: string, body: string): Promise<SipResponse>;
  onBye: () => void;
  onReinvite: (sdp: string, reply: (status: number, sdp?: string) => void) => void;
  onInfo: (contentType: string, body: string) => void;
  onRefer?: (target: string, notify: (status: number, reason?: string) => void) => void;
  onNotify?: (sipfrag: string) => void;
  onTerminated: (reason: string) => void;
}

/** The user agent of one account, as the provider drives it. */
export interface UserAgentPort {
  onRegistration: (event: RegistrationEvent) => void;
  onIncomingCall: (call: IncomingCall) => void;
  invite(target: string, options: { sdp: string; headers?: SipHeader[] }, events: OutgoingCallEvents): OutgoingCall;
  /** The address the user agent's SIP socket is bound to (for the RTP socket), when it tells. */
  readonly localAddress?: string;
  close(): Promise<void>;
}

export interface UserAgentStartOptions {
  clock?: SipClock;
  userAgent?: string;
  t1?: number;
  t2?: number;
  t4?: number;
  registration?: { retryMinMs?: number; retryMaxMs?: number; refreshFraction?: number };
  referNotifyTimeoutMs?: number;
  closeTimeoutMs?: number;
}

export type StartUserAgent = (account: SipAccount, options: UserAgentStartOptions) => Promise<UserAgentPort>;

/** The core's SipUserAgent.start, loaded when the first account starts (never at module load). */
export const startCoreUserAgent: StartUserAgent = async (account, options) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when a SIP line is first opened
  const core = require('./core/user-agent') as { SipUserAgent: { start: StartUserAgent } };
  return core.SipUserAgent.start(account, options);
};
