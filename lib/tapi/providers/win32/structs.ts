// Struct layouts of the TAPI 2.x ABI (tapi-reference.md §3). Offsets tables for the DWORD-only
// structures (identical on x86 and x64), per-version fixed sizes (§3.1), layouts of the two
// pointer-bearing structures by pointer size (x64/arm64: 8, x86: 4), and koffi.pack() types for them
// (created lazily: this module must not load koffi). Fields beyond the fixed part of the negotiated
// version are never read.
import type * as Koffi from 'koffi';
import { LINEERR, TAPI_VERSION } from '../../constants';
import { TapiError } from '../../errors';

/** Pointer size of the process: 8 on x64 and arm64, 4 on x86. Windows is always little-endian. */
export type PointerSize = 4 | 8;

/** LINEINITIALIZEEXPARAMS (§3.2): pack(1); 28 bytes on x64, 24 on x86 (the HANDLE union is pointer-sized). */
export interface LineInitializeExParamsLayout {
  dwTotalSize: number;
  dwNeededSize: number;
  dwUsedSize: number;
  dwOptions: number;
  hEvent: number;
  dwCompletionKey: number;
  size: number;
}

/** LINEMESSAGE (§3.3): hDevice/dwMessageID are DWORDs, the rest DWORD_PTR; 40 bytes on x64, 24 on x86. */
export interface LineMessageLayout {
  hDevice: number;
  dwMessageID: number;
  dwCallbackInstance: number;
  dwParam1: number;
  dwParam2: number;
  dwParam3: number;
  size: number;
}

export function lineInitializeExParamsLayout(pointerSize: PointerSize): LineInitializeExParamsLayout {
  const p = pointerSize;
  return { dwTotalSize: 0, dwNeededSize: 4, dwUsedSize: 8, dwOptions: 12, hEvent: 16, dwCompletionKey: 16 + p, size: 20 + p };
}

export function lineMessageLayout(pointerSize: PointerSize): LineMessageLayout {
  const p = pointerSize;
  return { hDevice: 0, dwMessageID: 4, dwCallbackInstance: 8, dwParam1: 8 + p, dwParam2: 8 + 2 * p, dwParam3: 8 + 3 * p, size: 8 + 4 * p };
}

/** The pointer size koffi runs with (never assumed). */
export function pointerSizeOf(koffi: typeof Koffi): PointerSize {
  const size = koffi.sizeof('void *');
  if (size !== 4 && size !== 8) throw new TapiError(LINEERR.NODRIVER, 'lineInitializeEx', `unsupported pointer size ${size}`);
  return size;
}

/** SYSTEMTIME: 8 WORDs. */
export const SYSTEMTIME = {
  wYear: 0,
  wMonth: 2,
  wDayOfWeek: 4,
  wDay: 6,
  wHour: 8,
  wMinute: 10,
  wSecond: 12,
  wMilliseconds: 14,
} as const;

/** LINEDIALPARAMS (§3): byte offset of every field; sizeof (all fields) 16. */
export const LINEDIALPARAMS = {
  dwDialPause: 0,
  dwDialSpeed: 4,
  dwDigitDuration: 8,
  dwWaitForDialtone: 12,
} as const;

/** LINEEXTENSIONID (§3): byte offset of every field; sizeof (all fields) 16. */
export const LINEEXTENSIONID = {
  dwExtensionID0: 0,
  dwExtensionID1: 4,
  dwExtensionID2: 8,
  dwExtensionID3: 12,
} as const;

/** VARSTRING (§3): byte offset of every field; sizeof (all fields) 24. */
export const VARSTRING = {
  dwTotalSize: 0,
  dwNeededSize: 4,
  dwUsedSize: 8,
  dwStringFormat: 12,
  dwStringSize: 16,
  dwStringOffset: 20,
} as const;

/** LINECALLPARAMS (§3): byte offset of every field; sizeof (all fields) 180. */
export const LINECALLPARAMS = {
  dwTotalSize: 0,
  dwBearerMode: 4,
  dwMinRate: 8,
  dwMaxRate: 12,
  dwMediaMode: 16,
  dwCallParamFlags: 20,
  dwAddressMode: 24,
  dwAddressID: 28,
  DialParams: 32, // LINEDIALPARAMS, 16 bytes
  dwOrigAddressSize: 48,
  dwOrigAddressOffset: 52,
  dwDisplayableAddressSize: 56,
  dwDisplayableAddressOffset: 60,
  dwCalledPartySize: 64,
  dwCalledPartyOffset: 68,
  dwCommentSize: 72,
  dwCommentOffset: 76,
  dwUserUserInfoSize: 80,
  dwUserUserInfoOffset: 84,
  dwHighLevelCompSize: 88,
  dwHighLevelCompOffset: 92,
  dwLowLevelCompSize: 96,
  dwLowLevelCompOffset: 100,
  dwDevSpecificSize: 104,
  dwDevSpecificOffset: 108,
  dwPredictiveAutoTransferStates: 112, // since 2.0
  dwTargetAddressSize: 116, // since 2.0
  dwTargetAddressOffset: 120, // since 2.0
  dwSendingFlowspecSize: 124, // since 2.0
  dwSendingFlowspecOffset: 128, // since 2.0
  dwReceivingFlowspecSize: 132, // since 2.0
  dwReceivingFlowspecOffset: 136, // since 2.0
  dwDeviceClassSize: 140, // since 2.0
  dwDeviceClassOffset: 144, // since 2.0
  dwDeviceConfigSize: 148, // since 2.0
  dwDeviceConfigOffset: 152, // since 2.0
  dwCallDataSize: 156, // since 2.0
  dwCallDataOffset: 160, // since 2.0
  dwNoAnswerTimeout: 164, // since 2.0
  dwCallingPartyIDSize: 168, // since 2.0
  dwCallingPartyIDOffset: 172, // since 2.0
  dwAddressType: 176, // since 3.0
} as const;

/** LINECALLSTATUS (§3): byte offset of every field; sizeof (all fields) 56. */
export const LINECALLSTATUS = {
  dwTotalSize: 0,
  dwNeededSize: 4,
  dwUsedSize: 8,
  dwCallState: 12,
  dwCallStateMode: 16,
  dwCallPrivilege: 20,
  dwCallFeatures: 24,
  dwDevSpecificSize: 28,
  dwDevSpecificOffset: 32,
  dwCallFeatures2: 36, // since 2.0
  tStateEntryTime: 40, // SYSTEMTIME, 16 bytes // since 2.0
} as const;

/** LINEDEVCAPS (§3): byte offset of every field; sizeof (all fields) 292. */
export const LINEDEVCAPS = {
  dwTotalSize: 0,
  dwNeededSize: 4,
  dwUsedSize: 8,
  dwProviderInfoSize: 12,
  dwProviderInfoOffset: 16,
  dwSwitchInfoSize: 20,
  dwSwitchInfoOffset: 24,
  dwPermanentLineID: 28,
  dwLineNameSize: 32,
  dwLineNameOffset: 36,
  dwStringFormat: 40,
  dwAddressModes: 44,
  dwNumAddresses: 48,
  dwBearerModes: 52,
  dwMaxRate: 56,
  dwMediaModes: 60,
  dwGenerateToneModes: 64,
  dwGenerateToneMaxNumFreq: 68,
  dwGenerateDigitModes: 72,
  dwMonitorToneMaxNumFreq: 76,
  dwMonitorToneMaxNumEntries: 80,
  dwMonitorDigitModes: 84,
  dwGatherDigitsMinTimeout: 88,
  dwGatherDigitsMaxTimeout: 92,
  dwMedCtlDigitMaxListSize: 96,
  dwMedCtlMediaMaxListSize: 100,
  dwMedCtlToneMaxListSize: 104,
  dwMedCtlCallStateMaxListSize: 108,
  dwDevCapFlags: 112,
  dwMaxNumActiveCalls: 116,
  dwAnswerMode: 120,
  dwRingModes: 124,
  dwLineStates: 128,
  dwUUIAcceptSize: 132,
  dwUUIAnswerSize: 136,
  dwUUIMakeCallSize: 140,
  dwUUIDropSize: 144,
  dwUUISendUserUserInfoSize: 148,
  dwUUICallInfoSize: 152,
  MinDialParams: 156, // LINEDIALPARAMS, 16 bytes
  MaxDialParams: 172, // LINEDIALPARAMS, 16 bytes
  DefaultDialParams: 188, // LINEDIALPARAMS, 16 bytes
  dwNumTerminals: 204,
  dwTerminalCapsSize: 208,
  dwTerminalCapsOffset: 212,
  dwTerminalTextEntrySize: 216,
  dwTerminalTextSize: 220,
  dwTerminalTextOffset: 224,
  dwDevSpecificSize: 228,
  dwDevSpecificOffset: 232,
  dwLineFeatures: 236, // since 1.4
  dwSettableDevStatus: 240, // since 2.0
  dwDeviceClassesSize: 244, // since 2.0
  dwDeviceClassesOffset: 248, // since 2.0
  PermanentLineGuid: 252, // GUID, 16 bytes // since 2.2
  dwAddressTypes: 268, // since 3.0
  ProtocolGuid: 272, // GUID, 16 bytes // since 3.0
  dwAvailableTracking: 288, // since 3.0
} as const;

/** LINECALLINFO (§3): byte offset of every field; sizeof (all fields) 344. */
export const LINECALLINFO = {
  dwTotalSize: 0,
  dwNeededSize: 4,
  dwUsedSize: 8,
  hLine: 12,
  dwLineDeviceID: 16,
  dwAddressID: 20,
  dwBearerMode: 24,
  dwRate: 28,
  dwMediaMode: 32,
  dwAppSpecific: 36,
  dwCallID: 40,
  dwRelatedCallID: 44,
  dwCallParamFlags: 48,
  dwCallStates: 52,
  dwMonitorDigitModes: 56,
  dwMonitorMediaModes: 60,
  DialParams: 64, // LINEDIALPARAMS, 16 bytes
  dwOrigin: 80,
  dwReason: 84,
  dwCompletionID: 88,
  dwNumOwners: 92,
  dwNumMonitors: 96,
  dwCountryCode: 100,
  dwTrunk: 104,
  dwCallerIDFlags: 108,
  dwCallerIDSize: 112,
  dwCallerIDOffset: 116,
  dwCallerIDNameSize: 120,
  dwCallerIDNameOffset: 124,
  dwCalledIDFlags: 128,
  dwCalledIDSize: 132,
  dwCalledIDOffset: 136,
  dwCalledIDNameSize: 140,
  dwCalledIDNameOffset: 144,
  dwConnectedIDFlags: 148,
  dwConnectedIDSize: 152,
  dwConnectedIDOffset: 156,
  dwConnectedIDNameSize: 160,
  dwConnectedIDNameOffset: 164,
  dwRedirectionIDFlags: 168,
  dwRedirectionIDSize: 172,
  dwRedirectionIDOffset: 176,
  dwRedirectionIDNameSize: 180,
  dwRedirectionIDNameOffset: 184,
  dwRedirectingIDFlags: 188,
  dwRedirectingIDSize: 192,
  dwRedirectingIDOffset: 196,
  dwRedirectingIDNameSize: 200,
  dwRedirectingIDNameOffset: 204,
  dwAppNameSize: 208,
  dwAppNameOffset: 212,
  dwDisplayableAddressSize: 216,
  dwDisplayableAddressOffset: 220,
  dwCalledPartySize: 224,
  dwCalledPartyOffset: 228,
  dwCommentSize: 232,
  dwCommentOffset: 236,
  dwDisplaySize: 240,
  dwDisplayOffset: 244,
  dwUserUserInfoSize: 248,
  dwUserUserInfoOffset: 252,
  dwHighLevelCompSize: 256,
  dwHighLevelCompOffset: 260,
  dwLowLevelCompSize: 264,
  dwLowLevelCompOffset: 268,
  dwChargingInfoSize: 272,
  dwChargingInfoOffset: 276,
  dwTerminalModesSize: 280,
  dwTerminalModesOffset: 284,
  dwDevSpecificSize: 288,
  dwDevSpecificOffset: 292,
  dwCallTreatment: 296, // since 2.0
  dwCallDataSize: 300, // since 2.0
  dwCallDataOffset: 304, // since 2.0
  dwSendingFlowspecSize: 308, // since 2.0
  dwSendingFlowspecOffset: 312, // since 2.0
  dwReceivingFlowspecSize: 316, // since 2.0
  dwReceivingFlowspecOffset: 320, // since 2.0
  dwCallerIDAddressType: 324, // since 3.0
  dwCalledIDAddressType: 328, // since 3.0
  dwConnectedIDAddressType: 332, // since 3.0
  dwRedirectionIDAddressType: 336, // since 3.0
  dwRedirectingIDAddressType: 340, // since 3.0
} as const;

/** LINEDEVSTATUS (§3): byte offset of every field; sizeof (all fields) 88. */
export const LINEDEVSTATUS = {
  dwTotalSize: 0,
  dwNeededSize: 4,
  dwUsedSize: 8,
  dwNumOpens: 12,
  dwOpenMediaModes: 16,
  dwNumActiveCalls: 20,
  dwNumOnHoldCalls: 24,
  dwNumOnHoldPendCalls: 28,
  dwLineFeatures: 32,
  dwNumCallCompletions: 36,
  dwRingMode: 40,
  dwSignalLevel: 44,
  dwBatteryLevel: 48,
  dwRoamMode: 52,
  dwDevStatusFlags: 56,
  dwTerminalModesSize: 60,
  dwTerminalModesOffset: 64,
  dwDevSpecificSize: 68,
  dwDevSpecificOffset: 72,
  dwAvailableMediaModes: 76, // since 2.0
  dwAppInfoSize: 80, // since 2.0
  dwAppInfoOffset: 84, // since 2.0
} as const;

/** LINETRANSLATEOUTPUT (§3): byte offset of every field; sizeof (all fields) 40. */
export const LINETRANSLATEOUTPUT = {
  dwTotalSize: 0,
  dwNeededSize: 4,
  dwUsedSize: 8,
  dwDialableStringSize: 12,
  dwDialableStringOffset: 16,
  dwDisplayableStringSize: 20,
  dwDisplayableStringOffset: 24,
  dwCurrentCountry: 28,
  dwDestCountry: 32,
  dwTranslateResults: 36,
} as const;

/** sizeof of each DWORD structure with every field (the 3.1 shape where versions differ). */
export const FULL_SIZE = {
  LINEDIALPARAMS: 16,
  LINEEXTENSIONID: 16,
  VARSTRING: 24,
  LINECALLPARAMS: 180,
  LINECALLSTATUS: 56,
  LINEDEVCAPS: 292,
  LINECALLINFO: 344,
  LINEDEVSTATUS: 88,
  LINETRANSLATEOUTPUT: 40,
} as const;

type Version = number;

function bySince(v: Version, sizes: { v1_3: number; v1_4: number; v2_0: number; v2_2: number; v3_0: number }): number {
  if (v < TAPI_VERSION.V1_4) return sizes.v1_3;
  if (v < TAPI_VERSION.V2_0) return sizes.v1_4;
  if (v < TAPI_VERSION.V2_2) return sizes.v2_0;
  if (v < TAPI_VERSION.V3_0) return sizes.v2_2;
  return sizes.v3_0;
}

/** Fixed-part sizes by negotiated API version (§3.1 table). */
export const FIXED_SIZE = {
  LINEDEVCAPS: (v: Version) => bySince(v, { v1_3: 236, v1_4: 240, v2_0: 252, v2_2: 268, v3_0: 292 }),
  LINECALLINFO: (v: Version) => bySince(v, { v1_3: 296, v1_4: 296, v2_0: 324, v2_2: 324, v3_0: 344 }),
  LINECALLPARAMS: (v: Version) => bySince(v, { v1_3: 112, v1_4: 112, v2_0: 176, v2_2: 176, v3_0: 180 }),
  LINECALLSTATUS: (v: Version) => bySince(v, { v1_3: 36, v1_4: 36, v2_0: 56, v2_2: 56, v3_0: 56 }),
  LINEDEVSTATUS: (v: Version) => bySince(v, { v1_3: 76, v1_4: 76, v2_0: 88, v2_2: 88, v3_0: 88 }),
  VARSTRING: (_v: Version) => 24,
  LINETRANSLATEOUTPUT: (_v: Version) => 40,
} as const;

export interface PackedTypes {
  LINEINITIALIZEEXPARAMS: Koffi.TypeObject;
  LINEMESSAGE: Koffi.TypeObject;
  LINEDIALPARAMS: Koffi.TypeObject;
  LINEEXTENSIONID: Koffi.TypeObject;
}

const cache = new WeakMap<object, PackedTypes>();

/** The koffi.pack() declarations (anonymous, so several koffi instances / reloads never clash). */
export function packedTypes(koffi: typeof Koffi): PackedTypes {
  let types = cache.get(koffi);
  if (!types) {
    types = {
      LINEINITIALIZEEXPARAMS: koffi.pack({
        dwTotalSize: 'uint32_t',
        dwNeededSize: 'uint32_t',
        dwUsedSize: 'uint32_t',
        dwOptions: 'uint32_t',
        hEvent: 'void *',
        dwCompletionKey: 'uint32_t',
      }),
      LINEMESSAGE: koffi.pack({
        hDevice: 'uint32_t',
        dwMessageID: 'uint32_t',
        dwCallbackInstance: 'uintptr_t',
        dwParam1: 'uintptr_t',
        dwParam2: 'uintptr_t',
        dwParam3: 'uintptr_t',
      }),
      LINEDIALPARAMS: koffi.pack({
        dwDialPause: 'uint32_t',
        dwDialSpeed: 'uint32_t',
        dwDigitDuration: 'uint32_t',
        dwWaitForDialtone: 'uint32_t',
      }),
      LINEEXTENSIONID: koffi.pack({
        dwExtensionID0: 'uint32_t',
        dwExtensionID1: 'uint32_t',
        dwExtensionID2: 'uint32_t',
        dwExtensionID3: 'uint32_t',
      }),
    };
    cache.set(koffi, types);
  }
  return types;
}
