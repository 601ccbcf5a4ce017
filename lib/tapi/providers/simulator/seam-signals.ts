// The seam's digit, tone and media functions on the simulator, the far-end controls that drive them
// (remoteDigits, remoteTone, remoteMedia, generated), and the address caps / app priority queries.
import { LINECALLFEATURE as F, LINECALLSTATE as S, LINEDIGITMODE, LINEMEDIAMODE, LINEREQUESTMODE, LINETONEMODE } from '../../constants';
import { TapiError, TapiValidationError } from '../../errors';
import type { LineAddressCaps, LineGatherRequest, LineGenerateTone, LineMonitorTone } from '../../provider';
import { addressCapsOf } from './devices';
import type { Exchange } from './exchange';
import type { ExchangeCall } from './exchange-call';
import type { GeneratedSignals, RemoteDigitsOptions } from './options';
import type { SeamContext } from './seam-context';
import { requireFeature, requireOwner } from './seam-switching';
import * as signals from './signals';

const ALL_MEDIA = Object.values(LINEMEDIAMODE).reduce((a, b) => a | b, 0);
const DIGITS = /^[0-9A-Da-d*#]*$/;
const GENERATED = /^[0-9A-Da-d*#,!]*$/;
const TONE_MODES = Object.values(LINETONEMODE) as number[];

function oneBit(value: number): boolean {
  return value > 0 && (value & (value - 1)) === 0;
}

export class SeamSignals {
  /** lineSetAppPriority's list (this process only: the real one is persistent and machine-wide). */
  readonly priorities = new Map<string, number>();

  constructor(private readonly ctx: SeamContext) {}

  generateDigits(hCall: number, digitMode: number, digits: string | null, duration: number): void {
    const op = 'lineGenerateDigits';
    const ex = this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    requireOwner(handle, op);
    const call = handle.call;
    if (call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    if (digits === null || digits === undefined) {
      this.ctx.injected(op);
      signals.endGeneration(ex, call, 0x2);
      return;
    }
    requireFeature(ex, handle, F.GENERATEDIGITS, S.CONNECTED, op);
    const mode = digitMode >>> 0;
    if (!oneBit(mode) || (mode & call.device.switching.generateDigitModes) === 0) {
      throw TapiError.of('INVALDIGITMODE', op, `digit mode 0x${mode.toString(16)} is not generated on this line`);
    }
    if (typeof digits !== 'string' || !GENERATED.test(digits)) throw TapiError.of('INVALDIGITS', op, 'digits are 0-9 A-D * # , !');
    this.ctx.injected(op);
    signals.generateDigits(ex, handle, digits, duration >>> 0);
  }

  generateTone(hCall: number, toneMode: number, duration: number, tones: readonly LineGenerateTone[]): void {
    const op = 'lineGenerateTone';
    const ex = this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    requireOwner(handle, op);
    const call = handle.call;
    if (call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    const mode = toneMode >>> 0;
    if (mode === 0) {
      this.ctx.injected(op);
      signals.endGeneration(ex, call, 0x2);
      return;
    }
    requireFeature(ex, handle, F.GENERATETONE, S.CONNECTED, op);
    const sw = call.device.switching;
    if (!TONE_MODES.includes(mode) || (mode & sw.generateToneModes) === 0)
      throw TapiError.of('INVALTONEMODE', op, `tone mode 0x${mode.toString(16)}`);
    if (mode === LINETONEMODE.CUSTOM) {
      if (!Array.isArray(tones) || tones.length === 0) throw TapiError.of('INVALTONE', op, 'a custom tone needs entries');
      if (tones.length > sw.generateToneMaxNumFreq)
        throw TapiError.of('INVALPOINTER', op, `at most ${sw.generateToneMaxNumFreq} frequencies`);
      if (tones.some((t) => !(t.volume >= 0 && t.volume <= 0xffff) || !(t.frequency >= 0)))
        throw TapiError.of('INVALTONE', op, 'frequency and volume 0..0xFFFF');
    }
    this.ctx.injected(op);
    signals.generateTone(ex, handle, mode, duration >>> 0, mode === LINETONEMODE.CUSTOM ? tones : []);
  }

  monitorDigits(hCall: number, digitModes: number): void {
    const op = 'lineMonitorDigits';
    this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    const call = handle.call;
    const modes = digitModes >>> 0;
    if (call.state === S.IDLE || call.state === S.DISCONNECTED) throw TapiError.of('INVALCALLSTATE', op, 'the call is over');
    if (modes & ~call.device.switching.monitorDigitModes) {
      throw TapiError.of('INVALDIGITMODE', op, `digit modes 0x${modes.toString(16)} are not detected on this line`);
    }
    this.ctx.injected(op);
    handle.monitorDigitModes = modes;
  }

  gatherDigits(hCall: number, digitModes: number, request: LineGatherRequest | null): void {
    const op = 'lineGatherDigits';
    const ex = this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    requireOwner(handle, op);
    const call = handle.call;
    if (request === null || request === undefined) {
      this.ctx.injected(op);
      signals.endGather(ex, call, 0x10);
      return;
    }
    requireFeature(ex, handle, F.GATHERDIGITS, S.CONNECTED, op);
    const sw = call.device.switching;
    const modes = digitModes >>> 0;
    if (modes === 0 || modes & ~(LINEDIGITMODE.PULSE | LINEDIGITMODE.DTMF) || modes & ~sw.monitorDigitModes) {
      throw TapiError.of('INVALDIGITMODE', op, `digit modes 0x${modes.toString(16)}`);
    }
    if (!Number.isInteger(request.numDigits) || request.numDigits < 1) throw TapiError.of('INVALPARAM', op, 'dwNumDigits must be >= 1');
    if (typeof request.terminationDigits !== 'string' || !DIGITS.test(request.terminationDigits)) {
      throw TapiError.of('INVALDIGITS', op, 'termination digits are 0-9 A-D * #');
    }
    for (const t of [request.firstDigitTimeout >>> 0, request.interDigitTimeout >>> 0]) {
      if (t !== 0 && (t < sw.gatherDigitsMinTimeout || t > sw.gatherDigitsMaxTimeout)) {
        throw TapiError.of('INVALTIMEOUT', op, `timeouts are 0 or ${sw.gatherDigitsMinTimeout}..${sw.gatherDigitsMaxTimeout} ms`);
      }
    }
    this.ctx.injected(op);
    signals.startGather(ex, handle, modes, request);
  }

  monitorTones(hCall: number, tones: readonly LineMonitorTone[] | null): void {
    const op = 'lineMonitorTones';
    this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    const call = handle.call;
    if (call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    const sw = call.device.switching;
    if (tones && tones.length > sw.monitorToneMaxNumEntries)
      throw TapiError.of('INVALPOINTER', op, `at most ${sw.monitorToneMaxNumEntries} entries`);
    this.ctx.injected(op);
    handle.monitorTones = tones && tones.length ? tones.map((t) => ({ ...t })) : undefined;
  }

  monitorMedia(hCall: number, mediaModes: number): void {
    const op = 'lineMonitorMedia';
    this.ctx.session(op);
    const handle = this.ctx.handle(hCall, op);
    const call = handle.call;
    const modes = mediaModes >>> 0;
    if (call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    if (modes & ~ALL_MEDIA || modes & ~(call.device.mediaModes | LINEMEDIAMODE.UNKNOWN)) {
      throw TapiError.of('INVALMEDIAMODE', op, `media modes 0x${modes.toString(16)} are not detected on this line`);
    }
    this.ctx.injected(op);
    handle.monitorMediaModes = modes;
  }

  getAddressCaps(deviceId: number, addressId: number, apiVersion: number): LineAddressCaps {
    const op = 'lineGetAddressCaps';
    this.ctx.session(op);
    const device = this.ctx.device(deviceId, op);
    this.ctx.checkVersion(deviceId, apiVersion, op);
    if (!Number.isInteger(addressId) || addressId < 0 || addressId >= device.numAddresses) throw TapiError.of('INVALADDRESSID', op);
    this.ctx.injected(op);
    return addressCapsOf(device, apiVersion >>> 0);
  }

  setAppPriority(appFilename: string, mediaMode: number, requestMode: number, priority: number): void {
    const op = 'lineSetAppPriority';
    if (typeof appFilename !== 'string' || appFilename === '' || /[\\/:]/.test(appFilename)) throw TapiError.of('INVALAPPNAME', op);
    const media = mediaMode >>> 0;
    if (media === 0) {
      if (requestMode >>> 0 !== LINEREQUESTMODE.MAKECALL) throw TapiError.of('INVALREQUESTMODE', op);
    } else if (!oneBit(media) || media & ~ALL_MEDIA) {
      throw TapiError.of('INVALMEDIAMODE', op);
    }
    if (priority !== 0 && priority !== 1) throw TapiError.of('INVALPARAM', op, 'priority is 0 or 1');
    this.ctx.injected(op);
    const key = `${appFilename.toLowerCase()}/${media}`;
    if (priority === 1) this.priorities.set(key, 1);
    else this.priorities.delete(key);
  }

  // ---- far-end controls ---------------------------------------------------------------------------

  remoteDigits(target: number, digits: string, options: RemoteDigitsOptions = {}): void {
    const { ex, call } = this.target('remoteDigits', target);
    if (typeof digits !== 'string' || !/^[0-9A-Da-d*#]+$/.test(digits))
      throw new TapiValidationError('remoteDigits: digits are 0-9 A-D * #');
    const interval = options.interDigitMs ?? 100;
    if (typeof interval !== 'number' || !(interval >= 0)) throw new TapiValidationError('remoteDigits: interDigitMs must be >= 0');
    const modeName = options.mode ?? 'dtmf';
    if (modeName !== 'dtmf' && modeName !== 'pulse') throw new TapiValidationError("remoteDigits: mode is 'dtmf' or 'pulse'");
    const mode = modeName === 'pulse' ? LINEDIGITMODE.PULSE : LINEDIGITMODE.DTMF;
    signals.pressDigits(ex, call, digits.toUpperCase(), mode, 0, interval / 1000);
  }

  generated(target: number): GeneratedSignals {
    const { call } = this.target('generated', target);
    return { digits: call.generated.digits, tones: call.generated.tones.map((t) => ({ ...t, frequencies: [...t.frequencies] })) };
  }

  remoteTone(target: number, frequencies: number[]): void {
    const { ex, call } = this.target('remoteTone', target);
    if (!Array.isArray(frequencies) || frequencies.some((f) => typeof f !== 'number' || !(f >= 0))) {
      throw new TapiValidationError('remoteTone: frequencies are Hz values >= 0');
    }
    signals.farEndTone(ex, call, frequencies);
  }

  remoteMedia(target: number, mediaMode: number | string): void {
    const { ex, call } = this.target('remoteMedia', target);
    const bit = typeof mediaMode === 'number' ? mediaMode : (LINEMEDIAMODE as Record<string, number>)[String(mediaMode).toUpperCase()];
    if (!bit || !oneBit(bit) || bit & ~ALL_MEDIA)
      throw new TapiValidationError(`remoteMedia: "${String(mediaMode)}" is not one LINEMEDIAMODE`);
    signals.farEndMedia(ex, call, bit);
  }

  private target(control: string, target: number): { ex: Exchange; call: ExchangeCall } {
    const ex = this.ctx.session(control);
    const call = ex.handles.get(target)?.call ?? [...ex.calls].find((c) => c.callId === target);
    if (!call) throw new TapiValidationError(`${control}: no call with handle or call id ${target}`);
    return { ex, call };
  }
}
