// The media seam, beside the line seam (provider.ts): the audio of one call, as 16-bit PCM frames with their
// sample rate. The simulator carries it in simulated time, win32 through the line's wave devices (winmm, found
// with lineGetIDW "wave/out" / "wave/in"), a later SIP provider over RTP. Queueing, barge-in, WAV conversion
// and the end of a recording live above the seam (call-media.ts) and are written once for every provider.

/** A line without wave devices: lineGetIDW answers LINEERR_INVALDEVICECLASS with this detail. */
export const NO_AUDIO_DEVICE = 'this line has no audio device; playing needs a voice modem or a media-capable TSP';

export type AudioEncoding = 'pcm16' | 'mulaw' | 'alaw';

export interface AudioFormat {
  encoding: AudioEncoding;
  sampleRate: number;
}

/** What the line offers for audio (line.mediaCapabilities). */
export interface MediaCapabilities {
  /** The line has wave devices: call.play and call.record can work. */
  audio: boolean;
  playback: boolean;
  recording: boolean;
  /** The device classes the line names for lineGetID (LINEADDRESSCAPS / LINEDEVCAPS). */
  deviceClasses: string[];
  /** Formats the provider offers the device, in order of preference (the audio is converted to the first it takes). */
  formats: AudioFormat[];
}

/** The call's audio out (wave/out): frames are played in the order written. */
export interface AudioOut {
  /** Rate of the frames write() takes (16-bit mono PCM). */
  readonly sampleRate: number;
  /** The format the device was opened with (the provider converts to it). */
  readonly format: AudioFormat;
  /** Queues one frame; resolves true once it was played to the end, false if reset() or close() came first. */
  write(pcm: Int16Array): Promise<boolean>;
  /** Stops at once (waveOutReset): every queued frame resolves false. */
  reset(): void;
  /** Resets and gives the device back. Idempotent. */
  close(): void;
}

/** The call's audio in (wave/in). */
export interface AudioIn {
  readonly sampleRate: number;
  readonly format: AudioFormat;
  /** Starts capturing: `onFrame` gets each recorded frame, in order, as 16-bit mono PCM. */
  start(onFrame: (pcm: Int16Array) => void): void;
  /** Stops, returns the pending buffers and gives the device back. Idempotent. */
  close(): void;
}

export interface MediaProvider {
  /** What the line device offers (from its device classes and media modes). */
  mediaCapabilities(deviceId: number, apiVersion: number): MediaCapabilities;
  /**
   * Opens the call's wave/out device, fetched for this call now (never cached). Throws TapiError
   * LINEERR_INVALDEVICECLASS (detail NO_AUDIO_DEVICE) when the line has none.
   */
  openAudioOut(hLine: number, hCall: number): AudioOut;
  /** As openAudioOut, for wave/in. */
  openAudioIn(hLine: number, hCall: number): AudioIn;
}

/** The format this package offers first: 8 kHz 16-bit mono PCM, then G.711 µ-law and A-law. */
export const OFFERED_FORMATS: readonly AudioFormat[] = [
  { encoding: 'pcm16', sampleRate: 8000 },
  { encoding: 'mulaw', sampleRate: 8000 },
  { encoding: 'alaw', sampleRate: 8000 },
];

/** True when the class list names a wave device for playing / recording (`wave/in/out` names both). */
export function waveClasses(deviceClasses: readonly string[]): { playback: boolean; recording: boolean } {
  const lower = deviceClasses.map((c) => c.toLowerCase());
  const duplex = lower.includes('wave/in/out');
  return { playback: duplex || lower.includes('wave/out'), recording: duplex || lower.includes('wave/in') };
}
