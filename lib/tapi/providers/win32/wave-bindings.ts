// koffi declarations of the winmm exports for the call's audio (tapi-reference.md §15.1) and of lineGetIDW
// (§14.1). Every one is WINAPI (__stdcall), undecorated; x86 stack bytes in the comments. HWAVEOUT / HWAVEIN
// are pointer-sized ('void *'). No CALLBACK_FUNCTION is ever passed (§15.5): dwCallback is 0 (CALLBACK_NULL)
// and WHDR_DONE is polled. lineGetIDW is declared with the other Tapi32 exports (TAPI32_PROTOTYPES); the winmm
// table is loaded on the first call's audio (winmm.ts).
import type { Prototype } from './bindings';

const U32 = 'uint32_t';
const LONG = 'int32_t';
const UPTR = 'uintptr_t';
const WINAPI = '__stdcall' as const;

/** lineGetIDW(HLINE, DWORD dwAddressID, HCALL, DWORD dwSelect, VARSTRING *, LPCWSTR class): @24, sync. */
export const LINE_GET_ID_PROTOTYPE: Prototype = {
  convention: WINAPI,
  name: 'lineGetIDW',
  result: LONG,
  params: [U32, U32, U32, U32, 'void *', 'str16'],
};

export const WINMM_PROTOTYPES: readonly Prototype[] = [
  { convention: WINAPI, name: 'waveOutOpen', result: U32, params: ['void *', U32, 'void *', UPTR, UPTR, U32] }, // @24
  { convention: WINAPI, name: 'waveOutPrepareHeader', result: U32, params: ['void *', 'void *', U32] }, // @12
  { convention: WINAPI, name: 'waveOutWrite', result: U32, params: ['void *', 'void *', U32] }, // @12
  { convention: WINAPI, name: 'waveOutUnprepareHeader', result: U32, params: ['void *', 'void *', U32] }, // @12
  { convention: WINAPI, name: 'waveOutReset', result: U32, params: ['void *'] }, // @4
  { convention: WINAPI, name: 'waveOutClose', result: U32, params: ['void *'] }, // @4
  { convention: WINAPI, name: 'waveInOpen', result: U32, params: ['void *', U32, 'void *', UPTR, UPTR, U32] }, // @24
  { convention: WINAPI, name: 'waveInPrepareHeader', result: U32, params: ['void *', 'void *', U32] }, // @12
  { convention: WINAPI, name: 'waveInAddBuffer', result: U32, params: ['void *', 'void *', U32] }, // @12
  { convention: WINAPI, name: 'waveInUnprepareHeader', result: U32, params: ['void *', 'void *', U32] }, // @12
  { convention: WINAPI, name: 'waveInStart', result: U32, params: ['void *'] }, // @4
  { convention: WINAPI, name: 'waveInReset', result: U32, params: ['void *'] }, // @4
  { convention: WINAPI, name: 'waveInClose', result: U32, params: ['void *'] }, // @4
];

/** x86 stack bytes of each (§15.1): the stdcall decoration @N a mingw import library would carry. */
export function stackBytes(p: Prototype, pointerSize: 4 | 8 = 4): number {
  return p.params.reduce((n, t) => n + (t === 'void *' || t === 'str16' || t === UPTR ? pointerSize : 4), 0);
}
