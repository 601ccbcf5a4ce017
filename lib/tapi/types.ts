// Public shapes of the lib/tapi surface (see README "Library API").
import type { LineCallParams } from './provider';

export type PrivilegeName = 'none' | 'monitor' | 'owner';

export interface DialPolicyOptions {
  allow?: string[];
  deny?: string[];
  /** Outside-line access code dialled before external numbers (e.g. '9'): deny patterns also look behind it. */
  accessCode?: string;
  /**
   * SIP lines: allow SIP URIs whose user part is not a phone number (`sip:door@10.0.0.5`). Default false:
   * they are refused. URIs with a numeric user part are judged by the patterns either way.
   */
  allowSipUris?: boolean;
}

export interface OpenLineOptions {
  privileges?: PrivilegeName | PrivilegeName[];
  /** LINEMEDIAMODE_* mask or names ('interactivevoice'); used with owner privilege. Default interactive voice. */
  mediaModes?: number | string[];
  dialPolicy?: DialPolicyOptions;
  /** Country code used when makeCall/dial get none (0 = the provider's default). */
  countryCode?: number;
  /**
   * Seconds a call of ours may stay in dial tone or dialling with no request in flight before the line
   * drops it (it emits 'dialtonetimeout' on the line and the call first). Default 30; 0 = never.
   */
  dialToneTimeout?: number;
}

/** User-facing call parameters; every field optional, TAPI defaults (3.1 kHz voice) when absent. */
export interface CallParamsOptions {
  /** LINEBEARERMODE name ('voice', 'speech', 'data', ...) or value. */
  bearerMode?: string | number;
  /** LINEMEDIAMODE name ('interactivevoice', 'automatedvoice', 'datamodem', 'g3fax', ...) or value. */
  mediaMode?: string | number;
  minRate?: number;
  maxRate?: number;
  addressId?: number;
  /** Originate from this address (LINEADDRESSMODE_DIALABLEADDR) instead of an address id. */
  origAddress?: string;
  /** LINECALLPARAMFLAGS_BLOCKID: hide the caller id. */
  blockId?: boolean;
  /** LINECALLPARAMFLAGS_SECURE. */
  secure?: boolean;
  /** LINECALLPARAMFLAGS_IDLE: use an idle call appearance. */
  idle?: boolean;
  displayableAddress?: string;
  calledParty?: string;
  comment?: string;
  userUserInfo?: Uint8Array | string;
  dialParams?: { dialPause?: number; dialSpeed?: number; digitDuration?: number; waitForDialtone?: number };
  /** Seconds; the provider abandons a call still ringing with disconnected/noanswer (0 = never). */
  noAnswerTimeout?: number;
  callingPartyId?: string;
}

export interface MakeCallOptions {
  countryCode?: number;
  params?: CallParamsOptions;
}

export interface LineDeviceCapabilities {
  dialBilling: boolean;
  dialQuiet: boolean;
  dialDialtone: boolean;
  partialDial: boolean;
  /** SIP URIs are dialable destinations (set by the SIP provider; absent elsewhere). */
  sipUri?: boolean;
}

export interface CallStateEvent {
  /** Lower-case TAPI state name without prefix: 'dialtone', 'dialing', 'ringback', 'connected', ... */
  state: string;
  /** Lower-case name of the state's mode where it has one ('busy', 'noanswer', 'station', 'active', ...), else null. */
  mode: string | null;
  /** The state before this one (null for the first). */
  previous: string | null;
  /** LINECALLSTATE_* value (masked with 0x00FFFFFF). */
  stateValue: number;
  /** The raw mode parameter (dwParam2). */
  modeValue: number;
  /** Set when the message carried a privilege (first sight of the call, hand-off). */
  privilege?: PrivilegeName;
  at: Date;
}

export interface CallInfoSummary {
  /** 'outbound', 'inbound' (LINECALLORIGIN_INTERNAL, _EXTERNAL or _INBOUND), 'conference' or 'unknown'. */
  origin: string;
  /** The exact LINECALLORIGIN name, lower case: 'outbound', 'internal', 'external', 'inbound', 'unknown', 'unavail', 'conference'. */
  originDetail?: string;
  reason?: string;
  /** The address this app dialled (outbound calls placed here). */
  address?: string;
  callerId?: string;
  callerIdName?: string;
  calledId?: string;
  calledIdName?: string;
  connectedId?: string;
  connectedIdName?: string;
  /** Where the call was redirected to (LINECALLINFO redirection id), e.g. the Contact of a SIP 302. */
  redirectionId?: string;
  /** The provider's note on the call (LINECALLINFO.comment), e.g. "SIP 500 Server Internal Error". */
  comment?: string;
  /** The provider's call id (LINECALLINFO.dwCallID), not the handle. */
  callId?: number;
}

export type { LineCallParams };
