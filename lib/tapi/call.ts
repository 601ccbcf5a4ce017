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

/** What a Call needs from the Tapi that dispatches its messages (internal). */
export interface CallHost {
  dial(call: Call, address: string, countryCode: number | undefined): Promise<void>;
  drop(call: Call, userUserInfo?: Uint8Array): Promise<void>;
  answer(call: Call, userUserInfo?: Uint8Array): Promise<void>;
  deallocate(call: Call): void;
  getCallInfo(call: Call): LineCallInfo;
  getCallStatus(call: Call): LineCallStatus;
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
