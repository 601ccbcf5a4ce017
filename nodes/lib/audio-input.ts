// The audio a play node is given: msg.payload (a WAV Buffer, a WAV file path, or { pcm: Int16Array, sampleRate })
// read defensively, and WAV files opened so that a path can only ever bring audio in: a regular file, of a
// bounded size, that starts like a WAV file, inside the node's folder when one is set. Nothing of a file that
// is not a WAV is echoed. No Node-RED import.
import { open, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { TapiValidationError, type AudioSource } from '../../lib/tapi';
import type { NodeMessage } from './node-red';

/** 64 MiB: ten minutes of 48 kHz 16-bit stereo fit; a path to something endless does not. */
export const MAX_AUDIO_BYTES = 64 * 1024 * 1024;
/** Samples of { pcm } (ten minutes at 48 kHz). */
const MAX_PCM_SAMPLES = 48000 * 600;

export type AudioRead =
  | { ok: true; kind: 'none' }
  | { ok: true; kind: 'wav'; wav: Buffer }
  | { ok: true; kind: 'path'; path: string }
  | { ok: true; kind: 'pcm'; audio: { pcm: Int16Array; sampleRate: number } }
  | { ok: false; error: TapiValidationError; hostile: boolean };

/** RIFF, RIFX or RF64, then WAVE at byte 8: what wavefile reads. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const tag = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  return ['RIFF', 'RIFX', 'RF64'].includes(tag(0)) && tag(8) === 'WAVE';
}

const NOT_AUDIO = 'msg.payload must be a WAV Buffer, a WAV file path, or { pcm: Int16Array, sampleRate }';

/** msg.payload as audio. A payload that throws when read is `hostile` (it must not be handed back to Node-RED). */
export function readAudioPayload(msg: NodeMessage): AudioRead {
  let value: unknown;
  try {
    value = msg.payload;
  } catch (err) {
    return { ok: false, error: new TapiValidationError(`msg.payload could not be read: ${why(err)}`), hostile: true };
  }
  try {
    if (value === undefined || value === null || value === '') return { ok: true, kind: 'none' };
    if (typeof value === 'string') {
      if (value.includes('\0') || value.length > 4096) return bad('msg.payload is not a usable file path');
      return { ok: true, kind: 'path', path: value };
    }
    if (value instanceof Uint8Array) {
      if (value.length > MAX_AUDIO_BYTES) return bad(`msg.payload is larger than ${MAX_AUDIO_BYTES} bytes`);
      if (!looksLikeWav(value)) return bad('msg.payload is not a WAV file (no RIFF/WAVE header)');
      return { ok: true, kind: 'wav', wav: Buffer.from(value) };
    }
    // Read every property once: a getter or Proxy that throws is found here, not when Node-RED clones the message.
    readAll(value, 0);
    if (typeof value === 'object' && (value as { pcm?: unknown }).pcm !== undefined) {
      const { pcm, sampleRate } = value as { pcm: unknown; sampleRate: unknown };
      if (!(pcm instanceof Int16Array)) return bad('msg.payload.pcm must be an Int16Array (16-bit mono samples)');
      if (pcm.length > MAX_PCM_SAMPLES) return bad(`msg.payload.pcm has more than ${MAX_PCM_SAMPLES} samples`);
      if (typeof sampleRate !== 'number' || !Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
        return bad('msg.payload.sampleRate must be an integer from 1000 to 192000 Hz');
      }
      return { ok: true, kind: 'pcm', audio: { pcm: Int16Array.from(pcm), sampleRate } };
    }
    return bad(NOT_AUDIO);
  } catch (err) {
    return { ok: false, error: new TapiValidationError(`msg.payload could not be read: ${why(err)}`), hostile: true };
  }
}

function readAll(value: unknown, depth: number): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || depth > 8) return;
  for (const key of Object.keys(value)) readAll((value as Record<string, unknown>)[key], depth + 1);
}

function bad(message: string): AudioRead {
  return { ok: false, error: new TapiValidationError(message), hostile: false };
}

function why(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200);
}

/** Where relative file names are taken from: Node-RED's fileWorkingDirectory, else its user directory, else the cwd. */
export function baseDirectory(settings: Record<string, unknown> | undefined): string {
  const dir = settings?.fileWorkingDirectory ?? settings?.userDir;
  return typeof dir === 'string' && dir ? dir : process.cwd();
}

function inside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The bytes of a WAV file. `folder` (absolute) set: the file must be inside it once links are resolved.
 * Errors name the file as given and the reason (ENOENT, not a file, too large, not a WAV), never its content.
 */
export async function readWavFile(file: string, base: string, folder?: string): Promise<Buffer> {
  const shown = JSON.stringify(file.length > 120 ? file.slice(0, 117) + '...' : file);
  const full = path.resolve(folder ?? base, file);
  let real: string;
  try {
    real = await realpath(full);
  } catch (err) {
    throw new TapiValidationError(`cannot read the WAV file ${shown}: ${codeOf(err)}`);
  }
  if (folder !== undefined) {
    let realFolder: string;
    try {
      realFolder = await realpath(folder);
    } catch (err) {
      throw new TapiValidationError(`the prompt folder cannot be read: ${codeOf(err)}`);
    }
    if (!inside(realFolder, real)) throw new TapiValidationError(`the WAV file ${shown} is outside the node's folder`);
  }
  const info = await stat(real).catch((err: unknown) => {
    throw new TapiValidationError(`cannot read the WAV file ${shown}: ${codeOf(err)}`);
  });
  if (!info.isFile()) throw new TapiValidationError(`${shown} is not a regular file`);
  if (info.size > MAX_AUDIO_BYTES) throw new TapiValidationError(`the WAV file ${shown} is larger than ${MAX_AUDIO_BYTES} bytes`);
  let handle;
  try {
    handle = await open(real, 'r');
  } catch (err) {
    throw new TapiValidationError(`cannot read the WAV file ${shown}: ${codeOf(err)}`);
  }
  try {
    const head = Buffer.alloc(12);
    const { bytesRead } = await handle.read(head, 0, 12, 0);
    if (!looksLikeWav(head.subarray(0, bytesRead))) throw new TapiValidationError(`${shown} is not a WAV file (no RIFF/WAVE header)`);
    const bytes = Buffer.alloc(info.size);
    const { bytesRead: total } = await handle.read(bytes, 0, info.size, 0);
    return bytes.subarray(0, total);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unreadable';
}

/** The audio to hand to call.play, from what readAudioPayload found (files read by readWavFile). */
export async function audioSource(
  read: Exclude<AudioRead, { ok: false } | { kind: 'none' }>,
  base: string,
  folder?: string,
): Promise<AudioSource> {
  if (read.kind === 'wav') return read.wav;
  if (read.kind === 'pcm') return read.audio;
  return readWavFile(read.path, base, folder);
}
