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
   * LINE_REPLY of a successful request that creates a call handle: the HCALL that TAPI wrote into the
   * request's slot — `lphCall` of makeCall, `lphConsultCall` of setupTransfer, `lphConfCall` of a
   * completeTransfer in conference mode (absent in transfer mode). The provider keeps the slot stable
   * until the reply, reads it then (and frees it); after an error reply the slot is void and absent here.
   */
  newCall?: number;
  /**
   * LINE_GATHERDIGITS only: what TAPI wrote into the buffer of the gather this message completes (the
   * oldest outstanding gather of the call: the provider keeps a FIFO of buffers per call, because the
   * message names neither buffer nor request). Read up to the first U+0000 or `numDigits` characters;
   * a terminating digit that ended the gather is its last character. '' after FIRSTTIMEOUT.
   */
  gatheredDigits?: string;
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
  /** LINETONEMODE_* lineGenerateTone accepts (DC+64); absent when the provider does not report it. */
  generateToneModes?: number;
  /** Most frequencies of one custom tone (DC+68; 0 = no tone generation). */
  generateToneMaxNumFreq?: number;
  /** Most frequencies of one monitored tone (DC+76; 0 = no tone detection). */
  monitorToneMaxNumFreq?: number;
  /** Most LINEMONITORTONE entries at once (DC+80). */
  monitorToneMaxNumEntries?: number;
  /** lineGatherDigits timeouts must lie in [min, max] ms (DC+88 / DC+92; both 0 = no timeouts). */
  gatherDigitsMinTimeout?: number;
  gatherDigitsMaxTimeout?: number;
  /**
   * LINEADDRCAPFLAGS_PARTIALDIAL of address 0, when the provider can tell (the simulator can;
   * win32 reports undefined because LINEADDRESSCAPS is not read, and TAPI itself enforces it).
   */
  partialDial?: boolean;
  /** SIP URIs (`sip:` / `sips:`) are dialable destinations on this line: the SIP provider sets it. */
  sipUri?: boolean;
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

/** LINEADDRESSCAPS (§14.5) as read for the negotiated version; fields newer than it read 0. */
export interface LineAddressCaps {
  lineDeviceId: number;
  /** dwAddressSize/Offset: the address (its number), '' when absent. */
  address: string;
  /** One LINEADDRESSSHARING_*. */
  addressSharing: number;
  addressStates: number;
  callInfoStates: number;
  callerIdFlags: number;
  calledIdFlags: number;
  connectedIdFlags: number;
  redirectionIdFlags: number;
  redirectingIdFlags: number;
  /** LINECALLSTATE_* calls on this address can report. */
  callStates: number;
  dialToneModes: number;
  busyModes: number;
  specialInfo: number;
  disconnectModes: number;
  /** Active calls at once (held calls excluded). */
  maxNumActiveCalls: number;
  maxNumOnHoldCalls: number;
  maxNumOnHoldPendingCalls: number;
  maxNumConference: number;
  maxNumTransConf: number;
  /** LINEADDRCAPFLAGS_*. */
  addrCapFlags: number;
  /** LINECALLFEATURE_* that can ever work on this address (the live set is LINECALLSTATUS.dwCallFeatures). */
  callFeatures: number;
  removeFromConfCaps: number;
  removeFromConfState: number;
  /** LINETRANSFERMODE_* mask. */
  transferModes: number;
  parkModes: number;
  forwardModes: number;
  maxForwardEntries: number;
  maxSpecificEntries: number;
  minFwdNumRings: number;
  maxFwdNumRings: number;
  maxCallCompletions: number;
  callCompletionConds: number;
  callCompletionModes: number;
  numCompletionMessages: number;
  completionMsgTextEntrySize: number;
  /** LINEADDRFEATURE_* (1.4+). */
  addressFeatures: number;
  /** 2.0+ from here. */
  predictiveAutoTransferStates: number;
  numCallTreatments: number;
  /** dwDeviceClassesSize/Offset: the NUL-separated class names for lineGetID, decoded. */
  deviceClasses: string[];
  maxCallDataSize: number;
  /** LINECALLFEATURE2_*. */
  callFeatures2: number;
  /** Seconds; 0 = LINECALLPARAMS.dwNoAnswerTimeout not supported. */
  maxNoAnswerTimeout: number;
  connectedModes: number;
  offeringModes: number;
  /** 0 = not known (see LINEDEVCAPS.dwMediaModes). */
  availableMediaModes: number;
}

/** One LINEGENERATETONE (16 bytes; §14.3): a component of a custom tone. */
export interface LineGenerateTone {
  /** Hz. */
  frequency: number;
  /** ms on; 0 = no tone. */
  cadenceOn: number;
  /** ms off; 0 = continuous. */
  cadenceOff: number;
  /** 0 (silence) .. 0xFFFF (full volume). */
  volume: number;
}

/** One LINEMONITORTONE (20 bytes; §14.3). */
export interface LineMonitorTone {
  /** Echoed as dwParam1 of LINE_MONITORTONE; unique per entry. */
  appSpecific: number;
  /** ms the tone must persist before it is reported. */
  duration: number;
  /** Up to three Hz values (0 = unused; all 0 = silence). */
  frequency1: number;
  frequency2: number;
  frequency3: number;
}

/** The parameters of one lineGatherDigitsW besides the buffer, which the provider owns. */
export interface LineGatherRequest {
  /** dwNumDigits (>= 1): the buffer holds this many digits (+1 terminating U+0000). */
  numDigits: number;
  /** lpszTerminationDigits: '' = none. */
  terminationDigits: string;
  /** ms; 0 = none. */
  firstDigitTimeout: number;
  /** ms; 0 = none. */
  interDigitTimeout: number;
}

export interface InitializeResult {
  numDevs: number;
  /** The highest API version TAPI supports (lpdwAPIVersion out). */
  apiVersion: number;
}

import type { MediaProvider } from './media';

export type MessageHandler = (message: LineMessage) => void;

export interface LineProvider {
  readonly kind: 'simulator' | 'win32' | 'sip';
  /** The call's audio (media.ts); absent when the provider carries none. */
  readonly media?: MediaProvider;

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
  // ---- call control (§14.1, §14.2) ---------------------------------------------------------------
  // Async functions return the request id; their LINE_REPLY follows, then the LINE_CALLSTATEs that result.

  /**
   * lineAccept (async; export unsuffixed): `LONG lineAccept(HCALL hCall, LPCSTR lpsUserUserInfo, DWORD dwSize)`.
   * Owner, OFFERING. LINE_REPLY, then LINE_CALLSTATE(ACCEPTED).
   */
  accept(hCall: number, userUserInfo?: Uint8Array): number;
  /**
   * lineRedirectW (async): `LONG lineRedirectW(HCALL hCall, LPCWSTR lpszDestAddress, DWORD dwCountryCode)`.
   * Owner, OFFERING only. LINE_REPLY, then LINE_CALLSTATE(IDLE) (the handle stays valid until deallocated).
   */
  redirect(hCall: number, destAddress: string, countryCode: number): number;
  /**
   * lineBlindTransferW (async): `LONG lineBlindTransferW(HCALL hCall, LPCWSTR lpszDestAddressW, DWORD dwCountryCode)`.
   * Owner, CONNECTED. LINE_REPLY, then LINE_CALLSTATE(IDLE).
   */
  blindTransfer(hCall: number, destAddress: string, countryCode: number): number;
  /**
   * lineSetupTransferW (async): `LONG lineSetupTransferW(HCALL hCall, LPHCALL lphConsultCall, LPLINECALLPARAMS lpCallParams)`.
   * Owner, CONNECTED. The success LINE_REPLY carries the consultation call as `newCall` (the provider keeps
   * the lphConsultCall slot stable until then); then LINE_CALLSTATE(ONHOLDPENDTRANSFER) for hCall and
   * LINE_CALLSTATE(DIALTONE, privilege OWNER) for the consultation call.
   */
  setupTransfer(hCall: number, params: LineCallParams | null): number;
  /**
   * lineCompleteTransfer (async; unsuffixed):
   * `LONG lineCompleteTransfer(HCALL hCall, HCALL hConsultCall, LPHCALL lphConfCall, DWORD dwTransferMode)`.
   * Owner of both; hCall ONHOLD or ONHOLDPENDTRANSFER, hConsultCall CONNECTED, RINGBACK, BUSY or PROCEEDING.
   * `transferMode` is exactly one LINETRANSFERMODE_*. TRANSFER: LINE_REPLY, then both calls IDLE.
   * CONFERENCE: the LINE_REPLY carries the conference call as `newCall` (lphConfCall slot), both calls go
   * CONFERENCED (dwParam2 = the hConfCall) and the conference call CONNECTED.
   */
  completeTransfer(hCall: number, hConsultCall: number, transferMode: number): number;
  /** lineHold (async; unsuffixed): `LONG lineHold(HCALL hCall)`. Owner, CONNECTED. LINE_REPLY, then LINE_CALLSTATE(ONHOLD). */
  hold(hCall: number): number;
  /**
   * lineUnhold (async; unsuffixed): `LONG lineUnhold(HCALL hCall)`. Owner, ONHOLD / ONHOLDPENDTRANSFER / ONHOLDPENDCONF.
   * LINE_REPLY, then LINE_CALLSTATE(CONNECTED); on an ONHOLDPENDTRANSFER call the consultation call goes IDLE.
   */
  unhold(hCall: number): number;
  /**
   * lineSwapHold (async; unsuffixed): `LONG lineSwapHold(HCALL hActiveCall, HCALL hHeldCall)`. Owner of both; active
   * CONNECTED, held ONHOLD / ONHOLDPENDTRANSFER / ONHOLDPENDCONF. LINE_REPLY, then both report exchanged states.
   */
  swapHold(hActiveCall: number, hHeldCall: number): number;

  // ---- digits, tones, media (§14.3); all synchronous: 0 = started, the LINE_* message follows -----

  /**
   * lineGenerateDigitsW (sync): `LONG lineGenerateDigitsW(HCALL hCall, DWORD dwDigitMode, LPCWSTR lpszDigits, DWORD dwDuration)`.
   * Owner. One LINEDIGITMODE_* bit; `digits` null = cancel the running generation; duration ms (0 = default).
   * LINE_GENERATE(DONE | CANCEL) once per started request; a new request cancels the running one.
   */
  generateDigits(hCall: number, digitMode: number, digits: string | null, duration: number): void;
  /**
   * lineGenerateTone (sync; unsuffixed):
   * `LONG lineGenerateTone(HCALL hCall, DWORD dwToneMode, DWORD dwDuration, DWORD dwNumTones, LPLINEGENERATETONE lpTones)`.
   * Owner. One LINETONEMODE_* (0 = cancel); `tones` is read for CUSTOM only. LINE_GENERATE as for digits.
   */
  generateTone(hCall: number, toneMode: number, duration: number, tones: readonly LineGenerateTone[]): void;
  /**
   * lineMonitorDigits (sync; unsuffixed): `LONG lineMonitorDigits(HCALL hCall, DWORD dwDigitModes)`.
   * Any state but IDLE and DISCONNECTED; 0 = stop. One LINE_MONITORDIGITS(digit, mode, tick) per digit.
   */
  monitorDigits(hCall: number, digitModes: number): void;
  /**
   * lineGatherDigitsW (sync):
   * `LONG lineGatherDigitsW(HCALL hCall, DWORD dwDigitModes, LPWSTR lpsDigits, DWORD dwNumDigits,
   *   LPCWSTR lpszTerminationDigits, DWORD dwFirstDigitTimeout, DWORD dwInterDigitTimeout)`.
   * Owner. `request` null = cancel (lpsDigits NULL). The provider allocates the buffer (written later by TAPI),
   * keeps it in a per-call FIFO and delivers its content as `gatheredDigits` of the LINE_GATHERDIGITS
   * (one LINEGATHERTERM_*) that completes it — exactly one per started gather; a new gather first completes
   * the old one with CANCEL.
   */
  gatherDigits(hCall: number, digitModes: number, request: LineGatherRequest | null): void;
  /**
   * lineMonitorTones (sync; unsuffixed): `LONG lineMonitorTones(HCALL hCall, LPLINEMONITORTONE const lpToneList, DWORD dwNumEntries)`.
   * Any state but IDLE; null = stop; a new list replaces the old. One LINE_MONITORTONE(appSpecific) per detection.
   */
  monitorTones(hCall: number, tones: readonly LineMonitorTone[] | null): void;
  /**
   * lineMonitorMedia (sync; unsuffixed): `LONG lineMonitorMedia(HCALL hCall, DWORD dwMediaModes)`.
   * Any state but IDLE; 0 = stop. One LINE_MONITORMEDIA(one LINEMEDIAMODE_*) per detection.
   */
  monitorMedia(hCall: number, mediaModes: number): void;
  /**
   * lineSetCallPrivilege (sync; unsuffixed): `LONG lineSetCallPrivilege(HCALL hCall, DWORD dwCallPrivilege)`.
   * Exactly MONITOR or OWNER; the sole owner of a non-IDLE call cannot go MONITOR (INVALCALLSTATE). LINE_CALLINFO follows.
   */
  setCallPrivilege(hCall: number, privilege: number): void;
  /**
   * lineSetMediaMode (sync; unsuffixed): `LONG lineSetMediaMode(HCALL hCall, DWORD dwMediaModes)`.
   * Owner. LINE_CALLINFO(MEDIAMODE) follows.
   */
  setMediaMode(hCall: number, mediaModes: number): void;
  /**
   * lineHandoffW (sync): `LONG lineHandoffW(HCALL hCall, LPCWSTR lpszFileName, DWORD dwMediaMode)`.
   * Owner. By exe name, or (name null) to the highest-priority OWNER app for the one `mediaMode` bit.
   * The target gets LINE_CALLSTATE(privilege OWNER) + LINE_CALLINFO; the caller keeps its privilege.
   * TARGETNOTFOUND, TARGETSELF.
   */
  handoff(hCall: number, fileName: string | null, mediaMode: number): void;
  /**
   * lineGetAddressCapsW (sync), grown and retried until complete:
   * `LONG lineGetAddressCapsW(HLINEAPP hLineApp, DWORD dwDeviceID, DWORD dwAddressID, DWORD dwAPIVersion,
   *   DWORD dwExtVersion, LPLINEADDRESSCAPS lpAddressCaps)`. The line need not be open.
   */
  getAddressCaps(deviceId: number, addressId: number, apiVersion: number): LineAddressCaps;
  /**
   * lineSetAppPriorityW (sync): `LONG lineSetAppPriorityW(LPCWSTR lpszAppFilename, DWORD dwMediaMode,
   *   LPLINEEXTENSIONID lpExtensionID, DWORD dwRequestMode, LPCWSTR lpszExtensionName, DWORD dwPriority)`.
   * PERSISTENT and MACHINE-WIDE, keyed by the executable name — every Node program is `node.exe`.
   * Never called implicitly. `priority` 1 = first, 0 = removed.
   */
  setAppPriority(appFilename: string, mediaMode: number, requestMode: number, priority: number): void;

  /** lineClose: suppresses the line's outstanding replies and drops its sole-owned calls. */
  close(hLine: number): void;
  /**
   * lineShutdown: cancels every outstanding request (no LINE_REPLY follows), stops the message pump,
   * releases every buffer. No message is delivered after it returns. Safe to call twice.
   */
  shutdown(): void;
}
