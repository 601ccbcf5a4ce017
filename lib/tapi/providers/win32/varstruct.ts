// Variably sized output structures (tapi-reference.md §3.1): the grow-and-retry loop and the readers
// of LINEDEVCAPS, LINECALLINFO and LINECALLSTATUS. Only fields inside the fixed part of the
// negotiated version are read, whatever the buffer size.
import { LINEERR } from '../../constants';
import { TapiError } from '../../errors';
import type { DialParams, LineCallInfo, LineCallStatus, LineDevCaps } from '../../provider';
import { readUtf16 } from './strings';
import { LINECALLINFO, LINECALLSTATUS, LINEDEVCAPS, LINEDIALPARAMS, SYSTEMTIME } from './structs';

const MAX_STRUCT_BYTES = 1 << 20;
const MAX_TRIES = 6;

/**
 * Call `fn(buffer)` until the structure is complete: starts with `initial` bytes (at least `fixed`),
 * sets dwTotalSize, grows to dwNeededSize on success with dwNeededSize > dwTotalSize, and also on
 * LINEERR_STRUCTURETOOSMALL (defensively). Returns the buffer and the bytes that hold data.
 */
export function readVariable(
  fixed: number,
  initial: number,
  operation: string,
  fn: (buf: Uint8Array) => number,
): { buf: Uint8Array; used: number } {
  let size = Math.max(fixed, initial);
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const buf = new Uint8Array(size);
    const view = new DataView(buf.buffer);
    view.setUint32(0, size, true);
    const rc = fn(buf) | 0;
    const needed = view.getUint32(4, true);
    if (rc === (LINEERR.STRUCTURETOOSMALL | 0)) {
      size = Math.max(size * 2, needed, fixed);
    } else if (rc < 0) {
      throw new TapiError(rc, operation);
    } else if (needed > size) {
      size = needed;
    } else {
      const used = Math.min(Math.max(view.getUint32(8, true), fixed), size);
      return { buf, used };
    }
    if (size > MAX_STRUCT_BYTES) break;
  }
  throw TapiError.of('STRUCTURETOOSMALL', operation, `the structure did not fit in ${MAX_STRUCT_BYTES} bytes after ${MAX_TRIES} attempts`);
}

class Reader {
  private readonly view: DataView;
  constructor(
    private readonly buf: Uint8Array,
    /** Bytes of the fixed part for the negotiated version: nothing at or beyond it is read. */
    private readonly fixed: number,
    private readonly limit: number,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  has(offset: number, size = 4): boolean {
    return offset + size <= this.fixed;
  }
  u32(offset: number): number {
    return this.has(offset) ? this.view.getUint32(offset, true) : 0;
  }
  u16(offset: number): number {
    return this.has(offset, 2) ? this.view.getUint16(offset, true) : 0;
  }
  str(sizeFieldOffset: number): string {
    return this.has(sizeFieldOffset, 8) ? readUtf16(this.buf, sizeFieldOffset, this.limit) : '';
  }
  dialParams(offset: number): DialParams {
    return {
      dialPause: this.u32(offset + LINEDIALPARAMS.dwDialPause),
      dialSpeed: this.u32(offset + LINEDIALPARAMS.dwDialSpeed),
      digitDuration: this.u32(offset + LINEDIALPARAMS.dwDigitDuration),
      waitForDialtone: this.u32(offset + LINEDIALPARAMS.dwWaitForDialtone),
    };
  }
}

export function parseDevCaps(buf: Uint8Array, used: number, fixed: number, deviceId: number, apiVersion: number): LineDevCaps {
  const r = new Reader(buf, fixed, used);
  const D = LINEDEVCAPS;
  return {
    deviceId,
    apiVersion,
    name: r.str(D.dwLineNameSize),
    providerInfo: r.str(D.dwProviderInfoSize),
    switchInfo: r.str(D.dwSwitchInfoSize),
    permanentLineId: r.u32(D.dwPermanentLineID),
    addressModes: r.u32(D.dwAddressModes),
    numAddresses: r.u32(D.dwNumAddresses),
    bearerModes: r.u32(D.dwBearerModes),
    maxRate: r.u32(D.dwMaxRate),
    mediaModes: r.u32(D.dwMediaModes),
    generateDigitModes: r.u32(D.dwGenerateDigitModes),
    monitorDigitModes: r.u32(D.dwMonitorDigitModes),
    generateToneModes: r.u32(D.dwGenerateToneModes),
    generateToneMaxNumFreq: r.u32(D.dwGenerateToneMaxNumFreq),
    monitorToneMaxNumFreq: r.u32(D.dwMonitorToneMaxNumFreq),
    monitorToneMaxNumEntries: r.u32(D.dwMonitorToneMaxNumEntries),
    gatherDigitsMinTimeout: r.u32(D.dwGatherDigitsMinTimeout),
    gatherDigitsMaxTimeout: r.u32(D.dwGatherDigitsMaxTimeout),
    devCapFlags: r.u32(D.dwDevCapFlags),
    maxNumActiveCalls: r.u32(D.dwMaxNumActiveCalls),
    answerMode: r.u32(D.dwAnswerMode),
    lineStates: r.u32(D.dwLineStates),
    uuiMakeCallSize: r.u32(D.dwUUIMakeCallSize),
    uuiDropSize: r.u32(D.dwUUIDropSize),
    defaultDialParams: r.dialParams(D.DefaultDialParams),
    lineFeatures: r.u32(D.dwLineFeatures), // 1.4+: 0 below (outside the fixed part)
    partialDial: undefined, // in LINEADDRESSCAPS (getAddressCaps); TAPI enforces it itself
  };
}

export function parseCallInfo(buf: Uint8Array, used: number, fixed: number): LineCallInfo {
  const r = new Reader(buf, fixed, used);
  const C = LINECALLINFO;
  return {
    hLine: r.u32(C.hLine),
    lineDeviceId: r.u32(C.dwLineDeviceID),
    addressId: r.u32(C.dwAddressID),
    bearerMode: r.u32(C.dwBearerMode),
    rate: r.u32(C.dwRate),
    mediaMode: r.u32(C.dwMediaMode),
    callId: r.u32(C.dwCallID),
    relatedCallId: r.u32(C.dwRelatedCallID),
    callParamFlags: r.u32(C.dwCallParamFlags),
    callStates: r.u32(C.dwCallStates),
    origin: r.u32(C.dwOrigin),
    reason: r.u32(C.dwReason),
    numOwners: r.u32(C.dwNumOwners),
    numMonitors: r.u32(C.dwNumMonitors),
    countryCode: r.u32(C.dwCountryCode),
    trunk: r.u32(C.dwTrunk),
    callerIdFlags: r.u32(C.dwCallerIDFlags),
    callerId: r.str(C.dwCallerIDSize),
    callerIdName: r.str(C.dwCallerIDNameSize),
    calledIdFlags: r.u32(C.dwCalledIDFlags),
    calledId: r.str(C.dwCalledIDSize),
    calledIdName: r.str(C.dwCalledIDNameSize),
    connectedIdFlags: r.u32(C.dwConnectedIDFlags),
    connectedId: r.str(C.dwConnectedIDSize),
    connectedIdName: r.str(C.dwConnectedIDNameSize),
    redirectionIdFlags: r.u32(C.dwRedirectionIDFlags),
    redirectionId: r.str(C.dwRedirectionIDSize),
    redirectionIdName: r.str(C.dwRedirectionIDNameSize),
    redirectingIdFlags: r.u32(C.dwRedirectingIDFlags),
    redirectingId: r.str(C.dwRedirectingIDSize),
    redirectingIdName: r.str(C.dwRedirectingIDNameSize),
    appName: r.str(C.dwAppNameSize),
    displayableAddress: r.str(C.dwDisplayableAddressSize),
    calledParty: r.str(C.dwCalledPartySize),
    comment: r.str(C.dwCommentSize),
  };
}

export function parseCallStatus(buf: Uint8Array, used: number, fixed: number): LineCallStatus {
  const r = new Reader(buf, fixed, used);
  const S = LINECALLSTATUS;
  const status: LineCallStatus = {
    callState: r.u32(S.dwCallState),
    callStateMode: r.u32(S.dwCallStateMode),
    callPrivilege: r.u32(S.dwCallPrivilege),
    callFeatures: r.u32(S.dwCallFeatures),
    callFeatures2: r.u32(S.dwCallFeatures2),
  };
  const t = S.tStateEntryTime;
  if (r.has(t, 16)) {
    const year = r.u16(t + SYSTEMTIME.wYear);
    if (year >= 1601) {
      status.stateEntryTime = new Date(
        Date.UTC(
          year,
          r.u16(t + SYSTEMTIME.wMonth) - 1,
          r.u16(t + SYSTEMTIME.wDay),
          r.u16(t + SYSTEMTIME.wHour),
          r.u16(t + SYSTEMTIME.wMinute),
          r.u16(t + SYSTEMTIME.wSecond),
          r.u16(t + SYSTEMTIME.wMilliseconds),
        ),
      );
    }
  }
  return status;
}
