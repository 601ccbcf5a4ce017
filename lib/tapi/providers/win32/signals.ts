// The synchronous digit, tone and media functions of the win32 provider (tapi-reference.md §14.3): 0 = started,
// the LINE_* message follows. Tone arrays are plain buffers read during the call; gather buffers are native
// memory kept in a FIFO per call until their LINE_GATHERDIGITS (gather-buffers.ts).
import { LINETONEMODE } from '../../constants';
import { check, TapiError } from '../../errors';
import type { LineGatherRequest, LineGenerateTone, LineMonitorTone } from '../../provider';
import type { Tapi32 } from './bindings';
import { encodeGenerateTones, encodeMonitorTones } from './call-structs';
import type { GatherBuffers } from './gather-buffers';
import { utf16z } from './strings';

export class Win32Signals {
  constructor(
    private readonly api: Tapi32,
    private readonly gathers: GatherBuffers,
  ) {}

  generateDigits(hCall: number, digitMode: number, digits: string | null, duration: number): void {
    if (digits !== null) utf16z(digits, 'INVALPARAM', 'lineGenerateDigits', 'the digits');
    check(this.api.lineGenerateDigitsW(hCall >>> 0, digitMode >>> 0, digits, duration >>> 0) | 0, 'lineGenerateDigits');
  }

  generateTone(hCall: number, toneMode: number, duration: number, tones: readonly LineGenerateTone[]): void {
    const custom = toneMode >>> 0 === LINETONEMODE.CUSTOM && tones.length > 0;
    const array = custom ? encodeGenerateTones(tones) : null;
    check(this.api.lineGenerateTone(hCall >>> 0, toneMode >>> 0, duration >>> 0, custom ? tones.length : 0, array) | 0, 'lineGenerateTone');
  }

  monitorDigits(hCall: number, digitModes: number): void {
    check(this.api.lineMonitorDigits(hCall >>> 0, digitModes >>> 0) | 0, 'lineMonitorDigits');
  }

  gatherDigits(hCall: number, digitModes: number, request: LineGatherRequest | null): void {
    const operation = 'lineGatherDigits';
    if (!request) {
      // lpsDigits NULL: TAPI completes the running gather (its LINE_GATHERDIGITS(CANCEL) pops its buffer).
      check(this.api.lineGatherDigitsW(hCall >>> 0, digitModes >>> 0, null, 0, null, 0, 0) | 0, operation);
      return;
    }
    const numDigits = request.numDigits;
    if (!Number.isInteger(numDigits) || numDigits < 1 || numDigits > 0xffff)
      throw TapiError.of('INVALPARAM', operation, 'dwNumDigits must be 1..65535');
    const terminators = request.terminationDigits ? request.terminationDigits : null;
    if (terminators !== null) utf16z(terminators, 'INVALPARAM', operation, 'the termination digits');
    const buffer = this.gathers.allocate(numDigits);
    let rc: number;
    try {
      rc =
        this.api.lineGatherDigitsW(
          hCall >>> 0,
          digitModes >>> 0,
          buffer.ptr,
          numDigits,
          terminators,
          request.firstDigitTimeout >>> 0,
          request.interDigitTimeout >>> 0,
        ) | 0;
    } catch (error) {
      this.gathers.discard(buffer);
      throw error;
    }
    if (rc < 0) {
      this.gathers.discard(buffer);
      throw new TapiError(rc, operation);
    }
    this.gathers.started(hCall, buffer);
  }

  monitorTones(hCall: number, tones: readonly LineMonitorTone[] | null): void {
    const list = tones && tones.length ? encodeMonitorTones(tones) : null;
    check(this.api.lineMonitorTones(hCall >>> 0, list, list ? tones!.length : 0) | 0, 'lineMonitorTones');
  }

  monitorMedia(hCall: number, mediaModes: number): void {
    check(this.api.lineMonitorMedia(hCall >>> 0, mediaModes >>> 0) | 0, 'lineMonitorMedia');
  }
}
