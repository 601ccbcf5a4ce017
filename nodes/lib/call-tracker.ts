// CallTracker: follows one call placed by make-call to its end. Decides when the node's one output
// message is due (sendWhen), drops the call when a timer passes or the far end has gone, and always
// deallocates the handle at the end. No Node-RED import.
import type { Call, CallStateEvent } from '../../lib/tapi';
import { makeCallPayload, type LocalEnd, type MakeCallPayload } from './messages';

export type SendWhen = 'placed' | 'connected' | 'ended';

export interface TrackerOptions {
  sendWhen: SendWhen;
  /** Seconds without reaching connected after which the call is dropped (0 = never). */
  noAnswerTimeout: number;
  /** Seconds connected after which the call is dropped (0 = never). */
  maxDuration: number;
  /** Seconds a call may stay in busy / special information with no disconnect before it is dropped. */
  stuckTimeout?: number;
}

export interface TrackerEvents {
  /** The one output message is due. */
  send(payload: MakeCallPayload): void;
  /** Every state the call goes through (for the node's status). */
  progress(event: CallStateEvent): void;
  /** The call is over and its handle released; the tracker is done. */
  finished(payload: MakeCallPayload): void;
}

const DEFAULT_STUCK_S = 15;

export class CallTracker {
  readonly call: Call;
  readonly address: string;
  readonly startedAt: Date;
  private readonly options: TrackerOptions;
  private readonly events: TrackerEvents;
  private readonly seen = new Set<CallStateEvent>();
  private sent = false;
  private finishedFlag = false;
  private localEnd?: LocalEnd;
  private localEndIndex?: number;
  private releasing?: Promise<void>;
  private noAnswerTimer?: NodeJS.Timeout;
  private maxDurationTimer?: NodeJS.Timeout;
  private stuckTimer?: NodeJS.Timeout;
  private endedAt?: Date;

  constructor(call: Call, address: string, startedAt: Date, options: TrackerOptions, events: TrackerEvents) {
    this.call = call;
    this.address = address;
    this.startedAt = startedAt;
    this.options = options;
    this.events = events;
  }

  get finished(): boolean {
    return this.finishedFlag;
  }

  /** Start following: replays the states already in the history, then listens for the rest. */
  start(): void {
    this.call.on('state', this.onState);
    this.call.on('deallocated', this.onDeallocated);
    this.call.on('dialtonetimeout', this.onDialToneTimeout);
    if (this.options.sendWhen === 'placed') this.sendNow(false);
    if (this.options.noAnswerTimeout > 0) {
      this.noAnswerTimer = setTimeout(() => this.hangUp('noanswertimeout'), this.options.noAnswerTimeout * 1000);
    }
    for (const event of [...this.call.history]) this.onState(event);
    if (this.call.deallocated) this.onDeallocated();
  }

  /** Hang up now (node closing, line going away); resolves when the handle is released. Never rejects. */
  abort(reason: LocalEnd = 'dropped'): Promise<void> {
    this.sent = true; // nothing is sent for a call the node itself abandons while closing
    this.hangUp(reason);
    return this.releasing ?? Promise.resolve();
  }

  private readonly onState = (event: CallStateEvent): void => {
    if (this.seen.has(event) || this.finishedFlag) return;
    this.seen.add(event);
    this.events.progress(event);
    switch (event.state) {
      case 'connected':
        this.clear('noAnswerTimer');
        this.clear('stuckTimer');
        if (this.options.maxDuration > 0 && !this.maxDurationTimer) {
          this.maxDurationTimer = setTimeout(() => this.hangUp('maxduration'), this.options.maxDuration * 1000);
        }
        if (this.options.sendWhen === 'connected') this.sendNow(false, this.payload(false, event));
        break;
      case 'busy':
      case 'specialinfo':
        // The outcome is known; the network normally follows with disconnected. Some lines just stay here.
        if (!this.stuckTimer) {
          const s = this.options.stuckTimeout ?? DEFAULT_STUCK_S;
          this.stuckTimer = setTimeout(() => this.hangUp(), s * 1000);
        }
        break;
      case 'disconnected':
        // The far end or the network ended it: the owner still has to drop it to reach idle.
        this.clear('noAnswerTimer');
        this.clear('stuckTimer');
        if (!this.endedAt) this.endedAt = event.at;
        this.release();
        break;
      case 'idle':
        this.clear('noAnswerTimer');
        this.clear('stuckTimer');
        this.clear('maxDurationTimer');
        if (!this.endedAt) this.endedAt = event.at;
        this.release();
        break;
      default:
        break;
    }
  };

  /** The line drops the call: it waited in dial tone / dialling with nothing sent for too long. */
  private readonly onDialToneTimeout = (): void => {
    this.hangUp('dialtonetimeout');
  };

  private readonly onDeallocated = (): void => {
    if (this.finishedFlag) return;
    const over = this.call.history.some((e) => e.state === 'disconnected' || e.state === 'idle');
    if (!over && this.localEnd === undefined) {
      // The handle went without the call ending (the line was closed under it).
      this.localEnd = 'lineclosed';
      this.localEndIndex = this.call.history.length;
    }
    this.finish();
  };

  /** This app ends the call (timer or close). */
  private hangUp(reason?: LocalEnd): void {
    if (this.finishedFlag) return;
    if (reason && this.localEnd === undefined && !this.call.ended) {
      const disconnected = this.call.history.some((e) => e.state === 'disconnected');
      if (!disconnected) {
        this.localEnd = reason;
        this.localEndIndex = this.call.history.length;
      }
    }
    this.release();
  }

  private release(): void {
    // Finished once released, even if the handle could not be given back (release() reports that): a call
    // that cannot be deallocated must not leave the node waiting for an end that never comes.
    this.releasing ??= this.call.release().then(
      () => this.finishIfReleased(),
      () => this.finishIfReleased(),
    );
  }

  private finishIfReleased(): void {
    if (this.finishedFlag) return;
    if (!this.call.deallocated && !this.call.ended) {
      if (this.localEnd === undefined) {
        this.localEnd = 'dropped';
        this.localEndIndex = this.call.history.length;
      }
    }
    this.finish();
  }

  private finish(): void {
    this.finishedFlag = true;
    this.clear('noAnswerTimer');
    this.clear('maxDurationTimer');
    this.clear('stuckTimer');
    this.call.off('state', this.onState);
    this.call.off('deallocated', this.onDeallocated);
    this.call.off('dialtonetimeout', this.onDialToneTimeout);
    const payload = this.payload(true);
    if (!this.sent) this.sendNow(true, payload);
    this.events.finished(payload);
  }

  private sendNow(ended: boolean, payload?: MakeCallPayload): void {
    if (this.sent) return;
    this.sent = true;
    this.events.send(payload ?? this.payload(ended));
  }

  private payload(ended: boolean, asOf?: CallStateEvent): MakeCallPayload {
    return makeCallPayload(this.call, this.address, this.startedAt, ended, this.localEnd, this.localEndIndex, this.endedAt, asOf);
  }

  private clear(name: 'noAnswerTimer' | 'maxDurationTimer' | 'stuckTimer'): void {
    const timer = this[name];
    if (timer) clearTimeout(timer);
    this[name] = undefined;
  }
}
