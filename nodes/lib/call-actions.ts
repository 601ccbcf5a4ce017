// The actions of the call control node, on a Call of lib/tapi. Each action is refused before anything is
// sent when the call cannot do it now (the library's refusals, LINEERR_* codes), and a refusal's message
// names the action and the call's state. No Node-RED import.
import { TapiError, type Call, type StandardTone, type TransferMode } from '../../lib/tapi';

export const ACTIONS = [
  'answer',
  'accept',
  'reject',
  'hangup',
  'hold',
  'unhold',
  'transfer',
  'consult',
  'complete',
  'redirect',
  'dial',
  'senddigits',
  'tone',
  'takeownership',
  'monitoronly',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** The TAPI function and call feature (LINECALLFEATURE_*) each action needs. */
export const ACTION_NEEDS: Record<ActionName, { operation: string; feature: string | null }> = {
  answer: { operation: 'lineAnswer', feature: 'ANSWER' },
  accept: { operation: 'lineAccept', feature: 'ACCEPT' },
  reject: { operation: 'lineDrop', feature: 'DROP' },
  hangup: { operation: 'lineDrop', feature: 'DROP' },
  hold: { operation: 'lineHold', feature: 'HOLD' },
  unhold: { operation: 'lineUnhold', feature: 'UNHOLD' },
  transfer: { operation: 'lineBlindTransfer', feature: 'BLINDTRANSFER' },
  consult: { operation: 'lineSetupTransfer', feature: 'SETUPTRANSFER' },
  complete: { operation: 'lineCompleteTransfer', feature: 'COMPLETETRANSF' },
  redirect: { operation: 'lineRedirect', feature: 'REDIRECT' },
  dial: { operation: 'lineDial', feature: 'DIAL' },
  senddigits: { operation: 'lineGenerateDigits', feature: 'GENERATEDIGITS' },
  tone: { operation: 'lineGenerateTone', feature: 'GENERATETONE' },
  takeownership: { operation: 'lineSetCallPrivilege', feature: null },
  monitoronly: { operation: 'lineSetCallPrivilege', feature: null },
};

const ALIASES: Record<string, ActionName> = {
  digits: 'senddigits',
  owner: 'takeownership',
  monitor: 'monitoronly',
  drop: 'hangup',
  blindtransfer: 'transfer',
};

/** 'send digits', 'Take-Ownership', 'hangup' -> the action's name; undefined for anything else. */
export function actionName(value: unknown): ActionName | undefined {
  if (typeof value !== 'string') return undefined;
  const key = value.toLowerCase().replace(/[\s_-]+/g, '');
  if ((ACTIONS as readonly string[]).includes(key)) return key as ActionName;
  return ALIASES[key];
}

/** The action as written in messages ('send digits', 'take ownership'). */
export function actionLabel(action: ActionName): string {
  return LABELS[action] ?? action;
}

const LABELS: Partial<Record<ActionName, string>> = {
  senddigits: 'send digits',
  takeownership: 'take ownership',
  monitoronly: 'monitor only',
};

/** What "cannot ..." says for an action: `cannot hold a call`, `cannot send digits on a call`. */
const REFUSED: Partial<Record<ActionName, string>> = {
  senddigits: 'send digits on',
  tone: 'play a tone on',
  takeownership: 'take ownership of',
  monitoronly: 'give up ownership of',
  consult: 'start a consultation from',
  complete: 'complete a transfer with',
};

export function actionWords(action: ActionName): string {
  return REFUSED[action] ?? action;
}

export interface ActionInput {
  destination?: string;
  digits?: string;
  tone?: StandardTone;
  toneDurationMs?: number;
  completeMode?: TransferMode;
  /** ms the consultation call may ring before consult gives up (0 = no limit). */
  consultTimeoutMs?: number;
}

export interface ActionResult {
  /** The call the action was on, as it is now. */
  call: Call;
  /** consult: the consultation call (connected); complete as conference: the conference call. */
  other?: Call;
}

/** Pending consultations: the call put on hold -> its consultation call (and back), shared by every node. */
const consultations = new WeakMap<Call, Call>();

export function consultationOf(call: Call): Call | undefined {
  const other = consultations.get(call);
  return other && !other.deallocated ? other : undefined;
}

function forget(a: Call, b: Call): void {
  consultations.delete(a);
  consultations.delete(b);
}

/** A refusal or failure, restated: `LINEERR_INVALCALLSTATE: cannot hold a call in state offering (...)`. */
export function explain(err: unknown, action: ActionName, call: Call): Error {
  if (!(err instanceof TapiError)) return err instanceof Error ? err : new Error(String(err));
  const restated = new TapiError(err.value, err.operation);
  const state = call.deallocated ? 'ended' : (call.state ?? 'unknown');
  restated.message = `${err.code}: cannot ${actionWords(action)} a call in state ${state} (${err.message})`;
  return restated;
}

function need(value: string | undefined, what: string, operation: string, code: 'INVALADDRESS' | 'INVALDIGITS'): string {
  if (typeof value !== 'string' || value.trim() === '') throw TapiError.of(code, operation, `no ${what} given`);
  return value.trim();
}

/** Rejects with LINEERR_INVALCALLHANDLE once `call` ends (for actions that wait). */
function endOf(call: Call, action: ActionName): { promise: Promise<never>; cancel: () => void } {
  let cancel = () => undefined as void;
  const promise = new Promise<never>((_resolve, reject) => {
    const check = () => {
      if (call.ended || call.state === 'disconnected') {
        cancel();
        reject(
          TapiError.of(
            'INVALCALLHANDLE',
            ACTION_NEEDS[action].operation,
            `the call ended (${call.mode ?? call.state ?? 'gone'}) during ${actionLabel(action)}`,
          ),
        );
      }
    };
    call.on('state', check);
    call.on('deallocated', check);
    cancel = () => {
      call.off('state', check);
      call.off('deallocated', check);
    };
    check();
  });
  promise.catch(() => undefined);
  return { promise, cancel };
}

async function whileLive<T>(call: Call, action: ActionName, work: Promise<T>): Promise<T> {
  const end = endOf(call, action);
  try {
    return await Promise.race([work, end.promise]);
  } finally {
    end.cancel();
  }
}

/** Runs `action` on `call`; rejects with the TapiError of a refusal (restated by explain()). */
export async function runAction(action: ActionName, call: Call, input: ActionInput): Promise<ActionResult> {
  const op = ACTION_NEEDS[action].operation;
  try {
    switch (action) {
      case 'answer':
        await call.answer();
        return { call };
      case 'accept':
        await call.accept();
        return { call };
      case 'reject':
        if (call.state !== 'offering' && call.state !== 'accepted') {
          throw TapiError.of('INVALCALLSTATE', op, 'only an offering (or accepted) call can be rejected');
        }
        await call.drop();
        return { call };
      case 'hangup':
        if (call.privilege !== 'owner') throw TapiError.of('NOTOWNER', op, 'this app only monitors the call');
        await call.release();
        return { call };
      case 'hold':
        await call.hold();
        return { call };
      case 'unhold':
        await call.unhold();
        return { call };
      case 'transfer':
        await call.blindTransfer(need(input.destination, 'destination', op, 'INVALADDRESS'));
        return { call };
      case 'redirect':
        await call.redirect(need(input.destination, 'destination', op, 'INVALADDRESS'));
        return { call };
      case 'dial':
        await call.dial(need(input.destination, 'number to dial', op, 'INVALADDRESS'));
        return { call };
      case 'consult':
        return await consult(call, need(input.destination, 'destination', op, 'INVALADDRESS'), input.consultTimeoutMs ?? 0);
      case 'complete':
        return await complete(call, input.completeMode ?? 'transfer');
      case 'senddigits': {
        const result = await whileLive(call, action, call.generateDigits(need(input.digits, 'digits', op, 'INVALDIGITS')));
        if (result === 'cancel') throw TapiError.of('OPERATIONFAILED', op, 'the digits were cancelled before all were sent');
        return { call };
      }
      case 'tone': {
        const result = await whileLive(call, action, call.generateTone(input.tone ?? 'beep', input.toneDurationMs ?? 1000));
        if (result === 'cancel' && (input.toneDurationMs ?? 1000) > 0) throw TapiError.of('OPERATIONFAILED', op, 'the tone was cancelled');
        return { call };
      }
      case 'takeownership':
        call.setPrivilege('owner');
        return { call };
      case 'monitoronly':
        call.setPrivilege('monitor');
        return { call };
    }
  } catch (err) {
    throw explain(err, action, call);
  }
  throw TapiError.of('INVALPARAM', op, `unknown action ${String(action)}`);
}

async function consult(call: Call, destination: string, timeoutMs: number): Promise<ActionResult> {
  const op = 'lineSetupTransfer';
  const other = await call.setupTransfer();
  consultations.set(call, other);
  consultations.set(other, call);
  other.once('deallocated', () => forget(call, other));
  try {
    await other.dial(destination);
    const reached = await whileLive(call, 'consult', other.waitFor(['connected', 'busy', 'disconnected', 'idle'], timeoutMs));
    if (reached.state !== 'connected') {
      throw TapiError.of(
        'OPERATIONFAILED',
        op,
        `the consultation call to ${destination} ended (${reached.state === 'busy' ? 'busy' : (reached.mode ?? reached.state)}) before it was answered`,
      );
    }
    return { call, other };
  } catch (err) {
    // The consultation did not come about: give it up and take the held call back.
    forget(call, other);
    await other.release().catch(() => undefined);
    if (!call.ended && call.state !== 'connected') await call.unhold().catch(() => undefined);
    throw err;
  }
}

async function complete(call: Call, mode: TransferMode): Promise<ActionResult> {
  // msg.call may be either side: the held call or its consultation call.
  const paired = consultationOf(call);
  if (!paired)
    throw TapiError.of('INVALCALLSTATE', 'lineCompleteTransfer', 'there is no consultation to complete on this call (use consult first)');
  const held = call.state === 'onholdpendtransfer' || call.state === 'onhold' ? call : paired;
  const consultCall = held === call ? paired : call;
  const conference = await held.completeTransfer(consultCall, mode);
  forget(held, consultCall);
  return conference ? { call, other: conference } : { call };
}
