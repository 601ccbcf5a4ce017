// The line-device seam: what every provider (simulator, win32, later sip) implements.
// It mirrors TAPI's own line API: synchronous calls that return a request id (async functions)
// or a value, and throw a TapiError carrying the LINEERR code when TAPI returns a negative LONG;
// plus one ordered stream of LINEMESSAGEs. Correlation, ordering, ownership and cleanup live
// above the seam (lib/tapi/tapi.ts, line.ts, call.ts) and are written once for every provider.

/** One LINEMESSAGE (tapi-reference.md §3.3, §5.1). Every number is the low 32 bits, unsigned. */
export interface LineMessage {
  /** HLINE or HCALL, depending on the message. */
  hDevice: number;
  /** LINE_* message id (LINE_MESSAGE table). */
  messageId: number;
  /** The dwCallbackInstance given to open() for the line concerned (0 where TAPI sends none). */
  callbackInstance: number;
  param1: number;
  param2: number;
  param3: number;
  /**
   * LINE_REPLY of a successful makeCall only: the HCALL that TAPI wrote into the request's
   * lphCall slot. The provider reads (and frees) the slot when it delivers the reply.
   */
  newCall?: number;
}

export interface DialParams {
  dialPause: number;
  dialSpeed: number;
  digitDuration: number;
  waitForDialtone: number;
}

/** LINEDEVCAPS as read for the negotiated version (§3.9), strings decoded. */
export interface LineDevCaps {
  deviceId: number;
  apiVersion: number;
  name: string;
  providerInfo: string;
  switchInfo: string;
  permanentLineId: number;
  addressModes: number;
  numAddresses: number;
  bearerModes: number;
  maxRate: number;
  mediaModes: number;
  generateDigitModes: number;
  monitorDigitModes: number;
  devCapFlags: number;
  maxNumActiveCalls: number;
  answerMode: number;
  lineStates: number;
  uuiMakeCallSize: number;
  uuiDropSize: number;
  defaultDialParams: DialParams;
  /** LINEFEATURE_* (1.4+; 0 below). */
  lineFeatures: number;
  /**
   * LINEADDRCAPFLAGS_PARTIALDIAL of address 0, when the provider can tell (the simulator can;
   * win32 reports undefined because LINEADDRESSCAPS is not read, and TAPI itself enforces it).
   */
  partialDial?: boolean;
}

/** LINECALLPARAMS (§3.7) as numbers and strings; absent = 0 / not present. */
export interface LineCallParams {
  bearerMode?: number;
  minRate?: number;
  maxRate?: number;
  mediaMode?: number;
  callParamFlags?: number;
  addressMode?: number;
  addressId?: number;
  dialParams?: Partial<DialParams>;
  origAddress?: string;
  displayableAddress?: string;
  calledParty?: string;
  comment?: string;
  userUserInfo?: Uint8Array;
  highLevelComp?: Uint8Array;
  lowLevelComp?: Uint8Array;
  devSpecific?: Uint8Array;
  predictiveAutoTransferStates?: number;
  targetAddress?: string;
  deviceClass?: string;
  deviceConfig?: Uint8Array;
  callData?: Uint8Array;
  /** Seconds (2.0+); 0 = never. */
  noAnswerTimeout?: number;
  callingPartyId?: string;
}

/** LINECALLINFO (§3.10), the fields this package reads; strings decoded ('' when absent). */
export interface LineCallInfo {
  hLine: number;
  lineDeviceId: number;
  addressId: number;
  bearerMode: number;
  rate: number;
  mediaMode: number;
  callId: number;
  relatedCallId: number;
  callParamFlags: number;
  callStates: number;
  origin: number;
  reason: number;
  numOwners: number;
  numMonitors: number;
  countryCode: number;
  trunk: number;
  callerIdFlags: number;
  callerId: string;
  callerIdName: string;
  calledIdFlags: number;
  calledId: string;
  calledIdName: string;
  connectedIdFlags: number;
  connectedId: string;
  connectedIdName: string;
  redirectionIdFlags: number;
  redirectionId: string;
  redirectionIdName: string;
  redirectingIdFlags: number;
  redirectingId: string;
  redirectingIdName: string;
  appName: string;
  displayableAddress: string;
  calledParty: string;
  comment: string;
}

/** LINECALLSTATUS (§3.8). */
export interface LineCallStatus {
  callState: number;
  callStateMode: number;
  callPrivilege: number;
  callFeatures: number;
  callFeatures2: number;
  /** tStateEntryTime (UTC, 2.0+), when the provider reports one. */
  stateEntryTime?: Date;
}

export interface InitializeResult {
  numDevs: number;
  /** The highest API version TAPI supports (lpdwAPIVersion out). */
  apiVersion: number;
}

export type MessageHandler = (message: LineMessage) => void;

export interface LineProvider {
  readonly kind: 'simulator' | 'win32';

  /** lineInitializeExW with LINEINITIALIZEEXOPTION_USEEVENT; starts delivering messages to `onMessage`, in order. */
  initialize(appName: string, onMessage: MessageHandler): InitializeResult;
  /** lineNegotiateAPIVersion: the version chosen within [low, high]. */
  negotiateApiVersion(deviceId: number, low: number, high: number): number;
  /** lineGetDevCapsW, grown and retried until complete. */
  getDevCaps(deviceId: number, apiVersion: number): LineDevCaps;
  /** lineOpenW: returns the HLINE. */
  open(deviceId: number, apiVersion: number, callbackInstance: number, privileges: number, mediaModes: number): number;
  /** lineSetStatusMessages. */
  setStatusMessages(hLine: number, lineStates: number, addressStates: number): void;
  /** lineMakeCallW: returns the request id; the HCALL arrives as `newCall` on its LINE_REPLY. */
  makeCall(hLine: number, destAddress: string | null, countryCode: number, params: LineCallParams | null): number;
  /** lineDialW: returns the request id. */
  dial(hCall: number, destAddress: string, countryCode: number): number;
  /** lineDrop: returns the request id. */
  drop(hCall: number, userUserInfo?: Uint8Array): number;
  /** lineAnswer: returns the request id. */
  answer(hCall: number, userUserInfo?: Uint8Array): number;
  /** lineDeallocateCall. */
  deallocateCall(hCall: number): void;
  /** lineGetCallInfoW, grown and retried until complete. */
  getCallInfo(hCall: number): LineCallInfo;
  /** lineGetCallStatus. */
  getCallStatus(hCall: number): LineCallStatus;
  /** lineClose: suppresses the line's outstanding replies and drops its sole-owned calls. */
  close(hLine: number): void;
  /**
   * lineShutdown: cancels every outstanding request (no LINE_REPLY follows), stops the message pump,
   * releases every buffer. No message is delivered after it returns. Safe to call twice.
   */
  shutdown(): void;
}
