// koffi declarations of the Tapi32 exports this package uses (tapi-reference.md §2.1).
// Unicode (W) exports for everything with a string; every return is read as int32 (LONG); handles
// and DWORDs are uint32; DWORD_PTR is uintptr_t; strings are 'str16' (UTF-16 on Windows and Linux);
// every declaration is '__stdcall' (WINAPI; koffi ignores it except on 32-bit x86, where nothing fails
// visibly when it is missing, so the tables below are checked by test/win32-structs.test.ts). koffi is
// required here, lazily, and only when a Win32Provider is constructed.
import type * as Koffi from 'koffi';
import { LINEERR } from '../../constants';
import { CALL_CONTROL_PROTOTYPES, type Tapi32CallControl } from './call-control-bindings';
import { LINE_GET_ID_PROTOTYPE } from './wave-bindings';
import { TapiError } from '../../errors';
import {
  lineInitializeExParamsLayout,
  lineMessageLayout,
  packedTypes,
  pointerSizeOf,
  type LineInitializeExParamsLayout,
  type LineMessageLayout,
  type PackedTypes,
  type PointerSize,
} from './structs';

type Ptr = bigint | Buffer | Uint8Array | Uint32Array | null;

/** An exported function: synchronous call, plus koffi's `.async` (runs on a worker thread). */
export interface AsyncFn<A extends unknown[]> {
  (...args: A): number;
  async(...args: [...A, (err: unknown, result: number) => void]): void;
}

export interface Tapi32 extends Tapi32CallControl {
  koffi: typeof Koffi;
  types: PackedTypes;
  /** Layouts of the pointer-bearing structures for the pointer size koffi runs with. */
  layout: { pointerSize: PointerSize; lineMessage: LineMessageLayout; lineInitializeExParams: LineInitializeExParamsLayout };
  /** The wait primitive for the USEEVENT handle (declared on first use); null when the library has none. */
  kernel32(): Kernel32Wait | null;
  lineInitializeExW(
    lphLineApp: Uint32Array,
    hInstance: null,
    lpfnCallback: null,
    appName: string | null,
    lpdwNumDevs: Uint32Array,
    lpdwAPIVersion: Uint32Array,
    params: Record<string, unknown>,
  ): number;
  lineShutdown(hLineApp: number): number;
  lineNegotiateAPIVersion(
    hLineApp: number,
    deviceId: number,
    low: number,
    high: number,
    lpdwAPIVersion: Uint32Array,
    lpExtensionID: Uint8Array,
  ): number;
  lineGetDevCapsW(hLineApp: number, deviceId: number, apiVersion: number, extVersion: number, caps: Uint8Array): number;
  lineOpenW(
    hLineApp: number,
    deviceId: number,
    lphLine: Uint32Array,
    apiVersion: number,
    extVersion: number,
    callbackInstance: number,
    privileges: number,
    mediaModes: number,
    callParams: Ptr,
  ): number;
  lineClose(hLine: number): number;
  lineSetStatusMessages(hLine: number, lineStates: number, addressStates: number): number;
  lineMakeCallW(hLine: number, lphCall: bigint, dest: bigint | null, countryCode: number, callParams: bigint | null): number;
  lineDialW(hCall: number, dest: bigint, countryCode: number): number;
  lineDrop(hCall: number, userUserInfo: bigint | null, size: number): number;
  lineAnswer(hCall: number, userUserInfo: bigint | null, size: number): number;
  lineDeallocateCall(hCall: number): number;
  lineGetMessage: AsyncFn<[hLineApp: number, message: bigint, timeout: number]>;
  lineGetCallInfoW(hCall: number, info: Uint8Array): number;
  lineGetCallStatus(hCall: number, status: Uint8Array): number;
  lineGenerateDigitsW(hCall: number, digitMode: number, digits: string | null, duration: number): number;
  lineMonitorDigits(hCall: number, digitModes: number): number;
  /** The call's wave devices (§14.3): VARSTRING *lpDeviceID is a plain buffer read during the synchronous call. */
  lineGetIDW(hLine: number, addressId: number, hCall: number, select: number, deviceId: Uint8Array, deviceClass: string): number;
}

let koffiModule: typeof Koffi | undefined;

/** require('koffi') on first use, never at module load. */
export function loadKoffi(): typeof Koffi {
  if (!koffiModule) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- never at module load (design.md)
      koffiModule = require('koffi') as typeof Koffi;
    } catch (error) {
      throw new TapiError(LINEERR.NODRIVER, 'lineInitializeEx', `the FFI library koffi could not be loaded: ${(error as Error).message}`);
    }
  }
  return koffiModule;
}

/** One declared prototype: what koffi is told, kept as data so a test can check every convention. */
export interface Prototype {
  convention: '__stdcall';
  name: string;
  result: string;
  params: (string | ((types: PackedTypes, koffi: typeof Koffi) => unknown))[];
}

const U32 = 'uint32_t';
const LONG = 'int32_t';
const BOOL = 'int32_t';
const WINAPI = '__stdcall' as const;

/** The Tapi32 exports of the dialling core (§2.1). */
const CORE_PROTOTYPES: readonly Prototype[] = [
  {
    convention: WINAPI,
    name: 'lineInitializeExW',
    result: LONG,
    params: ['void *', 'void *', 'void *', 'str16', 'void *', 'void *', (t, k) => k.inout(k.pointer(t.LINEINITIALIZEEXPARAMS))],
  },
  { convention: WINAPI, name: 'lineShutdown', result: LONG, params: [U32] },
  { convention: WINAPI, name: 'lineNegotiateAPIVersion', result: LONG, params: [U32, U32, U32, U32, 'void *', 'void *'] },
  { convention: WINAPI, name: 'lineGetDevCapsW', result: LONG, params: [U32, U32, U32, U32, 'void *'] },
  { convention: WINAPI, name: 'lineOpenW', result: LONG, params: [U32, U32, 'void *', U32, U32, 'uintptr_t', U32, U32, 'void *'] },
  { convention: WINAPI, name: 'lineClose', result: LONG, params: [U32] },
  { convention: WINAPI, name: 'lineSetStatusMessages', result: LONG, params: [U32, U32, U32] },
  { convention: WINAPI, name: 'lineMakeCallW', result: LONG, params: [U32, 'void *', 'str16', U32, 'void *'] },
  { convention: WINAPI, name: 'lineDialW', result: LONG, params: [U32, 'str16', U32] },
  { convention: WINAPI, name: 'lineDrop', result: LONG, params: [U32, 'void *', U32] },
  { convention: WINAPI, name: 'lineAnswer', result: LONG, params: [U32, 'void *', U32] },
  { convention: WINAPI, name: 'lineDeallocateCall', result: LONG, params: [U32] },
  { convention: WINAPI, name: 'lineGetMessage', result: LONG, params: [U32, 'void *', U32] },
  { convention: WINAPI, name: 'lineGetCallInfoW', result: LONG, params: [U32, 'void *'] },
  { convention: WINAPI, name: 'lineGetCallStatus', result: LONG, params: [U32, 'void *'] },
  { convention: WINAPI, name: 'lineGenerateDigitsW', result: LONG, params: [U32, U32, 'str16', U32] },
  { convention: WINAPI, name: 'lineMonitorDigits', result: LONG, params: [U32, U32] },
];

/** Every Tapi32 export this package calls (WINAPI = __stdcall; tapi-reference.md §1.3, §2.1, §14.1). */
export const TAPI32_PROTOTYPES: readonly Prototype[] = [...CORE_PROTOTYPES, ...CALL_CONTROL_PROTOTYPES, LINE_GET_ID_PROTOTYPE];

/**
 * The kernel32 wait primitive the message pump uses on the USEEVENT handle (winbase.h and
 * threadpoollegacyapiset.h of mingw-w64: WINBASEAPI WINBOOL WINAPI). Off Windows the fake Tapi32
 * exports the same two functions.
 */
export const KERNEL32_PROTOTYPES: readonly Prototype[] = [
  {
    convention: WINAPI,
    name: 'RegisterWaitForSingleObject',
    result: BOOL,
    params: [(_t, k) => k.out(k.pointer('void *')), 'void *', (_t, k) => k.pointer(waitCallbackType(k)), 'void *', U32, U32],
  },
  { convention: WINAPI, name: 'UnregisterWaitEx', result: BOOL, params: ['void *', 'void *'] },
];

/** WAITORTIMERCALLBACK: VOID CALLBACK (PVOID lpParameter, BOOLEAN TimerOrWaitFired); CALLBACK = __stdcall. */
export const WAIT_CALLBACK_PROTOTYPE = { convention: WINAPI, result: 'void', params: ['void *', 'uint8_t'] } as const;

const callbackTypes = new WeakMap<object, Koffi.TypeObject>();

export function waitCallbackType(koffi: typeof Koffi): Koffi.TypeObject {
  let type = callbackTypes.get(koffi);
  if (!type) {
    const p = WAIT_CALLBACK_PROTOTYPE;
    type = koffi.proto(p.convention, p.result, [...p.params]);
    callbackTypes.set(koffi, type);
  }
  return type;
}

export interface Kernel32Wait {
  RegisterWaitForSingleObject(
    phNewWaitObject: [unknown],
    hObject: unknown,
    callback: unknown,
    context: bigint | number,
    ms: number,
    flags: number,
  ): number;
  UnregisterWaitEx(waitHandle: unknown, completionEvent: unknown): number;
}

export function declareAll(
  koffi: typeof Koffi,
  lib: Koffi.LibraryHandle,
  table: readonly Prototype[],
  types: PackedTypes,
): Record<string, unknown> {
  const declare = lib.func.bind(lib) as unknown as (convention: string, name: string, result: string, params: unknown[]) => unknown;
  const out: Record<string, unknown> = {};
  for (const p of table) {
    out[p.name] = declare(
      p.convention,
      p.name,
      p.result,
      p.params.map((x) => (typeof x === 'function' ? x(types, koffi) : x)),
    );
  }
  return out;
}

/** Load a Tapi32 (the real DLL or the fake) and declare its functions. */
export function loadTapi32(libraryPath: string): Tapi32 {
  const koffi = loadKoffi();
  let lib: Koffi.LibraryHandle;
  try {
    lib = koffi.load(libraryPath);
  } catch (error) {
    throw new TapiError(LINEERR.NODRIVER, 'lineInitializeEx', `cannot load ${libraryPath}: ${(error as Error).message}`);
  }
  const types = packedTypes(koffi);
  const pointerSize = pointerSizeOf(koffi);
  const fns = declareAll(koffi, lib, TAPI32_PROTOTYPES, types) as unknown as Omit<Tapi32, 'koffi' | 'types' | 'layout' | 'kernel32'>;
  return {
    ...fns,
    koffi,
    types,
    layout: { pointerSize, lineMessage: lineMessageLayout(pointerSize), lineInitializeExParams: lineInitializeExParamsLayout(pointerSize) },
    kernel32: () => loadWait(koffi, lib, types),
  };
}

/** kernel32's wait functions on Windows; the same exports of the loaded library elsewhere (the fake). Null if absent. */
function loadWait(koffi: typeof Koffi, tapi: Koffi.LibraryHandle, types: PackedTypes): Kernel32Wait | null {
  try {
    const lib = process.platform === 'win32' ? koffi.load('kernel32.dll') : tapi;
    return declareAll(koffi, lib, KERNEL32_PROTOTYPES, types) as unknown as Kernel32Wait;
  } catch {
    return null;
  }
}

/** Low 32 bits, unsigned, of a DWORD / DWORD_PTR value as koffi returns it (number or bigint). */
export function low32(value: unknown): number {
  if (typeof value === 'bigint') return Number(value & 0xffffffffn);
  if (typeof value === 'number') return value >>> 0;
  return 0;
}
