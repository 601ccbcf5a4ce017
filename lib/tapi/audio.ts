// Audio in and out of WAV: what call.play accepts (a WAV Buffer, a WAV file path, or { pcm, sampleRate }) turned
// into 16-bit mono PCM at the device's rate, and recordings turned into WAV. wavefile does the parsing, the
// G.711 expansion and the resampling; alawmulaw the G.711 codecs of the wave devices.
import { readFileSync } from 'node:fs';
import { WaveFile } from 'wavefile';
import { alaw, mulaw } from 'alawmulaw';
import { TapiValidationError } from './errors';
import type { AudioEncoding } from './media';

export interface PcmAudio {
  pcm: Int16Array;
  sampleRate: number;
}

export type AudioSource = Buffer | Uint8Array | string | PcmAudio;

/** wavefile's getSamples takes the output array constructor. */
const INT16 = Int16Array as unknown as Parameters<WaveFile['getSamples']>[1];

const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;

function isPcm(audio: unknown): audio is PcmAudio {
  return typeof audio === 'object' && audio !== null && (audio as PcmAudio).pcm instanceof Int16Array;
}

function checkRate(rate: unknown, what: string): number {
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1000 || rate > 192000) {
    throw new TapiValidationError(`${what}: sampleRate must be an integer from 1000 to 192000 Hz`);
  }
  return rate;
}

function wavOf(audio: AudioSource, what: string): WaveFile {
  let bytes: Uint8Array;
  if (typeof audio === 'string') {
    try {
      bytes = readFileSync(audio);
    } catch (error) {
      throw new TapiValidationError(`${what}: cannot read the WAV file "${audio}" (${(error as Error).message})`);
    }
  } else if (audio instanceof Uint8Array) {
    bytes = audio;
  } else {
    throw new TapiValidationError(`${what}: audio is a WAV Buffer, a WAV file path, or { pcm: Int16Array, sampleRate }`);
  }
  const wav = new WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw new TapiValidationError(`${what}: not a WAV file (${(error as Error).message})`);
  }
  return wav;
}

/** `audio` as 16-bit mono PCM at `sampleRate` (the first channel of a multi-channel file). */
export function toPcm(audio: AudioSource, sampleRate: number, what = 'play'): Int16Array {
  checkRate(sampleRate, what);
  let wav: WaveFile;
  if (isPcm(audio)) {
    const rate = checkRate(audio.sampleRate, what);
    if (rate === sampleRate) return audio.pcm;
    wav = new WaveFile();
    wav.fromScratch(1, rate, '16', audio.pcm);
  } else {
    wav = wavOf(audio, what);
    const fmt = wav.fmt as { audioFormat: number; numChannels: number };
    try {
      if (fmt.audioFormat === WAVE_FORMAT_MULAW) wav.fromMuLaw();
      else if (fmt.audioFormat === WAVE_FORMAT_ALAW) wav.fromALaw();
      if (fmt.numChannels > 1) {
        const first = wav.getSamples(false, INT16) as unknown as Float64Array[];
        const rate = (wav.fmt as { sampleRate: number }).sampleRate;
        const bits = wav.bitDepth;
        const mono = new WaveFile();
        mono.fromScratch(1, rate, bits, first[0]);
        wav = mono;
      }
      if (wav.bitDepth !== '16') wav.toBitDepth('16');
    } catch (error) {
      throw new TapiValidationError(`${what}: unsupported WAV format (${(error as Error).message})`);
    }
  }
  if ((wav.fmt as { sampleRate: number }).sampleRate !== sampleRate) wav.toSampleRate(sampleRate);
  return Int16Array.from(wav.getSamples(false, INT16) as unknown as ArrayLike<number>);
}

/** A 16-bit mono PCM WAV file of `pcm`. */
export function toWav(pcm: Int16Array, sampleRate: number): Buffer {
  const wav = new WaveFile();
  wav.fromScratch(1, sampleRate, '16', pcm);
  return Buffer.from(wav.toBuffer());
}

/** PCM frame -> the device's bytes (little-endian 16-bit, or one G.711 byte per sample). */
export function encodeFrame(pcm: Int16Array, encoding: AudioEncoding): Uint8Array {
  if (encoding === 'mulaw') return mulaw.encode(pcm);
  if (encoding === 'alaw') return alaw.encode(pcm);
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}

/** The device's bytes -> PCM frame. */
export function decodeFrame(bytes: Uint8Array, encoding: AudioEncoding): Int16Array {
  if (encoding === 'mulaw') return mulaw.decode(bytes);
  if (encoding === 'alaw') return alaw.decode(bytes);
  const copy = new Int16Array(bytes.byteLength >> 1);
  new Uint8Array(copy.buffer).set(bytes.subarray(0, copy.byteLength));
  return copy;
}

/** A sequence of sine tones (Hz, ms) at 8 kHz: the simulator's spoken prompt, the bench's prompts. */
export function toneSequence(tones: ReadonlyArray<{ frequency: number; ms: number }>, sampleRate = 8000, amplitude = 8000): Int16Array {
  const total = tones.reduce((n, t) => n + Math.round((t.ms * sampleRate) / 1000), 0);
  const out = new Int16Array(total);
  let at = 0;
  for (const tone of tones) {
    const n = Math.round((tone.ms * sampleRate) / 1000);
    for (let i = 0; i < n; i++) out[at + i] = Math.round(amplitude * Math.sin((2 * Math.PI * tone.frequency * i) / sampleRate));
    at += n;
  }
  return out;
}
