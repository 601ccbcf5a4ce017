// G.711 through alawmulaw, per codec name, and the silence byte of each law.
import { alaw, mulaw } from 'alawmulaw';
import type { CodecName } from './sdp';

export function encodeG711(codec: CodecName, pcm: Int16Array): Buffer {
  const bytes = codec === 'PCMU' ? mulaw.encode(pcm) : alaw.encode(pcm);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeG711(codec: CodecName, payload: Buffer): Int16Array {
  const bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  return codec === 'PCMU' ? mulaw.decode(bytes) : alaw.decode(bytes);
}

/** One frame of digital silence (µ-law 0xFF, A-law 0xD5: both decode to 0 or next to it). */
export function silenceFrame(codec: CodecName, samples: number): Buffer {
  return Buffer.alloc(samples, codec === 'PCMU' ? 0xff : 0xd5);
}
