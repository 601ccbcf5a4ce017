// A provider whose messages the test writes by hand: for ordering cases no real exchange produces on demand
// (states before their reply, handles nobody announced, LINE_CLOSE in the middle of a call).
import { LINE_MESSAGE, LINECALLSTATE, LINECALLPRIVILEGE, LINEDEVCAPFLAGS, TapiError } from '../../lib/tapi';
import type { LineCallInfo, LineCallStatus, LineDevCaps, LineMessage, LineProvider } from '../../lib/tapi';

type Handler = (message: LineMessage) => void;

export class ScriptedProvider implements LineProvider {
  readonly kind = 'simulator' as const;
  handler?: Handler;
  nextRequest = 1;
  readonly sent: Array<{ fn: string; args: unknown[]; id: number }> = [];
  readonly deallocated: number[] = [];
  readonly closed: number[] = [];
  shutdownCount = 0;
  initializeErrors: TapiError[] = [];

  initialize(_appName: string, onMessage: Handler) {
    const e = this.initializeErrors.shift();
    if (e) throw e;
    this.handler = onMessage;
    return { numDevs: 1, apiVersion: 0x00020002 };
  }
  negotiateApiVersion(_id: number, _low: number, high: number) {
    return high;
  }
  getDevCaps(deviceId: number, apiVersion: number): LineDevCaps {
    return {
      deviceId,
      apiVersion,
      name: 'Scripted',
      providerInfo: 'test',
      switchInfo: '',
      permanentLineId: 1,
      addressModes: 1,
      numAddresses: 1,
      bearerModes: 1,
      maxRate: 0,
      mediaModes: 4,
      generateDigitModes: 2,
      monitorDigitModes: 2,
      devCapFlags: LINEDEVCAPFLAGS.DIALBILLING,
      maxNumActiveCalls: 4,
      answerMode: 1,
      lineStates: 0,
      uuiMakeCallSize: 0,
      uuiDropSize: 0,
      defaultDialParams: { dialPause: 0, dialSpeed: 0, digitDuration: 0, waitForDialtone: 0 },
      lineFeatures: 8,
      partialDial: true,
    };
  }
  openErrors: TapiError[] = [];
  open() {
    const e = this.openErrors.shift();
    if (e) throw e;
    return 0x100;
  }
  setStatusMessages() {}
  private request(fn: string, args: unknown[]) {
    const id = this.nextRequest++;
    this.sent.push({ fn, args, id });
    return id;
  }
  makeCall(...args: unknown[]) {
    return this.request('lineMakeCall', args);
  }
  dial(...args: unknown[]) {
    return this.request('lineDial', args);
  }
  // Issue 12: async functions are recorded and answered by the test; synchronous ones are recorded.
  readonly syncCalls: Array<{ fn: string; args: unknown[] }> = [];
  private sync(fn: string, args: unknown[]): void {
    this.syncCalls.push({ fn, args });
  }
  accept(...args: unknown[]) {
    return this.request('lineAccept', args);
  }
  redirect(...args: unknown[]) {
    return this.request('lineRedirect', args);
  }
  blindTransfer(...args: unknown[]) {
    return this.request('lineBlindTransfer', args);
  }
  setupTransfer(...args: unknown[]) {
    return this.request('lineSetupTransfer', args);
  }
  completeTransfer(...args: unknown[]) {
    return this.request('lineCompleteTransfer', args);
  }
  hold(...args: unknown[]) {
    return this.request('lineHold', args);
  }
  unhold(...args: unknown[]) {
    return this.request('lineUnhold', args);
  }
  swapHold(...args: unknown[]) {
    return this.request('lineSwapHold', args);
  }
  generateDigits(...args: unknown[]) {
    this.sync('lineGenerateDigits', args);
  }
  generateTone(...args: unknown[]) {
    this.sync('lineGenerateTone', args);
  }
  monitorDigits(...args: unknown[]) {
    this.sync('lineMonitorDigits', args);
  }
  gatherDigits(...args: unknown[]) {
    this.sync('lineGatherDigits', args);
  }
  monitorTones(...args: unknown[]) {
    this.sync('lineMonitorTones', args);
  }
  monitorMedia(...args: unknown[]) {
    this.sync('lineMonitorMedia', args);
  }
  setCallPrivilege(...args: unknown[]) {
    this.sync('lineSetCallPrivilege', args);
  }
  setMediaMode(...args: unknown[]) {
    this.sync('lineSetMediaMode', args);
  }
  handoff(...args: unknown[]) {
    this.sync('lineHandoff', args);
  }
  setAppPriority(...args: unknown[]) {
    this.sync('lineSetAppPriority', args);
  }
  getAddressCaps(): never {
    throw TapiError.of('OPERATIONUNAVAIL', 'lineGetAddressCaps', 'the scripted provider has no address caps');
  }
  /** Answer every lineDrop as an exchange would (reply, then IDLE), on a later turn. */
  autoDrop = true;
  drop(...args: unknown[]) {
    const id = this.request('lineDrop', args);
    if (this.autoDrop) {
      const hCall = args[0] as number;
      setImmediate(() => this.handler && this.deliver(this.reply(id), this.state(hCall, 'IDLE')));
    }
    return id;
  }
  answer(...args: unknown[]) {
    return this.request('lineAnswer', args);
  }
  deallocateCall(hCall: number) {
    this.deallocated.push(hCall);
  }
  getCallInfo(hCall: number): LineCallInfo {
    return {
      hLine: 0x100,
      lineDeviceId: 0,
      addressId: 0,
      bearerMode: 1,
      rate: 0,
      mediaMode: 4,
      callId: hCall,
      relatedCallId: 0,
      callParamFlags: 0,
      callStates: 0,
      origin: 0x04,
      reason: 1,
      numOwners: 1,
      numMonitors: 0,
      countryCode: 0,
      trunk: 0xffffffff,
      callerIdFlags: 0x08,
      callerId: '5550123',
      callerIdName: '',
      calledIdFlags: 0,
      calledId: '',
      calledIdName: '',
      connectedIdFlags: 0,
      connectedId: '',
      connectedIdName: '',
      redirectionIdFlags: 0,
      redirectionId: '',
      redirectionIdName: '',
      redirectingIdFlags: 0,
      redirectingId: '',
      redirectingIdName: '',
      appName: '',
      displayableAddress: '',
      calledParty: '',
      comment: '',
    };
  }
  /** What lineGetCallStatus reports (tests set state and features). */
  status: LineCallStatus = { callState: 1, callStateMode: 0, callPrivilege: 4, callFeatures: 0, callFeatures2: 0 };
  getCallStatus(): LineCallStatus {
    return { ...this.status };
  }
  close(hLine: number) {
    this.closed.push(hLine);
  }
  shutdown() {
    this.shutdownCount++;
  }

  /** Deliver messages to the model as one batch, synchronously (as a message pump's drain does). */
  deliver(...messages: Array<Partial<LineMessage> & { messageId: number }>) {
    for (const m of messages) this.handler!({ hDevice: 0, callbackInstance: 1, param1: 0, param2: 0, param3: 0, ...m });
  }
  reply(id: number, result = 0, newCall?: number) {
    return { messageId: LINE_MESSAGE.LINE_REPLY, param1: id, param2: result >>> 0, newCall };
  }
  state(hCall: number, state: keyof typeof LINECALLSTATE, mode = 0, privilege = 0) {
    return { messageId: LINE_MESSAGE.LINE_CALLSTATE, hDevice: hCall, param1: LINECALLSTATE[state], param2: mode, param3: privilege };
  }
  static readonly OWNER = LINECALLPRIVILEGE.OWNER;
}
