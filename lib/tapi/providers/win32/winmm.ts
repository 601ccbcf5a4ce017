// winmm through koffi (tapi-reference.md §15): loaded on the first call's audio, never at module load and never
// for a line without wave devices. The library is `winmmPath` (a fake in tests), winmm.dll on Windows. MMRESULT
// failures become TapiErrors named by the nearest LINEERR, the MMSYSERR / WAVERR name in the detail.
import type * as Koffi from 'koffi';
import { LINEERR } from '../../constants';
import { TapiError } from '../../errors';
import { declareAll, loadKoffi } from './bindings';
import { packedTypes, pointerSizeOf, type PointerSize } from './structs';
import { WINMM_PROTOTYPES } from './wave-bindings';
import { waveHdrLayout, type WaveHdrLayout } from './wave-structs';

/** §15.4 constants. */
export const WAVE = {
  FORMAT_QUERY: 0x1,
  MAPPED: 0x4,
  CALLBACK_NULL: 0x0,
  WHDR_DONE: 0x1,
  WHDR_PREPARED: 0x2,
  WHDR_INQUEUE: 0x10,
} as const;

/** MMRESULT values of §15.4 (MMSYSERR_* from 0, WAVERR_* from 32). */
export const MMRESULT = {
  NOERROR: 0,
  ERROR: 1,
  BADDEVICEID: 2,
  NOTENABLED: 3,
  ALLOCATED: 4,
  INVALHANDLE: 5,
  NODRIVER: 6,
  NOMEM: 7,
  NOTSUPPORTED: 8,
  BADERRNUM: 9,
  INVALFLAG: 10,
  INVALPARAM: 11,
  HANDLEBUSY: 12,
  BADFORMAT: 32,
  STILLPLAYING: 33,
  UNPREPARED: 34,
  SYNC: 35,
} as const;

type Handle = bigint;
type Ptr = bigint;

export interface Winmm {
  koffi: typeof Koffi;
  pointerSize: PointerSize;
  header: WaveHdrLayout;
  waveOutOpen(phwo: Ptr | null, deviceId: number, format: Uint8Array, callback: number, instance: number, flags: number): number;
  waveOutPrepareHeader(hwo: Handle, hdr: Ptr, size: number): number;
  waveOutWrite(hwo: Handle, hdr: Ptr, size: number): number;
  waveOutUnprepareHeader(hwo: Handle, hdr: Ptr, size: number): number;
  waveOutReset(hwo: Handle): number;
  waveOutClose(hwo: Handle): number;
  waveInOpen(phwi: Ptr | null, deviceId: number, format: Uint8Array, callback: number, instance: number, flags: number): number;
  waveInPrepareHeader(hwi: Handle, hdr: Ptr, size: number): number;
  waveInAddBuffer(hwi: Handle, hdr: Ptr, size: number): number;
  waveInUnprepareHeader(hwi: Handle, hdr: Ptr, size: number): number;
  waveInStart(hwi: Handle): number;
  waveInReset(hwi: Handle): number;
  waveInClose(hwi: Handle): number;
}

/** Loads winmm (or the library at `path`) and declares WINMM_PROTOTYPES. `operation` names the caller in errors. */
export function loadWinmm(path: string | undefined, operation: string): Winmm {
  if (!path) {
    throw new TapiError(
      LINEERR.NODRIVER,
      operation,
      `winmm is only available on Windows; give winmmPath (a winmm-compatible library) to reach the call's audio on ${process.platform}`,
    );
  }
  const koffi = loadKoffi();
  let lib: Koffi.LibraryHandle;
  try {
    lib = koffi.load(path);
  } catch (error) {
    throw new TapiError(LINEERR.NODRIVER, operation, `cannot load ${path}: ${(error as Error).message}`);
  }
  const pointerSize = pointerSizeOf(koffi);
  const fns = declareAll(koffi, lib, WINMM_PROTOTYPES, packedTypes(koffi)) as unknown as Omit<Winmm, 'koffi' | 'pointerSize' | 'header'>;
  return { ...fns, koffi, pointerSize, header: waveHdrLayout(pointerSize) };
}

const NAMES = new Map<number, string>(
  Object.entries(MMRESULT).map(([name, value]) => [value, value >= 32 ? `WAVERR_${name}` : `MMSYSERR_${name}`]),
);

/** The LINEERR a winmm failure is reported as: the device is gone, busy, out of memory, or the format is refused. */
function lineErrOf(rc: number): number {
  switch (rc) {
    case MMRESULT.BADDEVICEID:
    case MMRESULT.NODRIVER:
    case MMRESULT.NOTENABLED:
      return LINEERR.NODEVICE;
    case MMRESULT.ALLOCATED:
    case MMRESULT.HANDLEBUSY:
      return LINEERR.RESOURCEUNAVAIL;
    case MMRESULT.NOMEM:
      return LINEERR.NOMEM;
    case MMRESULT.BADFORMAT:
    case MMRESULT.NOTSUPPORTED:
      return LINEERR.OPERATIONUNAVAIL;
    default:
      return LINEERR.OPERATIONFAILED;
  }
}

/** A TapiError for a non-zero MMRESULT of `operation` ('waveOutOpen'). */
export function waveError(rc: number, operation: string, detail?: string): TapiError {
  const name = NAMES.get(rc) ?? `MMRESULT ${rc}`;
  return new TapiError(lineErrOf(rc), operation, `${name} (${rc})${detail ? `: ${detail}` : ''}`);
}
