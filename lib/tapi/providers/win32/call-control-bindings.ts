// koffi declarations of the call-control, digit, tone and media exports (tapi-reference.md §14.1). Every one
// is WINAPI (__stdcall); x86 stack bytes in the comments. U = only the unsuffixed export exists (§1.3).
// HCALL slots and the gather buffer are native memory ('void *' given a koffi.alloc pointer); the tone arrays
// and the extension id are plain buffers read during the synchronous call.
import type { Prototype } from './bindings';

const U32 = 'uint32_t';
const LONG = 'int32_t';
const WINAPI = '__stdcall' as const;

export const CALL_CONTROL_PROTOTYPES: readonly Prototype[] = [
  { convention: WINAPI, name: 'lineAccept', result: LONG, params: [U32, 'void *', U32] }, // U, @12, async
  { convention: WINAPI, name: 'lineRedirectW', result: LONG, params: [U32, 'void *', U32] }, // @12, async
  { convention: WINAPI, name: 'lineBlindTransferW', result: LONG, params: [U32, 'void *', U32] }, // @12, async
  { convention: WINAPI, name: 'lineSetupTransferW', result: LONG, params: [U32, 'void *', 'void *'] }, // @12, async
  { convention: WINAPI, name: 'lineCompleteTransfer', result: LONG, params: [U32, U32, 'void *', U32] }, // U, @16, async
  { convention: WINAPI, name: 'lineHold', result: LONG, params: [U32] }, // U, @4, async
  { convention: WINAPI, name: 'lineUnhold', result: LONG, params: [U32] }, // U, @4, async
  { convention: WINAPI, name: 'lineSwapHold', result: LONG, params: [U32, U32] }, // U, @8, async
  { convention: WINAPI, name: 'lineGenerateTone', result: LONG, params: [U32, U32, U32, U32, 'void *'] }, // U, @20, sync
  { convention: WINAPI, name: 'lineGatherDigitsW', result: LONG, params: [U32, U32, 'void *', U32, 'str16', U32, U32] }, // @28, sync
  { convention: WINAPI, name: 'lineMonitorTones', result: LONG, params: [U32, 'void *', U32] }, // U, @12, sync
  { convention: WINAPI, name: 'lineMonitorMedia', result: LONG, params: [U32, U32] }, // U, @8, sync
  { convention: WINAPI, name: 'lineSetCallPrivilege', result: LONG, params: [U32, U32] }, // U, @8, sync
  { convention: WINAPI, name: 'lineSetMediaMode', result: LONG, params: [U32, U32] }, // U, @8, sync
  { convention: WINAPI, name: 'lineHandoffW', result: LONG, params: [U32, 'str16', U32] }, // @12, sync
  { convention: WINAPI, name: 'lineGetAddressCapsW', result: LONG, params: [U32, U32, U32, U32, U32, 'void *'] }, // @24, sync
  { convention: WINAPI, name: 'lineSetAppPriorityW', result: LONG, params: ['str16', U32, 'void *', U32, 'str16', U32] }, // @24, sync
];

type Ptr = bigint | null;

export interface Tapi32CallControl {
  lineAccept(hCall: number, userUserInfo: Ptr, size: number): number;
  lineRedirectW(hCall: number, dest: bigint, countryCode: number): number;
  lineBlindTransferW(hCall: number, dest: bigint, countryCode: number): number;
  lineSetupTransferW(hCall: number, lphConsultCall: bigint, callParams: Ptr): number;
  lineCompleteTransfer(hCall: number, hConsultCall: number, lphConfCall: bigint, transferMode: number): number;
  lineHold(hCall: number): number;
  lineUnhold(hCall: number): number;
  lineSwapHold(hActiveCall: number, hHeldCall: number): number;
  lineGenerateTone(hCall: number, toneMode: number, duration: number, numTones: number, tones: Buffer | null): number;
  lineGatherDigitsW(
    hCall: number,
    digitModes: number,
    digits: Ptr,
    numDigits: number,
    terminationDigits: string | null,
    firstTimeout: number,
    interTimeout: number,
  ): number;
  lineMonitorTones(hCall: number, toneList: Buffer | null, numEntries: number): number;
  lineMonitorMedia(hCall: number, mediaModes: number): number;
  lineSetCallPrivilege(hCall: number, privilege: number): number;
  lineSetMediaMode(hCall: number, mediaModes: number): number;
  lineHandoffW(hCall: number, fileName: string | null, mediaMode: number): number;
  lineGetAddressCapsW(
    hLineApp: number,
    deviceId: number,
    addressId: number,
    apiVersion: number,
    extVersion: number,
    caps: Uint8Array,
  ): number;
  lineSetAppPriorityW(
    appFilename: string,
    mediaMode: number,
    extensionId: Uint8Array,
    requestMode: number,
    extensionName: string | null,
    priority: number,
  ): number;
}
