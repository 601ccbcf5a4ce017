// koffi declarations of the Tapi32 exports this package uses (tapi-reference.md §2.1).
// Unicode (W) exports for everything with a string; every return is read as int32 (LONG); handles
// and DWORDs are uint32; DWORD_PTR is uintptr_t; strings are 'str16' (UTF-16 on Windows and Linux);
// every declaration is '__stdcall' (ignored by koffi except on 32-bit x86). koffi is required here,
// lazily, and only when a Win32Provider is constructed.
import type * as Koffi from 'koffi';
import { LINEERR } from '../../constants';
import { TapiError } from '../../errors';
import { packedTypes, type PackedTypes } from './structs';

type Ptr = bigint | Buffer | Uint8Array | Uint32Array | null;

/** An exported function: synchronous call, plus koffi's `.async` (runs on a worker thread). */
export interface AsyncFn<A extends unknown[]> {
  (...args: A): number;
  async(...args: [...A, (err: unknown, result: number) => void]): void;
}

export interface Tapi32 {
  koffi: typeof Koffi;
  types: PackedTypes;
  lineInitializeExW(lphLineApp: Uint32Array, hInstance: null, lpfnCallback: null, appName: string | null, lpdwNumDevs: Uint32Array, lpdwAPIVersion: Uint32Array, params: Record<string, unknown>): number;
  lineShutdown(hLineApp: number): number;
  lineNegotiateAPIVersion(hLineApp: number, deviceId: number, low: number, high: number, lpdwAPIVersion: Uint32Array, lpExtensionID: Uint8Array): number;
  lineGetDevCapsW(hLineApp: number, deviceId: number, apiVersion: number, extVersion: number, caps: Uint8Array): number;
  lineOpenW(hLineApp: number, deviceId: number, lphLine: Uint32Array, apiVersion: number, extVersion: number, callbackInstance: number, privileges: number, mediaModes: number, callParams: Ptr): number;
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
}

let koffiModule: typeof Koffi | undefined;

/** require('koffi') on first use, never at module load. */
export function loadKoffi(): typeof Koffi {
  if (!koffiModule) {
    try {
      koffiModule = require('koffi') as typeof Koffi;
    } catch (error) {
      throw new TapiError(LINEERR.NODRIVER, 'lineInitializeEx', `the FFI library koffi could not be loaded: ${(error as Error).message}`);
    }
  }
  return koffiModule;
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
  const u32 = 'uint32_t';
  const ret = 'int32_t';
  const declare = lib.func.bind(lib) as unknown as (convention: string, name: string, result: string, params: unknown[]) => unknown;
  const fn = (name: string, params: unknown[]) => declare("__stdcall", name, ret, params);
  return {
    koffi,
    types,
    lineInitializeExW: fn('lineInitializeExW', ['void *', 'void *', 'void *', 'str16', 'void *', 'void *', koffi.inout(koffi.pointer(types.LINEINITIALIZEEXPARAMS))]) as Tapi32['lineInitializeExW'],
    lineShutdown: fn('lineShutdown', [u32]) as Tapi32['lineShutdown'],
    lineNegotiateAPIVersion: fn('lineNegotiateAPIVersion', [u32, u32, u32, u32, 'void *', 'void *']) as Tapi32['lineNegotiateAPIVersion'],
    lineGetDevCapsW: fn('lineGetDevCapsW', [u32, u32, u32, u32, 'void *']) as Tapi32['lineGetDevCapsW'],
    lineOpenW: fn('lineOpenW', [u32, u32, 'void *', u32, u32, 'uintptr_t', u32, u32, 'void *']) as Tapi32['lineOpenW'],
    lineClose: fn('lineClose', [u32]) as Tapi32['lineClose'],
    lineSetStatusMessages: fn('lineSetStatusMessages', [u32, u32, u32]) as Tapi32['lineSetStatusMessages'],
    lineMakeCallW: fn('lineMakeCallW', [u32, 'void *', 'str16', u32, 'void *']) as Tapi32['lineMakeCallW'],
    lineDialW: fn('lineDialW', [u32, 'str16', u32]) as Tapi32['lineDialW'],
    lineDrop: fn('lineDrop', [u32, 'void *', u32]) as Tapi32['lineDrop'],
    lineAnswer: fn('lineAnswer', [u32, 'void *', u32]) as Tapi32['lineAnswer'],
    lineDeallocateCall: fn('lineDeallocateCall', [u32]) as Tapi32['lineDeallocateCall'],
    lineGetMessage: fn('lineGetMessage', [u32, 'void *', u32]) as Tapi32['lineGetMessage'],
    lineGetCallInfoW: fn('lineGetCallInfoW', [u32, 'void *']) as Tapi32['lineGetCallInfoW'],
    lineGetCallStatus: fn('lineGetCallStatus', [u32, 'void *']) as Tapi32['lineGetCallStatus'],
    lineGenerateDigitsW: fn('lineGenerateDigitsW', [u32, u32, 'str16', u32]) as Tapi32['lineGenerateDigitsW'],
    lineMonitorDigits: fn('lineMonitorDigits', [u32, u32]) as Tapi32['lineMonitorDigits'],
  };
}

/** Low 32 bits, unsigned, of a DWORD / DWORD_PTR value as koffi returns it (number or bigint). */
export function low32(value: unknown): number {
  if (typeof value === 'bigint') return Number(value & 0xffffffffn);
  if (typeof value === 'number') return value >>> 0;
  return 0;
}
