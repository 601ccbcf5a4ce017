// The simulated line devices and their LINEDEVCAPS.
import {
  LINEADDRCAPFLAGS,
  LINEADDRESSSHARING,
  LINEADDRFEATURE,
  LINECALLFEATURE,
  LINECALLFEATURE2,
  LINECALLSTATE,
  LINEDISCONNECTMODE,
  LINETONEMODE,
  LINETRANSFERMODE,
  LINEADDRESSMODE,
  LINEBEARERMODE,
  LINEDEVCAPFLAGS,
  LINEDEVSTATE,
  LINEDIGITMODE,
  LINEFEATURE,
  LINEMEDIAMODE,
  TAPI_VERSION,
} from '../../constants';
import { TapiValidationError } from '../../errors';
import type { DialCapabilities } from '../../address';
import type { LineAddressCaps, LineDevCaps } from '../../provider';
import type { SimulatorLineConfig } from './options';

/** The API versions the simulator speaks (lineNegotiateAPIVersion picks the highest inside [low, high]). */
export const SUPPORTED_VERSIONS: readonly number[] = [
  TAPI_VERSION.V1_3,
  TAPI_VERSION.V1_4,
  TAPI_VERSION.V2_0,
  TAPI_VERSION.V2_1,
  TAPI_VERSION.V2_2,
  TAPI_VERSION.V3_0,
  TAPI_VERSION.V3_1,
];
export const LOWEST_VERSION = TAPI_VERSION.V1_3;
export const HIGHEST_VERSION = TAPI_VERSION.V3_1;

export const PROVIDER_INFO = 'node-red-contrib-tapi simulator';
export const SWITCH_INFO = 'simulated exchange';

/** Everything the exchange knows about one line device. */
export interface SimDevice {
  deviceId: number;
  name: string;
  /** Own number: the caller id of outgoing calls, the called id of incoming ones. */
  address: string;
  caps: DialCapabilities;
  bearerModes: number;
  mediaModes: number;
  maxRate: number;
  maxNumActiveCalls: number;
  numAddresses: number;
  /** Bytes of user-user info accepted by lineMakeCall / lineDrop. */
  uuiMakeCallSize: number;
  uuiDropSize: number;
  permanentLineId: number;
  /** What the switch offers on the device's address: call control, digits, tones. */
  switching: SimSwitching;
  /** The line has wave devices (device classes wave/in, wave/out): calls on it carry audio. */
  wave: boolean;
}

/** The call-control and signalling capabilities of a simulated address (LINEADDRESSCAPS, LINEDEVCAPS). */
export interface SimSwitching {
  /** LINECALLFEATURE_* that can ever work here (AC+108); a call's live features are a subset. */
  callFeatures: number;
  callFeatures2: number;
  addrCapFlags: number;
  /** LINETRANSFERMODE_* lineCompleteTransfer accepts. */
  transferModes: number;
  maxNumOnHoldCalls: number;
  maxNumOnHoldPendingCalls: number;
  maxNumConference: number;
  generateDigitModes: number;
  monitorDigitModes: number;
  generateToneModes: number;
  generateToneMaxNumFreq: number;
  monitorToneMaxNumFreq: number;
  monitorToneMaxNumEntries: number;
  /** ms; lineGatherDigits timeouts must be 0 or within. */
  gatherDigitsMinTimeout: number;
  gatherDigitsMaxTimeout: number;
}

const F = LINECALLFEATURE;
const SIGNALS = F.GATHERDIGITS | F.GENERATEDIGITS | F.GENERATETONE | F.MONITORDIGITS | F.MONITORMEDIA | F.MONITORTONES;
const ALL_TONES = LINETONEMODE.CUSTOM | LINETONEMODE.RINGBACK | LINETONEMODE.BUSY | LINETONEMODE.BEEP | LINETONEMODE.BILLING;

/** A business line on a switch: accept, redirect, hold, transfer and conference, DTMF and pulse. */
export function fullSwitching(): SimSwitching {
  return {
    callFeatures:
      F.ACCEPT |
      F.ANSWER |
      F.DIAL |
      F.DROP |
      F.REDIRECT |
      F.HOLD |
      F.UNHOLD |
      F.SWAPHOLD |
      F.BLINDTRANSFER |
      F.SETUPTRANSFER |
      F.COMPLETETRANSF |
      SIGNALS,
    callFeatures2: LINECALLFEATURE2.TRANSFERNORM | LINECALLFEATURE2.TRANSFERCONF,
    addrCapFlags: LINEADDRCAPFLAGS.DIALED | LINEADDRCAPFLAGS.AUTORECONNECT,
    transferModes: LINETRANSFERMODE.TRANSFER | LINETRANSFERMODE.CONFERENCE,
    maxNumOnHoldCalls: 2,
    maxNumOnHoldPendingCalls: 1,
    maxNumConference: 3,
    generateDigitModes: LINEDIGITMODE.PULSE | LINEDIGITMODE.DTMF,
    monitorDigitModes: LINEDIGITMODE.PULSE | LINEDIGITMODE.DTMF | LINEDIGITMODE.DTMFEND,
    generateToneModes: ALL_TONES,
    generateToneMaxNumFreq: 3,
    monitorToneMaxNumFreq: 3,
    monitorToneMaxNumEntries: 4,
    gatherDigitsMinTimeout: 10,
    gatherDigitsMaxTimeout: 600_000,
  };
}

/** An analog line: no transfer, no hold, no redirect, pulse digits only. */
export function analogSwitching(): SimSwitching {
  return {
    ...fullSwitching(),
    callFeatures: F.ACCEPT | F.ANSWER | F.DIAL | F.DROP | SIGNALS,
    callFeatures2: 0,
    addrCapFlags: LINEADDRCAPFLAGS.DIALED,
    transferModes: 0,
    maxNumOnHoldCalls: 0,
    maxNumOnHoldPendingCalls: 0,
    maxNumConference: 0,
    generateDigitModes: LINEDIGITMODE.PULSE,
    monitorDigitModes: LINEDIGITMODE.PULSE,
    generateToneModes: LINETONEMODE.BEEP | LINETONEMODE.BUSY | LINETONEMODE.RINGBACK,
    generateToneMaxNumFreq: 1,
  };
}

const FULL_MEDIA = LINEMEDIAMODE.INTERACTIVEVOICE | LINEMEDIAMODE.AUTOMATEDVOICE | LINEMEDIAMODE.DATAMODEM | LINEMEDIAMODE.G3FAX;

/** The two default devices (used when SimulatorOptions.lines is absent). */
export function defaultDevices(): SimDevice[] {
  return [
    {
      deviceId: 0,
      name: 'Simulated Line 1',
      address: '+1 (555) 010-0000',
      caps: { dialBilling: true, dialQuiet: true, dialDialtone: true, partialDial: true },
      bearerModes: LINEBEARERMODE.VOICE | LINEBEARERMODE.SPEECH | LINEBEARERMODE.DATA,
      mediaModes: FULL_MEDIA,
      maxRate: 64000,
      maxNumActiveCalls: 4,
      numAddresses: 1,
      uuiMakeCallSize: 128,
      uuiDropSize: 128,
      permanentLineId: 0x51a10000,
      switching: fullSwitching(),
      wave: true,
    },
    {
      deviceId: 1,
      name: 'Simulated Analog Line',
      address: '+1 (555) 010-0001',
      caps: { dialBilling: false, dialQuiet: false, dialDialtone: false, partialDial: true },
      bearerModes: LINEBEARERMODE.VOICE,
      mediaModes: LINEMEDIAMODE.INTERACTIVEVOICE | LINEMEDIAMODE.DATAMODEM,
      maxRate: 33600,
      maxNumActiveCalls: 1,
      numAddresses: 1,
      uuiMakeCallSize: 0,
      uuiDropSize: 0,
      permanentLineId: 0x51a10001,
      switching: analogSwitching(),
      wave: false,
    },
  ];
}

/**
 * Devices from SimulatorOptions.lines. Absent flags: `$ @ W` unsupported, partial dialling supported.
 * Bearer and media modes are those of the default "Simulated Line 1".
 */
export function devicesFromConfig(lines: readonly SimulatorLineConfig[]): SimDevice[] {
  if (!Array.isArray(lines)) throw new TapiValidationError('simulator.lines must be an array');
  return lines.map((line, deviceId) => {
    if (!line || typeof line.name !== 'string' || line.name.trim() === '') {
      throw new TapiValidationError(`simulator.lines[${deviceId}].name must be a non-empty string`);
    }
    const maxCalls = line.maxActiveCalls ?? 4;
    if (!Number.isInteger(maxCalls) || maxCalls < 1) {
      throw new TapiValidationError(`simulator.lines[${deviceId}].maxActiveCalls must be an integer >= 1`);
    }
    return {
      deviceId,
      name: line.name,
      address: typeof line.address === 'string' ? line.address : `+1 (555) 010-${String(deviceId).padStart(4, '0')}`,
      caps: {
        dialBilling: line.dialBilling === true,
        dialQuiet: line.dialQuiet === true,
        dialDialtone: line.dialDialtone === true,
        partialDial: line.partialDial !== false,
      },
      bearerModes: LINEBEARERMODE.VOICE | LINEBEARERMODE.SPEECH | LINEBEARERMODE.DATA,
      mediaModes: FULL_MEDIA,
      maxRate: 64000,
      maxNumActiveCalls: maxCalls,
      numAddresses: 1,
      uuiMakeCallSize: 128,
      uuiDropSize: 128,
      permanentLineId: (0x51a10000 + deviceId) >>> 0,
      switching: fullSwitching(),
      wave: line.wave !== false,
    };
  });
}

export function devCapFlagsOf(device: SimDevice): number {
  let flags = LINEDEVCAPFLAGS.CLOSEDROP;
  if (device.caps.dialBilling) flags |= LINEDEVCAPFLAGS.DIALBILLING;
  if (device.caps.dialQuiet) flags |= LINEDEVCAPFLAGS.DIALQUIET;
  if (device.caps.dialDialtone) flags |= LINEDEVCAPFLAGS.DIALDIALTONE;
  return flags;
}

/** The line states the simulator can report (LINEDEVCAPS.dwLineStates). */
export const REPORTED_LINE_STATES = LINEDEVSTATE.RINGING | LINEDEVSTATE.REINIT | LINEDEVSTATE.OTHER;

/** LINEDEVCAPS for `apiVersion` (fields that did not exist in that version read 0). */
export function devCapsOf(device: SimDevice, apiVersion: number): LineDevCaps {
  return {
    deviceId: device.deviceId,
    apiVersion,
    name: device.name,
    providerInfo: PROVIDER_INFO,
    switchInfo: SWITCH_INFO,
    permanentLineId: device.permanentLineId,
    addressModes: LINEADDRESSMODE.ADDRESSID,
    numAddresses: device.numAddresses,
    bearerModes: device.bearerModes,
    maxRate: device.maxRate,
    mediaModes: device.mediaModes,
    generateDigitModes: device.switching.generateDigitModes,
    monitorDigitModes: device.switching.monitorDigitModes,
    generateToneModes: device.switching.generateToneModes,
    generateToneMaxNumFreq: device.switching.generateToneMaxNumFreq,
    monitorToneMaxNumFreq: device.switching.monitorToneMaxNumFreq,
    monitorToneMaxNumEntries: device.switching.monitorToneMaxNumEntries,
    gatherDigitsMinTimeout: device.switching.gatherDigitsMinTimeout,
    gatherDigitsMaxTimeout: device.switching.gatherDigitsMaxTimeout,
    devCapFlags: devCapFlagsOf(device),
    maxNumActiveCalls: device.maxNumActiveCalls,
    answerMode: 0x1, // LINEANSWERMODE_NONE: answering does not affect other calls
    lineStates: REPORTED_LINE_STATES,
    uuiMakeCallSize: device.uuiMakeCallSize,
    uuiDropSize: device.uuiDropSize,
    defaultDialParams: { dialPause: 2000, dialSpeed: 95, digitDuration: 95, waitForDialtone: 60000 },
    lineFeatures: apiVersion >= TAPI_VERSION.V1_4 ? LINEFEATURE.MAKECALL : 0,
    partialDial: device.caps.partialDial,
  };
}

/** The states calls on a simulated address can report. */
export const ADDRESS_CALL_STATES =
  LINECALLSTATE.IDLE |
  LINECALLSTATE.OFFERING |
  LINECALLSTATE.ACCEPTED |
  LINECALLSTATE.DIALTONE |
  LINECALLSTATE.DIALING |
  LINECALLSTATE.RINGBACK |
  LINECALLSTATE.BUSY |
  LINECALLSTATE.SPECIALINFO |
  LINECALLSTATE.CONNECTED |
  LINECALLSTATE.PROCEEDING |
  LINECALLSTATE.ONHOLD |
  LINECALLSTATE.CONFERENCED |
  LINECALLSTATE.ONHOLDPENDTRANSFER |
  LINECALLSTATE.DISCONNECTED |
  LINECALLSTATE.UNKNOWN;

/** LINEADDRESSCAPS of address 0 for `apiVersion` (fields newer than it read 0). */
export function addressCapsOf(device: SimDevice, apiVersion: number): LineAddressCaps {
  const sw = device.switching;
  const v2 = apiVersion >= TAPI_VERSION.V2_0;
  const partial = device.caps.partialDial ? LINEADDRCAPFLAGS.PARTIALDIAL : 0;
  return {
    lineDeviceId: device.deviceId,
    address: device.address,
    addressSharing: LINEADDRESSSHARING.PRIVATE,
    addressStates: 0,
    callInfoStates: 0x00ffffff,
    callerIdFlags: 0x3f,
    calledIdFlags: 0x3f,
    connectedIdFlags: 0x3f,
    redirectionIdFlags: 0x20,
    redirectingIdFlags: 0x20,
    callStates: ADDRESS_CALL_STATES,
    dialToneModes: 0x1,
    busyModes: 0x1,
    specialInfo: 0x4,
    disconnectModes: Object.values(LINEDISCONNECTMODE).reduce((a, b) => a | b, 0),
    maxNumActiveCalls: device.maxNumActiveCalls,
    maxNumOnHoldCalls: sw.maxNumOnHoldCalls,
    maxNumOnHoldPendingCalls: sw.maxNumOnHoldPendingCalls,
    maxNumConference: sw.maxNumConference,
    maxNumTransConf: sw.maxNumConference,
    addrCapFlags: sw.addrCapFlags | partial,
    callFeatures: sw.callFeatures,
    removeFromConfCaps: 0x1,
    removeFromConfState: 0,
    transferModes: sw.transferModes,
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
    deviceClasses: v2 ? (device.wave ? ['tapi/line', 'wave/in', 'wave/out'] : ['tapi/line']) : [],
    maxCallDataSize: 0,
    callFeatures2: v2 ? sw.callFeatures2 : 0,
    maxNoAnswerTimeout: v2 ? 3600 : 0,
    connectedModes: v2 ? 0x1 : 0,
    offeringModes: v2 ? 0x1 : 0,
    availableMediaModes: v2 ? device.mediaModes : 0,
  };
}
