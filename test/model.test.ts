// The model above the seam, driven message by message.
import assert from 'node:assert/strict';
import {
  LINE_MESSAGE,
  LINECALLSTATE,
  LINECALLPRIVILEGE,
  LINEDEVSTATE,
  LINEDISCONNECTMODE,
  LINEBUSYMODE,
  LINEERR,
  Tapi,
  TapiError,
  type Call,
  type CallStateEvent,
} from '../lib/tapi';
import { RequestTable } from '../lib/tapi/requests';
import { ScriptedProvider } from './helpers/scripted-provider';

const tick = () => new Promise((r) => setImmediate(r));

async function start(providers: ScriptedProvider[] = [new ScriptedProvider()]) {
  const made: ScriptedProvider[] = [];
  const queue = [...providers];
  const tapi = new Tapi({
    kind: 'simulator',
    createProvider: () => {
      const p = queue.shift() ?? new ScriptedProvider();
      made.push(p);
      return p;
    },
    appName: 'test',
    apiLow: 0x00010004,
    apiHigh: 0x00020002,
  });
  await tapi.start();
  return { tapi, made, p: made[0] };
}

function errorCode(e: unknown): string {
  assert.ok(e instanceof TapiError);
  return e.code;
}

describe('model: request correlation', function () {
  it('matches a LINE_REPLY that arrives before its request id is recorded', async function () {
    const table = new RequestTable();
    table.reply({ hDevice: 0, messageId: LINE_MESSAGE.LINE_REPLY, callbackInstance: 0, param1: 7, param2: 0, param3: 0 });
    const value = await table.track(7, 'lineDrop', undefined, () => 'settled');
    assert.equal(value, 'settled');
    assert.equal(table.size, 0);
  });

  it('reads the reply result as a signed 32-bit LONG, however it was widened', async function () {
    const table = new RequestTable();
    const pending = table.track(3, 'lineMakeCall', undefined, () => 'ok');
    table.reply({ hDevice: 0, messageId: 12, callbackInstance: 0, param1: 3, param2: LINEERR.CALLUNAVAIL, param3: 0 });
    const error = await pending.catch((e) => e);
    assert.equal(error.code, 'LINEERR_CALLUNAVAIL');
    assert.equal(error.value, 0x80000005);
    assert.equal(error.operation, 'lineMakeCall');
  });

  it('refuses a request id of 0 or below (async functions never return 0)', async function () {
    const table = new RequestTable();
    assert.equal(errorCode(await table.track(0, 'lineDial', undefined, () => 1).catch((e) => e)), 'LINEERR_OPERATIONFAILED');
  });

  it('cancels only the requests of the line that closes', async function () {
    const table = new RequestTable();
    const a = table.track(1, 'lineMakeCall', 1, () => 'a');
    const b = table.track(2, 'lineMakeCall', 2, () => 'b');
    table.cancel((op) => TapiError.of('INVALLINEHANDLE', op), 1);
    assert.equal(errorCode(await a.catch((e) => e)), 'LINEERR_INVALLINEHANDLE');
    table.reply({ hDevice: 0, messageId: 12, callbackInstance: 0, param1: 2, param2: 0, param3: 0 });
    assert.equal(await b, 'b');
  });
});

describe('model: no call state is lost', function () {
  it('delivers states from the LINE_REPLY batch to a listener attached after makeCall resolves', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0);
    const placing = line.makeCall('5550100');
    const id = p.sent[0].id;
    p.deliver(p.reply(id, 0, 0x200), p.state(0x200, 'DIALTONE', 1, LINECALLPRIVILEGE.OWNER), p.state(0x200, 'DIALING'));
    const call = await placing;
    const seen: string[] = [];
    call.on('state', (e: CallStateEvent) => seen.push(e.state));
    const lineSeen: string[] = [];
    line.on('callstate', (_c: Call, e: CallStateEvent) => lineSeen.push(e.state));
    await tick();
    assert.deepEqual(seen, ['dialtone', 'dialing']);
    assert.deepEqual(lineSeen, ['dialtone', 'dialing']);
    assert.equal(call.history[0].mode, 'normal');
    assert.equal(call.history[0].privilege, 'owner');
    await tapi.shutdown();
  });

  it('keeps states of a handle whose reply was not matched yet, and replays them in order', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0);
    const placing = line.makeCall('5550101');
    const id = p.sent[0].id;
    p.deliver(p.state(0x300, 'DIALTONE', 1), p.state(0x300, 'DIALING'));
    p.deliver(p.reply(id, 0, 0x300), p.state(0x300, 'BUSY', LINEBUSYMODE.STATION));
    const call = await placing;
    assert.deepEqual(
      call.history.map((e) => e.state),
      ['dialtone', 'dialing', 'busy'],
    );
    assert.equal(call.mode, 'station');
    await tapi.shutdown();
  });

  it('masks the device-specific high byte of a state and names disconnect modes', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0);
    const placing = line.makeCall('5550104');
    p.deliver(p.reply(p.sent[0].id, 0, 0x400));
    const call = await placing;
    p.deliver({ messageId: LINE_MESSAGE.LINE_CALLSTATE, hDevice: 0x400, param1: 0x7f004000, param2: LINEDISCONNECTMODE.UNREACHABLE });
    assert.equal(call.state, 'disconnected');
    assert.equal(call.mode, 'unreachable');
    assert.equal(call.lastEvent?.stateValue, 0x4000);
    await tapi.shutdown();
  });

  it('announces a call it did not place before its first state', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0, { privileges: ['owner'] });
    const order: string[] = [];
    line.on('call', (c: Call) => order.push(`call:${c.info.origin}:${c.info.callerId}`));
    line.on('callstate', (_c: Call, e: CallStateEvent) => order.push(`state:${e.state}`));
    p.deliver(
      { messageId: LINE_MESSAGE.LINE_APPNEWCALL, hDevice: 0x100, param1: 0, param2: 0x500, param3: LINECALLPRIVILEGE.OWNER },
      p.state(0x500, 'OFFERING', 1, LINECALLPRIVILEGE.OWNER),
    );
    await tick();
    assert.deepEqual(order, ['call:inbound:5550123', 'state:offering']);
    assert.equal(line.calls[0].privilege, 'owner');
    await tapi.shutdown();
  });

  it('a monitor told of a call with UNKNOWN: the next state message is the first event, never a newer status read', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0, { privileges: 'monitor' });
    const states: string[] = [];
    line.on('callstate', (_c: Call, e: CallStateEvent) => states.push(e.state));
    // LINECALLSTATUS already says connected, but the queued messages still carry the call's earlier states.
    p.status = {
      callState: LINECALLSTATE.CONNECTED,
      callStateMode: 0,
      callPrivilege: LINECALLPRIVILEGE.MONITOR,
      callFeatures: 0,
      callFeatures2: 0,
    };
    p.deliver({ messageId: LINE_MESSAGE.LINE_APPNEWCALL, hDevice: 0x100, param1: 0, param2: 0x700, param3: LINECALLPRIVILEGE.MONITOR });
    p.deliver(p.state(0x700, 'UNKNOWN', 0, LINECALLPRIVILEGE.MONITOR));
    await tick();
    assert.deepEqual(states, [], 'UNKNOWN is held back');
    p.deliver(p.state(0x700, 'RINGBACK'), p.state(0x700, 'CONNECTED'));
    await tick();
    assert.deepEqual(states, ['ringback', 'connected']);
    await tapi.shutdown();
  });

  it('a monitor told of a settled call with UNKNOWN and nothing after it: the state is read from LINECALLSTATUS once', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0, { privileges: 'monitor' });
    const states: string[] = [];
    line.on('callstate', (_c: Call, e: CallStateEvent) => states.push(e.state));
    p.status = {
      callState: LINECALLSTATE.ONHOLD,
      callStateMode: 0,
      callPrivilege: LINECALLPRIVILEGE.MONITOR,
      callFeatures: 0,
      callFeatures2: 0,
    };
    p.deliver({ messageId: LINE_MESSAGE.LINE_APPNEWCALL, hDevice: 0x100, param1: 0, param2: 0x701, param3: LINECALLPRIVILEGE.MONITOR });
    p.deliver(p.state(0x701, 'UNKNOWN', 0, LINECALLPRIVILEGE.MONITOR));
    await new Promise((r) => setTimeout(r, 80));
    assert.deepEqual(states, ['onhold']);
    p.deliver(p.state(0x701, 'ONHOLD'));
    p.deliver(p.state(0x701, 'CONNECTED'));
    await tick();
    assert.deepEqual(states, ['onhold', 'connected'], 'the repeat of the status read is dropped, later states follow');
    await tapi.shutdown();
  });

  it('adopts a handle first seen in a LINE_CALLSTATE with a privilege (pre-2.0 style)', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0, { privileges: 'monitor' });
    const calls: Call[] = [];
    line.on('call', (c: Call) => calls.push(c));
    p.deliver(p.state(0x600, 'CONNECTED', 0, LINECALLPRIVILEGE.MONITOR));
    await tick();
    assert.equal(calls.length, 1);
    assert.equal(calls[0].privilege, 'monitor');
    assert.equal(calls[0].mode, 'active', 'a CONNECTED mode of 0 reads as active');
    await tapi.shutdown();
  });
});

describe('model: cleanup and lifecycle', function () {
  it('LINE_CLOSE voids the line and its calls without calling the provider, and settles its requests', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0);
    const placing = line.makeCall('5550100');
    p.deliver(p.reply(p.sent[0].id, 0, 0x700));
    const call = await placing;
    const pendingDrop = call.drop().catch((e: unknown) => e);
    const closed = new Promise((r) => line.once('close', r));
    p.deliver({ messageId: LINE_MESSAGE.LINE_CLOSE, hDevice: 0x100 });
    assert.equal(await closed, 'provider');
    assert.equal(errorCode(await pendingDrop), 'LINEERR_INVALLINEHANDLE');
    assert.equal(call.deallocated, true);
    assert.equal(line.isOpen, false);
    assert.deepEqual(p.deallocated, []);
    assert.deepEqual(p.closed, []);
    await tapi.shutdown();
    assert.equal(p.shutdownCount, 1);
  });

  it('close() drops an owned live call, waits for idle, deallocates, then closes the line', async function () {
    const { tapi, p } = await start();
    p.autoDrop = false;
    const line = await tapi.openLine(0);
    const placing = line.makeCall('5550100');
    p.deliver(p.reply(p.sent[0].id, 0, 0x800), p.state(0x800, 'CONNECTED', 1, LINECALLPRIVILEGE.OWNER));
    const call = await placing;
    const closing = line.close();
    await tick();
    const drop = p.sent.find((s) => s.fn === 'lineDrop');
    assert.ok(drop, 'lineDrop was sent');
    assert.deepEqual(p.closed, [], 'the line stays open until the call is idle');
    p.deliver(p.reply(drop.id), p.state(0x800, 'IDLE'));
    await closing;
    assert.deepEqual(p.deallocated, [0x800]);
    assert.deepEqual(p.closed, [0x100]);
    assert.equal(call.state, 'idle');
    await tapi.shutdown();
  });

  it('re-initialises on LINEDEVSTATE_REINIT: new provider with back-off on LINEERR_REINIT, line reopened', async function () {
    const second = new ScriptedProvider();
    second.initializeErrors.push(TapiError.of('REINIT', 'lineInitializeEx'));
    const { tapi, p, made } = await start([new ScriptedProvider(), second]);
    const line = await tapi.openLine(0);
    const events: string[] = [];
    line.on('close', (why: string) => events.push(`close:${why}`));
    line.on('reopen', () => events.push('reopen'));
    const reinit = new Promise((r) => tapi.once('reinit', r));
    p.deliver({ messageId: LINE_MESSAGE.LINE_LINEDEVSTATE, hDevice: 0, callbackInstance: 0, param1: LINEDEVSTATE.REINIT, param2: 0 });
    await reinit;
    assert.equal(p.shutdownCount, 1);
    assert.equal(made.length, 2);
    assert.deepEqual(events, ['close:reinit', 'reopen']);
    assert.equal(line.isOpen, true);
    assert.equal(tapi.isRunning, true);
    await tapi.shutdown();
  });

  it('tells a line that could not be reopened after REINIT why', async function () {
    const second = new ScriptedProvider();
    second.openErrors.push(TapiError.of('RESOURCEUNAVAIL', 'lineOpen'));
    const { tapi, p } = await start([new ScriptedProvider(), second]);
    const line = await tapi.openLine(0);
    const closes: Array<[string, unknown]> = [];
    line.on('close', (why: string, error?: unknown) => closes.push([why, error]));
    const reinit = new Promise((r) => tapi.once('reinit', r));
    p.deliver({ messageId: LINE_MESSAGE.LINE_LINEDEVSTATE, hDevice: 0, callbackInstance: 0, param1: LINEDEVSTATE.REINIT, param2: 0 });
    await reinit;
    assert.deepEqual(
      closes.map(([why]) => why),
      ['reinit', 'reopen-failed'],
    );
    assert.equal(errorCode(closes[1][1]), 'LINEERR_RESOURCEUNAVAIL');
    assert.equal(line.isOpen, false);
    await tapi.shutdown();
  });

  it('follows LINE_CREATE and LINE_REMOVE in tapi.lines; a removed device refuses lineOpen with NODEVICE', async function () {
    const { tapi, p } = await start();
    const created = new Promise((r) => tapi.once('linecreate', r));
    p.deliver({ messageId: LINE_MESSAGE.LINE_CREATE, param1: 1 });
    const device = (await created) as { deviceId: number };
    assert.equal(device.deviceId, 1);
    assert.deepEqual(
      tapi.lines.map((d) => d.deviceId),
      [0, 1],
    );
    const line = await tapi.openLine(1);
    await line.close();
    const removed = new Promise((r) => tapi.once('lineremove', r));
    p.deliver({ messageId: LINE_MESSAGE.LINE_REMOVE, param1: 1 });
    await removed;
    assert.equal(tapi.lines[1].removed, true);
    assert.equal(errorCode(await tapi.openLine(1).catch((e) => e)), 'LINEERR_NODEVICE');
    await tapi.shutdown();
  });

  it('ignores a translated REINIT (param2 names the original message)', async function () {
    const { tapi, p, made } = await start();
    p.deliver({
      messageId: LINE_MESSAGE.LINE_LINEDEVSTATE,
      hDevice: 0,
      param1: LINEDEVSTATE.REINIT,
      param2: LINE_MESSAGE.LINE_CREATE,
      param3: 3,
    });
    await tick();
    assert.equal(made.length, 1);
    assert.equal(p.shutdownCount, 0);
    await tapi.shutdown();
  });

  it('keeps dispatching when a listener throws, and reports the error', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0);
    const errors: unknown[] = [];
    tapi.on('listenererror', (e) => errors.push(e));
    const seen: string[] = [];
    line.on('callstate', () => {
      throw new Error('listener bug');
    });
    line.on('callstate', (_c: Call, e: CallStateEvent) => seen.push(e.state));
    const placing = line.makeCall('1');
    p.deliver(p.reply(p.sent[0].id, 0, 0x900), p.state(0x900, 'DIALTONE', 1), p.state(0x900, 'DIALING'));
    await placing;
    await tick();
    assert.equal(errors.length, 2);
    assert.deepEqual(seen, [], 'EventEmitter stops at the first throwing listener of an emit');
    await tapi.shutdown();
  });

  it('refuses work after shutdown with LINEERR_UNINITIALIZED', async function () {
    const { tapi } = await start();
    const line = await tapi.openLine(0);
    await tapi.shutdown();
    await tapi.shutdown();
    assert.equal(errorCode(await line.makeCall('1').catch((e) => e)), 'LINEERR_UNINITIALIZED');
    assert.equal(errorCode(await tapi.openLine(0).catch((e) => e)), 'LINEERR_UNINITIALIZED');
  });
});

describe('model: validation before the provider', function () {
  it('names bad call parameters and sends nothing', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0);
    const cases: Array<[object, string]> = [
      [{ bearerMode: 'carrier-pigeon' }, 'LINEERR_INVALBEARERMODE'],
      [{ mediaMode: 'smell' }, 'LINEERR_INVALMEDIAMODE'],
      [{ maxRate: -1 }, 'LINEERR_INVALCALLPARAMS'],
      [{ colour: 'red' }, 'LINEERR_INVALCALLPARAMS'],
      [{ origAddress: '1', addressId: 0 }, 'LINEERR_INVALCALLPARAMS'],
    ];
    for (const [params, code] of cases) {
      assert.equal(errorCode(await line.makeCall('5550100', { params }).catch((e) => e)), code, JSON.stringify(params));
    }
    assert.equal(errorCode(await line.makeCall('5550100', { countryCode: 1.5 }).catch((e) => e)), 'LINEERR_INVALCOUNTRYCODE');
    assert.equal(errorCode(await line.makeCall(42 as unknown as string).catch((e) => e)), 'LINEERR_INVALADDRESS');
    assert.equal(p.sent.length, 0);
    await tapi.shutdown();
  });

  it('turns friendly call parameters into LINECALLPARAMS values', async function () {
    const { tapi, p } = await start();
    const line = await tapi.openLine(0);
    const placing = line.makeCall('5550100', {
      params: {
        bearerMode: 'data',
        mediaMode: 'datamodem',
        blockId: true,
        secure: true,
        origAddress: '100',
        userUserInfo: 'hi',
        noAnswerTimeout: 20,
      },
    });
    const params = p.sent[0].args[3] as Record<string, unknown>;
    assert.equal(params.bearerMode, 0x08);
    assert.equal(params.mediaMode, 0x10);
    assert.equal(params.callParamFlags, 0x01 | 0x04);
    assert.equal(params.addressMode, 0x02);
    assert.equal(params.origAddress, '100');
    assert.deepEqual([...(params.userUserInfo as Uint8Array)], [0x68, 0x69]);
    assert.equal(params.noAnswerTimeout, 20);
    p.deliver(p.reply(p.sent[0].id, 0, 0xa00));
    await placing;
    const plain = line.makeCall('5550100');
    assert.equal(p.sent[1].args[3], null, 'no params: NULL, TAPI defaults');
    p.deliver(p.reply(p.sent[1].id, 0, 0xa01));
    await plain;
    await tapi.shutdown();
  });
});

describe('TapiError', function () {
  it('names every LINEERR and keeps unknown values visible', function () {
    const e = new TapiError(0x80000010 | 0, 'lineMakeCall');
    assert.equal(e.code, 'LINEERR_INVALADDRESS');
    assert.equal(e.value, 0x80000010);
    assert.ok(e instanceof Error && e.message.includes('lineMakeCall'));
    assert.equal(new TapiError(0x80000004, 'x').code, 'LINEERR_UNKNOWN_0x80000004');
    assert.equal(new TapiError(0xc0000123, 'x').code, 'LINEERR_DEVSPECIFIC_0xC0000123');
    assert.equal(TapiError.of('LINEERR_NOTOWNER', 'lineDrop').value, 0x80000046);
  });
});
