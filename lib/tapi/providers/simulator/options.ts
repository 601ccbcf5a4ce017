// The simulated exchange's options and test controls: the simulator's own types, reached by the library
// through openTapi's types (OpenTapiOptions.simulator, OpenedTapi.simulator), never the other way round.
import type { Scenario } from './scenarios';

export interface SimulatorLineConfig {
  name: string;
  /** `$` supported (LINEDEVCAPFLAGS_DIALBILLING). */
  dialBilling?: boolean;
  /** `@` supported (LINEDEVCAPFLAGS_DIALQUIET). */
  dialQuiet?: boolean;
  /** `W` supported (LINEDEVCAPFLAGS_DIALDIALTONE). */
  dialDialtone?: boolean;
  /** Trailing `;` supported (LINEADDRCAPFLAGS_PARTIALDIAL). */
  partialDial?: boolean;
  /** Own number, reported as the called id of incoming calls. */
  address?: string;
  /** Call appearances (LINEDEVCAPS.dwMaxNumActiveCalls); more calls at once fail with LINEERR_CALLUNAVAIL. Default 4. */
  maxActiveCalls?: number;
  /** Wave devices (audio for call.play / call.record); default true. */
  wave?: boolean;
}

export interface SimulatorOptions {
  /** Multiplies every delay: 1 = realistic seconds, 0 = as fast as possible (still asynchronous). */
  timeScale?: number;
  /** Replaces the default line devices. */
  lines?: SimulatorLineConfig[];
  /** Rules tried before the documented test numbers. */
  scenarios?: Scenario[];
}

export interface IncomingCallOptions {
  /** Line device that rings (default 0). */
  deviceId?: number;
  /** The caller's number as presented (LINECALLINFO caller id). */
  callerId?: string;
  callerIdName?: string;
  /** The number that was called (default: the device's own address). */
  calledId?: string;
  /** Caller id withheld: LINECALLPARTYID_BLOCKED, no number or name. */
  blocked?: boolean;
  /** Simulated seconds until the caller gives up (DISCONNECTED NORMAL); default 30; 0 or Infinity = never. */
  ringSeconds?: number;
  /** One LINEMEDIAMODE_* bit (default INTERACTIVEVOICE); owners are chosen by the media modes they opened with. */
  mediaMode?: number;
  /** Keys the caller presses, starting 1 simulated second after the call is answered (500 ms apart). */
  digits?: string;
}

export interface SimulatorOutstanding {
  /** Open lines (HLINEs). */
  lines: number;
  /** Allocated call handles (HCALLs not deallocated). */
  calls: number;
  /** Async requests whose LINE_REPLY has not been delivered. */
  requests: number;
  /** Pending far-end timers (ownerless calls still progressing count here). */
  timers: number;
  /** Messages queued and not yet delivered. */
  queued: number;
}

export interface RemoteDigitsOptions {
  /** Simulated ms between two keys (default 100; 0 = all at once, in one message batch). */
  interDigitMs?: number;
  /** How the far end signals them (default 'dtmf'; the analog line hears 'pulse' only). */
  mode?: 'dtmf' | 'pulse';
}

/** One tone our side generated on a call. */
export interface GeneratedTone {
  /** 'beep', 'busy', 'ringback', 'billing' or 'custom'. */
  tone: string;
  /** Hz of every component (custom tones), [] for the standard ones. */
  frequencies: number[];
  /** As requested (0 = until cancelled). */
  durationMs: number;
  /** 'done' or 'cancel' once over, undefined while it plays. */
  ended?: 'done' | 'cancel';
}

/** What our side sent on a call, as the far end heard it. */
export interface GeneratedSignals {
  /** Every digit completely generated, in order (`,` pauses and `!` flashes left out). */
  digits: string;
  tones: GeneratedTone[];
}

/**
 * The simulated exchange's test and rehearsal controls (`tapi.simulator`). `target` is one of the app's
 * handles to the call (call.handle) or the provider's call id (LINECALLINFO.dwCallID).
 */
export interface SimulatorControls {
  presentIncomingCall(options?: IncomingCallOptions): number;
  remoteHangup(target: number, mode?: string | number): boolean;
  /** The far end presses keys on a connected call (LINE_MONITORDIGITS / gathered where enabled). */
  remoteDigits(target: number, digits: string, options?: RemoteDigitsOptions): void;
  /** What our side generated on the call so far (lineGenerateDigits / lineGenerateTone). */
  generated(target: number): GeneratedSignals;
  /** The far end plays a tone of these frequencies (Hz): LINE_MONITORTONE for a monitored entry that matches. */
  remoteTone(target: number, frequencies: number[]): void;
  /** The far end's media is detected as `mediaMode` (a LINEMEDIAMODE name or bit): LINE_MONITORMEDIA where monitored. */
  remoteMedia(target: number, mediaMode: number | string): void;
  /** What our side played into the call so far: 8 kHz PCM, and its duration in ms. */
  heard(target: number): { pcm: Int16Array; sampleRate: number; playedMs: number };
  /** The far end speaks `audio` (WAV Buffer / path / { pcm, sampleRate }) after what it is already saying. */
  remoteAudio(target: number, audio: Buffer | string | { pcm: Int16Array; sampleRate: number }): void;
  reinit(): void;
  forceClose(hLine: number): void;
  failNext(functionName: string, lineErr: string, options?: { async?: boolean }): void;
  replyBeforeReturn(enabled?: boolean): void;
  outstanding(): SimulatorOutstanding;
}
