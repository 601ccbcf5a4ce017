// Audio on a call (issue 14): prompts played in turn (one queue per call) with barge-in on digits, and
// recordings that end on a maximum duration, a digit, silence, hang-up or stopRecording(). The provider's media
// seam (media.ts) moves the frames; everything here is written once for every provider.
import { TapiError, TapiValidationError } from './errors';
import { toPcm, toWav, type AudioSource } from './audio';
import type { AudioIn, AudioOut, MediaCapabilities, MediaProvider } from './media';
import type { Line } from './line';
import type { Call } from './call';
import type { DigitEvent } from './call-signals';
import type { OperationContext } from './operation-context';
import type { CallStateEvent } from './types';

export interface PlayOptions {
  /** Digits that stop the prompt at once ('#', '0123456789*#'); true = any digit. Digits are monitored (DTMF) for it. */
  stopOnDigits?: string | boolean;
}

export interface PlayResult {
  /** True when the whole prompt was played. */
  completed: boolean;
  /** The digit that stopped it (barge-in). */
  digit?: string;
  /** ms of the prompt that reached the far end (whole frames played). */
  playedMs: number;
  /** Why it stopped early: 'digit', 'stopped' (stopPlaying), 'hangup'. */
  reason?: 'digit' | 'stopped' | 'hangup';
}

export interface RecordOptions {
  /** Longest recording in ms (> 0). */
  maxMs: number;
  stopOnDigits?: string | boolean;
  /** Stop after this many ms of silence following some sound (0 / absent = no silence detection). */
  silenceMs?: number;
}

export type RecordReason = 'maxduration' | 'digit' | 'silence' | 'hangup' | 'stopped';

export interface RecordResult {
  /** 16-bit mono PCM WAV at the device's rate. */
  wav: Buffer;
  durationMs: number;
  reason: RecordReason;
  digit?: string;
}

/** Frames of 20 ms; three queued keep the device fed (no underrun) without delaying a barge-in. */
const FRAME_MS = 20;
const QUEUED_FRAMES = 3;
/** Mean absolute sample value below which a frame counts as silence (about -42 dBFS). */
const SILENCE_LEVEL = 260;

interface Stopper {
  stop(reason: 'stopped' | 'hangup'): void;
}

interface MediaState {
  queue: Promise<unknown>;
  playing?: Stopper;
  pendingPlays: Set<Stopper>;
  recording?: Stopper;
}

function digitMatcher(stop: string | boolean | undefined, op: string): ((digit: string) => boolean) | undefined {
  if (stop === undefined || stop === false || stop === '') return undefined;
  if (stop === true) return () => true;
  if (typeof stop !== 'string' || !/^[0-9A-Da-d*#]+$/.test(stop)) {
    throw new TapiValidationError(`${op}: stopOnDigits is true or digits 0-9 A-D * #`);
  }
  const set = stop.toUpperCase();
  return (digit) => set.includes(digit.toUpperCase());
}

export class CallMedia {
  private readonly states = new WeakMap<Call, MediaState>();

  constructor(private readonly ctx: OperationContext) {}

  private media(call: Call, op: string): MediaProvider {
    this.ctx.assertCall(call, op);
    const media = this.ctx.provider().media;
    if (!media) throw TapiError.of('OPERATIONUNAVAIL', op, 'this provider carries no audio');
    return media;
  }

  private state(call: Call): MediaState {
    let s = this.states.get(call);
    if (!s) {
      s = { queue: Promise.resolve(), pendingPlays: new Set() };
      this.states.set(call, s);
    }
    return s;
  }

  /** line.mediaCapabilities: none at all when the provider carries no audio. */
  capabilities(line: Line): MediaCapabilities {
    const media = this.ctx.provider().media;
    if (!media) return { audio: false, playback: false, recording: false, deviceClasses: [], formats: [] };
    return media.mediaCapabilities(line.deviceId, line.device.apiVersion);
  }

  /** call.play: queued behind the call's earlier prompts. */
  play(call: Call, audio: AudioSource, options: PlayOptions = {}): Promise<PlayResult> {
    let stopDigit: ((d: string) => boolean) | undefined;
    try {
      this.media(call, 'play');
      if (audio === undefined || audio === null)
        throw new TapiValidationError('play: give audio (a WAV Buffer, a WAV file path, or { pcm, sampleRate })');
      stopDigit = digitMatcher(options?.stopOnDigits, 'play');
    } catch (error) {
      return Promise.reject(error);
    }
    const s = this.state(call);
    let cancelled: 'stopped' | 'hangup' | undefined;
    const waiting: Stopper = { stop: (reason) => (cancelled = reason) };
    s.pendingPlays.add(waiting);
    const run = s.queue.then(() => {
      s.pendingPlays.delete(waiting);
      if (cancelled) return { completed: false, playedMs: 0, reason: cancelled } as PlayResult;
      return this.playNow(call, s, audio, stopDigit);
    });
    s.queue = run.catch(() => undefined);
    return run;
  }

  private playNow(call: Call, s: MediaState, audio: AudioSource, stopDigit: ((d: string) => boolean) | undefined): Promise<PlayResult> {
    const media = this.media(call, 'play');
    if (stopDigit) this.watchDigits(call);
    const out: AudioOut = media.openAudioOut(call.line.hLine, call.handle);
    let pcm: Int16Array;
    try {
      pcm = toPcm(audio, out.sampleRate, 'play');
    } catch (error) {
      out.close();
      throw error;
    }
    const frame = Math.max(1, Math.round((out.sampleRate * FRAME_MS) / 1000));
    return new Promise<PlayResult>((resolve) => {
      let next = 0;
      let playedSamples = 0;
      let inFlight = 0;
      let done = false;
      const finish = (result: Omit<PlayResult, 'playedMs'>) => {
        if (done) return;
        done = true;
        call.off('digit', onDigit);
        call.off('state', onState);
        call.off('deallocated', onGone);
        if (s.playing === stopper) s.playing = undefined;
        out.close();
        resolve({ ...result, playedMs: Math.round((playedSamples * 1000) / out.sampleRate) });
      };
      const pump = () => {
        while (!done && inFlight < QUEUED_FRAMES && next < pcm.length) {
          const chunk = pcm.subarray(next, Math.min(pcm.length, next + frame));
          next += chunk.length;
          inFlight++;
          out.write(chunk).then(
            (played) => {
              inFlight--;
              if (done) return;
              // Not played although we neither reset nor closed: the device went away under the call (the SIP
              // provider closes the call's RTP session on BYE before the DISCONNECTED state reaches the call).
              if (!played) return finish({ completed: false, reason: 'hangup' });
              playedSamples += chunk.length;
              if (next >= pcm.length && inFlight === 0) finish({ completed: true });
              else pump();
            },
            () => {
              inFlight--;
              finish({ completed: false, reason: 'hangup' });
            },
          );
        }
        if (!done && pcm.length === 0) finish({ completed: true });
      };
      const stopper: Stopper = {
        stop: (reason) => {
          if (done) return;
          out.reset();
          finish({ completed: false, reason });
        },
      };
      const onDigit = (event: DigitEvent) => {
        if (done || !stopDigit?.(event.digit)) return;
        out.reset();
        finish({ completed: false, digit: event.digit, reason: 'digit' });
      };
      const onState = (event: CallStateEvent) => {
        if (event.state === 'disconnected' || event.state === 'idle') stopper.stop('hangup');
      };
      const onGone = () => stopper.stop('hangup');
      s.playing = stopper;
      if (stopDigit) call.on('digit', onDigit);
      call.on('state', onState);
      call.on('deallocated', onGone);
      pump();
    });
  }

  /** call.stopPlaying: the running prompt and every queued one end (completed false, reason 'stopped'). */
  stopPlaying(call: Call): void {
    const s = this.states.get(call);
    if (!s) return;
    for (const p of [...s.pendingPlays]) p.stop('stopped');
    s.playing?.stop('stopped');
  }

  record(call: Call, options: RecordOptions): Promise<RecordResult> {
    let stopDigit: ((d: string) => boolean) | undefined;
    let media: MediaProvider;
    try {
      media = this.media(call, 'record');
      if (!options || typeof options !== 'object') throw new TapiValidationError('record: give { maxMs }');
      const { maxMs, silenceMs = 0 } = options;
      if (typeof maxMs !== 'number' || !Number.isFinite(maxMs) || maxMs <= 0)
        throw new TapiValidationError('record: maxMs must be a number of ms > 0');
      if (typeof silenceMs !== 'number' || !Number.isFinite(silenceMs) || silenceMs < 0)
        throw new TapiValidationError('record: silenceMs must be ms >= 0');
      stopDigit = digitMatcher(options.stopOnDigits, 'record');
      const s = this.state(call);
      if (s.recording) throw TapiError.of('INVALCALLSTATE', 'record', 'the call is already being recorded');
      if (stopDigit) this.watchDigits(call);
      const input = media.openAudioIn(call.line.hLine, call.handle);
      return Promise.resolve(this.recordNow(call, s, input, maxMs, silenceMs, stopDigit));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private recordNow(
    call: Call,
    s: MediaState,
    input: AudioIn,
    maxMs: number,
    silenceMs: number,
    stopDigit?: (d: string) => boolean,
  ): Promise<RecordResult> {
    const rate = input.sampleRate;
    const maxSamples = Math.round((maxMs * rate) / 1000);
    const silenceSamples = Math.round((silenceMs * rate) / 1000);
    const frames: Int16Array[] = [];
    let total = 0;
    let heardSound = false;
    let quietRun = 0;
    return new Promise<RecordResult>((resolve) => {
      let done = false;
      const finish = (reason: RecordReason, digit?: string) => {
        if (done) return;
        done = true;
        input.close();
        call.off('digit', onDigit);
        call.off('state', onState);
        call.off('deallocated', onGone);
        if (s.recording === stopper) s.recording = undefined;
        const pcm = new Int16Array(total);
        let at = 0;
        for (const f of frames) {
          pcm.set(f, at);
          at += f.length;
        }
        const result: RecordResult = { wav: toWav(pcm, rate), durationMs: Math.round((total * 1000) / rate), reason };
        if (digit !== undefined) result.digit = digit;
        resolve(result);
      };
      const onFrame = (pcm: Int16Array) => {
        if (done) return;
        const take = pcm.subarray(0, Math.min(pcm.length, maxSamples - total));
        frames.push(Int16Array.from(take));
        total += take.length;
        if (silenceSamples > 0) {
          let sum = 0;
          for (let i = 0; i < take.length; i++) sum += Math.abs(take[i]);
          const quiet = take.length === 0 || sum / take.length < SILENCE_LEVEL;
          if (!quiet) {
            heardSound = true;
            quietRun = 0;
          } else if (heardSound) quietRun += take.length;
          if (heardSound && quietRun >= silenceSamples) return finish('silence');
        }
        if (total >= maxSamples) finish('maxduration');
      };
      const stopper: Stopper = { stop: (reason) => finish(reason) };
      const onDigit = (event: DigitEvent) => {
        if (stopDigit?.(event.digit)) finish('digit', event.digit);
      };
      const onState = (event: CallStateEvent) => {
        if (event.state === 'disconnected' || event.state === 'idle') finish('hangup');
      };
      const onGone = () => finish('hangup');
      s.recording = stopper;
      if (stopDigit) call.on('digit', onDigit);
      call.on('state', onState);
      call.on('deallocated', onGone);
      input.start(onFrame);
    });
  }

  /** call.stopRecording: the running recording resolves with what it has (reason 'stopped'). */
  stopRecording(call: Call): void {
    this.states.get(call)?.recording?.stop('stopped');
  }

  /** The handle is gone: every prompt and recording ends ('hangup'). */
  released(call: Call): void {
    const s = this.states.get(call);
    if (!s) return;
    for (const p of [...s.pendingPlays]) p.stop('hangup');
    s.playing?.stop('hangup');
    s.recording?.stop('hangup');
  }

  /** Barge-in needs the call's digits: monitor DTMF (or pulse on a line that hears only pulse). */
  private watchDigits(call: Call): void {
    const modes = call.line.device.caps.monitorDigitModes;
    // LINEDIGITMODE_DTMF 0x2, PULSE 0x1 (tapi-reference.md §4.12).
    call.monitorDigits(modes & 0x2 ? ['dtmf'] : ['pulse']);
  }
}
