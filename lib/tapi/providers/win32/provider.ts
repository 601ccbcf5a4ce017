// Win32Provider: the line-device seam over Tapi32.dll (or the ABI-exact fake in tests) through koffi.
// Thin, mechanical marshalling: W exports, int32 returns -> TapiError, pack(1) structures, stable
// native memory for what TAPI writes later, one ordered message stream from the pump.
import { LINE_MESSAGE, LINEERR, LINEINITIALIZEEXOPTION, LINETRANSFERMODE, TAPI_VERSION } from '../../constants';
import { check, TapiError } from '../../errors';
import type {
  InitializeResult,
  LineAddressCaps,
  LineCallInfo,
  LineCallParams,
  LineCallStatus,
  LineDevCaps,
  LineGatherRequest,
  LineGenerateTone,
  LineMessage,
  LineMonitorTone,
  LineProvider,
  MessageHandler,
} from '../../provider';
import { loadTapi32, type Tapi32 } from './bindings';
import { encodeCallParams } from './callparams';
import { addressCapsFixedSize, parseAddressCaps } from './call-structs';
import { Win32Signals } from './signals';
import { GatherBuffers } from './gather-buffers';
import { NativeMemory } from './memory';
import { MessagePump, type PumpOptions, type RawMessage } from './pump';
import { utf16z } from './strings';
import { FIXED_SIZE } from './structs';
import { parseCallInfo, parseCallStatus, parseDevCaps, readVariable } from './varstruct';
import { devCapsClasses, Win32Media } from './media';

/** lineShutdown is tried this many times before its failure is reported. */
const SHUTDOWN_ATTEMPTS = 4;

export interface Win32ProviderOptions {
  /** The Tapi32 library to load. Default 'Tapi32.dll' on Windows; required elsewhere (tests give the fake). */
  libraryPath?: string;
  /** Friendly application name for lineInitializeExW when initialize() gets none. */
  appName?: string;
  /** The highest TAPI version this app supports, given to lineInitializeExW (default 2.2). */
  apiVersion?: number;
  /** Message pump tuning (timeout of each blocking read, drain bound, back-off). */
  pump?: PumpOptions;
  /** The winmm library for the call's audio, loaded on the first play / record. Default 'winmm.dll' on Windows; a fake in tests. */
  winmmPath?: string;
}

interface Pending {
  /** The TAPI function (without W), for messages. */
  kind: string;
  hLine: number | undefined;
  /** lphCall of lineMakeCallW, lphConsultCall of lineSetupTransferW, lphConfCall of a conference lineCompleteTransfer. */
  slot?: bigint;
  /** Everything to free once TAPI is done with the request. */
  buffers: bigint[];
}

/** Spare room for the variable part on the first try of a variably sized structure. */
const VARIABLE_ROOM = 1024;

export class Win32Provider implements LineProvider {
  readonly kind = 'win32' as const;

  private readonly api: Tapi32;
  private readonly memory: NativeMemory;
  private readonly appVersion: number;
  private hLineApp = 0;
  private pump: MessagePump | undefined;
  private handler: MessageHandler | undefined;
  private down = false;
  /** hLine -> negotiated API version it was opened with. */
  private readonly lineVersions = new Map<number, number>();
  /** hCall -> hLine, as far as the messages told us. */
  private readonly callLines = new Map<number, number>();
  /** Async requests that hold native memory, by request id, until their LINE_REPLY. */
  private readonly pending = new Map<number, Pending>();
  /** Requests cancelled by lineClose / LINE_CLOSE / lineShutdown: freed on a late reply or after lineShutdown. */
  private readonly orphans = new Map<number, Pending>();
  /** lineGatherDigitsW buffers, a FIFO per call, until their LINE_GATHERDIGITS (or lineShutdown). */
  private readonly gathers: GatherBuffers;
  private readonly signals: Win32Signals;
  /** The call's audio: lineGetIDW + winmm (media.ts). */
  readonly media: Win32Media;

  constructor(private readonly options: Win32ProviderOptions = {}) {
    const libraryPath = options.libraryPath ?? (process.platform === 'win32' ? 'Tapi32.dll' : undefined);
    if (!libraryPath) {
      throw new TapiError(
        LINEERR.NODRIVER,
        'lineInitializeEx',
        `TAPI is only available on Windows; give libraryPath (a Tapi32-compatible library) to use the win32 provider on ${process.platform}, or use the simulator`,
      );
    }
    this.api = loadTapi32(libraryPath);
    this.memory = new NativeMemory(this.api.koffi);
    this.gathers = new GatherBuffers(this.memory);
    this.signals = new Win32Signals(this.api, this.gathers);
    this.appVersion = options.apiVersion ?? TAPI_VERSION.V2_2;
    this.media = new Win32Media(
      {
        api: this.api,
        memory: this.memory,
        getDevCaps: (d, v) => this.getDevCaps(d, v),
        getAddressCaps: (d, a, v) => this.getAddressCaps(d, a, v),
        getCallStatus: (h) => this.getCallStatus(h),
        lineDeviceClasses: (d, v) => this.lineDeviceClasses(d, v),
      },
      options.winmmPath ?? (process.platform === 'win32' ? 'winmm.dll' : undefined),
    );
  }

  /** Gathers started and not yet completed by their LINE_GATHERDIGITS. */
  outstandingGathers(): number {
    return this.gathers.outstanding;
  }

  /** Native allocations not yet released (message buffer, HCALL slots and their inputs, gather buffers). */
  outstandingBuffers(): number {
    return this.memory.count;
  }

  /** Requests still waiting for their LINE_REPLY with memory attached (orphans included). */
  outstandingRequests(): { pending: number; orphans: number } {
    return { pending: this.pending.size, orphans: this.orphans.size };
  }

  /** How the message pump is woken ('event' wait off the thread pool, or 'async' reads on a libuv worker). */
  get pumpMechanism(): string | undefined {
    return this.pump?.mechanism;
  }

  /** Times the pump's event wait fired (0 with the 'async' mechanism). */
  get pumpWakeups(): number {
    return this.pump?.wakeups ?? 0;
  }

  /** Resolves once the message pump has stopped and every buffer is released (after shutdown()). */
  whenReleased(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.pump) return resolve();
      this.pump.whenIdle(resolve);
    });
  }

  // ---- seam -----------------------------------------------------------------------------------

  initialize(appName: string, onMessage: MessageHandler): InitializeResult {
    if (this.down) throw TapiError.of('INVALAPPHANDLE', 'lineInitializeEx', 'this provider was shut down');
    if (this.hLineApp) throw TapiError.of('OPERATIONFAILED', 'lineInitializeEx', 'already initialised');
    const name = appName || this.options.appName || 'node-red-contrib-tapi';
    utf16z(name, 'INVALAPPNAME', 'lineInitializeEx', 'the application name');
    const hApp = new Uint32Array(1);
    const numDevs = new Uint32Array(1);
    const version = new Uint32Array([this.appVersion]);
    const params: Record<string, unknown> = {
      dwTotalSize: this.api.layout.lineInitializeExParams.size, // 28 on x64, 24 on x86
      dwNeededSize: 0,
      dwUsedSize: 0,
      dwOptions: LINEINITIALIZEEXOPTION.USEEVENT,
      hEvent: null,
      dwCompletionKey: 0,
    };
    check(this.api.lineInitializeExW(hApp, null, null, name, numDevs, version, params) | 0, 'lineInitializeEx');
    this.hLineApp = hApp[0];
    this.handler = onMessage;
    // koffi wrote Handles.hEvent back into params (the event TAPI owns; the pump only waits on it).
    this.pump = new MessagePump(this.api, this.memory, this.hLineApp, (m) => this.onRaw(m), this.options.pump, params.hEvent ?? null);
    this.pump.start();
    return { numDevs: numDevs[0], apiVersion: version[0] };
  }

  negotiateApiVersion(deviceId: number, low: number, high: number): number {
    const version = new Uint32Array(1);
    const extensionId = new Uint8Array(16);
    check(
      this.api.lineNegotiateAPIVersion(this.hLineApp, deviceId >>> 0, low >>> 0, high >>> 0, version, extensionId) | 0,
      'lineNegotiateAPIVersion',
    );
    return version[0];
  }

  getDevCaps(deviceId: number, apiVersion: number): LineDevCaps {
    const fixed = FIXED_SIZE.LINEDEVCAPS(apiVersion);
    const { buf, used } = readVariable(fixed, fixed + VARIABLE_ROOM, 'lineGetDevCaps', (b) =>
      this.api.lineGetDevCapsW(this.hLineApp, deviceId >>> 0, apiVersion >>> 0, 0, b),
    );
    return parseDevCaps(buf, used, fixed, deviceId, apiVersion);
  }

  /** LINEDEVCAPS' device classes (DC+244, 2.0+): the class names lineGetIDW knows for the line. */
  lineDeviceClasses(deviceId: number, apiVersion: number): string[] {
    const fixed = FIXED_SIZE.LINEDEVCAPS(apiVersion);
    const { buf, used } = readVariable(fixed, fixed + VARIABLE_ROOM, 'lineGetDevCaps', (b) =>
      this.api.lineGetDevCapsW(this.hLineApp, deviceId >>> 0, apiVersion >>> 0, 0, b),
    );
    return devCapsClasses(buf, used, fixed);
  }

  open(deviceId: number, apiVersion: number, callbackInstance: number, privileges: number, mediaModes: number): number {
    const hLine = new Uint32Array(1);
    check(
      this.api.lineOpenW(
        this.hLineApp,
        deviceId >>> 0,
        hLine,
        apiVersion >>> 0,
        0,
        callbackInstance >>> 0,
        privileges >>> 0,
        mediaModes >>> 0,
        null,
      ) | 0,
      'lineOpen',
    );
    this.lineVersions.set(hLine[0], apiVersion);
    return hLine[0];
  }

  setStatusMessages(hLine: number, lineStates: number, addressStates: number): void {
    check(this.api.lineSetStatusMessages(hLine >>> 0, lineStates >>> 0, addressStates >>> 0) | 0, 'lineSetStatusMessages');
  }

  makeCall(hLine: number, destAddress: string | null, countryCode: number, params: LineCallParams | null): number {
    const operation = 'lineMakeCall';
    const version = this.lineVersions.get(hLine) ?? this.appVersion;
    // Everything is encoded before any native memory is taken, so a bad input leaks nothing.
    const dest = destAddress === null ? null : utf16z(destAddress, 'INVALADDRESS', operation, 'the destination address');
    const callParams = params ? encodeCallParams(params, version) : null;
    const slot = this.memory.alloc(4);
    const destPtr = dest ? this.memory.copy(dest) : null;
    const paramsPtr = callParams ? this.memory.copy(callParams) : null;
    const buffers = [slot, destPtr, paramsPtr].filter((p): p is bigint => p !== null);
    return this.async(operation, buffers, { hLine, slot }, () =>
      this.api.lineMakeCallW(hLine >>> 0, slot, destPtr, countryCode >>> 0, paramsPtr),
    );
  }

  dial(hCall: number, destAddress: string, countryCode: number): number {
    const operation = 'lineDial';
    const dest = utf16z(destAddress, 'INVALADDRESS', operation, 'the destination address');
    const destPtr = this.memory.copy(dest);
    return this.async(operation, [destPtr], this.callRequest(hCall), () => this.api.lineDialW(hCall >>> 0, destPtr, countryCode >>> 0));
  }

  drop(hCall: number, userUserInfo?: Uint8Array): number {
    const uui = userUserInfo && userUserInfo.length ? this.memory.copy(userUserInfo) : null;
    return this.async('lineDrop', uui ? [uui] : [], this.callRequest(hCall), () =>
      this.api.lineDrop(hCall >>> 0, uui, userUserInfo?.length ?? 0),
    );
  }

  answer(hCall: number, userUserInfo?: Uint8Array): number {
    const uui = userUserInfo && userUserInfo.length ? this.memory.copy(userUserInfo) : null;
    return this.async('lineAnswer', uui ? [uui] : [], this.callRequest(hCall), () =>
      this.api.lineAnswer(hCall >>> 0, uui, userUserInfo?.length ?? 0),
    );
  }

  deallocateCall(hCall: number): void {
    check(this.api.lineDeallocateCall(hCall >>> 0) | 0, 'lineDeallocateCall');
    this.callLines.delete(hCall >>> 0);
  }

  getCallInfo(hCall: number): LineCallInfo {
    // The version decides the fixed part; LINECALLINFO.hLine (offset 12, every version) tells us the line.
    const guess = this.callVersion(hCall);
    const { buf, used } = readVariable(
      FIXED_SIZE.LINECALLINFO(guess),
      FIXED_SIZE.LINECALLINFO(TAPI_VERSION.V3_1) + VARIABLE_ROOM,
      'lineGetCallInfo',
      (b) => this.api.lineGetCallInfoW(hCall >>> 0, b),
    );
    const hLine = new DataView(buf.buffer).getUint32(12, true);
    const version = this.lineVersions.get(hLine) ?? guess;
    if (this.lineVersions.has(hLine)) this.callLines.set(hCall >>> 0, hLine);
    return parseCallInfo(buf, used, FIXED_SIZE.LINECALLINFO(version));
  }

  getCallStatus(hCall: number): LineCallStatus {
    const version = this.callVersion(hCall);
    const fixed = FIXED_SIZE.LINECALLSTATUS(version);
    const { buf, used } = readVariable(fixed, FIXED_SIZE.LINECALLSTATUS(TAPI_VERSION.V3_1) + 64, 'lineGetCallStatus', (b) =>
      this.api.lineGetCallStatus(hCall >>> 0, b),
    );
    return parseCallStatus(buf, used, fixed);
  }

  // ---- call control (§14.1, §14.2): async, the request keeps its native memory until LINE_REPLY ------

  accept(hCall: number, userUserInfo?: Uint8Array): number {
    const uui = userUserInfo && userUserInfo.length ? this.memory.copy(userUserInfo) : null;
    return this.async('lineAccept', uui ? [uui] : [], this.callRequest(hCall), () =>
      this.api.lineAccept(hCall >>> 0, uui, userUserInfo?.length ?? 0),
    );
  }

  redirect(hCall: number, destAddress: string, countryCode: number): number {
    const operation = 'lineRedirect';
    const destPtr = this.memory.copy(utf16z(destAddress, 'INVALADDRESS', operation, 'the destination address'));
    return this.async(operation, [destPtr], this.callRequest(hCall), () => this.api.lineRedirectW(hCall >>> 0, destPtr, countryCode >>> 0));
  }

  blindTransfer(hCall: number, destAddress: string, countryCode: number): number {
    const operation = 'lineBlindTransfer';
    const destPtr = this.memory.copy(utf16z(destAddress, 'INVALADDRESS', operation, 'the destination address'));
    return this.async(operation, [destPtr], this.callRequest(hCall), () =>
      this.api.lineBlindTransferW(hCall >>> 0, destPtr, countryCode >>> 0),
    );
  }

  setupTransfer(hCall: number, params: LineCallParams | null): number {
    const operation = 'lineSetupTransfer';
    const callParams = params ? encodeCallParams(params, this.callVersion(hCall)) : null;
    // lphConsultCall: written by TAPI as it delivers the success LINE_REPLY (§14.3, §8.4).
    const slot = this.memory.alloc(4);
    const paramsPtr = callParams ? this.memory.copy(callParams) : null;
    const buffers = paramsPtr ? [slot, paramsPtr] : [slot];
    return this.async(operation, buffers, { ...this.callRequest(hCall), slot }, () =>
      this.api.lineSetupTransferW(hCall >>> 0, slot, paramsPtr),
    );
  }

  completeTransfer(hCall: number, hConsultCall: number, transferMode: number): number {
    // lphConfCall: written at the LINE_REPLY in conference mode; transfer mode ignores it (a slot is passed anyway).
    const slot = this.memory.alloc(4);
    const request = { ...this.callRequest(hCall), ...(transferMode >>> 0 === LINETRANSFERMODE.CONFERENCE ? { slot } : {}) };
    return this.async('lineCompleteTransfer', [slot], request, () =>
      this.api.lineCompleteTransfer(hCall >>> 0, hConsultCall >>> 0, slot, transferMode >>> 0),
    );
  }

  hold(hCall: number): number {
    return this.async('lineHold', [], this.callRequest(hCall), () => this.api.lineHold(hCall >>> 0));
  }

  unhold(hCall: number): number {
    return this.async('lineUnhold', [], this.callRequest(hCall), () => this.api.lineUnhold(hCall >>> 0));
  }

  swapHold(hActiveCall: number, hHeldCall: number): number {
    return this.async('lineSwapHold', [], this.callRequest(hActiveCall), () => this.api.lineSwapHold(hActiveCall >>> 0, hHeldCall >>> 0));
  }

  // ---- digits, tones, media, privilege, hand-off: synchronous (0 = started / done) ---------------------

  generateDigits(hCall: number, digitMode: number, digits: string | null, duration = 0): void {
    this.signals.generateDigits(hCall, digitMode, digits, duration);
  }

  generateTone(hCall: number, toneMode: number, duration: number, tones: readonly LineGenerateTone[]): void {
    this.signals.generateTone(hCall, toneMode, duration, tones);
  }

  monitorDigits(hCall: number, digitModes: number): void {
    this.signals.monitorDigits(hCall, digitModes);
  }

  gatherDigits(hCall: number, digitModes: number, request: LineGatherRequest | null): void {
    this.signals.gatherDigits(hCall, digitModes, request);
  }

  monitorTones(hCall: number, tones: readonly LineMonitorTone[] | null): void {
    this.signals.monitorTones(hCall, tones);
  }

  monitorMedia(hCall: number, mediaModes: number): void {
    this.signals.monitorMedia(hCall, mediaModes);
  }

  setCallPrivilege(hCall: number, privilege: number): void {
    check(this.api.lineSetCallPrivilege(hCall >>> 0, privilege >>> 0) | 0, 'lineSetCallPrivilege');
  }

  setMediaMode(hCall: number, mediaModes: number): void {
    check(this.api.lineSetMediaMode(hCall >>> 0, mediaModes >>> 0) | 0, 'lineSetMediaMode');
  }

  handoff(hCall: number, fileName: string | null, mediaMode: number): void {
    if (fileName !== null) utf16z(fileName, 'INVALAPPNAME', 'lineHandoff', 'the file name');
    check(this.api.lineHandoffW(hCall >>> 0, fileName, mediaMode >>> 0) | 0, 'lineHandoff');
  }

  getAddressCaps(deviceId: number, addressId: number, apiVersion: number): LineAddressCaps {
    const fixed = addressCapsFixedSize(apiVersion);
    const { buf, used } = readVariable(fixed, fixed + VARIABLE_ROOM, 'lineGetAddressCaps', (b) =>
      this.api.lineGetAddressCapsW(this.hLineApp, deviceId >>> 0, addressId >>> 0, apiVersion >>> 0, 0, b),
    );
    return parseAddressCaps(buf, used, fixed);
  }

  /** Persistent and machine-wide, keyed by the exe name (every Node program is node.exe): never called implicitly. */
  setAppPriority(appFilename: string, mediaMode: number, requestMode: number, priority: number): void {
    utf16z(appFilename, 'INVALAPPNAME', 'lineSetAppPriority', 'the application file name');
    const extensionId = new Uint8Array(16); // LINEEXTENSIONID, ignored by TAPI: zeroed
    check(
      this.api.lineSetAppPriorityW(appFilename, mediaMode >>> 0, extensionId, requestMode >>> 0, null, priority >>> 0) | 0,
      'lineSetAppPriority',
    );
  }

  close(hLine: number): void {
    const h = hLine >>> 0;
    try {
      check(this.api.lineClose(h) | 0, 'lineClose');
    } finally {
      // Whether or not TAPI still knew the line, its outstanding replies are suppressed now.
      this.forgetLine(h);
    }
  }

  shutdown(): void {
    if (this.down) return;
    this.down = true;
    this.handler = undefined;
    // The wave devices first: their buffers are freed once winmm has handed them back.
    this.media.closeAll();
    const pump = this.pump;
    pump?.stop();
    let failure: TapiError | undefined;
    if (this.hLineApp) {
      // Wakes the pending lineGetMessage with LINEERR_INVALAPPHANDLE; cancels every request.
      // A failure is retried a few times, then reported to the caller (the model reports 'cleanuperror').
      for (let attempt = 0; attempt < SHUTDOWN_ATTEMPTS; attempt++) {
        const rc = this.api.lineShutdown(this.hLineApp) | 0;
        failure =
          rc < 0 && rc !== (LINEERR.INVALAPPHANDLE | 0)
            ? Object.assign(new TapiError(rc, 'lineShutdown'), { attempts: attempt + 1 })
            : undefined;
        if (!failure) break;
      }
    }
    for (const [id, entry] of this.pending) this.orphans.set(id, entry);
    this.pending.clear();
    this.lineVersions.clear();
    this.callLines.clear();
    // TAPI no longer writes anywhere once lineShutdown has returned; the message buffer is released
    // by the pump when its in-flight read has come back.
    const release = () => {
      for (const entry of this.orphans.values()) for (const b of entry.buffers) this.memory.free(b);
      this.orphans.clear();
      this.gathers.releaseAll();
    };
    if (pump) pump.whenIdle(release);
    else release();
    if (failure) throw failure;
  }

  // ---- internals --------------------------------------------------------------------------------

  private callRequest(hCall: number): { hLine: number | undefined } {
    return { hLine: this.callLines.get(hCall >>> 0) };
  }

  /**
   * Calls an async TAPI function. Its buffers are freed at once if it is refused synchronously (TAPI keeps
   * no reference then), otherwise kept with the request until its LINE_REPLY (or shutdown).
   */
  private async(operation: string, buffers: bigint[], request: { hLine: number | undefined; slot?: bigint }, call: () => number): number {
    let rc: number;
    try {
      rc = call() | 0;
    } catch (error) {
      for (const b of buffers) this.memory.free(b);
      throw error;
    }
    if (rc <= 0) {
      for (const b of buffers) this.memory.free(b);
      if (rc === 0) throw TapiError.of('OPERATIONFAILED', operation, 'an async function returned 0');
      throw new TapiError(rc, operation);
    }
    if (buffers.length) this.pending.set(rc, { kind: operation, ...request, buffers });
    return rc;
  }

  private callVersion(hCall: number): number {
    const hLine = this.callLines.get(hCall >>> 0);
    const version = hLine === undefined ? undefined : this.lineVersions.get(hLine);
    // Unknown: assume the oldest layout, so nothing beyond a real fixed part is ever interpreted.
    return version ?? TAPI_VERSION.V1_3;
  }

  private forgetLine(hLine: number): void {
    for (const [id, entry] of this.pending) {
      if (entry.hLine === hLine) {
        this.pending.delete(id);
        this.orphans.set(id, entry);
      }
    }
    for (const [hCall, line] of this.callLines) if (line === hLine) this.callLines.delete(hCall);
    this.lineVersions.delete(hLine);
  }

  private onRaw(raw: RawMessage): void {
    const handler = this.handler;
    if (this.down || !handler) return;
    const message: LineMessage = { ...raw };
    switch (raw.messageId) {
      case LINE_MESSAGE.LINE_REPLY: {
        const id = raw.param1;
        const entry = this.pending.get(id);
        if (entry) {
          this.pending.delete(id);
          if (entry.slot !== undefined && (raw.param2 | 0) === 0) {
            // TAPI wrote the HCALL into the slot before queuing this reply.
            const hCall = this.memory.readU32(entry.slot);
            message.newCall = hCall;
            if (entry.hLine !== undefined) this.callLines.set(hCall, entry.hLine);
          }
          for (const b of entry.buffers) this.memory.free(b);
        } else {
          const orphan = this.orphans.get(id);
          if (orphan) {
            // Cancelled by lineClose / LINE_CLOSE: TAPI is done with it now; nobody waits for it.
            this.orphans.delete(id);
            for (const b of orphan.buffers) this.memory.free(b);
            return;
          }
        }
        break;
      }
      case LINE_MESSAGE.LINE_GATHERDIGITS: {
        // TAPI filled the oldest outstanding buffer of the call before queuing this message.
        const digits = this.gathers.complete(raw.hDevice);
        if (digits !== undefined) message.gatheredDigits = digits;
        break;
      }
      case LINE_MESSAGE.LINE_APPNEWCALL:
        if (this.lineVersions.has(raw.hDevice)) this.callLines.set(raw.param2, raw.hDevice);
        break;
      case LINE_MESSAGE.LINE_CLOSE:
        this.forgetLine(raw.hDevice);
        break;
      default:
        break;
    }
    try {
      handler(message);
    } catch {
      // The handler (lib/tapi) reports its own errors; the pump must keep going in order.
    }
  }
}
