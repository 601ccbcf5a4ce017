// UTF-16LE text as the W functions want it (tapi-reference.md §1.4).
import { TapiError } from '../../errors';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` can cross to a W function intact: no lone surrogate, no embedded NUL. */
export function isTransferable(s: string): boolean {
  return !LONE_SURROGATE.test(s) && !s.includes('\0');
}

/** UTF-16LE bytes of `s` followed by the 2-byte NUL; throws a TapiError(`error`) for text that cannot cross. */
export function utf16z(
  s: string,
  error: 'INVALADDRESS' | 'INVALCALLPARAMS' | 'INVALAPPNAME' | 'INVALPARAM',
  operation: string,
  what: string,
): Buffer {
  if (!isTransferable(s)) {
    throw TapiError.of(error, operation, `${what} contains a NUL character or an unpaired UTF-16 surrogate`);
  }
  const bytes = Buffer.alloc(s.length * 2 + 2);
  bytes.write(s, 0, 'utf16le');
  return bytes;
}

/**
 * The string of a Size/Offset pair inside a variably sized structure: UTF-16LE, Size in bytes with
 * the NUL. Tolerant reader: trailing NULs stripped, a dangling odd byte ignored, '' when absent or
 * out of bounds (`limit` = bytes of the buffer that hold valid data).
 */
export function readUtf16(buf: Uint8Array, sizeFieldOffset: number, limit: number): string {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const size = view.getUint32(sizeFieldOffset, true);
  const offset = view.getUint32(sizeFieldOffset + 4, true);
  if (size === 0 || offset === 0 || offset + size > limit || offset + size > buf.byteLength) return '';
  const even = size & ~1;
  let text = Buffer.from(buf.buffer, buf.byteOffset + offset, even).toString('utf16le');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  text = text.slice(0, end);
  return text;
}
