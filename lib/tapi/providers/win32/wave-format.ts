// Which format the call's wave device takes (tapi-reference.md §15.5 step 3): WAVE_FORMAT_QUERY | WAVE_MAPPED for
// each offered format in turn (8 kHz 16-bit mono PCM, then µ-law, then A-law); WAVERR_BADFORMAT means "try the
// next", any other failure is the answer. WAVE_MAPPED lets the wave mapper convert through ACM (a voice modem's
// native codec is often ADPCM).
import { TapiError } from '../../errors';
import { OFFERED_FORMATS, type AudioFormat } from '../../media';
import type { NativeMemory } from './memory';
import { encodeWaveFormat } from './wave-structs';
import { MMRESULT, WAVE, waveError, type Winmm } from './winmm';

export type Direction = 'out' | 'in';

export function chooseFormat(winmm: Winmm, direction: Direction, deviceId: number): { format: AudioFormat; wfx: Buffer } {
  const operation = direction === 'out' ? 'waveOutOpen' : 'waveInOpen';
  for (const format of OFFERED_FORMATS) {
    const wfx = encodeWaveFormat(format.encoding, format.sampleRate);
    const flags = WAVE.FORMAT_QUERY | WAVE.MAPPED;
    const rc =
      (direction === 'out' ? winmm.waveOutOpen(null, deviceId, wfx, 0, 0, flags) : winmm.waveInOpen(null, deviceId, wfx, 0, 0, flags)) >>>
      0;
    if (rc === MMRESULT.NOERROR) return { format, wfx };
    if (rc !== MMRESULT.BADFORMAT) throw waveError(rc, operation, `wave device ${deviceId}`);
  }
  throw TapiError.of(
    'OPERATIONUNAVAIL',
    operation,
    `WAVERR_BADFORMAT: wave device ${deviceId} takes none of ${OFFERED_FORMATS.map((f) => `${f.encoding} ${f.sampleRate} Hz`).join(', ')}`,
  );
}

/** Opens the device with the chosen format: WAVE_MAPPED, CALLBACK_NULL (WHDR_DONE is polled, §15.5). Returns the handle. */
export function openDevice(winmm: Winmm, memory: NativeMemory, direction: Direction, deviceId: number, wfx: Buffer): bigint {
  const flags = WAVE.MAPPED | WAVE.CALLBACK_NULL;
  // HWAVEOUT / HWAVEIN are pointer-sized (§15.1): the out-slot is written during the call.
  const slot = memory.alloc(winmm.pointerSize);
  try {
    const rc =
      (direction === 'out' ? winmm.waveOutOpen(slot, deviceId, wfx, 0, 0, flags) : winmm.waveInOpen(slot, deviceId, wfx, 0, 0, flags)) >>>
      0;
    if (rc !== MMRESULT.NOERROR) throw waveError(rc, direction === 'out' ? 'waveOutOpen' : 'waveInOpen', `wave device ${deviceId}`);
    const view = new DataView(memory.view(slot, winmm.pointerSize));
    return winmm.pointerSize === 8 ? view.getBigUint64(0, true) : BigInt(view.getUint32(0, true));
  } finally {
    memory.free(slot);
  }
}
