// LineDevice: what an app knows about a line device before opening it (from LINEDEVCAPS).
import { LINEBEARERMODE, LINEDEVCAPFLAGS, LINEMEDIAMODE, flagNames } from './constants';
import type { LineDevCaps } from './provider';
import type { LineDeviceCapabilities } from './types';

export interface LineDevice {
  deviceId: number;
  name: string;
  /** The negotiated API version for this device. */
  apiVersion: number;
  providerInfo: string;
  switchInfo: string;
  permanentLineId: number;
  numAddresses: number;
  /** LINEBEARERMODE names, lower case ('voice', 'data', ...). */
  bearerModes: string[];
  /** LINEMEDIAMODE names, lower case ('interactivevoice', 'datamodem', ...). */
  mediaModes: string[];
  /** Dialling capabilities: `$`, `@`, `W` and a trailing `;`. */
  capabilities: LineDeviceCapabilities;
  maxNumActiveCalls: number;
  /** True after LINE_REMOVE: the id stays but opening it gives LINEERR_NODEVICE. */
  removed: boolean;
  /** The raw LINEDEVCAPS as read. */
  caps: LineDevCaps;
}

export function toLineDevice(caps: LineDevCaps): LineDevice {
  return {
    deviceId: caps.deviceId,
    name: caps.name,
    apiVersion: caps.apiVersion,
    providerInfo: caps.providerInfo,
    switchInfo: caps.switchInfo,
    permanentLineId: caps.permanentLineId,
    numAddresses: caps.numAddresses,
    bearerModes: flagNames(LINEBEARERMODE, caps.bearerModes).map((n) => n.toLowerCase()),
    mediaModes: flagNames(LINEMEDIAMODE, caps.mediaModes).map((n) => n.toLowerCase()),
    capabilities: {
      dialBilling: (caps.devCapFlags & LINEDEVCAPFLAGS.DIALBILLING) !== 0,
      dialQuiet: (caps.devCapFlags & LINEDEVCAPFLAGS.DIALQUIET) !== 0,
      dialDialtone: (caps.devCapFlags & LINEDEVCAPFLAGS.DIALDIALTONE) !== 0,
      // Unknown (win32 does not read LINEADDRESSCAPS): let TAPI itself refuse a `;` it cannot do.
      partialDial: caps.partialDial ?? true,
      ...(caps.sipUri === true ? { sipUri: true } : {}),
    },
    maxNumActiveCalls: caps.maxNumActiveCalls,
    removed: false,
    caps,
  };
}
