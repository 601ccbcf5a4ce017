// The first state of a call we did not place. TAPI announces a call to a monitor with
// LINECALLSTATE_UNKNOWN (tapi-reference.md §4.4); the states it goes through next are already on their
// way. So UNKNOWN is held back and the next state message becomes the call's first event. Only when no
// state follows soon (a call that was already settled when we were told of it) is its state read from
// LINECALLSTATUS; reading it at once would put a state that is newer than the queued messages first, and
// those messages would then repeat it.
import { LINECALLSTATE, LINECALLSTATE_MASK } from './constants';
import type { Call } from './call';
import type { LineMessage, LineProvider } from './provider';
import { makeStateEvent } from './state-event';
import type { CallStateEvent } from './types';

/** How long an UNKNOWN announcement waits for the call's next state before LINECALLSTATUS is read. */
export const FOREIGN_FIRST_STATE_WAIT_MS = 25;

export type FirstStateVerdict = 'apply' | 'defer' | 'duplicate';

interface Held {
  timer: NodeJS.Timeout;
  message: LineMessage;
}

export class ForeignFirstState {
  private readonly held = new Map<Call, Held>();
  private readonly fromStatus = new WeakMap<Call, { stateValue: number; modeValue: number }>();

  constructor(
    private readonly provider: () => LineProvider,
    /** Records and emits a state the way a state message would. */
    private readonly record: (call: Call, event: CallStateEvent) => void,
  ) {}

  /** What to do with a LINE_CALLSTATE for `call`: apply it, hold it back, or drop it as a repeat. */
  onState(call: Call, m: LineMessage): FirstStateVerdict {
    const stateValue = m.param1 & LINECALLSTATE_MASK;
    const held = this.held.get(call);
    if (held) {
      clearTimeout(held.timer);
      this.held.delete(call);
      if (stateValue === LINECALLSTATE.UNKNOWN) return this.hold(call, m);
      return 'apply';
    }
    const read = this.fromStatus.get(call);
    if (read) {
      this.fromStatus.delete(call);
      const same = call.history.length === 1 && read.stateValue === stateValue && read.modeValue === m.param2 >>> 0;
      return same ? 'duplicate' : 'apply';
    }
    if (call.history.length > 0 || (call.info.origin === 'outbound' && call.privilege === 'owner')) return 'apply';
    if (stateValue !== LINECALLSTATE.UNKNOWN) return 'apply';
    return this.hold(call, m);
  }

  /** Forget every held announcement (shutdown, re-initialisation, the call is gone). */
  clear(call?: Call): void {
    for (const [held, entry] of this.held) {
      if (call && held !== call) continue;
      clearTimeout(entry.timer);
      this.held.delete(held);
    }
  }

  private hold(call: Call, m: LineMessage): 'defer' {
    const timer = setTimeout(() => this.settle(call), FOREIGN_FIRST_STATE_WAIT_MS);
    timer.unref();
    this.held.set(call, { timer, message: m });
    return 'defer';
  }

  private settle(call: Call): void {
    const entry = this.held.get(call);
    if (!entry) return;
    this.held.delete(call);
    if (call.deallocated) return;
    const privilege = entry.message.param3;
    let event = makeStateEvent(entry.message.param1, entry.message.param2, privilege, null);
    try {
      const status = this.provider().getCallStatus(call.handle);
      const stateValue = status.callState & LINECALLSTATE_MASK;
      const single = stateValue !== 0 && (stateValue & (stateValue - 1)) === 0;
      if (single && stateValue !== LINECALLSTATE.UNKNOWN && stateValue !== LINECALLSTATE.IDLE) {
        event = makeStateEvent(stateValue, status.callStateMode, privilege, null);
        this.fromStatus.set(call, { stateValue, modeValue: status.callStateMode >>> 0 });
      }
    } catch {
      // The handle died meanwhile: report what TAPI said (unknown); its end follows.
    }
    this.record(call, event);
  }
}
