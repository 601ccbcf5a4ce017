// lineGetIDW for the call's wave devices (tapi-reference.md §14.3, §3.6, §15.5 step 2): asked per call, just before
// opening, never cached (winmm ids are positions in the current device list and shift as devices come and go).
// The answer is a VARSTRING, binary, holding one DWORD. A line without the class answers LINEERR_INVALDEVICECLASS:
// reported with the plain NO_AUDIO_DEVICE sentence.
import { LINECALLSELECT, LINEERR, STRINGFORMAT } from '../../constants';
import { TapiError } from '../../errors';
import { NO_AUDIO_DEVICE } from '../../media';
import type { Tapi32 } from './bindings';
import { readVariable } from './varstruct';

/** VARSTRING (§3.6): 24 bytes, DWORDs only, the same on x86 and x64. */
export const VARSTRING = { dwStringFormat: 12, dwStringSize: 16, dwStringOffset: 20, size: 24 } as const;

export type WaveClass = 'wave/out' | 'wave/in';

/**
 * The winmm device id of the call's `cls`. The VARSTRING starts at its fixed size, so the grow-and-retry rule of
 * §3.1 runs on every call (the first answer holds only dwNeededSize); it costs one more synchronous call.
 */
export function waveDeviceId(api: Tapi32, hLine: number, hCall: number, cls: WaveClass): number {
  const operation = 'lineGetID';
  let buf: Uint8Array;
  let used: number;
  try {
    ({ buf, used } = readVariable(VARSTRING.size, VARSTRING.size, operation, (b) =>
      api.lineGetIDW(hLine >>> 0, 0, hCall >>> 0, LINECALLSELECT.CALL, b, cls),
    ));
  } catch (error) {
    if (error instanceof TapiError && error.value === LINEERR.INVALDEVICECLASS)
      throw TapiError.of('INVALDEVICECLASS', operation, `${cls}: ${NO_AUDIO_DEVICE}`);
    throw error;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const format = view.getUint32(VARSTRING.dwStringFormat, true);
  const size = view.getUint32(VARSTRING.dwStringSize, true);
  const offset = view.getUint32(VARSTRING.dwStringOffset, true);
  if (format !== STRINGFORMAT.BINARY || size < 4 || offset < VARSTRING.size || offset + 4 > used) {
    throw TapiError.of(
      'OPERATIONFAILED',
      operation,
      `${cls}: no DWORD device id in the answer (format ${format}, ${size} bytes at ${offset})`,
    );
  }
  return view.getUint32(offset, true);
}
