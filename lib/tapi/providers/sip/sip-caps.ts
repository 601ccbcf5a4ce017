// What a SIP line can do, as TAPI describes it: LINEDEVCAPS, LINEADDRESSCAPS of its one address, and the live
// LINECALLFEATURE_* of a call in each state. One account = one line device with one address.
//
// It can: make calls (a trailing ";" collects digits locally until the number is complete), answer, accept,
// drop, redirect (302), blind transfer (REFER), consultation transfer (hold, a second call, REFER with
// Replaces: sip-transfer.ts), hold / unhold (re-INVITE sendonly / sendrecv), generate DTMF (RFC 4733),
// monitor and gather DTMF (RFC 4733 and SIP INFO), play and record (RTP, G.711).
// It cannot (LINEERR_OPERATIONUNAVAIL): conference (no bridge to mix in), swap hold, tones, media detection.
import {
  LINEADDRCAPFLAGS,
  LINEADDRESSMODE,
  LINEADDRESSSHARING,
  LINEADDRFEATURE,
  LINEANSWERMODE,
  LINEBEARERMODE,
  LINECALLFEATURE as F,
  LINECALLPARTYID,
  LINECALLPRIVILEGE,
  LINECALLSTATE as S,
  LINEDEVCAPFLAGS,
  LINEDEVSTATE,
  LINEDIGITMODE,
  LINEDISCONNECTMODE as D,
  LINEFEATURE,
  LINEMEDIAMODE,
  LINETRANSFERMODE,
  TAPI_VERSION,
} from '../../constants';
import type { DialCapabilities } from '../../address';
import type { LineAddressCaps, LineDevCaps } from '../../provider';
import type { MediaCapabilities } from '../../media';
import { SIP_DIAL_CAPS } from './target';

export const SIP_PROVIDER_INFO = 'node-red-contrib-tapi SIP';

/** The API versions a SIP line speaks (lineNegotiateAPIVersion picks the highest inside [low, high]). */
export const SIP_VERSIONS: readonly number[] = [
  TAPI_VERSION.V1_4,
  TAPI_VERSION.V2_0,
  TAPI_VERSION.V2_1,
  TAPI_VERSION.V2_2,
  TAPI_VERSION.V3_0,
  TAPI_VERSION.V3_1,
];
export const SIP_HIGHEST_VERSION = TAPI_VERSION.V3_1;

/** What the caps are computed from: the account, as the line device sees it. */
export interface SipLineDescription {
  deviceId: number;
  name: string;
  /** The account's own address (its user part, or the URI). */
  address: string;
  /** Registrar or domain, for LINEDEVCAPS.switchInfo. */
  switchInfo: string;
  maxCalls: number;
}

export const SIP_MEDIA_MODES = LINEMEDIAMODE.INTERACTIVEVOICE | LINEMEDIAMODE.AUTOMATEDVOICE;
export const SIP_BEARER_MODES = LINEBEARERMODE.VOICE | LINEBEARERMODE.SPEECH;
export const SIP_DIGIT_MODES = LINEDIGITMODE.DTMF;
export const SIP_GATHER_TIMEOUTS = { min: 10, max: 600_000 } as const;
export const SIP_LINE_STATES = LINEDEVSTATE.RINGING | LINEDEVSTATE.INSERVICE | LINEDEVSTATE.OUTOFSERVICE | LINEDEVSTATE.OTHER;

/** Every LINECALLFEATURE_* a SIP address offers. */
export const SIP_CALL_FEATURES =
  F.ACCEPT |
  F.ANSWER |
  F.DIAL |
  F.DROP |
  F.REDIRECT |
  F.HOLD |
  F.UNHOLD |
  F.BLINDTRANSFER |
  F.SETUPTRANSFER |
  F.COMPLETETRANSF |
  F.GATHERDIGITS |
  F.GENERATEDIGITS |
  F.MONITORDIGITS;

export const SIP_CALL_STATES =
  S.IDLE |
  S.OFFERING |
  S.ACCEPTED |
  S.DIALTONE |
  S.DIALING |
  S.RINGBACK |
  S.BUSY |
  S.CONNECTED |
  S.PROCEEDING |
  S.ONHOLD |
  S.ONHOLDPENDTRANSFER |
  S.DISCONNECTED |
  S.UNKNOWN;

export const SIP_DISCONNECT_MODES =
  D.NORMAL |
  D.UNKNOWN |
  D.REJECT |
  D.FORWARDED |
  D.BUSY |
  D.NOANSWER |
  D.BADADDRESS |
  D.UNREACHABLE |
  D.CONGESTION |
  D.INCOMPATIBLE |
  D.OUTOFORDER;

export function sipDialCapabilities(): DialCapabilities {
  return { ...SIP_DIAL_CAPS };
}

export function sipDevCaps(line: SipLineDescription, apiVersion: number): LineDevCaps {
  return {
    deviceId: line.deviceId,
    apiVersion,
    name: line.name,
    providerInfo: SIP_PROVIDER_INFO,
    switchInfo: line.switchInfo,
    permanentLineId: (0x51f00000 + line.deviceId) >>> 0,
    addressModes: LINEADDRESSMODE.ADDRESSID,
    numAddresses: 1,
    bearerModes: SIP_BEARER_MODES,
    maxRate: 64000,
    mediaModes: SIP_MEDIA_MODES,
    generateDigitModes: SIP_DIGIT_MODES,
    monitorDigitModes: SIP_DIGIT_MODES,
    generateToneModes: 0,
    generateToneMaxNumFreq: 0,
    monitorToneMaxNumFreq: 0,
    monitorToneMaxNumEntries: 0,
    gatherDigitsMinTimeout: SIP_GATHER_TIMEOUTS.min,
    gatherDigitsMaxTimeout: SIP_GATHER_TIMEOUTS.max,
    devCapFlags: LINEDEVCAPFLAGS.CLOSEDROP,
    maxNumActiveCalls: line.maxCalls,
    answerMode: LINEANSWERMODE.NONE,
    lineStates: SIP_LINE_STATES,
    uuiMakeCallSize: 0,
    uuiDropSize: 0,
    defaultDialParams: { dialPause: 2000, dialSpeed: 100, digitDuration: 100, waitForDialtone: 0 },
    lineFeatures: apiVersion >= TAPI_VERSION.V1_4 ? LINEFEATURE.MAKECALL : 0,
    partialDial: SIP_DIAL_CAPS.partialDial,
    sipUri: true,
  };
}

export function sipAddressCaps(line: SipLineDescription, apiVersion: number): LineAddressCaps {
  const v2 = apiVersion >= TAPI_VERSION.V2_0;
  const ids = LINECALLPARTYID.ADDRESS | LINECALLPARTYID.NAME | LINECALLPARTYID.BLOCKED | LINECALLPARTYID.UNKNOWN;
  return {
    lineDeviceId: line.deviceId,
    address: line.address,
    addressSharing: LINEADDRESSSHARING.PRIVATE,
    addressStates: 0,
    callInfoStates: 0x00ffffff,
    callerIdFlags: ids,
    calledIdFlags: ids,
    connectedIdFlags: ids,
    redirectionIdFlags: LINECALLPARTYID.ADDRESS | LINECALLPARTYID.UNKNOWN,
    redirectingIdFlags: LINECALLPARTYID.UNKNOWN,
    callStates: SIP_CALL_STATES,
    dialToneModes: 0x1,
    busyModes: 0x1,
    specialInfo: 0,
    disconnectModes: SIP_DISCONNECT_MODES,
    maxNumActiveCalls: line.maxCalls,
    maxNumOnHoldCalls: line.maxCalls,
    maxNumOnHoldPendingCalls: 1,
    maxNumConference: 0,
    maxNumTransConf: 0,
    addrCapFlags: LINEADDRCAPFLAGS.DIALED | (SIP_DIAL_CAPS.partialDial ? LINEADDRCAPFLAGS.PARTIALDIAL : 0),
    callFeatures: SIP_CALL_FEATURES,
    removeFromConfCaps: 0x1,
    removeFromConfState: 0,
    transferModes: LINETRANSFERMODE.TRANSFER,
    parkModes: 0,
    forwardModes: 0,
    maxForwardEntries: 0,
    maxSpecificEntries: 0,
    minFwdNumRings: 0,
    maxFwdNumRings: 0,
    maxCallCompletions: 0,
    callCompletionConds: 0,
    callCompletionModes: 0,
    numCompletionMessages: 0,
    completionMsgTextEntrySize: 0,
    addressFeatures: apiVersion >= TAPI_VERSION.V1_4 ? LINEADDRFEATURE.MAKECALL : 0,
    predictiveAutoTransferStates: 0,
    numCallTreatments: 0,
    deviceClasses: v2 ? ['tapi/line', 'wave/in', 'wave/out'] : [],
    maxCallDataSize: 0,
    callFeatures2: 0,
    maxNoAnswerTimeout: v2 ? 3600 : 0,
    // LINECONNECTEDMODE_ACTIVE | LINECONNECTEDMODE_ACTIVEHELD (the far end holds us: sip-dialog-events.ts)
    connectedModes: v2 ? 0x1 | 0x4 : 0,
    offeringModes: v2 ? 0x1 : 0,
    availableMediaModes: v2 ? SIP_MEDIA_MODES : 0,
  };
}

/** Audio over RTP: 8 kHz 16-bit frames both ways. */
export function sipMediaCapabilities(apiVersion: number): MediaCapabilities {
  const v2 = apiVersion >= TAPI_VERSION.V2_0;
  return {
    audio: v2,
    playback: v2,
    recording: v2,
    deviceClasses: v2 ? ['tapi/line', 'wave/in', 'wave/out'] : [],
    formats: v2 ? [{ encoding: 'pcm16', sampleRate: 8000 }] : [],
  };
}

/** What a call can do now (LINECALLSTATUS.dwCallFeatures), for a handle with `privilege`. */
export interface SipCallSituation {
  state: number;
  privilege: number;
  /** The number is complete (or the INVITE is out): lineDial no longer applies. */
  dialComplete: boolean;
  /** A hold / unhold / transfer is in flight: no second one until it is answered. */
  busy: boolean;
  /** The call has media (an RTP session): digits can be generated. */
  media: boolean;
}

export function sipCallFeatures(call: SipCallSituation): number {
  const { state } = call;
  let f = 0;
  if (state !== S.IDLE && state !== S.DISCONNECTED) f |= F.MONITORDIGITS;
  if (call.privilege !== LINECALLPRIVILEGE.OWNER || state === S.IDLE) return f >>> 0;
  f |= F.DROP;
  switch (state) {
    case S.OFFERING:
      f |= F.ACCEPT | F.ANSWER | F.REDIRECT;
      break;
    case S.ACCEPTED:
      f |= F.ANSWER | F.REDIRECT;
      break;
    case S.DIALTONE:
    case S.DIALING:
      if (!call.dialComplete) f |= F.DIAL;
      break;
    case S.CONNECTED:
      f |= F.GATHERDIGITS;
      if (call.media) f |= F.GENERATEDIGITS;
      if (!call.busy) f |= F.HOLD | F.BLINDTRANSFER | F.SETUPTRANSFER;
      break;
    case S.ONHOLDPENDTRANSFER:
      // COMPLETETRANSF is offered for the state; lineCompleteTransfer checks the consultation call (connected).
      if (!call.busy) f |= F.UNHOLD | F.COMPLETETRANSF;
      break;
    case S.ONHOLD:
      if (!call.busy) f |= F.UNHOLD;
      break;
    default:
      break;
  }
  return (f & SIP_CALL_FEATURES) >>> 0;
}
