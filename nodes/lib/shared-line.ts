// SharedLine: the one open Line behind a tapi-line config node, shared by every node that uses it.
// Opened on first use, reopened with back-off after a failure or a LINE_CLOSE, closed when the last user
// goes. It also finishes the calls nobody else owns (incoming and monitored calls): drops an owned call
// the far end disconnected and deallocates every such call at idle, so handles never pile up.
// No Node-RED import: the config node (nodes/tapi-line.ts) is the glue.
import { EventEmitter } from 'node:events';
import {
  TapiError,
  type Call,
  type CallStateEvent,
  type DigitEvent,
  type Line,
  type MakeCallOptions,
  type PrivilegeName,
  type Tapi,
} from '../../lib/tapi';
import { acquireTapi, type ProviderConfig, type TapiLease } from './tapi-registry';

export type LineState = 'idle' | 'connecting' | 'open' | 'error' | 'unavailable' | 'closed';

export interface SharedLineConfig extends ProviderConfig {
  /** Device id or name; '' = the first line. */
  line: string;
  privileges: PrivilegeName[];
  /** accessCode: the outside-line access code deny patterns look behind ('' = none). */
  dialPolicy: { allow: string[]; deny: string[]; accessCode?: string; allowSipUris?: boolean };
  /** 0 = the provider's default. */
  countryCode: number;
  /** Seconds a call of ours may wait in dial tone with nothing dialled before the line drops it (0 = never). Default 30. */
  dialToneTimeout?: number;
}

export interface LineStatusEvent {
  state: LineState;
  error?: Error & { code?: string };
  /** The open line's name when state is 'open'. */
  lineName?: string;
}

/** Error codes meaning "nothing to talk to here" (grey), as opposed to a failure (red). */
const UNAVAILABLE_CODES = new Set([
  'LINEERR_NODRIVER',
  'LINEERR_NODEVICE',
  'LINEERR_BADDEVICEID',
  'LINEERR_OPERATIONUNAVAIL',
  'LINEERR_REINIT',
  'LINEERR_INIFILECORRUPT',
  'LINEERR_NOMULTIPLEINSTANCE',
]);

export function isUnavailableError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

/** Errors in the node's own configuration (TapiValidationError): retrying cannot help. */
export function isConfigError(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === 'ERR_TAPI_VALIDATION';
}

/** Back-off between reopen attempts, in ms: 1 s doubling up to 60 s. */
export const REOPEN_BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000, 60000];
const CLOSE_WAIT_MS = 8000;
/** How long a call may stay in busy / special information before it is dropped when no disconnect follows. */
const ORPHAN_END_MS = 15000;

/**
 * Events: 'status' (LineStatusEvent) on every change; 'callstate' (call, event) for every call on the line;
 * 'call' (call) for calls the app did not place; 'digit' (call, { digit, mode, at }) for digits of monitored calls; 'ringing' ({ ringMode, ringCount }) for each ring; 'lineclose' (reason) when the open line went away;
 * 'cleanuperror' ({ operation, error, attempts }) when giving a handle back to TAPI kept failing.
 * Never emits 'error'.
 */
export class SharedLine extends EventEmitter {
  readonly config: SharedLineConfig;
  readonly users = new Map<string, unknown>();
  state: LineState = 'idle';
  lastError?: Error & { code?: string };
  line?: Line;
  private lease?: TapiLease;
  private opening?: Promise<Line>;
  private retryTimer?: NodeJS.Timeout;
  private attempt = 0;
  private closed = false;
  private closingPromise?: Promise<void>;
  private stopping?: Promise<void>;
  /** Calls placed through makeCall: the users that placed them finish them; close() drops what is left. */
  private readonly placed = new Set<Call>();
  private readonly log: (message: string) => void;

  constructor(config: SharedLineConfig, log: (message: string) => void = () => undefined) {
    super();
    // Every call-state node on the line listens here: many are normal, not a leak.
    this.setMaxListeners(0);
    this.config = config;
    this.log = log;
  }

  get tapi(): Tapi | undefined {
    return this.lease?.tapi;
  }

  get status(): LineStatusEvent {
    const event: LineStatusEvent = { state: this.state };
    if (this.lastError && (this.state === 'error' || this.state === 'unavailable')) event.error = this.lastError;
    if (this.state === 'open' && this.line) event.lineName = this.line.device.name;
    return event;
  }

  /** Add a user; the first one opens the line. */
  register(id: string, user: unknown): void {
    if (this.closed) return;
    this.users.set(id, user);
    if (this.state === 'idle' && !this.stopping) void this.open().catch(() => undefined);
  }

  /** Remove a user; when the last one goes the line is closed (resolves when it is). Never rejects. */
  async deregister(id: string): Promise<void> {
    this.users.delete(id);
    if (this.users.size === 0 && !this.closed) {
      this.stopping ??= this.release().finally(() => {
        this.stopping = undefined;
        // A user that registered while the line was being closed opens it again.
        if (this.users.size > 0 && !this.closed && this.state === 'idle') void this.open().catch(() => undefined);
      });
      await this.stopping;
    }
  }

  /**
   * The open line: waits for an attempt in progress; rejects at once with the last error while the line
   * is failing (a reopen is scheduled), or with LINEERR_INVALLINEHANDLE once closed.
   */
  getLine(): Promise<Line> {
    if (this.closed) return Promise.reject(TapiError.of('INVALLINEHANDLE', 'lineOpen', 'the line configuration was closed'));
    if (this.stopping) return this.stopping.then(() => this.getLine());
    if (this.line && this.line.isOpen) return Promise.resolve(this.line);
    if (this.line) return Promise.reject(TapiError.of('REINIT', 'lineOpen', 'TAPI is re-initialising; the line will reopen'));
    if (this.opening) return this.opening;
    if ((this.state === 'error' || this.state === 'unavailable') && this.lastError) return Promise.reject(this.lastError);
    return this.open();
  }

  /** lineMakeCall on the shared line; the call is remembered so close() can finish it. */
  async makeCall(address: string | null, options: MakeCallOptions): Promise<Call> {
    const line = await this.getLine();
    const call = await line.makeCall(address, options);
    this.placed.add(call);
    call.once('deallocated', () => this.placed.delete(call));
    return call;
  }

  /** Calls placed through this line that still hold a handle. */
  get placedCalls(): Call[] {
    return [...this.placed].filter((c) => !c.deallocated);
  }

  private setState(state: LineState, error?: Error & { code?: string }): void {
    this.state = state;
    if (error) this.lastError = error;
    else if (state === 'open') this.lastError = undefined;
    this.emit('status', this.status);
  }

  private open(): Promise<Line> {
    if (this.opening) return this.opening;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.setState('connecting');
    const attempt = this.doOpen().then(
      (line) => {
        this.opening = undefined;
        if (this.closed) {
          void line.close().catch(() => undefined);
          throw TapiError.of('INVALLINEHANDLE', 'lineOpen', 'the line configuration was closed');
        }
        this.attempt = 0;
        this.line = line;
        this.attach(line);
        this.setState('open');
        return line;
      },
      (err: Error & { code?: string }) => {
        this.opening = undefined;
        if (!this.closed) {
          this.setState(isUnavailableError(err) ? 'unavailable' : 'error', err);
          this.log(`line "${this.config.line || '(first)'}" (${this.config.provider}): ${err.message}`);
          // A configuration mistake (a bad dial policy pattern, say) will not mend itself: no retry until redeployed.
          if (!isConfigError(err)) this.scheduleReopen();
        }
        throw err;
      },
    );
    this.opening = attempt;
    // Whoever awaits the attempt gets its error; nobody awaiting must not make it unhandled.
    attempt.catch(() => undefined);
    return attempt;
  }

  private async doOpen(): Promise<Line> {
    if (!this.lease) this.lease = await acquireTapi(this.config, (err) => this.log(`listener error: ${String(err)}`));
    const tapi = this.lease.tapi;
    try {
      const wanted = this.config.line.trim();
      let target: string | number;
      if (wanted === '') {
        const first = tapi.lines.find((d) => !d.removed);
        if (!first) throw TapiError.of('NODEVICE', 'lineOpen', 'the provider has no line devices');
        target = first.deviceId;
      } else {
        target = wanted;
      }
      const line = await tapi.openLine(target, {
        privileges: this.config.privileges,
        dialPolicy: this.config.dialPolicy,
        countryCode: this.config.countryCode,
        dialToneTimeout: this.config.dialToneTimeout ?? 30,
      });
      this.watchCleanup(tapi);
      return line;
    } catch (err) {
      // Give the Tapi back so a broken initialisation (REINIT, removed provider) is not kept alive.
      const lease = this.lease;
      this.lease = undefined;
      await lease?.release();
      throw err;
    }
  }

  private readonly onCleanupError = (failure: { operation: string; error: Error; attempts: number }) => {
    if (this.listenerCount('cleanuperror') > 0) this.emit('cleanuperror', failure);
    else this.log(`${failure.operation} failed after ${failure.attempts} attempts: ${failure.error.message}`);
  };
  private cleanupTapi?: Tapi;

  /** Failed cleanups (lineDeallocateCall, lineClose, lineShutdown) are logged and re-emitted as 'cleanuperror'. */
  private watchCleanup(tapi: Tapi): void {
    if (this.cleanupTapi === tapi) return;
    this.cleanupTapi?.off('cleanuperror', this.onCleanupError);
    this.cleanupTapi = tapi;
    tapi.on('cleanuperror', this.onCleanupError);
  }

  private scheduleReopen(): void {
    if (this.closed || this.retryTimer) return;
    const delay = REOPEN_BACKOFF_MS[Math.min(this.attempt, REOPEN_BACKOFF_MS.length - 1)];
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed && this.users.size > 0) void this.open().catch(() => undefined);
    }, delay);
  }

  private attach(line: Line): void {
    line.on('callstate', (call: Call, event: CallStateEvent) => {
      if (line !== this.line) return;
      this.emit('callstate', call, event);
      if (!this.placed.has(call)) this.finishForeign(call, event);
    });
    line.on('call', (call: Call) => {
      if (line === this.line) this.emit('call', call);
    });
    line.on('digit', (call: Call, event: DigitEvent) => {
      if (line === this.line) this.emit('digit', call, event);
    });
    line.on('ringing', (event: { ringMode: number; ringCount: number }) => {
      if (line === this.line) this.emit('ringing', event);
    });
    line.on('close', (reason: string) => {
      if (line !== this.line || this.closed) return;
      this.emit('lineclose', reason);
      const err = TapiError.of(
        'INVALLINEHANDLE',
        'LINE_CLOSE',
        reason === 'reinit' ? 'TAPI is re-initialising' : 'the provider closed the line',
      );
      if (reason === 'reinit') {
        // Tapi reopens the same Line after re-initialising; fall back to our own reopen if it cannot.
        this.setState('connecting');
        const fallback = setTimeout(() => {
          if (this.line === line && !line.isOpen && !this.closed) {
            this.line = undefined;
            this.setState('error', err);
            this.scheduleReopen();
          }
        }, 30000);
        line.once('reopen', () => {
          clearTimeout(fallback);
          if (this.line === line && !this.closed) this.setState('open');
        });
      } else {
        this.line = undefined;
        line.removeAllListeners('callstate');
        this.setState('error', err);
        this.scheduleReopen();
      }
    });
  }

  /** Calls we did not place (incoming, monitored): drop an owned one the far end left, deallocate at idle. */
  private finishForeign(call: Call, event: CallStateEvent): void {
    if (event.state === 'idle') {
      void call.release().catch(() => undefined);
    } else if (event.state === 'disconnected' && call.privilege === 'owner') {
      void call.release().catch(() => undefined);
    } else if (event.state === 'disconnected') {
      // A monitor cannot drop; the owner will. Deallocate if the owner never takes it to idle.
      const timer = setTimeout(() => {
        if (!call.ended) void call.release().catch(() => undefined);
      }, ORPHAN_END_MS);
      timer.unref?.();
      call.once('deallocated', () => clearTimeout(timer));
    }
  }

  /** Final close (the config node goes): drop and deallocate every call placed here, close the line, give the Tapi back. Idempotent; never rejects. */
  close(): Promise<void> {
    this.closingPromise ??= (async () => {
      this.closed = true;
      if (this.stopping) await this.stopping;
      await this.release();
      this.setState('closed');
      this.removeAllListeners();
    })();
    return this.closingPromise;
  }

  /** Drop and deallocate every call placed here, close the line, give the Tapi back; state becomes 'idle'. */
  private async release(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt = 0;
    if (this.opening) await this.opening.catch(() => undefined);
    const line = this.line;
    this.line = undefined;
    if (line) {
      await withTimeout(
        Promise.all(this.placedCalls.map((c) => c.release().catch(() => undefined))).then(() => line.close()),
        CLOSE_WAIT_MS,
      ).catch(() => undefined);
      line.removeAllListeners('callstate');
      line.removeAllListeners('call');
      line.removeAllListeners('digit');
      line.removeAllListeners('ringing');
      line.removeAllListeners('close');
    }
    this.placed.clear();
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await withTimeout(lease.release(), CLOSE_WAIT_MS).catch(() => undefined);
    this.cleanupTapi?.off('cleanuperror', this.onCleanupError);
    this.cleanupTapi = undefined;
    if (!this.closed) this.setState('idle');
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
