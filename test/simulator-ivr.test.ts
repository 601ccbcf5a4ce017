// The simulator's issue-12 seam functions, message by message (what the contract suite cannot see through
// lib/tapi: the exact messages, a new generation cancelling the running one, NULL cancels, slots on replies).
import assert from 'node:assert/strict';
import {
  LINECALLPRIVILEGE,
  LINECALLSTATE as S,
  LINEDIGITMODE,
  LINEERR,
  LINEGATHERTERM,
  LINEGENERATETERM,
  LINEMEDIAMODE,
  LINETONEMODE,
  LINETRANSFERMODE,
  LINE_MESSAGE,
  TapiError,
  type LineMessage,
} from '../lib/tapi';
import { SimulatorProvider } from '../lib/tapi/providers/simulator';

const OWNER = LINECALLPRIVILEGE.OWNER;
const MONITOR = LINECALLPRIVILEGE.MONITOR;
const VOICE = LINEMEDIAMODE.INTERACTIVEVOICE;
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const p = new SimulatorProvider({ timeScale: 0 });
  const log: LineMessage[] = [];
  p.initialize('ivr test', (m) => log.push(m));
  const version = p.negotiateApiVersion(0, 0x00010004, 0x00020002);
  const open = (privileges: number = OWNER, cb = 1, deviceId = 0) => {
    const v = deviceId === 0 ? version : p.negotiateApiVersion(deviceId, 0x00010004, 0x00020002);
    return p.open(deviceId, v, cb, privileges, VOICE);
  };
  return { p, log, version, open };
}

async function until(predicate: () => boolean, limit = 5000): Promise<void> {
  for (let i = 0; i < limit && !predicate(); i++) await turn();
  assert.ok(predicate(), 'condition not reached');
}

function of(log: LineMessage[], messageId: number, hDevice?: number): LineMessage[] {
  return log.filter((m) => m.messageId === messageId && (hDevice === undefined || m.hDevice === hDevice));
}

async function connected(r: ReturnType<typeof setup>, hLine: number, number = '5550100'): Promise<number> {
  const id = r.p.makeCall(hLine, number, 0, null);
  await until(() => of(r.log, LINE_MESSAGE.LINE_REPLY).some((m) => m.param1 === id));
  const hCall = of(r.log, LINE_MESSAGE.LINE_REPLY).find((m) => m.param1 === id)!.newCall!;
  await until(() => r.p.getCallStatus(hCall).callState === S.CONNECTED);
  await turn();
  return hCall;
}

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TapiError && e.code === code);
}

describe('simulator: call control and signals at the seam', function () {
  it('setupTransfer: the reply carries the consultation call, then ONHOLDPENDTRANSFER and its DIALTONE (privilege OWNER)', async function () {
    const r = setup();
    const h = await connected(r, r.open());
    r.log.length = 0;
    const id = r.p.setupTransfer(h, null);
    await until(() => of(r.log, LINE_MESSAGE.LINE_CALLSTATE).length >= 2);
    const [rep, held, tone] = r.log;
    assert.equal(rep.messageId, LINE_MESSAGE.LINE_REPLY);
    assert.equal(rep.param1, id);
    const consult = rep.newCall!;
    assert.ok(consult && consult !== h);
    assert.deepEqual([held.hDevice, held.param1], [h, S.ONHOLDPENDTRANSFER]);
    assert.deepEqual([tone.hDevice, tone.param1, tone.param3], [consult, S.DIALTONE, OWNER]);
    throwsCode(() => r.p.completeTransfer(h, consult, LINETRANSFERMODE.TRANSFER), 'LINEERR_INVALCALLSTATE');
    throwsCode(() => r.p.completeTransfer(h, 0x1234, LINETRANSFERMODE.TRANSFER), 'LINEERR_INVALCONSULTCALLHANDLE');
    r.p.dial(consult, '5550100', 0);
    await until(() => r.p.getCallStatus(consult).callState === S.CONNECTED);
    throwsCode(() => r.p.completeTransfer(h, consult, 0x3), 'LINEERR_INVALTRANSFERMODE');
    r.log.length = 0;
    const done = r.p.completeTransfer(h, consult, LINETRANSFERMODE.CONFERENCE);
    await until(() => of(r.log, LINE_MESSAGE.LINE_CALLSTATE).length >= 3);
    const confReply = of(r.log, LINE_MESSAGE.LINE_REPLY)[0];
    assert.equal(confReply.param1, done);
    const conf = confReply.newCall!;
    const states = of(r.log, LINE_MESSAGE.LINE_CALLSTATE).map((m) => [m.hDevice, m.param1, m.param2]);
    assert.deepEqual(states, [
      [h, S.CONFERENCED, conf],
      [consult, S.CONFERENCED, conf],
      [conf, S.CONNECTED, 0x1],
    ]);
    r.p.shutdown();
  });

  it('a new generation cancels the running one (LINE_GENERATE CANCEL), NULL cancels, and the end is DONE', async function () {
    const r = setup();
    const h = await connected(r, r.open());
    r.log.length = 0;
    r.p.generateDigits(h, LINEDIGITMODE.DTMF, '123456', 0);
    r.p.generateTone(h, LINETONEMODE.BEEP, 100, []);
    r.p.generateDigits(h, LINEDIGITMODE.DTMF, null, 0);
    r.p.generateDigits(h, LINEDIGITMODE.DTMF, '9', 10);
    await until(() => of(r.log, LINE_MESSAGE.LINE_GENERATE).length === 3);
    assert.deepEqual(
      of(r.log, LINE_MESSAGE.LINE_GENERATE).map((m) => m.param1),
      [LINEGENERATETERM.CANCEL, LINEGENERATETERM.CANCEL, LINEGENERATETERM.DONE],
    );
    assert.deepEqual(r.p.generated(h), { digits: '9', tones: [{ tone: 'beep', frequencies: [], durationMs: 100, ended: 'cancel' }] });
    throwsCode(() => r.p.generateDigits(h, LINEDIGITMODE.DTMF | LINEDIGITMODE.PULSE, '1', 0), 'LINEERR_INVALDIGITMODE');
    throwsCode(
      () =>
        r.p.generateTone(
          h,
          LINETONEMODE.CUSTOM,
          0,
          [1, 2, 3, 4].map((f) => ({ frequency: f, cadenceOn: 1, cadenceOff: 0, volume: 1 })),
        ),
      'LINEERR_INVALPOINTER',
    );
    r.p.shutdown();
  });

  it('gathers into the buffer the message carries; a second gather or NULL completes the old one with CANCEL', async function () {
    const r = setup();
    const h = await connected(r, r.open());
    r.log.length = 0;
    const gather = { numDigits: 4, terminationDigits: '#', firstDigitTimeout: 0, interDigitTimeout: 0 };
    r.p.gatherDigits(h, LINEDIGITMODE.DTMF, gather);
    r.p.remoteDigits(h, '12', { interDigitMs: 0 });
    r.p.gatherDigits(h, LINEDIGITMODE.DTMF, gather);
    r.p.remoteDigits(h, '3', { interDigitMs: 0 });
    r.p.gatherDigits(h, 0, null);
    r.p.gatherDigits(h, 0, null); // nothing running: no message
    await until(() => of(r.log, LINE_MESSAGE.LINE_GATHERDIGITS).length === 2);
    await turn();
    assert.deepEqual(
      of(r.log, LINE_MESSAGE.LINE_GATHERDIGITS).map((m) => [m.param1, m.gatheredDigits]),
      [
        [LINEGATHERTERM.CANCEL, '12'],
        [LINEGATHERTERM.CANCEL, '3'],
      ],
    );
    throwsCode(() => r.p.gatherDigits(h, LINEDIGITMODE.DTMF, { ...gather, firstDigitTimeout: 5 }), 'LINEERR_INVALTIMEOUT');
    throwsCode(() => r.p.gatherDigits(h, LINEDIGITMODE.DTMFEND, gather), 'LINEERR_INVALDIGITMODE');
    r.p.shutdown();
  });

  it('digits go only to handles that monitor them; DTMFEND adds the end edge; IDLE stops monitoring', async function () {
    const r = setup();
    const line = r.open(OWNER, 1);
    const watcher = r.open(MONITOR, 2);
    const h = await connected(r, line);
    const hm = [
      ...new Set(r.log.filter((m) => m.callbackInstance === 2 && m.messageId === LINE_MESSAGE.LINE_CALLSTATE).map((m) => m.hDevice)),
    ][0];
    assert.ok(hm && watcher);
    r.p.monitorDigits(h, LINEDIGITMODE.DTMF | LINEDIGITMODE.DTMFEND);
    r.log.length = 0;
    r.p.remoteDigits(h, '*', { interDigitMs: 0 });
    await until(() => of(r.log, LINE_MESSAGE.LINE_MONITORDIGITS).length === 2);
    assert.deepEqual(
      of(r.log, LINE_MESSAGE.LINE_MONITORDIGITS).map((m) => [m.hDevice, m.param1, m.param2]),
      [
        [h, '*'.charCodeAt(0), LINEDIGITMODE.DTMF],
        [h, '*'.charCodeAt(0), LINEDIGITMODE.DTMFEND],
      ],
    );
    r.p.remoteDigits(h, '5', { mode: 'pulse', interDigitMs: 0 }); // detected by the line, but nobody monitors pulse
    await turn();
    await turn();
    assert.equal(of(r.log, LINE_MESSAGE.LINE_MONITORDIGITS).length, 2);
    r.p.drop(h);
    await until(() => r.p.getCallStatus(h).callState === S.IDLE);
    throwsCode(() => r.p.monitorDigits(h, LINEDIGITMODE.DTMF), 'LINEERR_INVALCALLSTATE');
    r.p.shutdown();
  });

  it('address caps per device and version; failNext reaches the new async functions through LINE_REPLY', async function () {
    const r = setup();
    const caps = r.p.getAddressCaps(0, 0, r.version);
    assert.equal(caps.transferModes, LINETRANSFERMODE.TRANSFER | LINETRANSFERMODE.CONFERENCE);
    assert.equal(caps.deviceClasses.length > 0, true);
    throwsCode(() => r.p.getAddressCaps(0, 1, r.version), 'LINEERR_INVALADDRESSID');
    throwsCode(() => r.p.getAddressCaps(0, 0, 0x00030001), 'LINEERR_INCOMPATIBLEAPIVERSION');
    const analogVersion = r.p.negotiateApiVersion(1, 0x00010004, 0x00020002);
    assert.equal(r.p.getAddressCaps(1, 0, analogVersion).transferModes, 0);
    const h = await connected(r, r.open());
    r.p.failNext('lineHold', 'LINEERR_RESOURCEUNAVAIL', { async: true });
    const id = r.p.hold(h);
    await until(() => of(r.log, LINE_MESSAGE.LINE_REPLY).some((m) => m.param1 === id));
    assert.equal(of(r.log, LINE_MESSAGE.LINE_REPLY).find((m) => m.param1 === id)!.param2, LINEERR.RESOURCEUNAVAIL);
    assert.equal(r.p.getCallStatus(h).callState, S.CONNECTED, 'a failed hold holds nothing');
    throwsCode(() => r.p.setAppPriority('node.exe', VOICE, 0, 2), 'LINEERR_INVALPARAM');
    throwsCode(() => r.p.setAppPriority('node.exe', 0, 0, 1), 'LINEERR_INVALREQUESTMODE');
    r.p.setAppPriority('node.exe', VOICE, 0, 1);
    r.p.shutdown();
  });
});
