// An open line (HLINE): places calls, announces every call on it, and closes cleanly.
import { EventEmitter } from 'node:events';
import type { AddressCaps } from './address-caps';
import type { Call } from './call';
import { DialToneWatch } from './dial-tone-watch';
import type { DialPolicy } from './dial-policy';
import type { LineDevice } from './line-device';
import type { MakeCallOptions, PrivilegeName } from './types';
import type { MediaCapabilities } from './media';

/** What a Line needs from the Tapi that owns it (internal). */
export interface LineHost {
  makeCall(line: Line, address: string | null, options: MakeCallOptions): Promise<Call>;
  closeLine(line: Line): Promise<void>;
  readonly control: { addressCaps(line: Line, addressId?: number): AddressCaps };
  mediaCapabilities(line: Line): MediaCapabilities;
}

/**
 * Events: 'callstate' (call, event) for every state of every call on the line; 'call' (call) for calls the
 * app did not place (incoming, monitored); 'devstate' ({ states, param2, param3 }); 'close' (reason, error?)
 * when the line is closed by the provider ('provider'), by TAPI re-initialisation ('reinit'), or could not
 * come back after it ('removed': the device is gone; 'reopen-failed': lineOpen refused, with the TapiError);
 * 'reopen' after re-initialisation reopened it; 'digit' (call, { digit, mode, at }) for every digit of a call
 * whose digits are monitored; 'dialtonetimeout' (call) when the line drops a call of ours
 * left in dial tone or dialling with no request for longer than its dial-tone timeout (the call emits
 * 'dialtonetimeout' too, before it is dropped).
 */
export class Line extends EventEmitter {
  /** The device as last read (re-read after TAPI re-initialisation). */
  device: LineDevice;
  /** The callback instance given to lineOpen: identifies this line in messages. */
  readonly instance: number;
  readonly privileges: PrivilegeName[];
  readonly privilegeMask: number;
  readonly mediaModes: number;
  readonly policy: DialPolicy;
  readonly countryCode: number;
  /** ms a call of ours may wait in dial tone / dialling with nothing sent (0 = never). */
  readonly dialToneTimeoutMs: number;
  /** Drops calls left in dial tone (fed by Tapi with every call state). */
  readonly dialToneWatch: DialToneWatch;
  hLine: number;
  /** False once closed (by close(), LINE_CLOSE, or shutdown). */
  isOpen = true;
  /** Live calls, keyed by handle (maintained by Tapi). */
  readonly callsByHandle = new Map<number, Call>();
  private readonly host: LineHost;

  constructor(
    host: LineHost,
    init: {
      device: LineDevice;
      instance: number;
      hLine: number;
      privileges: PrivilegeName[];
      privilegeMask: number;
      mediaModes: number;
      policy: DialPolicy;
      countryCode: number;
      dialToneTimeoutMs?: number;
    },
  ) {
    super();
    this.host = host;
    this.device = init.device;
    this.instance = init.instance;
    this.hLine = init.hLine;
    this.privileges = init.privileges;
    this.privilegeMask = init.privilegeMask;
    this.mediaModes = init.mediaModes;
    this.policy = init.policy;
    this.countryCode = init.countryCode;
    this.dialToneTimeoutMs = init.dialToneTimeoutMs ?? 30_000;
    this.dialToneWatch = new DialToneWatch(this.dialToneTimeoutMs, (call) => {
      call.emit('dialtonetimeout');
      this.emit('dialtonetimeout', call);
    });
  }

  get deviceId(): number {
    return this.device.deviceId;
  }

  /** Every call whose handle this app still holds on the line. */
  get calls(): Call[] {
    return [...this.callsByHandle.values()];
  }

  /**
   * lineMakeCallW. Resolves with the Call once LINE_REPLY reports success; rejects with a TapiError
   * (synchronous LINEERR, failed reply, blocked by the dial policy, or the line closing first).
   */
  makeCall(address: string | null, options: MakeCallOptions = {}): Promise<Call> {
    return this.host.makeCall(this, address, options);
  }

  /** lineGetAddressCapsW: transfer modes, held-call limits, address and call features, device classes. */
  addressCaps(addressId = 0): AddressCaps {
    return this.host.control.addressCaps(this, addressId);
  }

  /**
   * Whether the line has wave devices (its device classes name wave/out, wave/in) and the formats offered:
   * without them call.play / call.record reject with LINEERR_INVALDEVICECLASS.
   */
  get mediaCapabilities(): MediaCapabilities {
    return this.host.mediaCapabilities(this);
  }

  /** Drops and deallocates every call this app owns on the line, then lineClose. Idempotent. */
  close(): Promise<void> {
    return this.host.closeLine(this);
  }
}
