// Call control over the seam: accept, redirect, transfer (blind, consultation, conference), hold, privilege,
// hand-off, and the address capabilities they depend on. Every operation is refused before anything is sent
// when the call cannot do it now (call-features.ts); every destination passes the line's dial policy first.
import { LINECALLPRIVILEGE, LINEMEDIAMODE, LINETRANSFERMODE } from './constants';
import { TapiError } from './errors';
import { toLineCallParams } from './call-params';
import { CONSULT_COMPLETE_STATES, RULES, SWAP_HELD_STATES, refreshFeatures, refuseUnless, type OperationRule } from './call-features';
import { checkAddressId, toAddressCaps, type AddressCaps } from './address-caps';
import { stateName } from './state-event';
import type { Call } from './call';
import type { Line } from './line';
import type { LineDevice } from './line-device';
import type { LineAddressCaps, LineMessage, LineProvider } from './provider';
import type { OperationContext } from './operation-context';
import type { CallParamsOptions, PrivilegeName } from './types';

export type TransferMode = 'transfer' | 'conference';

export class CallControl {
  /** LINEADDRESSCAPS per device as read (null: the provider cannot tell), re-read after re-initialisation. */
  private readonly caps = new WeakMap<LineDevice, Map<number, LineAddressCaps | null>>();

  constructor(private readonly ctx: OperationContext) {}

  /** lineGetAddressCapsW for one address of the line's device (throws what the provider throws). */
  addressCaps(line: Line, addressId = 0): AddressCaps {
    const id = checkAddressId(addressId, line.device.numAddresses);
    const raw = this.ctx.provider().getAddressCaps(line.device.deviceId, id, line.device.apiVersion);
    this.cacheOf(line.device).set(id, raw);
    return toAddressCaps(id, raw);
  }

  /** The address caps that refusals check, or undefined when the provider cannot report them. */
  staticCaps(line: Line, addressId = 0): LineAddressCaps | undefined {
    const cache = this.cacheOf(line.device);
    if (!cache.has(addressId)) {
      try {
        cache.set(addressId, this.ctx.provider().getAddressCaps(line.device.deviceId, addressId, line.device.apiVersion));
      } catch {
        cache.set(addressId, null);
      }
    }
    return cache.get(addressId) ?? undefined;
  }

  async accept(call: Call, userUserInfo?: Uint8Array): Promise<void> {
    await this.send(call, RULES.accept, (p) => p.accept(call.handle, userUserInfo));
  }

  async redirect(call: Call, address: string, countryCode?: number): Promise<void> {
    const op = RULES.redirect.operation;
    this.ctx.assertCall(call, op);
    this.checkFullDestination(call, address, op);
    const cc = countryOf(call, countryCode, op);
    // Queued behind the call's other digit requests (OutgoingDigits) and judged again when its turn comes.
    await call.outgoing.send({ operation: op, address, kind: 'new' }, () =>
      this.send(call, RULES.redirect, (p) => p.redirect(call.handle, address, cc)),
    );
  }

  async blindTransfer(call: Call, address: string, countryCode?: number): Promise<void> {
    const op = RULES.blindTransfer.operation;
    this.ctx.assertCall(call, op);
    this.checkFullDestination(call, address, op);
    const cc = countryOf(call, countryCode, op);
    await call.outgoing.send({ operation: op, address, kind: 'new' }, () =>
      this.send(call, RULES.blindTransfer, (p) => p.blindTransfer(call.handle, address, cc)),
    );
  }

  /** Resolves with the consultation call (in dial tone: continue with consult.dial(), which passes the dial policy). */
  async setupTransfer(call: Call, params?: CallParamsOptions): Promise<Call> {
    const callParams = toLineCallParams(params);
    return this.send(
      call,
      RULES.setupTransfer,
      (p) => p.setupTransfer(call.handle, callParams),
      (reply) => this.adoptNew(call, reply, RULES.setupTransfer.operation, { origin: 'outbound', originDetail: 'outbound', address: '' }),
    );
  }

  /** Resolves with the conference call in conference mode, undefined in transfer mode. */
  async completeTransfer(call: Call, consult: Call, mode: TransferMode): Promise<Call | undefined> {
    const op = RULES.completeTransfer.operation;
    this.ctx.assertCall(call, op);
    if (!consult || typeof consult !== 'object' || consult.deallocated || consult.line?.isOpen === undefined) {
      throw TapiError.of('INVALCONSULTCALLHANDLE', op, 'give the consultation call that setupTransfer resolved with');
    }
    const bit = mode === 'transfer' ? LINETRANSFERMODE.TRANSFER : mode === 'conference' ? LINETRANSFERMODE.CONFERENCE : 0;
    if (!bit) throw TapiError.of('INVALTRANSFERMODE', op, `mode must be 'transfer' or 'conference'; got ${String(mode)}`);
    const caps = this.staticCaps(call.line);
    if (caps && (caps.transferModes & bit) === 0) {
      throw TapiError.of('INVALTRANSFERMODE', op, `line "${call.line.device.name}" does not complete transfers in ${mode} mode`);
    }
    const provider = this.ctx.provider();
    this.checkOther(consult, provider, CONSULT_COMPLETE_STATES, op, 'the consultation call');
    return this.send(
      call,
      RULES.completeTransfer,
      (p) => p.completeTransfer(call.handle, consult.handle, bit),
      (reply) =>
        bit === LINETRANSFERMODE.CONFERENCE
          ? this.adoptNew(call, reply, op, { origin: 'conference', originDetail: 'conference' })
          : undefined,
    );
  }

  async hold(call: Call): Promise<void> {
    await this.send(call, RULES.hold, (p) => p.hold(call.handle));
  }

  async unhold(call: Call): Promise<void> {
    await this.send(call, RULES.unhold, (p) => p.unhold(call.handle));
  }

  /** Either call may be the active one: the connected call is held and the held one becomes active. */
  async swapHold(call: Call, other: Call): Promise<void> {
    const op = RULES.swapHold.operation;
    this.ctx.assertCall(call, op);
    if (!other || typeof other !== 'object' || other === call) {
      throw TapiError.of('INVALCALLHANDLE', op, 'give the other call (the held one, or the active one)');
    }
    this.ctx.assertCall(other, op);
    const [active, held] = call.state !== 'connected' && other.state === 'connected' ? [other, call] : [call, other];
    this.checkOther(held, this.ctx.provider(), SWAP_HELD_STATES, op, 'the held call');
    await this.send(active, RULES.swapHold, (p) => p.swapHold(active.handle, held.handle));
  }

  /** lineSetCallPrivilege (synchronous). */
  setPrivilege(call: Call, privilege: PrivilegeName): void {
    const op = 'lineSetCallPrivilege';
    this.ctx.assertCall(call, op);
    if (privilege !== 'owner' && privilege !== 'monitor') {
      throw TapiError.of('INVALCALLPRIVILEGE', op, `privilege must be 'owner' or 'monitor'; got ${String(privilege)}`);
    }
    const value = privilege === 'owner' ? LINECALLPRIVILEGE.OWNER : LINECALLPRIVILEGE.MONITOR;
    this.ctx.provider().setCallPrivilege(call.handle, value);
    call.privilege = privilege;
    refreshFeatures(call, this.ctx.provider());
  }

  /** lineHandoffW by media mode (synchronous): the highest-priority other owner app for that mode takes the call. */
  handoff(call: Call, mediaMode: string | number): void {
    const op = 'lineHandoff';
    this.ctx.assertCall(call, op);
    const bit = mediaModeBit(mediaMode, op);
    if (call.privilege !== 'owner') throw TapiError.of('NOTOWNER', op, 'only an owner can hand a call off');
    this.ctx.provider().handoff(call.handle, null, bit);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private async send<T = void>(
    call: Call,
    rule: OperationRule,
    request: (provider: LineProvider) => number,
    onSuccess: (reply: LineMessage) => T = () => undefined as T,
  ): Promise<T> {
    this.ctx.assertCall(call, rule.operation);
    const provider = this.ctx.provider();
    refuseUnless(call, rule, provider, this.staticCaps(call.line));
    const id = request(provider);
    return this.ctx.requests.track(id, rule.operation, call.line.instance, onSuccess);
  }

  private adoptNew(call: Call, reply: LineMessage, op: string, info: Call['info']): Call {
    const hCall = reply.newCall ?? 0;
    if (!hCall) throw TapiError.of('OPERATIONFAILED', op, 'the provider reported success without a call handle');
    const created = this.ctx.adoptCall(call.line, hCall, 'owner', info);
    refreshFeatures(created, this.ctx.provider());
    return created;
  }

  /** The second call of swapHold / completeTransfer: ours, owned, and in one of `states`. */
  private checkOther(other: Call, provider: LineProvider, states: readonly string[], op: string, role: string): void {
    if (other.deallocated)
      throw TapiError.of(op === 'lineCompleteTransfer' ? 'INVALCONSULTCALLHANDLE' : 'INVALCALLHANDLE', op, `${role} was deallocated`);
    if (other.privilege !== 'owner') throw TapiError.of('NOTOWNER', op, `${role}: this app only monitors it`);
    const state = stateName(provider.getCallStatus(other.handle).callState);
    if (!states.includes(state)) {
      throw TapiError.of('INVALCALLSTATE', op, `${role} is ${state}; it must be ${states.join(', ')}`);
    }
  }

  private checkFullDestination(call: Call, address: string, op: string): void {
    if (typeof address !== 'string' || address.trim() === '') {
      throw TapiError.of('INVALADDRESS', op, 'the destination must be a non-empty string');
    }
    const partial = this.ctx.checkDestination(call.line, address, address, op);
    if (partial) throw TapiError.of('INVALADDRESS', op, 'a destination cannot be partial (no trailing ;)');
  }

  private cacheOf(device: LineDevice): Map<number, LineAddressCaps | null> {
    let cache = this.caps.get(device);
    if (!cache) this.caps.set(device, (cache = new Map()));
    return cache;
  }
}

function countryOf(call: Call, countryCode: number | undefined, op: string): number {
  const cc = countryCode ?? call.line.countryCode;
  if (typeof cc !== 'number' || !Number.isInteger(cc) || cc < 0 || cc > 999) {
    throw TapiError.of('INVALCOUNTRYCODE', op, 'the country code must be an integer from 0 to 999');
  }
  return cc;
}

/** One LINEMEDIAMODE bit from a name ('g3fax') or value. */
export function mediaModeBit(mode: string | number, op: string): number {
  const bit = typeof mode === 'number' ? mode : (LINEMEDIAMODE as Record<string, number>)[String(mode).toUpperCase()];
  if (!bit || !Object.values(LINEMEDIAMODE).includes(bit as never)) {
    throw TapiError.of('INVALMEDIAMODE', op, `"${String(mode)}" is not one LINEMEDIAMODE`);
  }
  return bit;
}
