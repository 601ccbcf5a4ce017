// Digits, tones and media at the simulated exchange: what our side generates (and the far end hears), what
// the far end presses or plays (and the handles that monitor or gather it hear). Every message goes through
// the exchange's one queue, so it is ordered with the call states around it.
import { toneSequence } from '../../audio';
import {
  LINECALLSTATE,
  LINEDIGITMODE,
  LINEGATHERTERM,
  LINEGENERATETERM,
  LINEMEDIAMODE,
  LINETONEMODE,
  LINE_MESSAGE,
  nameOf,
} from '../../constants';
import type { Exchange } from './exchange';
import type { ExchangeCall, Gather, SimCallHandle } from './exchange-call';
import type { LineGatherRequest, LineGenerateTone } from '../../provider';

/** Seconds per generated digit (and the same gap after it) when the request gives no duration. */
const DEFAULT_DIGIT_SECONDS = 0.095;
const PAUSE_SECONDS = 2;
const FLASH_SECONDS = 0.5;
/** One cycle of the billing tone. */
const BILLING_SECONDS = 0.4;

// ---- generation -------------------------------------------------------------------------------

/** The running generation ends: LINE_GENERATE(DONE | CANCEL) to the handle that started it. */
export function endGeneration(ex: Exchange, call: ExchangeCall, term: number): void {
  const g = call.generation;
  if (!g) return;
  call.generation = undefined;
  for (const t of g.timers) ex.scheduler.cancel(t);
  if (g.tone) g.tone.ended = term === LINEGENERATETERM.DONE ? 'done' : 'cancel';
  if (ex.handles.has(g.handle.hCall)) ex.callMessage(g.handle, LINE_MESSAGE.LINE_GENERATE, term, 0, ex.tick());
}

export function generateDigits(ex: Exchange, handle: SimCallHandle, digits: string, durationMs: number): void {
  const call = handle.call;
  endGeneration(ex, call, LINEGENERATETERM.CANCEL);
  const generation = { handle, timers: [] as number[] };
  call.generation = generation;
  const digit = durationMs > 0 ? durationMs / 1000 : DEFAULT_DIGIT_SECONDS;
  let at = 0;
  for (const c of digits) {
    if (c === ',') {
      at += PAUSE_SECONDS;
      continue;
    }
    if (c === '!') {
      at += FLASH_SECONDS;
      continue;
    }
    at += digit;
    generation.timers.push(ex.scheduler.schedule(at, () => heard(ex, call, c.toUpperCase()), call));
    at += digit;
  }
  generation.timers.push(
    ex.scheduler.schedule(
      at,
      () => {
        if (call.generation === generation) endGeneration(ex, call, LINEGENERATETERM.DONE);
      },
      call,
    ),
  );
}

/** A generated digit has been sent completely: the far end hears it. */
function heard(ex: Exchange, call: ExchangeCall, digit: string): void {
  call.generated.digits += digit;
  if (call.farEnd?.hangsUpOnGeneratedDigit && call.state === LINECALLSTATE.CONNECTED) {
    endGeneration(ex, call, LINEGENERATETERM.CANCEL);
    ex.disconnect(call, 0x1 /* LINEDISCONNECTMODE_NORMAL */);
  }
}

export function generateTone(
  ex: Exchange,
  handle: SimCallHandle,
  toneMode: number,
  durationMs: number,
  tones: readonly LineGenerateTone[],
): void {
  const call = handle.call;
  endGeneration(ex, call, LINEGENERATETERM.CANCEL);
  const tone = {
    tone: (nameOf(LINETONEMODE, toneMode) ?? 'custom').toLowerCase(),
    frequencies: toneMode === LINETONEMODE.CUSTOM ? tones.map((t) => t.frequency) : [],
    durationMs,
  };
  call.generated.tones.push(tone);
  const generation = { handle, timers: [] as number[], tone };
  call.generation = generation;
  const seconds = toneMode === LINETONEMODE.BILLING ? BILLING_SECONDS : durationMs / 1000;
  if (seconds > 0) {
    generation.timers.push(
      ex.scheduler.schedule(
        seconds,
        () => {
          if (call.generation === generation) endGeneration(ex, call, LINEGENERATETERM.DONE);
        },
        call,
      ),
    );
  }
}

// ---- gathering --------------------------------------------------------------------------------

/** The running gather ends: its buffer (the digits) goes with LINE_GATHERDIGITS(term) to its handle. */
export function endGather(ex: Exchange, call: ExchangeCall, term: number): void {
  const g = call.gather;
  if (!g) return;
  call.gather = undefined;
  if (g.timer !== undefined) ex.scheduler.cancel(g.timer);
  if (ex.handles.has(g.handle.hCall)) {
    ex.callMessage(g.handle, LINE_MESSAGE.LINE_GATHERDIGITS, term, 0, ex.tick(), { gatheredDigits: g.digits });
  }
}

export function startGather(ex: Exchange, handle: SimCallHandle, modes: number, request: LineGatherRequest): void {
  const call = handle.call;
  endGather(ex, call, LINEGATHERTERM.CANCEL);
  const gather: Gather = {
    handle,
    modes,
    numDigits: request.numDigits,
    terminators: request.terminationDigits.toUpperCase(),
    interTimeout: request.interDigitTimeout,
    digits: '',
    timer: undefined,
  };
  call.gather = gather;
  if (request.firstDigitTimeout > 0) gather.timer = gatherTimer(ex, call, gather, request.firstDigitTimeout, LINEGATHERTERM.FIRSTTIMEOUT);
}

function gatherTimer(ex: Exchange, call: ExchangeCall, gather: Gather, ms: number, term: number): number {
  return ex.scheduler.schedule(
    ms / 1000,
    () => {
      if (call.gather === gather) {
        gather.timer = undefined;
        endGather(ex, call, term);
      }
    },
    call,
  );
}

// ---- the far end ------------------------------------------------------------------------------

/** The far end presses one key: monitoring handles hear it, the running gather collects it. Connected calls only. */
export function farEndDigit(ex: Exchange, call: ExchangeCall, digit: string, mode: number): void {
  if (call.state !== LINECALLSTATE.CONNECTED) return;
  if ((call.device.switching.monitorDigitModes & mode) === 0) return; // the line cannot detect this signalling
  const code = digit.charCodeAt(0);
  for (const h of call.handles.values()) {
    const modes = h.monitorDigitModes ?? 0;
    if (modes & mode) ex.callMessage(h, LINE_MESSAGE.LINE_MONITORDIGITS, code, mode, ex.tick());
    if (mode === LINEDIGITMODE.DTMF && modes & LINEDIGITMODE.DTMFEND) {
      ex.callMessage(h, LINE_MESSAGE.LINE_MONITORDIGITS, code, LINEDIGITMODE.DTMFEND, ex.tick());
    }
  }
  const g = call.gather;
  if (!g || (g.modes & mode) === 0) return;
  g.digits += digit;
  if (g.timer !== undefined) ex.scheduler.cancel(g.timer);
  g.timer = undefined;
  if (g.terminators.includes(digit)) endGather(ex, call, LINEGATHERTERM.TERMDIGIT);
  else if (g.digits.length >= g.numDigits) endGather(ex, call, LINEGATHERTERM.BUFFERFULL);
  else if (g.interTimeout > 0) g.timer = gatherTimer(ex, call, g, g.interTimeout, LINEGATHERTERM.INTERTIMEOUT);
}

/** Keys pressed one after the other (`interval` simulated seconds apart; 0 = all now, in one batch). */
export function pressDigits(ex: Exchange, call: ExchangeCall, digits: string, mode: number, firstAfter: number, interval: number): void {
  [...digits].forEach((d, i) => {
    const at = firstAfter + i * interval;
    if (at <= 0) farEndDigit(ex, call, d, mode);
    else ex.scheduler.schedule(at, () => farEndDigit(ex, call, d, mode), call);
  });
}

/** The far end plays a tone: every monitored entry with the same frequencies reports after its duration. */
export function farEndTone(ex: Exchange, call: ExchangeCall, frequencies: number[]): void {
  if (call.state !== LINECALLSTATE.CONNECTED) return;
  const wanted = [...frequencies]
    .filter((f) => f > 0)
    .sort((a, b) => a - b)
    .join(',');
  for (const h of call.handles.values()) {
    const list = h.monitorTones;
    for (const entry of list ?? []) {
      const freqs = [entry.frequency1, entry.frequency2, entry.frequency3]
        .filter((f) => f > 0)
        .sort((a, b) => a - b)
        .join(',');
      if (freqs !== wanted) continue;
      const report = () => {
        if (call.state === LINECALLSTATE.CONNECTED && ex.handles.has(h.hCall) && h.monitorTones === list) {
          ex.callMessage(h, LINE_MESSAGE.LINE_MONITORTONE, entry.appSpecific, 0, ex.tick());
        }
      };
      if (entry.duration > 0) ex.scheduler.schedule(entry.duration / 1000, report, call);
      else report();
    }
  }
}

/** The far end's media is detected: LINE_MONITORMEDIA to every handle monitoring that mode. */
export function farEndMedia(ex: Exchange, call: ExchangeCall, mediaMode: number): void {
  if (call.state === LINECALLSTATE.IDLE) return;
  for (const h of call.handles.values()) {
    if ((h.monitorMediaModes ?? 0) & mediaMode) ex.callMessage(h, LINE_MESSAGE.LINE_MONITORMEDIA, mediaMode, 0, ex.tick());
  }
}

/** On CONNECTED, the first time: what the far end was scripted to do. */
export function startFarEnd(ex: Exchange, call: ExchangeCall): void {
  const far = call.farEnd ?? call.scenario?.farEnd;
  call.farEndStarted = true;
  if (!far) return;
  call.farEnd = far;
  if (far.presses) pressDigits(ex, call, far.presses.digits, LINEDIGITMODE.DTMF, far.presses.after, far.presses.interval);
  if (far.speaks) call.speech.push({ start: ex.scheduler.now() + far.speaks.after, pcm: farEndPrompt() });
  const media = far.media;
  if (media) {
    const bit = (LINEMEDIAMODE as Record<string, number>)[media.mode.toUpperCase()] ?? 0;
    if (bit) ex.scheduler.schedule(media.after, () => farEndMedia(ex, call, bit), call);
  }
}

/** DISCONNECTED or IDLE: generation and gather end (CANCEL); at IDLE monitoring stops. */
export function endSignals(ex: Exchange, call: ExchangeCall, idle: boolean): void {
  endGeneration(ex, call, LINEGENERATETERM.CANCEL);
  endGather(ex, call, LINEGATHERTERM.CANCEL);
  if (!idle) return;
  for (const h of call.handles.values()) {
    h.monitorDigitModes = 0;
    h.monitorMediaModes = 0;
    h.monitorTones = undefined;
  }
}

/** The far end's two-second prompt: four 500 ms tones at 8 kHz. */
export function farEndPrompt(): Int16Array {
  return toneSequence([
    { frequency: 440, ms: 500 },
    { frequency: 660, ms: 500 },
    { frequency: 880, ms: 500 },
    { frequency: 550, ms: 500 },
  ]);
}
