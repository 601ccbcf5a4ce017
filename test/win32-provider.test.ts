// The win32 provider at the seam, against the ABI-exact fake Tapi32: bytes that cross the FFI,
// UTF-16 round trips, reply ordering, failures, sequences, REINIT, shutdown races, cleanup, exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  LINE_MESSAGE,
  LINECALLPRIVILEGE,
  LINECALLSTATE,
  LINEDEVSTATE,
  LINEERR,
  LINEMEDIAMODE,
  TAPI_VERSION,
  CALLSTATE_MODE_TABLE,
  LINEDIALTONEMODE,
} from '../lib/tapi/constants';
import { TapiError } from '../lib/tapi/errors';
import type { LineCallParams } from '../lib/tapi/provider';
import { Win32Provider } from '../lib/tapi/providers/win32';
import { TAPI32_PROTOTYPES } from '../lib/tapi/providers/win32/bindings';
import { encodeCallParams } from '../lib/tapi/providers/win32/callparams';
import { LINECALLPARAMS as P } from '../lib/tapi/providers/win32/structs';
import { TEST_NUMBERS } from '../lib/tapi/providers/simulator/scenarios';
import { fakeAvailable, fakeLibraryPath, loadFakeControl, type FakeControl } from './helpers/fake-tapi32';
import { Inbox } from './helpers/inbox';

const V22 = TAPI_VERSION.V2_2;

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('win32 provider against the fake Tapi32', function () {
  let fake: FakeControl;
  let provider: Win32Provider | undefined;
  let inbox: Inbox;

  before(function () {
    assert.ok(fakeAvailable(), `the fake Tapi32 is not built (${fakeLibraryPath}): run npm run build:fake-tapi32`);
    fake = loadFakeControl();
  });

  beforeEach(function () {
    fake.reset();
    fake.setTimeScale(0);
    inbox = new Inbox();
  });

  afterEach(async function () {
    if (provider) {
      provider.shutdown();
      await provider.whenReleased();
      assert.equal(provider.outstandingBuffers(), 0, 'every native buffer released');
      provider = undefined;
    }
    assert.equal(fake.outstanding().misuse, 0, 'the fake saw no ABI misuse');
  });

  function start(appName = 'win32 provider test'): Win32Provider {
    provider = new Win32Provider({ libraryPath: fakeLibraryPath });
    provider.initialize(appName, inbox.handler);
    return provider;
  }

  function openLine(p: Win32Provider, deviceId = 0, privileges: number = LINECALLPRIVILEGE.NONE, cbInst = 7): number {
    const version = p.negotiateApiVersion(deviceId, TAPI_VERSION.V1_4, V22);
    return p.open(deviceId, version, cbInst, privileges, LINEMEDIAMODE.INTERACTIVEVOICE);
  }

  async function placeCall(p: Win32Provider, hLine: number, number: string | null, params: LineCallParams | null = null) {
    const id = p.makeCall(hLine, number, 0, params);
    assert.ok(id > 0);
    const reply = await inbox.reply(id);
    assert.equal(reply.param2, 0);
    assert.ok(reply.newCall && reply.newCall > 0, 'newCall read from the lphCall slot');
    return reply.newCall;
  }

  it('off Windows without libraryPath: LINEERR_NODRIVER naming the reason, and koffi is never loaded', function () {
    if (process.platform === 'win32') {
      // Platform reason: on Windows the default library is Tapi32.dll, so there is no "off Windows" path to check.
      this.test!.title += ' (skipped on win32: Tapi32.dll is the default there)';
      this.skip();
    }
    const script = `
      const { Win32Provider } = require(${JSON.stringify(path.resolve(__dirname, '../lib/tapi/providers/win32'))});
      try { new Win32Provider({}); console.log(JSON.stringify({ threw: false })); }
      catch (e) { console.log(JSON.stringify({ threw: true, code: e.code, message: e.message,
        koffi: Object.keys(require.cache).some((k) => k.includes('/koffi/')) })); }`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim());
    assert.equal(out.threw, true);
    assert.equal(out.code, 'LINEERR_NODRIVER');
    assert.match(out.message, /TAPI is only available on Windows; give libraryPath/);
    assert.equal(out.koffi, false, 'koffi not required');
  });

  it('initialises, negotiates, reads both devices; a non-ASCII line name survives UTF-16 both ways', function () {
    assert.equal(fake.setLineName(0, 'Ligne é 日本 \u{1F4DE}'), 0);
    const p = start();
    const devices = [0, 1].map((d) => p.getDevCaps(d, p.negotiateApiVersion(d, TAPI_VERSION.V1_4, V22)));
    assert.equal(devices[0].name, 'Ligne é 日本 \u{1F4DE}');
    assert.equal(devices[0].apiVersion, V22);
    assert.equal(devices[1].name, 'Simulated Analog Line');
    assert.equal(devices[0].devCapFlags & 0x1c0, 0x1c0);
    assert.equal(devices[1].devCapFlags & 0x1c0, 0);
    assert.equal(devices[0].providerInfo, 'node-red-contrib-tapi simulator');
    assert.equal(devices[0].lineFeatures, 0x8);
    // A 1.3 line: dwLineFeatures (1.4+) is outside the fixed part and reads 0.
    assert.equal(p.getDevCaps(0, TAPI_VERSION.V1_3).lineFeatures, 0);
    assert.throws(
      () => p.getDevCaps(5, V22),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_BADDEVICEID' && e.operation === 'lineGetDevCaps',
    );
  });

  it('LINECALLPARAMS received by lineMakeCallW are byte for byte what was asked (every field and offset)', async function () {
    const p = start();
    const hLine = openLine(p);
    const params: LineCallParams = {
      bearerMode: 0x1,
      minRate: 3100,
      maxRate: 64000,
      mediaMode: LINEMEDIAMODE.INTERACTIVEVOICE,
      callParamFlags: 0x4,
      addressMode: 1,
      addressId: 0,
      dialParams: { dialPause: 2000, dialSpeed: 95, digitDuration: 90, waitForDialtone: 15000 },
      origAddress: '+1 (555) 010-0000',
      displayableAddress: 'Réception 受付',
      calledParty: 'Zoë',
      comment: 'alarm \u{1F6A8}',
      userUserInfo: new Uint8Array([0xde, 0xad, 0xbe]),
      noAnswerTimeout: 42,
      callingPartyId: '100',
      targetAddress: '200',
      deviceClass: 'tapi/line',
    };
    const hCall = await placeCall(p, hLine, '5550100', params);
    const got = fake.lastCallParams();
    const expected = encodeCallParams(params, V22);
    assert.deepEqual(Buffer.from(got), Buffer.from(expected));
    const view = new DataView(got.buffer, got.byteOffset, got.byteLength);
    const u32 = (o: number) => view.getUint32(o, true);
    assert.equal(u32(P.dwTotalSize), got.length);
    assert.equal(u32(P.dwBearerMode), 1);
    assert.equal(u32(P.dwMinRate), 3100);
    assert.equal(u32(P.dwMaxRate), 64000);
    assert.equal(u32(P.dwMediaMode), LINEMEDIAMODE.INTERACTIVEVOICE);
    assert.equal(u32(P.dwCallParamFlags), 4);
    assert.equal(u32(P.dwAddressMode), 1);
    assert.equal(u32(P.DialParams), 2000);
    assert.equal(u32(P.DialParams + 4), 95);
    assert.equal(u32(P.DialParams + 8), 90);
    assert.equal(u32(P.DialParams + 12), 15000);
    assert.equal(u32(P.dwNoAnswerTimeout), 42);
    const text = (sizeField: number) => {
      const size = u32(sizeField);
      const offset = u32(sizeField + 4);
      assert.ok(offset >= 176 && offset + size <= got.length, 'inside the structure, after the fixed part');
      assert.equal(size % 2, 0);
      assert.equal(view.getUint16(offset + size - 2, true), 0, 'NUL counted in the size');
      return Buffer.from(got.subarray(offset, offset + size - 2)).toString('utf16le');
    };
    assert.equal(text(P.dwOrigAddressSize), '+1 (555) 010-0000');
    assert.equal(text(P.dwDisplayableAddressSize), 'Réception 受付');
    assert.equal(text(P.dwCalledPartySize), 'Zoë');
    assert.equal(text(P.dwCommentSize), 'alarm \u{1F6A8}');
    assert.equal(text(P.dwCallingPartyIDSize), '100');
    assert.equal(text(P.dwTargetAddressSize), '200');
    assert.equal(text(P.dwDeviceClassSize), 'tapi/line');
    assert.equal(u32(P.dwUserUserInfoSize), 3);
    assert.deepEqual([...got.subarray(u32(P.dwUserUserInfoOffset), u32(P.dwUserUserInfoOffset) + 3)], [0xde, 0xad, 0xbe]);
    for (const unused of [P.dwHighLevelCompSize, P.dwLowLevelCompSize, P.dwDevSpecificSize, P.dwCallDataSize, P.dwDeviceConfigSize]) {
      assert.equal(u32(unused), 0);
      assert.equal(u32(unused + 4), 0);
    }
    // The fake stored the strings it understood: they come back through LINECALLINFO.
    const info = p.getCallInfo(hCall);
    assert.equal(info.displayableAddress, 'Réception 受付');
    assert.equal(info.calledParty, 'Zoë');
    assert.equal(info.comment, 'alarm \u{1F6A8}');
  });

  it('a non-ASCII destination (^name) and app name cross as UTF-16 and come back in LINECALLINFO', async function () {
    const p = start('Alarmanlage Küche 台所');
    const hLine = openLine(p);
    const dest = '5550100^Zoë 日本 \u{1F600}';
    const hCall = await placeCall(p, hLine, dest);
    assert.equal(fake.lastDestAddress(), dest);
    const info = p.getCallInfo(hCall);
    assert.equal(info.calledId, '5550100');
    assert.equal(info.appName, 'Alarmanlage Küche 台所');
    assert.equal(info.hLine, hLine);
    assert.equal(info.origin, 0x1);
    assert.equal(p.getCallStatus(hCall).callPrivilege, LINECALLPRIVILEGE.OWNER);
    assert.throws(
      () => p.makeCall(hLine, '555\uD800', 0, null),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALADDRESS',
    );
  });

  it('reply before return: the reply and its HCALL are matched, the first LINE_CALLSTATE follows it with OWNER', async function () {
    const p = start();
    const hLine = openLine(p);
    fake.replyBeforeReturn(true);
    const id = p.makeCall(hLine, '5550101', 0, null);
    const reply = await inbox.reply(id);
    const hCall = reply.newCall!;
    assert.ok(hCall > 0x7fffffff, 'handles above 2^31 stay unsigned');
    const first = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall);
    assert.ok(inbox.all.indexOf(first) > inbox.all.indexOf(reply), 'no state before the reply');
    assert.equal(first.param1, LINECALLSTATE.DIALTONE);
    assert.equal(first.param2, LINEDIALTONEMODE.NORMAL);
    assert.equal(first.param3, LINECALLPRIVILEGE.OWNER);
    assert.equal(first.callbackInstance, 7);
  });

  it('failNext: a synchronous refusal throws and frees at once; an async one fails in LINE_REPLY (sign- or zero-extended)', async function () {
    const p = start();
    const hLine = openLine(p);
    const baseline = p.outstandingBuffers();
    fake.failNext('lineMakeCall', 'LINEERR_CALLUNAVAIL', false);
    assert.throws(
      () => p.makeCall(hLine, '5550100', 0, { comment: 'x' }),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_CALLUNAVAIL' && e.operation === 'lineMakeCall',
    );
    assert.equal(p.outstandingBuffers(), baseline);
    for (const signExtend of [true, false]) {
      fake.replySignExtend(signExtend);
      fake.failNext('lineMakeCall', 'LINEERR_RESOURCEUNAVAIL', true);
      const id = p.makeCall(hLine, '5550100', 0, { comment: 'x' });
      assert.ok(id > 0);
      assert.ok(p.outstandingBuffers() > baseline, 'slot, destination and params held until the reply');
      const reply = await inbox.reply(id);
      assert.equal(reply.param2 | 0, LINEERR.RESOURCEUNAVAIL | 0);
      assert.equal(reply.param2, LINEERR.RESOURCEUNAVAIL, 'low 32 bits, unsigned');
      assert.equal(reply.newCall, undefined);
      assert.equal(p.outstandingBuffers(), baseline);
    }
    fake.failNext('lineDrop', 'LINEERR_OPERATIONFAILED', false);
    const hCall = await placeCall(p, hLine, '5550100');
    assert.throws(
      () => p.drop(hCall),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_OPERATIONFAILED' && e.operation === 'lineDrop',
    );
  });

  for (const scenario of TEST_NUMBERS) {
    it(`${scenario.match}: the fake plays the simulator's sequence (${scenario.steps.map((s) => s.state).join(', ')})`, async function () {
      const p = start();
      const hLine = openLine(p);
      const hCall = await placeCall(p, hLine, `${scenario.match}`);
      const last = scenario.steps[scenario.steps.length - 1];
      const lastState = LINECALLSTATE[last.state.toUpperCase() as keyof typeof LINECALLSTATE];
      await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === lastState);
      await tick();
      const expected = [
        [LINECALLSTATE.DIALTONE, LINEDIALTONEMODE.NORMAL],
        [LINECALLSTATE.DIALING, 0],
        [LINECALLSTATE.PROCEEDING, 0],
        ...scenario.steps.map((s) => {
          const key = s.state.toUpperCase() as keyof typeof LINECALLSTATE;
          const table = CALLSTATE_MODE_TABLE[key];
          return [LINECALLSTATE[key], s.mode && table ? table[s.mode] : 0];
        }),
      ];
      assert.deepEqual(
        inbox.states(hCall).map((m) => [m.param1, m.param2]),
        expected,
      );
      const dropId = p.drop(hCall);
      await inbox.reply(dropId);
      await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === LINECALLSTATE.IDLE);
      p.deallocateCall(hCall);
    });
  }

  it('delivers LINE_LINEDEVSTATE(REINIT) with hDevice 0', async function () {
    start();
    fake.triggerReinit();
    const m = await inbox.waitFor((x) => x.messageId === LINE_MESSAGE.LINE_LINEDEVSTATE);
    assert.equal(m.param1, LINEDEVSTATE.REINIT);
    assert.equal(m.hDevice, 0);
    assert.equal(m.param2, 0);
  });

  it('incoming call: LINE_APPNEWCALL then OFFERING with the privilege; caller id decoded; answer connects', async function () {
    const p = start();
    const hLine = openLine(p, 0, LINECALLPRIVILEGE.OWNER | LINECALLPRIVILEGE.MONITOR, 9);
    const hCall = fake.presentIncomingCall(0, '+33 1 23 45 67 89', 'Hélène 山田', '100');
    assert.ok(hCall);
    const announce = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_APPNEWCALL);
    assert.equal(announce.hDevice, hLine);
    assert.equal(announce.param2, hCall);
    assert.equal(announce.param3, LINECALLPRIVILEGE.OWNER);
    assert.equal(announce.callbackInstance, 9);
    const offering = await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall);
    assert.equal(offering.param1, LINECALLSTATE.OFFERING);
    assert.equal(offering.param3, LINECALLPRIVILEGE.OWNER);
    const info = p.getCallInfo(hCall);
    assert.equal(info.callerId, '+33 1 23 45 67 89');
    assert.equal(info.callerIdName, 'Hélène 山田');
    assert.equal(info.calledId, '100');
    await inbox.reply(p.answer(hCall));
    await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === LINECALLSTATE.CONNECTED);
    const status = p.getCallStatus(hCall);
    assert.equal(status.callState, LINECALLSTATE.CONNECTED);
    assert.ok(status.stateEntryTime instanceof Date && Math.abs(status.stateEntryTime.getTime() - Date.now()) < 60_000);
  });

  it('shutdown during a pending makeCall: no reply is delivered, nothing crashes, every buffer is freed', async function () {
    const p = start();
    const hLine = openLine(p);
    fake.holdReplies(true); // the fake accepts the request but does not answer it
    const id = p.makeCall(hLine, '5550100', 0, { comment: 'pending' });
    assert.equal(p.outstandingRequests().pending, 1);
    assert.equal(fake.outstanding().requests, 1, 'pending in the fake at shutdown');
    p.shutdown();
    assert.equal(p.outstandingRequests().pending, 0);
    await p.whenReleased();
    assert.equal(p.outstandingBuffers(), 0);
    await tick();
    assert.equal(
      inbox.all.some((m) => m.messageId === LINE_MESSAGE.LINE_REPLY && m.param1 === id),
      false,
      'nothing delivered after shutdown',
    );
    const left = fake.outstanding();
    assert.deepEqual(
      { apps: left.apps, lines: left.lines, calls: left.calls, requests: left.requests },
      { apps: 0, lines: 0, calls: 0, requests: 0 },
    );
    provider = undefined;
  });

  it('close with a pending makeCall: its late reply is swallowed and its buffers freed', async function () {
    const p = start();
    const hLine = openLine(p);
    fake.replyBeforeReturn(true); // the reply is already queued when lineClose runs
    const id = p.makeCall(hLine, '5550100', 0, null);
    p.close(hLine);
    assert.equal(p.outstandingRequests().orphans, 1);
    await tick();
    await tick();
    assert.equal(
      inbox.all.some((m) => m.messageId === LINE_MESSAGE.LINE_REPLY && m.param1 === id),
      false,
    );
    assert.equal(p.outstandingRequests().orphans, 0);
    assert.equal(p.outstandingBuffers(), 1, 'only the LINEMESSAGE of the pump');
  });

  it('drop + deallocate + close + shutdown leave zero handles, requests and messages in the fake', async function () {
    const p = start();
    const hLine = openLine(p);
    p.setStatusMessages(hLine, LINEDEVSTATE.RINGING | LINEDEVSTATE.REINIT, 0);
    const hCall = await placeCall(p, hLine, '5550100');
    await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === LINECALLSTATE.CONNECTED);
    await inbox.reply(p.drop(hCall));
    await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === LINECALLSTATE.IDLE);
    p.deallocateCall(hCall);
    assert.throws(
      () => p.deallocateCall(hCall),
      (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_INVALCALLHANDLE',
    );
    p.close(hLine);
    p.shutdown();
    p.shutdown(); // twice is fine
    await p.whenReleased();
    assert.equal(p.outstandingBuffers(), 0);
    assert.deepEqual(fake.outstanding(), { apps: 0, lines: 0, calls: 0, requests: 0, messages: 0, misuse: 0 });
    provider = undefined;
  });

  it('drains a burst in order without a second reader', async function () {
    const p = start();
    const hLine = openLine(p);
    const hCalls: number[] = [];
    for (let i = 0; i < 20; i++) hCalls.push(await placeCall(p, hLine, '5550101'));
    for (const h of hCalls) {
      await inbox.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === h && m.param1 === LINECALLSTATE.DISCONNECTED);
      const states = inbox.states(h).map((m) => m.param1);
      assert.deepEqual(states, [
        LINECALLSTATE.DIALTONE,
        LINECALLSTATE.DIALING,
        LINECALLSTATE.PROCEEDING,
        LINECALLSTATE.BUSY,
        LINECALLSTATE.DISCONNECTED,
      ]);
    }
  });

  it('the pump waits on the USEEVENT handle, holding no libuv worker: calls complete with the JS poll off, the wait is released', async function () {
    provider = new Win32Provider({ libraryPath: fakeLibraryPath, pump: { waitMs: 0x7fffffff } });
    const p = provider;
    p.initialize('event pump', inbox.handler);
    assert.equal(p.pumpMechanism, 'event');
    const hLine = openLine(p);
    const pump = (p as unknown as { pump: { reading: boolean; waiting: boolean } }).pump;
    assert.equal(pump.reading, false, 'no lineGetMessage blocks a worker thread');
    assert.equal(pump.waiting, true, 'an event wait is registered while the queue is empty');
    for (let i = 0; i < 3; i++) {
      const hCall = await placeCall(p, hLine, '5550101');
      await inbox.waitFor(
        (m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === LINECALLSTATE.DISCONNECTED,
      );
      assert.deepEqual(
        inbox.states(hCall).map((m) => m.param1),
        [LINECALLSTATE.DIALTONE, LINECALLSTATE.DIALING, LINECALLSTATE.PROCEEDING, LINECALLSTATE.BUSY, LINECALLSTATE.DISCONNECTED],
      );
      assert.equal(pump.reading, false);
    }
    assert.ok(p.pumpWakeups >= 3, `the event wait woke the pump (${p.pumpWakeups} times)`);
    p.shutdown();
    await p.whenReleased();
    assert.equal(pump.waiting, false);
    await tick(); // a wait whose callback just ran is released by its thread as the callback returns
    assert.equal(fake.waitCount(), 0, 'no registered wait left behind');
    provider = undefined;
  });

  it('the async mechanism (a worker blocked in lineGetMessage) still delivers, for libraries without the wait primitive', async function () {
    provider = new Win32Provider({ libraryPath: fakeLibraryPath, pump: { mechanism: 'async', waitMs: 100 } });
    const p = provider;
    p.initialize('async pump', inbox.handler);
    assert.equal(p.pumpMechanism, 'async');
    const hCall = await placeCall(p, openLine(p), '5550101');
    await inbox.waitFor(
      (m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === LINECALLSTATE.DISCONNECTED,
    );
    assert.equal(p.pumpWakeups, 0);
  });

  it('shutdown races the event wait (queue empty, burst queued, wait firing): nothing crashes, leaks or arrives late', async function () {
    for (let i = 0; i < 30; i++) {
      const got: number[] = [];
      const p = new Win32Provider({ libraryPath: fakeLibraryPath });
      p.initialize('race', (m) => got.push(m.messageId));
      const hLine = openLine(p);
      if (i % 3 === 1) p.makeCall(hLine, '5550100', 0, null);
      if (i % 3 === 2) fake.postBurst((p as unknown as { hLineApp: number }).hLineApp, 50);
      if (i % 2) await new Promise((r) => setImmediate(r));
      p.shutdown();
      const after = got.length;
      await p.whenReleased();
      await tick();
      assert.equal(got.length, after, 'nothing delivered after shutdown');
      assert.equal(p.outstandingBuffers(), 0);
    }
    await tick();
    assert.equal(fake.waitCount(), 0, 'every registered wait released');
    assert.deepEqual(fake.outstanding(), { apps: 0, lines: 0, calls: 0, requests: 0, messages: 0, misuse: 0 });
  });

  it('declares every function it loads from the __stdcall tables', function () {
    const p = start();
    const api = (p as unknown as { api: Record<string, unknown> }).api;
    const declared = Object.keys(api).filter((k) => typeof api[k] === 'function' && k !== 'kernel32');
    assert.deepEqual(declared.sort(), TAPI32_PROTOTYPES.map((x) => x.name).sort());
  });

  it('does not keep the process alive: open, call, shut down, and the child exits on its own', function () {
    const script = `
      const { Win32Provider } = require(${JSON.stringify(path.resolve(__dirname, '../lib/tapi/providers/win32'))});
      const p = new Win32Provider({ libraryPath: ${JSON.stringify(fakeLibraryPath)} });
      let hCall = 0;
      p.initialize('exit test', (m) => {
        if (m.messageId === 12 && m.newCall) hCall = m.newCall;
        if (m.messageId === 2 && m.hDevice === hCall && m.param1 === 0x100) { p.shutdown(); console.log('shut down'); }
      });
      const v = p.negotiateApiVersion(0, 0x10004, 0x20002);
      const hLine = p.open(0, v, 1, 1, 4);
      p.makeCall(hLine, '5550100', 0, { comment: 'exit' });`;
    const started = Date.now();
    const r = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      timeout: 15000,
      env: { ...process.env, FAKE_TAPI32_TIMESCALE: '0' },
    });
    assert.equal(r.error, undefined, `the child did not exit on its own: ${String(r.error)}`);
    assert.equal(r.signal, null);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /shut down/);
    assert.ok(Date.now() - started < 15000);
  });
});
