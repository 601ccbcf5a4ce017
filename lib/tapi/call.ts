// A call handle (HCALL) this app holds: its state history, its info, and the owner's operations.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { LINECALLORIGIN, LINECALLPARTYID, LINECALLREASON, nameOf } from './constants';
import { TapiError } from './errors';
import { retryCleanup } from './cleanup';
import { stateList, timeoutMs as timeoutOf } from './options';
import { OutgoingDigits } from './outgoing';
import type { LineCallInfo, LineCallStatus } from './provider';
import type { CallInfoSummary, CallStateEvent, PrivilegeName } from './types';
import type { Line } from './line';
import type { CallControl, TransferMode } from './call-control';
import { callFeatureBit, callFeatureNames } from './call-features';
import type {
  CallSignals,
  CustomTone,
  DigitModeName,
  GatherDigitsOptions,
  GatherResult,
  GenerateDigitsOptions,
  GenerateResult,
  MonitoredTone,
  StandardTone,
} from './call-signals';
import type { CallParamsOptions } from './types';
import type { CallMedia, PlayOptions, PlayResult, RecordOptions, RecordResult } from './call-media';
import type { AudioSource } from './audio';

/** What a Call needs from the Tapi that dispatches its messages (internal). */
export interface CallHost {
  dial(call: Call, address: string, countryCode: number | undefined): Promise<void>;
  drop(call: Call, userUserInfo?: Uint8Array): Promise<void>;
  answer(call: Call, userUserInfo?: Uint8Array): Promise<void>;
  deallocate(call: Call): void;
  getCallInfo(call: Call): LineCallInfo;
  getCallStatus(call: Call): LineCallStatus;
  /** Call control and digits / tones / media (call-control.ts, call-signals.ts). */
  readonly control: CallControl;
  readonly signals: CallSignals;
  /** Audio: play and record (call-media.ts). */
  readonly media: CallMedia;
  /** A cleanup function failed after its retries: report it ('cleanuperror'). */
  cleanupFailed(operation: string, error: unknown): void;
}

const ENDED_WAIT_MS = 10_000;

export class Call extends EventEmitter {
  /** Stable for the life of the call; unlike the handle, never reused. */
  readonly id = randomUUID();
  readonly line: Line;
  handle: number;
  privilege: PrivilegeName;
  state: string | null = null;
  mode: string | null = null;
  readonly history: CallStateEvent[] = [];
  info: CallInfoSummary;
  /** True once the handle was deallocated (or died with its line): no operation is possible. */
  deallocated = false;
  /**
   * Every request that sends digits on this call (dial; later transfer, redirect, consultation dial) goes
   * through here: one at a time, each judged by the line's dial policy with the digits accepted before it.
   */
  readonly outgoing: OutgoingDigits;
  private readonly host: CallHost;
  private releasing?: Promise<void>;

  constructor(host: CallHost, line: Line, handle: number, privilege: PrivilegeName, info: CallInfoSummary) {
    super();
    this.host = host;
    this.line = line;
    this.handle = handle;
    this.privilege = privilege;
    this.info = info;
    this.outgoing = new OutgoingDigits(
      () => line.policy,
      () => line.device.capabilities,
    );
  }

  /** The number dialled so far (makeCall and every accepted dial); ends in `;` while incomplete. */
  get dialled(): string {
    return this.outgoing.dialled.replace(/;(?!$)/g, '');
  }

  /** Idle or deallocated: the call is over. */
  get ended(): boolean {
    return this.deallocated || this.state === 'idle';
  }

  /** The last event of the history, if any. */
  get lastEvent(): CallStateEvent | undefined {
    return this.history[this.history.length - 1];
  }

  /** lineDial: continue dialling a call in dialtone or dialing (a trailing `;` keeps it open). */
  dial(address: string, countryCode?: number): Promise<void> {
    return this.host.dial(this, address, countryCode);
  }

  /** lineDrop: hang up (owner only). Resolves when TAPI's LINE_REPLY reports success. */
  drop(userUserInfo?: Uint8Array): Promise<void> {
    return this.host.drop(this, userUserInfo);
  }

  /** lineAnswer: answer an offering call (owner only). */
  answer(userUserInfo?: Uint8Array): Promise<void> {
    return this.host.answer(this, userUserInfo);
  }

  /** lineDeallocateCall: give the handle back. Deallocating a live call you own leaves it ownerless: drop first. */
  deallocate(): void {
    this.host.deallocate(this);
  }

  /** lineGetCallInfoW, fresh from the provider; also refreshes `info`. */
  getInfo(): LineCallInfo {
    const raw = this.host.getCallInfo(this);
    this.info = summarizeCallInfo(raw, this.info.address, this.info.address === undefined);
    return raw;
  }

  /** lineGetCallStatus, fresh from the provider. */
  getStatus(): LineCallStatus {
    return this.host.getCallStatus(this);
  }

  /**
   * Resolves with the first event (already in the history or still to come) whose state is one of `states`;
   * rejects with LINEERR_INVALCALLHANDLE if the handle goes away first, or on timeout.
   */
  waitFor(wanted: string[], timeout?: number): Promise<CallStateEvent> {
    let states: string[];
    let timeoutMs: number;
    try {
      states = stateList(wanted);
      timeoutMs = timeoutOf(timeout, 'waitFor timeout');
    } catch (error) {
      return Promise.reject(error);
    }
    const seen = this.history.find((e) => states.includes(e.state));
    if (seen) return Promise.resolve(seen);
    if (this.deallocated) return Promise.reject(TapiError.of('INVALCALLHANDLE', 'waitFor', 'call already deallocated'));
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        this.off('state', onState);
        this.off('deallocated', onGone);
        if (timer) clearTimeout(timer);
      };
      const onState = (event: CallStateEvent) => {
        if (states.includes(event.state)) {
          cleanup();
          resolve(event);
        }
      };
      const onGone = () => {
        cleanup();
        reject(TapiError.of('INVALCALLHANDLE', 'waitFor', 'call deallocated before reaching ' + states.join('/')));
      };
      this.on('state', onState);
      this.on('deallocated', onGone);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          cleanup();
          reject(TapiError.of('OPERATIONFAILED', 'waitFor', `no ${states.join('/')} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  /**
   * Everything an owner must do to be finished with a call: drop it unless idle, wait for idle (bounded),
   * deallocate. A call that is already gone is simply released. A failing lineDeallocateCall is retried
   * (bounded); if it still fails, release rejects with its TapiError and the Tapi reports it as 'cleanuperror'
   * (the handle then goes back to TAPI at the latest with lineClose / lineShutdown).
   */
  release(): Promise<void> {
    this.releasing ??= this.doRelease().finally(() => {
      this.releasing = undefined;
    });
    return this.releasing;
  }

  private async doRelease(): Promise<void> {
    if (this.deallocated) return;
    if (this.state !== 'idle' && this.privilege === 'owner') {
      let timer: NodeJS.Timeout | undefined;
      const dropped = (async () => {
        await this.drop();
        await this.waitFor(['idle']);
      })();
      const bounded = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ENDED_WAIT_MS);
      });
      // Dropping can fail legitimately (already idle, line closed) or never be answered by a broken provider:
      // either way, deallocating below still frees the handle, so release never hangs.
      await Promise.race([dropped.catch(() => undefined), bounded]);
      clearTimeout(timer);
    }
    if (this.deallocated) return;
    try {
      await retryCleanup(() => {
        if (!this.deallocated) this.deallocate();
      });
    } catch (error) {
      this.host.cleanupFailed('lineDeallocateCall', error);
      throw error;
    }
  }

  // ---- call control and signals (issue 12): see call-control.ts and call-signals.ts ------------

  /**
   * LINECALLSTATUS dwCallFeatures / dwCallFeatures2, re-read after each LINE_CALLSTATE of the line's calls and
   * each LINE_CALLINFO of this one — lazily, on first use after the message, so following states costs no
   * lineGetCallStatus while nobody looks.
   */
  get featureBits(): number {
    return this.readFeatures().bits;
  }

  get featureBits2(): number {
    return this.readFeatures().bits2;
  }

  private featureCache: { bits: number; bits2: number } | undefined;

  /** (internal) The features as just read from LINECALLSTATUS. */
  setFeatures(bits: number, bits2: number): void {
    this.featureCache = { bits: bits >>> 0, bits2: bits2 >>> 0 };
  }

  /** (internal) A message may have changed them: read again on next use. */
  invalidateFeatures(): void {
    this.featureCache = undefined;
  }

  private readFeatures(): { bits: number; bits2: number } {
    if (this.deallocated) return { bits: 0, bits2: 0 };
    if (!this.featureCache) {
      try {
        const status = this.host.getCallStatus(this);
        this.setFeatures(status.callFeatures, status.callFeatures2);
      } catch {
        // TAPI is going away or the handle died with its line: nothing can be done with the call.
        return { bits: 0, bits2: 0 };
      }
    }
    return this.featureCache!;
  }

  /** What the call can do now: lower-case LINECALLFEATURE names ('answer', 'drop', 'hold', 'blindtransfer', ...). */
  get features(): string[] {
    return callFeatureNames(this.featureBits);
  }

  /** True when `feature` ('hold', 'setuptransfer', ...) is in `features`. */
  can(feature: string): boolean {
    const bit = callFeatureBit(feature);
    return bit !== undefined && (this.featureBits & bit) !== 0;
  }

  /** lineAccept: take charge of an offering call (accepted) before answering or redirecting it. */
  accept(userUserInfo?: Uint8Array): Promise<void> {
    return this.host.control.accept(this, userUserInfo);
  }

  /** lineRedirectW: deflect an offering call to another number (through the dial policy); the call goes idle. */
  redirect(address: string, countryCode?: number): Promise<void> {
    return this.host.control.redirect(this, address, countryCode);
  }

  /** lineBlindTransferW: transfer a connected call to a number (through the dial policy); the call goes idle. */
  blindTransfer(address: string, countryCode?: number): Promise<void> {
    return this.host.control.blindTransfer(this, address, countryCode);
  }

  /** lineSetupTransferW: this call goes onholdpendtransfer; resolves with the consultation call in dialtone. */
  setupTransfer(params?: CallParamsOptions): Promise<Call> {
    return this.host.control.setupTransfer(this, params);
  }

  /** lineCompleteTransfer: 'transfer' (both calls go idle) or 'conference' (resolves with the conference call). */
  completeTransfer(consult: Call, mode: TransferMode): Promise<Call | undefined> {
    return this.host.control.completeTransfer(this, consult, mode);
  }

  /** lineHold: connected -> onhold. */
  hold(): Promise<void> {
    return this.host.control.hold(this);
  }

  /** lineUnhold: onhold (or onholdpendtransfer: the transfer is abandoned) -> connected. */
  unhold(): Promise<void> {
    return this.host.control.unhold(this);
  }

  /** lineSwapHold: the connected one of this call and `other` is held, the held one becomes connected. */
  swapHold(other: Call): Promise<void> {
    return this.host.control.swapHold(this, other);
  }

  /** lineSetCallPrivilege: become an owner of a monitored call, or go back to monitoring. */
  setPrivilege(privilege: 'owner' | 'monitor'): void {
    this.host.control.setPrivilege(this, privilege);
  }

  /** lineHandoffW by media mode ('g3fax', 'datamodem', ...): the owner app for that mode gets the call. */
  handoff(mediaMode: string | number): void {
    this.host.control.handoff(this, mediaMode);
  }

  /** lineGenerateDigitsW: send digits on the call; one generation at a time (later ones wait their turn). */
  generateDigits(digits: string, options: GenerateDigitsOptions = {}): Promise<GenerateResult> {
    return this.host.signals.generateDigits(this, digits, options);
  }

  /** lineGenerateTone: a standard tone or a custom one ([{ frequency, cadenceOn, cadenceOff, volume }]). */
  generateTone(tone: StandardTone | CustomTone[], durationMs = 0): Promise<GenerateResult> {
    return this.host.signals.generateTone(this, tone, durationMs);
  }

  /** lineMonitorDigits: 'digit' events ({ digit, mode, at }) on the call and the line; [] stops. */
  monitorDigits(modes: DigitModeName[] = ['dtmf']): void {
    this.host.signals.monitorDigits(this, modes);
  }

  /** lineGatherDigitsW: resolves with { digits, termination }; a second gather cancels the first. */
  gatherDigits(options: GatherDigitsOptions): Promise<GatherResult> {
    return this.host.signals.gatherDigits(this, options);
  }

  /** Ends the running gather (it resolves with termination 'cancel'). */
  cancelGather(): void {
    this.host.signals.cancelGather(this);
  }

  /** lineMonitorTones: a 'tone' event ({ id, at }) when one of the tones is heard; [] stops. */
  monitorTones(tones: MonitoredTone[]): void {
    this.host.signals.monitorTones(this, tones);
  }

  /** lineMonitorMedia: a 'media' event ({ mediaMode, at }) when fax / modem / ... is detected; [] stops. */
  monitorMedia(modes: string[]): void {
    this.host.signals.monitorMedia(this, modes);
  }

  // ---- audio (issue 14): see call-media.ts -----------------------------------------------------

  /**
   * Plays `audio` (a WAV Buffer, a WAV file path, or { pcm, sampleRate }) into the call, after the prompts
   * queued before it. Resolves { completed, digit?, playedMs } when it ends: played out, stopped by one of
   * `stopOnDigits` (barge-in), stopPlaying() or hang-up. A line without wave devices rejects with
   * LINEERR_INVALDEVICECLASS.
   */
  play(audio: AudioSource, options?: PlayOptions): Promise<PlayResult> {
    return this.host.media.play(this, audio, options);
  }

  /** Ends the running prompt and the queued ones (completed false). */
  stopPlaying(): void {
    this.host.media.stopPlaying(this);
  }

  /** Records what the far end says: resolves { wav, durationMs, reason } (maxduration, digit, silence, hangup, stopped). */
  record(options: RecordOptions): Promise<RecordResult> {
    return this.host.media.record(this, options);
  }

  /** Ends the running recording (reason 'stopped'). */
  stopRecording(): void {
    this.host.media.stopRecording(this);
  }
}

function party(flags: number, value: string, want: number): string | undefined {
  if (!value) return undefined;
  // A provider that sets no flags at all still gets its text shown; one that says BLOCKED/UNAVAIL does not.
  if (flags === 0) return value;
  return flags & want ? value : undefined;
}

/**
 * `address`: what this app dialled. `foreign` (a call another app or line placed): the address is taken from
 * LINECALLINFO instead — the called id, else the displayable address.
 */
export function summarizeCallInfo(raw: LineCallInfo, address?: string, foreign = false): CallInfoSummary {
  const detail = originName(raw.origin);
  const summary: CallInfoSummary = {
    origin: isInbound(detail) ? 'inbound' : detail === 'unavail' ? 'unknown' : detail,
    originDetail: detail,
    reason: nameOf(LINECALLREASON, raw.reason)?.toLowerCase(),
    callId: raw.callId,
  };
  if (address !== undefined) summary.address = address;
  else if (foreign && summary.origin === 'outbound') {
    const dialled = raw.calledId || raw.displayableAddress;
    if (dialled) summary.address = dialled;
  }
  const A = LINECALLPARTYID.ADDRESS;
  const N = LINECALLPARTYID.NAME;
  const set = (key: keyof CallInfoSummary, v: string | undefined) => {
    if (v !== undefined) (summary as unknown as Record<string, unknown>)[key] = v;
  };
  set('callerId', party(raw.callerIdFlags, raw.callerId, A));
  set('callerIdName', party(raw.callerIdFlags, raw.callerIdName, N));
  set('calledId', party(raw.calledIdFlags, raw.calledId, A));
  set('calledIdName', party(raw.calledIdFlags, raw.calledIdName, N));
  set('connectedId', party(raw.connectedIdFlags, raw.connectedId, A));
  set('connectedIdName', party(raw.connectedIdFlags, raw.connectedIdName, N));
  set('redirectionId', party(raw.redirectionIdFlags, raw.redirectionId, A));
  set('comment', raw.comment || undefined);
  return summary;
}

/** LINECALLORIGIN_* as a word; INTERNAL/EXTERNAL/INBOUND are all incoming, so 'inbound' is what users filter on. */
export function originName(origin: number): string {
  const name = nameOf(LINECALLORIGIN, origin);
  return name ? name.toLowerCase() : 'unknown';
}

export function isInbound(origin: string): boolean {
  return origin === 'inbound' || origin === 'internal' || origin === 'external';
}
