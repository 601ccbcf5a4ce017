// The simulated line devices and their LINEDEVCAPS.
import {
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
import type { LineDevCaps } from '../../provider';
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
}

const FULL_MEDIA =
  LINEMEDIAMODE.INTERACTIVEVOICE | LINEMEDIAMODE.AUTOMATEDVOICE | LINEMEDIAMODE.DATAMODEM | LINEMEDIAMODE.G3FAX;

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
    generateDigitModes: LINEDIGITMODE.DTMF,
    monitorDigitModes: LINEDIGITMODE.DTMF | LINEDIGITMODE.DTMFEND,
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
