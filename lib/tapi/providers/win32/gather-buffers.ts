// The lpsDigits buffers of lineGatherDigitsW (tapi-reference.md §14.3): TAPI writes one later, so it lives in
// native memory until its LINE_GATHERDIGITS. The message names neither buffer nor request and a new gather
// cancels the old one, so each call keeps a FIFO: push on every started gather, pop the head per message.
// A call's buffers outlive lineDeallocateCall / lineClose (whether TAPI still writes them then is not
// documented, §13): they are kept until their message or lineShutdown.
import type { NativeMemory } from './memory';

interface GatherBuffer {
  ptr: bigint;
  /** dwNumDigits: the buffer holds numDigits + 1 WCHARs (the last one stays U+0000). */
  numDigits: number;
}

export class GatherBuffers {
  private readonly byCall = new Map<number, GatherBuffer[]>();

  constructor(private readonly memory: NativeMemory) {}

  /** A zero-filled buffer for `numDigits` digits and the extra U+0000 slot. */
  allocate(numDigits: number): GatherBuffer {
    return { ptr: this.memory.alloc(2 * (numDigits + 1)), numDigits };
  }

  /** lineGatherDigitsW accepted it: it completes after the call's older gathers. */
  started(hCall: number, buffer: GatherBuffer): void {
    const h = hCall >>> 0;
    const fifo = this.byCall.get(h);
    if (fifo) fifo.push(buffer);
    else this.byCall.set(h, [buffer]);
  }

  /** lineGatherDigitsW refused it: TAPI keeps no reference. */
  discard(buffer: GatherBuffer): void {
    this.memory.free(buffer.ptr);
  }

  /** LINE_GATHERDIGITS for `hCall`: the oldest buffer's digits (up to the first U+0000 or numDigits), freed. */
  complete(hCall: number): string | undefined {
    const h = hCall >>> 0;
    const fifo = this.byCall.get(h);
    const head = fifo?.shift();
    if (!fifo || !head) return undefined;
    if (!fifo.length) this.byCall.delete(h);
    const bytes = Buffer.from(this.memory.view(head.ptr, 2 * head.numDigits));
    let text = bytes.toString('utf16le');
    const nul = text.indexOf('\0');
    if (nul >= 0) text = text.slice(0, nul);
    this.memory.free(head.ptr);
    return text;
  }

  /** Gathers started and not yet completed, over every call. */
  get outstanding(): number {
    let n = 0;
    for (const fifo of this.byCall.values()) n += fifo.length;
    return n;
  }

  /** After lineShutdown: TAPI writes nowhere any more. */
  releaseAll(): void {
    for (const fifo of this.byCall.values()) for (const b of fifo) this.memory.free(b.ptr);
    this.byCall.clear();
  }
}
