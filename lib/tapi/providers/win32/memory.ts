// Stable native memory (koffi.alloc) for everything TAPI may touch after a call returns:
// lphCall slots, their destination strings and LINECALLPARAMS, the LINEMESSAGE of the pending
// lineGetMessage. Counted, so tests can assert that nothing leaks.
import type * as Koffi from 'koffi';

export class NativeMemory {
  private readonly live = new Set<bigint>();

  constructor(private readonly koffi: typeof Koffi) {}

  /** `size` zeroed bytes that never move until free(). */
  alloc(size: number): bigint {
    const ptr = this.koffi.alloc('uint8_t', Math.max(1, size)) as bigint;
    new Uint8Array(this.koffi.view(ptr, Math.max(1, size))).fill(0);
    this.live.add(ptr);
    return ptr;
  }

  /** A copy of `bytes` in stable memory. */
  copy(bytes: Uint8Array): bigint {
    const ptr = this.alloc(bytes.length);
    if (bytes.length) new Uint8Array(this.koffi.view(ptr, bytes.length)).set(bytes);
    return ptr;
  }

  /** Read a little-endian DWORD at `offset`. */
  readU32(ptr: bigint, offset = 0): number {
    return new DataView(this.koffi.view(ptr, offset + 4)).getUint32(offset, true);
  }

  /** The `size` bytes at `ptr` (no copy). */
  view(ptr: bigint, size: number): ArrayBuffer {
    return this.koffi.view(ptr, Math.max(1, size)) as ArrayBuffer;
  }

  free(ptr: bigint | null | undefined): void {
    if (ptr === null || ptr === undefined || !this.live.has(ptr)) return;
    this.live.delete(ptr);
    this.koffi.free(ptr);
  }

  get count(): number {
    return this.live.size;
  }
}
