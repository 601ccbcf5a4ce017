// What the provider needs from the user agent (core/user-agent.ts): its shapes (core/ua-types.ts) and a
// factory that starts one user agent per account. The provider takes the factory as an option, so tests and
// the contract harness use the real one and nothing else depends on how the user agent is built.
import type { SipHeader } from './core/types';
import type { IncomingCall, OutgoingCall, OutgoingCallEvents, RegistrationEvent, SipAccount, SipUserAgentOptions } from './core/ua-types';
import { SipUserAgent } from './core/user-agent';

export type {
  IncomingCall,
  OutgoingCall,
  OutgoingCallEvents,
  ReferResult,
  RegistrationEvent,
  RegistrationState,
  SipDialog,
  SipUserAgentOptions,
} from './core/ua-types';

/** The user agent of one account, as the provider drives it. */
export interface UserAgentPort {
  onRegistration: (event: RegistrationEvent) => void;
  onIncomingCall: (call: IncomingCall) => void;
  invite(target: string, options: { sdp: string; headers?: SipHeader[] }, events: OutgoingCallEvents): OutgoingCall;
  /** The address the user agent's SIP socket is bound to (for the RTP socket), when it tells. */
  readonly localAddress?: string;
  close(): Promise<void>;
}

export type UserAgentStartOptions = SipUserAgentOptions;

export type StartUserAgent = (account: SipAccount, options: UserAgentStartOptions) => Promise<UserAgentPort>;

/** The core's SipUserAgent.start. */
export const startCoreUserAgent: StartUserAgent = (account, options) => SipUserAgent.start(account, options);
