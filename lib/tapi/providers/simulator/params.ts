// LINECALLPARAMS checks for lineMakeCall, against the device (tapi-reference.md §3.7).
import { LINEADDRESSMODE, LINEBEARERMODE, LINECALLPARAMFLAGS, LINEMEDIAMODE } from '../../constants';
import { TapiError } from '../../errors';
import { digitsOf } from '../../address';
import type { LineCallParams } from '../../provider';
import type { SimDevice } from './devices';

/** The parameters a call runs with: every default filled in. */
export interface EffectiveCallParams {
  bearerMode: number;
  mediaMode: number;
  rate: number;
  callParamFlags: number;
  addressId: number;
  /** Seconds; 0 = never. */
  noAnswerTimeout: number;
  displayableAddress: string;
  calledParty: string;
  comment: string;
}

const ALL_BEARER = Object.values(LINEBEARERMODE).reduce((a, b) => a | b, 0);
const ALL_MEDIA = Object.values(LINEMEDIAMODE).reduce((a, b) => a | b, 0);
const ALL_PARAMFLAGS = Object.values(LINECALLPARAMFLAGS).reduce((a, b) => a | b, 0);

function singleBit(value: number): boolean {
  return value > 0 && (value & (value - 1)) === 0;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * The call parameters with TAPI's defaults (null = 3.1 kHz voice call, interactive voice, address 0), or a
 * TapiError: INVALBEARERMODE (unknown bits / more than one), BEARERMODEUNAVAIL (not offered by the device),
 * INVALMEDIAMODE (unknown bits / more than one / not offered), INVALRATE, INVALCALLPARAMS (unknown flag bits,
 * bad numbers), INVALADDRESSMODE, INVALADDRESSID (>= numAddresses), INVALADDRESS (DIALABLEADDR with another
 * origin address), USERUSERINFOTOOBIG (> uuiMakeCallSize).
 */
export function effectiveCallParams(params: LineCallParams | null, device: SimDevice, operation: string): EffectiveCallParams {
  const p = params ?? {};
  const bearerMode = p.bearerMode ?? 0;
  let bearer: number = LINEBEARERMODE.VOICE;
  if (bearerMode !== 0) {
    if (!Number.isInteger(bearerMode) || (bearerMode & ~ALL_BEARER) !== 0 || !singleBit(bearerMode)) {
      throw TapiError.of('INVALBEARERMODE', operation, `bearer mode 0x${(bearerMode >>> 0).toString(16)}`);
    }
    if ((device.bearerModes & bearerMode) === 0)
      throw TapiError.of('BEARERMODEUNAVAIL', operation, 'the line does not offer this bearer mode');
    bearer = bearerMode;
  }
  const mediaMode = p.mediaMode ?? 0;
  let media: number = LINEMEDIAMODE.INTERACTIVEVOICE;
  if (mediaMode !== 0) {
    if (!Number.isInteger(mediaMode) || (mediaMode & ~ALL_MEDIA) !== 0 || !singleBit(mediaMode)) {
      throw TapiError.of('INVALMEDIAMODE', operation, `media mode 0x${(mediaMode >>> 0).toString(16)}`);
    }
    if ((device.mediaModes & mediaMode) === 0) throw TapiError.of('INVALMEDIAMODE', operation, 'the line does not offer this media mode');
    media = mediaMode;
  }
  const minRate = p.minRate ?? 0;
  const maxRate = p.maxRate ?? 0;
  if (!isCount(minRate) || !isCount(maxRate) || (maxRate !== 0 && minRate > maxRate)) {
    throw TapiError.of('INVALRATE', operation, 'minRate/maxRate');
  }
  if (minRate > device.maxRate) throw TapiError.of('RATEUNAVAIL', operation, 'minRate above the line maximum');
  const rate = maxRate === 0 ? device.maxRate : Math.min(maxRate, device.maxRate);

  const flags = p.callParamFlags ?? 0;
  if (!Number.isInteger(flags) || (flags & ~ALL_PARAMFLAGS) !== 0 || flags < 0) {
    throw TapiError.of('INVALCALLPARAMS', operation, 'unknown LINECALLPARAMFLAGS bits');
  }

  const addressMode = p.addressMode ?? 0;
  let addressId = 0;
  if (addressMode === 0 || addressMode === LINEADDRESSMODE.ADDRESSID) {
    addressId = p.addressId ?? 0;
    if (!Number.isInteger(addressId) || addressId < 0 || addressId >= device.numAddresses) {
      throw TapiError.of('INVALADDRESSID', operation, `address id ${addressId}; the line has ${device.numAddresses}`);
    }
  } else if (addressMode === LINEADDRESSMODE.DIALABLEADDR) {
    if (typeof p.origAddress !== 'string' || p.origAddress === '') {
      throw TapiError.of('INVALCALLPARAMS', operation, 'LINEADDRESSMODE_DIALABLEADDR needs origAddress');
    }
    if (digitsOf(p.origAddress) !== digitsOf(device.address)) {
      throw TapiError.of('INVALADDRESS', operation, 'origAddress is not an address of this line');
    }
  } else {
    throw TapiError.of('INVALADDRESSMODE', operation, `address mode ${addressMode}`);
  }

  const uui = p.userUserInfo?.length ?? 0;
  if (uui > device.uuiMakeCallSize) {
    throw TapiError.of('USERUSERINFOTOOBIG', operation, `${uui} bytes; the line accepts ${device.uuiMakeCallSize}`);
  }
  const noAnswerTimeout = p.noAnswerTimeout ?? 0;
  if (!isCount(noAnswerTimeout)) throw TapiError.of('INVALCALLPARAMS', operation, 'noAnswerTimeout must be seconds >= 0');
  for (const value of Object.values(p.dialParams ?? {})) {
    if (value !== undefined && !isCount(value)) throw TapiError.of('INVALDIALPARAMS', operation, 'dial params must be milliseconds >= 0');
  }

  return {
    bearerMode: bearer,
    mediaMode: media,
    rate,
    callParamFlags: flags,
    addressId,
    noAnswerTimeout,
    displayableAddress: p.displayableAddress ?? '',
    calledParty: p.calledParty ?? '',
    comment: p.comment ?? '',
  };
}
