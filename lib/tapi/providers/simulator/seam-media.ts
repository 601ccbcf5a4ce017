// The media seam on the simulated exchange (issue 14): what our side plays takes its duration in simulated time
// (timeScale respected) and is kept per call (`heard`); recording hears the far end's speech (`remoteAudio`,
// test number 5550111) frame by frame in simulated time, silence in between. Lines without wave devices refuse
// like lineGetIDW does: LINEERR_INVALDEVICECLASS.
import { LINECALLSTATE, LINEMEDIAMODE } from '../../constants';
import { TapiError, TapiValidationError } from '../../errors';
import { toPcm, type AudioSource } from '../../audio';
import { NO_AUDIO_DEVICE, waveClasses, type AudioIn, type AudioOut, type MediaCapabilities, type MediaProvider } from '../../media';
import { addressCapsOf } from './devices';
import type { Exchange } from './exchange';
import type { ExchangeCall } from './exchange-call';
import type { SeamContext } from './seam-context';

const RATE = 8000;
const IN_FRAME_S = 0.02;
const FORMAT = { encoding: 'pcm16', sampleRate: RATE } as const;

function live(call: ExchangeCall): boolean {
  return call.state !== LINECALLSTATE.DISCONNECTED && call.state !== LINECALLSTATE.IDLE;
}

export class SeamMedia implements MediaProvider {
  constructor(private readonly ctx: SeamContext) {}

  mediaCapabilities(deviceId: number, apiVersion: number): MediaCapabilities {
    const device = this.ctx.device(deviceId, 'lineGetDevCaps');
    const classes = addressCapsOf(device, apiVersion >>> 0).deviceClasses;
    const { playback, recording } = waveClasses(classes);
    const voice = (device.mediaModes & LINEMEDIAMODE.AUTOMATEDVOICE) !== 0;
    return {
      audio: voice && (playback || recording),
      playback,
      recording,
      deviceClasses: classes,
      formats: playback || recording ? [FORMAT] : [],
    };
  }

  private open(hLine: number, hCall: number, cls: 'wave/out' | 'wave/in'): { ex: Exchange; call: ExchangeCall } {
    const op = 'lineGetID';
    const ex = this.ctx.session(op);
    const h = this.ctx.handle(hCall, op);
    if (h.line.hLine !== hLine) throw TapiError.of('INVALLINEHANDLE', op);
    if (!h.line.device.wave) throw TapiError.of('INVALDEVICECLASS', op, `${cls}: ${NO_AUDIO_DEVICE}`);
    if (h.call.state !== LINECALLSTATE.CONNECTED)
      throw TapiError.of('INVALCALLSTATE', cls === 'wave/out' ? 'waveOutOpen' : 'waveInOpen', 'the call is not connected');
    return { ex, call: h.call };
  }

  openAudioOut(hLine: number, hCall: number): AudioOut {
    const { ex, call } = this.open(hLine, hCall, 'wave/out');
    const owner = {};
    let queueEnd = ex.scheduler.now();
    let pending: Array<{ timer: number; resolve: (played: boolean) => void }> = [];
    let closed = false;
    const reset = () => {
      ex.scheduler.cancelOwner(owner);
      const was = pending;
      pending = [];
      queueEnd = ex.scheduler.now();
      for (const p of was) p.resolve(false);
    };
    return {
      sampleRate: RATE,
      format: FORMAT,
      write: (pcm) =>
        new Promise<boolean>((resolve) => {
          if (closed || !live(call)) return resolve(false);
          const frame = Int16Array.from(pcm);
          const now = ex.scheduler.now();
          queueEnd = Math.max(queueEnd, now) + frame.length / RATE;
          const entry = {
            timer: 0,
            resolve,
          };
          entry.timer = ex.scheduler.schedule(
            queueEnd - now,
            () => {
              pending = pending.filter((p) => p !== entry);
              if (!live(call)) return resolve(false);
              call.heard.push(frame);
              resolve(true);
            },
            owner,
          );
          pending.push(entry);
        }),
      reset,
      close: () => {
        if (closed) return;
        reset();
        closed = true;
      },
    };
  }

  openAudioIn(hLine: number, hCall: number): AudioIn {
    const { ex, call } = this.open(hLine, hCall, 'wave/in');
    const owner = {};
    let closed = false;
    return {
      sampleRate: RATE,
      format: FORMAT,
      start: (onFrame) => {
        let from = ex.scheduler.now();
        const tick = () => {
          if (closed) return;
          const to = from + IN_FRAME_S;
          onFrame(farEndBetween(call, from, to));
          from = to;
          if (!closed && live(call)) ex.scheduler.schedule(to - ex.scheduler.now(), tick, owner);
        };
        ex.scheduler.schedule(IN_FRAME_S, tick, owner);
      },
      close: () => {
        closed = true;
        ex.scheduler.cancelOwner(owner);
      },
    };
  }

  heard(call: ExchangeCall): { pcm: Int16Array; sampleRate: number; playedMs: number } {
    const total = call.heard.reduce((n, f) => n + f.length, 0);
    const pcm = new Int16Array(total);
    let at = 0;
    for (const f of call.heard) {
      pcm.set(f, at);
      at += f.length;
    }
    return { pcm, sampleRate: RATE, playedMs: Math.round((total * 1000) / RATE) };
  }

  remoteAudio(ex: Exchange, call: ExchangeCall, audio: AudioSource): void {
    if (!call.device.wave) throw new TapiValidationError(`remoteAudio: ${NO_AUDIO_DEVICE}`);
    const pcm = toPcm(audio, RATE, 'remoteAudio');
    const last = call.speech[call.speech.length - 1];
    const start = Math.max(ex.scheduler.now(), last ? last.start + last.pcm.length / RATE : 0);
    call.speech.push({ start, pcm });
  }
}

/** The far end's speech in [from, to) simulated seconds, as 8 kHz samples (silence where it says nothing). */
function farEndBetween(call: ExchangeCall, from: number, to: number): Int16Array {
  const first = Math.round(from * RATE);
  const out = new Int16Array(Math.round(to * RATE) - first);
  for (const seg of call.speech) {
    const segStart = Math.round(seg.start * RATE);
    const lo = Math.max(first, segStart);
    const hi = Math.min(first + out.length, segStart + seg.pcm.length);
    if (hi > lo) out.set(seg.pcm.subarray(lo - segStart, hi - segStart), lo - first);
  }
  return out;
}
