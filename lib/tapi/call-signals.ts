// Digits, tones and media on a call: generate (LINE_GENERATE), monitor digits (LINE_MONITORDIGITS), gather
// (LINE_GATHERDIGITS), monitor tones (LINE_MONITORTONE) and media (LINE_MONITORMEDIA). The messages name no
// request, so each call keeps FIFOs of what it started; every event is posted after its message batch, like
// call states, so none is lost and they stay in order with the states around them.
import { LINEDIGITMODE, LINEGATHERTERM, LINEGENERATETERM, LINEMEDIAMODE, LINETONEMODE, LINE_MESSAGE, flagNames, nameOf } from './constants';
import { TapiError } from './errors';
import { RULES, refuseUnless } from './call-features';
import type { Call } from './call';
import type { LineGenerateTone, LineMessage, LineMonitorTone } from './provider';
import type { OperationContext } from './operation-context';

export type DigitModeName = 'dtmf' | 'pulse' | 'dtmfend';
export type GenerateResult = 'done' | 'cancel';
export type GatherTermination = 'bufferfull' | 'termdigit' | 'firsttimeout' | 'intertimeout' | 'cancel';
export type StandardTone = 'beep' | 'busy' | 'ringback' | 'billing';

export interface DigitEvent {
  /** '0'-'9', 'A'-'D', '*', '#'. */
  digit: string;
  mode: DigitModeName;
  at: Date;
}

export interface ToneEvent {
  /** The id given to monitorTones. */
  id: string | number;
  at: Date;
}

export interface MediaEvent {
  /** Lower-case LINEMEDIAMODE name ('g3fax', 'datamodem', ...). */
  mediaMode: string;
  at: Date;
}

export interface CustomTone {
  frequency: number;
  cadenceOn: number;
  cadenceOff: number;
  /** 0 .. 0xFFFF. */
  volume: number;
}

export interface MonitoredTone {
  id: string | number;
  durationMs: number;
  /** One to three frequencies in Hz ([] = silence). */
  frequencies: number[];
}

export interface GenerateDigitsOptions {
  mode?: 'dtmf' | 'pulse';
  /** ms per digit (0 = the provider's default). */
  durationMs?: number;
}

export interface GatherDigitsOptions {
  maxDigits: number;
  /** Digits that end the gather ('#'); the terminating digit is part of the result. */
  terminators?: string;
  firstTimeoutMs?: number;
  interTimeoutMs?: number;
  modes?: Array<'dtmf' | 'pulse'>;
}

export interface GatherResult {
  digits: string;
  termination: GatherTermination;
}

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/** The per-call bookkeeping: generations (running + queued), outstanding gathers, monitored tone ids. */
class SignalState {
  /** The generation TAPI runs now (its LINE_GENERATE is due). */
  running: Settle<GenerateResult> | undefined;
  /** Generations waiting for the running one to end (TAPI would cancel it: we queue instead). */
  readonly queued: Array<{ start: () => void; settle: Settle<GenerateResult> }> = [];
  /** Started gathers, oldest first: each LINE_GATHERDIGITS completes the head. */
  readonly gathers: Array<Settle<GatherResult>> = [];
  /** dwAppSpecific (index + 1) -> the caller's id. */
  toneIds: Array<string | number> = [];
}

const DIGITS = /^[0-9A-Da-d*#]*$/;
const GENERATED = /^[0-9A-Da-d*#,!]+$/;

export class CallSignals {
  private readonly states = new WeakMap<Call, SignalState>();

  constructor(private readonly ctx: OperationContext) {}

  generateDigits(call: Call, digits: string, options: GenerateDigitsOptions = {}): Promise<GenerateResult> {
    const op = RULES.generateDigits.operation;
    return this.generate(call, op, () => {
      if (typeof digits !== 'string' || !GENERATED.test(digits)) {
        throw TapiError.of('INVALDIGITS', op, 'digits are 0-9 A-D * # with , (pause) and ! (flash)');
      }
      const mode = digitModeBit(options.mode ?? 'dtmf', op, ['dtmf', 'pulse']);
      this.checkDeviceModes(call, mode, call.line.device.caps.generateDigitModes, op);
      const duration = msOf(options.durationMs, op, 'durationMs');
      return (p) => p.generateDigits(call.handle, mode, digits, duration);
    });
  }

  generateTone(call: Call, tone: StandardTone | CustomTone[], durationMs = 0): Promise<GenerateResult> {
    const op = RULES.generateTone.operation;
    return this.generate(call, op, () => {
      const duration = msOf(durationMs, op, 'durationMs');
      let mode: number;
      let tones: LineGenerateTone[] = [];
      if (Array.isArray(tone)) {
        mode = LINETONEMODE.CUSTOM;
        if (tone.length === 0) throw TapiError.of('INVALTONE', op, 'a custom tone needs at least one frequency');
        tones = tone.map((t) => customTone(t, op));
        const max = call.line.device.caps.generateToneMaxNumFreq;
        if (max !== undefined && tones.length > max)
          throw TapiError.of('INVALPOINTER', op, `the line plays at most ${max} frequencies at once`);
      } else {
        const value = (LINETONEMODE as Record<string, number>)[String(tone).toUpperCase()];
        if (!value || value === LINETONEMODE.CUSTOM)
          throw TapiError.of(
            'INVALTONEMODE',
            op,
            `tone must be beep, busy, ringback, billing or a list of frequencies; got ${String(tone)}`,
          );
        mode = value;
      }
      const modes = call.line.device.caps.generateToneModes;
      if (modes !== undefined && (modes & mode) === 0) {
        throw TapiError.of(
          'INVALTONEMODE',
          op,
          `line "${call.line.device.name}" cannot generate ${(nameOf(LINETONEMODE, mode) ?? '').toLowerCase()} tones`,
        );
      }
      return (p) => p.generateTone(call.handle, mode, duration, tones);
    });
  }

  monitorDigits(call: Call, modes: DigitModeName[] = ['dtmf']): void {
    const op = RULES.monitorDigits.operation;
    this.ctx.assertCall(call, op);
    if (!Array.isArray(modes)) throw TapiError.of('INVALDIGITMODE', op, 'modes must be an array of dtmf, pulse, dtmfend');
    let mask = 0;
    for (const m of modes) mask |= digitModeBit(m, op, ['dtmf', 'pulse', 'dtmfend']);
    const provider = this.ctx.provider();
    if (mask !== 0) {
      this.checkDeviceModes(call, mask, call.line.device.caps.monitorDigitModes, op);
      refuseUnless(call, RULES.monitorDigits, provider, undefined);
    }
    provider.monitorDigits(call.handle, mask);
  }

  gatherDigits(call: Call, options: GatherDigitsOptions): Promise<GatherResult> {
    const op = RULES.gatherDigits.operation;
    try {
      this.ctx.assertCall(call, op);
      if (!options || typeof options !== 'object') throw TapiError.of('INVALPARAM', op, 'give { maxDigits }');
      const { maxDigits, terminators = '' } = options;
      if (!Number.isInteger(maxDigits) || maxDigits < 1) throw TapiError.of('INVALPARAM', op, 'maxDigits must be an integer >= 1');
      if (typeof terminators !== 'string' || !DIGITS.test(terminators)) {
        throw TapiError.of('INVALDIGITS', op, 'terminators are digits 0-9 A-D * #');
      }
      let mask = 0;
      for (const m of options.modes ?? ['dtmf']) mask |= digitModeBit(m, op, ['dtmf', 'pulse']);
      if (!mask) throw TapiError.of('INVALDIGITMODE', op, 'give at least one digit mode');
      this.checkDeviceModes(call, mask, call.line.device.caps.monitorDigitModes, op);
      const first = msOf(options.firstTimeoutMs, op, 'firstTimeoutMs');
      const inter = msOf(options.interTimeoutMs, op, 'interTimeoutMs');
      const { gatherDigitsMinTimeout: min, gatherDigitsMaxTimeout: max } = call.line.device.caps;
      for (const t of [first, inter]) {
        if (t !== 0 && min !== undefined && max !== undefined && (t < min || t > max)) {
          throw TapiError.of('INVALTIMEOUT', op, `timeouts must be 0 or ${min}..${max} ms on this line`);
        }
      }
      const provider = this.ctx.provider();
      refuseUnless(call, RULES.gatherDigits, provider, undefined);
      const state = this.stateOf(call);
      return new Promise<GatherResult>((resolve, reject) => {
        provider.gatherDigits(call.handle, mask, {
          numDigits: maxDigits,
          terminationDigits: terminators.toUpperCase(),
          firstDigitTimeout: first,
          interDigitTimeout: inter,
        });
        state.gathers.push({ resolve, reject });
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Ends the running gather: its promise resolves with termination 'cancel' and the digits so far. */
  cancelGather(call: Call): void {
    const op = RULES.gatherDigits.operation;
    this.ctx.assertCall(call, op);
    if (this.stateOf(call).gathers.length === 0) return;
    this.ctx.provider().gatherDigits(call.handle, 0, null);
  }

  monitorTones(call: Call, tones: MonitoredTone[]): void {
    const op = RULES.monitorTones.operation;
    this.ctx.assertCall(call, op);
    if (!Array.isArray(tones)) throw TapiError.of('INVALTONELIST', op, 'give an array of { id, durationMs, frequencies }');
    const list: LineMonitorTone[] = tones.map((t, i) => monitorTone(t, i, op));
    const max = call.line.device.caps.monitorToneMaxNumEntries;
    if (max !== undefined && list.length > max) throw TapiError.of('INVALPOINTER', op, `the line monitors at most ${max} tones at once`);
    const provider = this.ctx.provider();
    if (list.length) refuseUnless(call, RULES.monitorTones, provider, undefined);
    provider.monitorTones(call.handle, list.length ? list : null);
    this.stateOf(call).toneIds = tones.map((t) => t.id);
  }

  monitorMedia(call: Call, modes: string[] | number): void {
    const op = RULES.monitorMedia.operation;
    this.ctx.assertCall(call, op);
    let mask = 0;
    if (typeof modes === 'number') mask = modes >>> 0;
    else if (Array.isArray(modes)) {
      for (const name of modes) {
        const bit = (LINEMEDIAMODE as Record<string, number>)[String(name).toUpperCase()];
        if (!bit) throw TapiError.of('INVALMEDIAMODE', op, `unknown media mode "${String(name)}"`);
        mask |= bit;
      }
    } else throw TapiError.of('INVALMEDIAMODE', op, 'give an array of media mode names');
    if (mask & ~call.line.device.caps.mediaModes & ~LINEMEDIAMODE.UNKNOWN) {
      throw TapiError.of(
        'INVALMEDIAMODE',
        op,
        `line "${call.line.device.name}" detects ${flagNames(LINEMEDIAMODE, call.line.device.caps.mediaModes).join(', ').toLowerCase()} only`,
      );
    }
    const provider = this.ctx.provider();
    if (mask) refuseUnless(call, RULES.monitorMedia, provider, undefined);
    provider.monitorMedia(call.handle, mask);
  }

  // ---- messages (dispatched by the message table) -----------------------------------------------

  onMessage(call: Call, m: LineMessage): void {
    switch (m.messageId) {
      case LINE_MESSAGE.LINE_MONITORDIGITS: {
        const event: DigitEvent = { digit: String.fromCharCode(m.param1 & 0xff), mode: digitModeName(m.param2), at: new Date() };
        const line = call.line;
        this.ctx.post(() => {
          line.emit('digit', call, event);
          call.emit('digit', event);
        });
        break;
      }
      case LINE_MESSAGE.LINE_GENERATE:
        this.generateEnded(call, m.param1 === LINEGENERATETERM.DONE ? 'done' : 'cancel');
        break;
      case LINE_MESSAGE.LINE_GATHERDIGITS: {
        const head = this.stateOf(call).gathers.shift();
        const termination = (nameOf(LINEGATHERTERM, m.param1) ?? 'CANCEL').toLowerCase() as GatherTermination;
        head?.resolve({ digits: m.gatheredDigits ?? '', termination });
        break;
      }
      case LINE_MESSAGE.LINE_MONITORTONE: {
        const id = this.stateOf(call).toneIds[m.param1 - 1];
        if (id === undefined) break;
        const event: ToneEvent = { id, at: new Date() };
        this.ctx.post(() => call.emit('tone', event));
        break;
      }
      case LINE_MESSAGE.LINE_MONITORMEDIA: {
        const event: MediaEvent = { mediaMode: (nameOf(LINEMEDIAMODE, m.param1) ?? 'unknown').toLowerCase(), at: new Date() };
        this.ctx.post(() => call.emit('media', event));
        break;
      }
      default:
        break;
    }
  }

  /** The handle is gone: whatever was outstanding ends as cancelled (no message will come for it). */
  released(call: Call): void {
    const state = this.states.get(call);
    if (!state) return;
    this.states.delete(call);
    state.running?.resolve('cancel');
    for (const q of state.queued) q.settle.resolve('cancel');
    for (const g of state.gathers) g.resolve({ digits: '', termination: 'cancel' });
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** One inband generation per call: a request while one runs waits for its LINE_GENERATE. */
  private generate(call: Call, op: string, prepare: () => (p: ReturnType<OperationContext['provider']>) => void): Promise<GenerateResult> {
    try {
      this.ctx.assertCall(call, op);
      const rule = op === RULES.generateTone.operation ? RULES.generateTone : RULES.generateDigits;
      const send = prepare();
      refuseUnless(call, rule, this.ctx.provider(), undefined);
      const state = this.stateOf(call);
      return new Promise<GenerateResult>((resolve, reject) => {
        const settle = { resolve, reject };
        const start = () => {
          send(this.ctx.provider());
          state.running = settle;
        };
        if (state.running) state.queued.push({ start, settle });
        else start();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private generateEnded(call: Call, result: GenerateResult): void {
    const state = this.stateOf(call);
    state.running?.resolve(result);
    state.running = undefined;
    while (state.queued.length && !state.running) {
      const next = state.queued.shift()!;
      try {
        this.ctx.assertCall(call, 'lineGenerateDigits');
        next.start();
      } catch (error) {
        next.settle.reject(error as Error);
      }
    }
  }

  private checkDeviceModes(call: Call, mask: number, offered: number, op: string): void {
    if (mask & ~offered) {
      const names = flagNames(LINEDIGITMODE, offered).map((n) => n.toLowerCase());
      throw TapiError.of('INVALDIGITMODE', op, `line "${call.line.device.name}" offers ${names.join(', ') || 'no'} digits only`);
    }
  }

  private stateOf(call: Call): SignalState {
    let state = this.states.get(call);
    if (!state) this.states.set(call, (state = new SignalState()));
    return state;
  }
}

function digitModeBit(name: string, op: string, allowed: string[]): number {
  const lower = String(name).toLowerCase();
  if (!allowed.includes(lower))
    throw TapiError.of('INVALDIGITMODE', op, `digit mode must be one of ${allowed.join(', ')}; got ${String(name)}`);
  return LINEDIGITMODE[lower.toUpperCase() as keyof typeof LINEDIGITMODE];
}

function digitModeName(value: number): DigitModeName {
  return (nameOf(LINEDIGITMODE, value) ?? 'DTMF').toLowerCase() as DigitModeName;
}

function msOf(value: unknown, op: string, what: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw TapiError.of('INVALPARAM', op, `${what} must be whole milliseconds >= 0`);
  }
  return value;
}

function u32(value: unknown, op: string, what: string, max = 0xffffffff): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw TapiError.of('INVALTONE', op, `${what} must be an integer 0..${max}`);
  }
  return value;
}

function customTone(t: CustomTone, op: string): LineGenerateTone {
  if (!t || typeof t !== 'object') throw TapiError.of('INVALTONE', op, 'each tone is { frequency, cadenceOn, cadenceOff, volume }');
  return {
    frequency: u32(t.frequency, op, 'frequency'),
    cadenceOn: u32(t.cadenceOn, op, 'cadenceOn'),
    cadenceOff: u32(t.cadenceOff, op, 'cadenceOff'),
    volume: u32(t.volume, op, 'volume', 0xffff),
  };
}

function monitorTone(t: MonitoredTone, index: number, op: string): LineMonitorTone {
  if (!t || typeof t !== 'object' || !Array.isArray(t.frequencies) || t.frequencies.length > 3) {
    throw TapiError.of('INVALTONE', op, 'each tone is { id, durationMs, frequencies: up to 3 Hz values }');
  }
  const [f1 = 0, f2 = 0, f3 = 0] = t.frequencies.map((f) => u32(f, op, 'frequency'));
  return { appSpecific: index + 1, duration: u32(t.durationMs ?? 0, op, 'durationMs'), frequency1: f1, frequency2: f2, frequency3: f3 };
}
