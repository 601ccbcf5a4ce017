// Structures of the call-control and signalling functions (tapi-reference.md §14.3, §14.5): LINEADDRESSCAPS
// (DWORDs only, identical on x86 and x64, fixed part by version), and the two non-extensible arrays read during
// a synchronous call, LINEGENERATETONE (16 bytes) and LINEMONITORTONE (20 bytes; same on x86 and x64).
import { TAPI_VERSION } from '../../constants';
import type { LineAddressCaps, LineGenerateTone, LineMonitorTone } from '../../provider';
import { readUtf16 } from './strings';

/** LINEADDRESSCAPS (§14.5): byte offset of every field; sizeof (all fields) 228. */
export const LINEADDRESSCAPS = {
  dwTotalSize: 0,
  dwNeededSize: 4,
  dwUsedSize: 8,
  dwLineDeviceID: 12,
  dwAddressSize: 16,
  dwAddressOffset: 20,
  dwDevSpecificSize: 24,
  dwDevSpecificOffset: 28,
  dwAddressSharing: 32,
  dwAddressStates: 36,
  dwCallInfoStates: 40,
  dwCallerIDFlags: 44,
  dwCalledIDFlags: 48,
  dwConnectedIDFlags: 52,
  dwRedirectionIDFlags: 56,
  dwRedirectingIDFlags: 60,
  dwCallStates: 64,
  dwDialToneModes: 68,
  dwBusyModes: 72,
  dwSpecialInfo: 76,
  dwDisconnectModes: 80,
  dwMaxNumActiveCalls: 84,
  dwMaxNumOnHoldCalls: 88,
  dwMaxNumOnHoldPendingCalls: 92,
  dwMaxNumConference: 96,
  dwMaxNumTransConf: 100,
  dwAddrCapFlags: 104,
  dwCallFeatures: 108,
  dwRemoveFromConfCaps: 112,
  dwRemoveFromConfState: 116,
  dwTransferModes: 120,
  dwParkModes: 124,
  dwForwardModes: 128,
  dwMaxForwardEntries: 132,
  dwMaxSpecificEntries: 136,
  dwMinFwdNumRings: 140,
  dwMaxFwdNumRings: 144,
  dwMaxCallCompletions: 148,
  dwCallCompletionConds: 152,
  dwCallCompletionModes: 156,
  dwNumCompletionMessages: 160,
  dwCompletionMsgTextEntrySize: 164,
  dwCompletionMsgTextSize: 168,
  dwCompletionMsgTextOffset: 172,
  dwAddressFeatures: 176, // since 1.4
  dwPredictiveAutoTransferStates: 180, // since 2.0
  dwNumCallTreatments: 184,
  dwCallTreatmentListSize: 188,
  dwCallTreatmentListOffset: 192,
  dwDeviceClassesSize: 196,
  dwDeviceClassesOffset: 200,
  dwMaxCallDataSize: 204,
  dwCallFeatures2: 208,
  dwMaxNoAnswerTimeout: 212,
  dwConnectedModes: 216,
  dwOfferingModes: 220,
  dwAvailableMediaModes: 224,
} as const;

export const LINEADDRESSCAPS_FULL_SIZE = 228;

/** Fixed part by negotiated version (§14.5): 1.3 = 176, 1.4 = 180, 2.0 and later = 228. */
export function addressCapsFixedSize(apiVersion: number): number {
  if (apiVersion < TAPI_VERSION.V1_4) return 176;
  if (apiVersion < TAPI_VERSION.V2_0) return 180;
  return 228;
}

/** LINEGENERATETONE (§14.3): non-extensible, 16 bytes on x86 and x64. */
export const LINEGENERATETONE = { dwFrequency: 0, dwCadenceOn: 4, dwCadenceOff: 8, dwVolume: 12 } as const;
export const LINEGENERATETONE_SIZE = 16;

/** LINEMONITORTONE (§14.3): non-extensible, 20 bytes on x86 and x64. */
export const LINEMONITORTONE = { dwAppSpecific: 0, dwDuration: 4, dwFrequency1: 8, dwFrequency2: 12, dwFrequency3: 16 } as const;
export const LINEMONITORTONE_SIZE = 20;

function dword(value: number): number {
  return Number.isFinite(value) ? Math.trunc(value) >>> 0 : 0;
}

/** The LINEGENERATETONE array of a custom tone (read by TAPI during the synchronous call only). */
export function encodeGenerateTones(tones: readonly LineGenerateTone[]): Buffer {
  const buf = Buffer.alloc(tones.length * LINEGENERATETONE_SIZE);
  tones.forEach((t, i) => {
    const base = i * LINEGENERATETONE_SIZE;
    buf.writeUInt32LE(dword(t.frequency), base + LINEGENERATETONE.dwFrequency);
    buf.writeUInt32LE(dword(t.cadenceOn), base + LINEGENERATETONE.dwCadenceOn);
    buf.writeUInt32LE(dword(t.cadenceOff), base + LINEGENERATETONE.dwCadenceOff);
    buf.writeUInt32LE(dword(t.volume), base + LINEGENERATETONE.dwVolume);
  });
  return buf;
}

/** The LINEMONITORTONE array of lineMonitorTones (read during the synchronous call only). */
export function encodeMonitorTones(tones: readonly LineMonitorTone[]): Buffer {
  const buf = Buffer.alloc(tones.length * LINEMONITORTONE_SIZE);
  tones.forEach((t, i) => {
    const base = i * LINEMONITORTONE_SIZE;
    buf.writeUInt32LE(dword(t.appSpecific), base + LINEMONITORTONE.dwAppSpecific);
    buf.writeUInt32LE(dword(t.duration), base + LINEMONITORTONE.dwDuration);
    buf.writeUInt32LE(dword(t.frequency1), base + LINEMONITORTONE.dwFrequency1);
    buf.writeUInt32LE(dword(t.frequency2), base + LINEMONITORTONE.dwFrequency2);
    buf.writeUInt32LE(dword(t.frequency3), base + LINEMONITORTONE.dwFrequency3);
  });
  return buf;
}

/** A NUL-separated, double-NUL-terminated UTF-16 list (dwDeviceClassesSize/Offset). */
export function readStringList(buf: Uint8Array, sizeFieldOffset: number, limit: number): string[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const size = view.getUint32(sizeFieldOffset, true);
  const offset = view.getUint32(sizeFieldOffset + 4, true);
  if (size < 2 || offset === 0 || offset + size > limit || offset + size > buf.byteLength) return [];
  const text = Buffer.from(buf.buffer, buf.byteOffset + offset, size & ~1).toString('utf16le');
  return text.split('\0').filter((s) => s.length > 0);
}

/** LINEADDRESSCAPS as filled for `fixed` bytes of fixed part: fields beyond it read 0. */
export function parseAddressCaps(buf: Uint8Array, used: number, fixed: number): LineAddressCaps {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const A = LINEADDRESSCAPS;
  const u = (offset: number) => (offset + 4 <= fixed ? view.getUint32(offset, true) : 0);
  return {
    lineDeviceId: u(A.dwLineDeviceID),
    address: readUtf16(buf, A.dwAddressSize, used),
    addressSharing: u(A.dwAddressSharing),
    addressStates: u(A.dwAddressStates),
    callInfoStates: u(A.dwCallInfoStates),
    callerIdFlags: u(A.dwCallerIDFlags),
    calledIdFlags: u(A.dwCalledIDFlags),
    connectedIdFlags: u(A.dwConnectedIDFlags),
    redirectionIdFlags: u(A.dwRedirectionIDFlags),
    redirectingIdFlags: u(A.dwRedirectingIDFlags),
    callStates: u(A.dwCallStates),
    dialToneModes: u(A.dwDialToneModes),
    busyModes: u(A.dwBusyModes),
    specialInfo: u(A.dwSpecialInfo),
    disconnectModes: u(A.dwDisconnectModes),
    maxNumActiveCalls: u(A.dwMaxNumActiveCalls),
    maxNumOnHoldCalls: u(A.dwMaxNumOnHoldCalls),
    maxNumOnHoldPendingCalls: u(A.dwMaxNumOnHoldPendingCalls),
    maxNumConference: u(A.dwMaxNumConference),
    maxNumTransConf: u(A.dwMaxNumTransConf),
    addrCapFlags: u(A.dwAddrCapFlags),
    callFeatures: u(A.dwCallFeatures),
    removeFromConfCaps: u(A.dwRemoveFromConfCaps),
    removeFromConfState: u(A.dwRemoveFromConfState),
    transferModes: u(A.dwTransferModes),
    parkModes: u(A.dwParkModes),
    forwardModes: u(A.dwForwardModes),
    maxForwardEntries: u(A.dwMaxForwardEntries),
    maxSpecificEntries: u(A.dwMaxSpecificEntries),
    minFwdNumRings: u(A.dwMinFwdNumRings),
    maxFwdNumRings: u(A.dwMaxFwdNumRings),
    maxCallCompletions: u(A.dwMaxCallCompletions),
    callCompletionConds: u(A.dwCallCompletionConds),
    callCompletionModes: u(A.dwCallCompletionModes),
    numCompletionMessages: u(A.dwNumCompletionMessages),
    completionMsgTextEntrySize: u(A.dwCompletionMsgTextEntrySize),
    addressFeatures: u(A.dwAddressFeatures),
    predictiveAutoTransferStates: u(A.dwPredictiveAutoTransferStates),
    numCallTreatments: u(A.dwNumCallTreatments),
    deviceClasses: A.dwDeviceClassesOffset + 4 <= fixed ? readStringList(buf, A.dwDeviceClassesSize, used) : [],
    maxCallDataSize: u(A.dwMaxCallDataSize),
    callFeatures2: u(A.dwCallFeatures2),
    maxNoAnswerTimeout: u(A.dwMaxNoAnswerTimeout),
    connectedModes: u(A.dwConnectedModes),
    offeringModes: u(A.dwOfferingModes),
    availableMediaModes: u(A.dwAvailableMediaModes),
  };
}
