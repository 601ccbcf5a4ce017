// LINEADDRESSCAPS in the library's words: line.addressCaps(addressId).
import { LINEADDRCAPFLAGS, LINEADDRFEATURE, LINEADDRESSSHARING, LINETRANSFERMODE, flagNames, nameOf } from './constants';
import { TapiError } from './errors';
import { callFeature2Names, callFeatureNames } from './call-features';
import type { LineAddressCaps } from './provider';

export interface AddressCaps {
  addressId: number;
  /** The address's own number ('' when the provider gives none). */
  address: string;
  /** 'private', 'bridgedexcl', 'bridgednew', 'bridgedshared', 'monitored' or 'unknown'. */
  sharing: string;
  /** lineCompleteTransfer modes: 'transfer', 'conference'. */
  transferModes: string[];
  maxActiveCalls: number;
  maxHeldCalls: number;
  maxHeldPendingCalls: number;
  maxConferenceParties: number;
  maxTransferConferenceParties: number;
  /** LINECALLFEATURE names that can ever work on this address ('hold', 'blindtransfer', ...). */
  callFeatures: string[];
  /** LINECALLFEATURE2 names ('transfernorm', 'transferconf', ...). */
  callFeatures2: string[];
  /** LINEADDRFEATURE names ('makecall', 'forward', ...). */
  addressFeatures: string[];
  /** LINEADDRCAPFLAGS names ('partialdial', 'autoreconnect', 'transferheld', ...). */
  flags: string[];
  /** Device classes for lineGetID ('wave/in', 'wave/out', ...). */
  deviceClasses: string[];
  /** The structure as read. */
  raw: LineAddressCaps;
}

const lower = (names: string[]) => names.map((n) => n.toLowerCase());

export function toAddressCaps(addressId: number, raw: LineAddressCaps): AddressCaps {
  return {
    addressId,
    address: raw.address,
    sharing: (nameOf(LINEADDRESSSHARING, raw.addressSharing) ?? 'unknown').toLowerCase(),
    transferModes: lower(flagNames(LINETRANSFERMODE, raw.transferModes)),
    maxActiveCalls: raw.maxNumActiveCalls,
    maxHeldCalls: raw.maxNumOnHoldCalls,
    maxHeldPendingCalls: raw.maxNumOnHoldPendingCalls,
    maxConferenceParties: raw.maxNumConference,
    maxTransferConferenceParties: raw.maxNumTransConf,
    callFeatures: callFeatureNames(raw.callFeatures),
    callFeatures2: callFeature2Names(raw.callFeatures2),
    addressFeatures: lower(flagNames(LINEADDRFEATURE, raw.addressFeatures)),
    flags: lower(flagNames(LINEADDRCAPFLAGS, raw.addrCapFlags)),
    deviceClasses: [...raw.deviceClasses],
    raw,
  };
}

export function checkAddressId(addressId: unknown, numAddresses: number): number {
  if (typeof addressId !== 'number' || !Number.isInteger(addressId) || addressId < 0 || addressId >= numAddresses) {
    throw TapiError.of('INVALADDRESSID', 'lineGetAddressCaps', `address ids are 0..${numAddresses - 1}; got ${String(addressId)}`);
  }
  return addressId;
}
