// The model's digit / generate / gather bookkeeping and refusals, driven message by message (the FIFOs the
// messages do not name, the batching rule, nothing sent when refused).
import assert from 'node:assert/strict';
import {
  LINECALLFEATURE,
  LINECALLSTATE,
  LINEGATHERTERM,
  LINEGENERATETERM,
  LINE_MESSAGE,
  Tapi,
  TapiError,
  type Call,
  type DigitEvent,
} from '../lib/tapi';
import { ScriptedProvider } from './helpers/scripted-provider';

const tick = () => new Promise((r) => setImmediate(r));
const CONNECTED_FEATURES =
  LINECALLFEATURE.DROP |
  LINECALLFEATURE.GATHERDIGITS |
  LINECALLFEATURE.GENERATEDIGITS |
  LINECALLFEATURE.MONITORDIGITS |
  LINECALLFEATURE.HOLD;

async function connectedCall(): Promise<{ tapi: Tapi; p: ScriptedProvider; call: Call }> {
  const p = new ScriptedProvider();
  const tapi = new Tapi({ kind: 'simulator', createProvider: () => p, appName: 'test', apiLow: 0x00010004, apiHigh: 0x00020002 });
  await tapi.start();
  const line = await tapi.openLine(0);
  const placing = line.makeCall('5550100');
  p.status = { callState: LINECALLSTATE.CONNECTED, callStateMode: 1, callPrivilege: 4, callFeatures: CONNECTED_FEATURES, callFeatures2: 0 };
  p.deliver(p.reply(p.sent[0].id, 0, 0x200), p.state(0x200, 'CONNECTED', 1, ScriptedProvider.OWNER));
  const call = await placing;
  return { tapi, p, call };
}

function gathered(term: number, digits: string) {
  return { messageId: LINE_MESSAGE.LINE_GATHERDIGITS, hDevice: 0x200, param1: term, gatheredDigits: digits };
}

describe('model: digits, generation and gathering', function () {
  it('refreshes call.features from LINECALLSTATUS on each state', async function () {
    const { tapi, call } = await connectedCall();
    assert.deepEqual(call.features, ['drop', 'gatherdigits', 'generatedigits', 'hold', 'monitordigits']);
    assert.equal(call.can('hold'), true);
    await tapi.shutdown();
  });

  it('refuses an operation the call cannot do now before anything is sent, naming state and features', async function () {
    const { tapi, p, call } = await connectedCall();
    const error = await call.unhold().catch((e: unknown) => e);
    assert.ok(error instanceof TapiError);
    assert.equal(error.code, 'LINEERR_INVALCALLSTATE');
    assert.match(error.message, /the call is connected; it can now: drop, gatherdigits, generatedigits, hold, monitordigits/);
    const unavailable = await call.blindTransfer('5550123').catch((e: unknown) => e);
    assert.equal((unavailable as TapiError).code, 'LINEERR_OPERATIONUNAVAIL');
    assert.deepEqual(
      p.sent.map((s) => s.fn),
      ['lineMakeCall'],
      'no request was sent',
    );
    await tapi.shutdown();
  });

  it('completes gathers in the order they were started: each LINE_GATHERDIGITS resolves the oldest', async function () {
    const { tapi, p, call } = await connectedCall();
    const first = call.gatherDigits({ maxDigits: 4 });
    const second = call.gatherDigits({ maxDigits: 2, terminators: '#' });
    assert.equal(p.syncCalls.filter((c) => c.fn === 'lineGatherDigits').length, 2);
    p.deliver(gathered(LINEGATHERTERM.CANCEL, '1'), gathered(LINEGATHERTERM.TERMDIGIT, '2#'));
    assert.deepEqual(await first, { digits: '1', termination: 'cancel' });
    assert.deepEqual(await second, { digits: '2#', termination: 'termdigit' });
    await tapi.shutdown();
  });

  it('queues a generation behind the running one and starts it on LINE_GENERATE', async function () {
    const { tapi, p, call } = await connectedCall();
    const a = call.generateDigits('12');
    const b = call.generateDigits('34');
    const sent = () => p.syncCalls.filter((c) => c.fn === 'lineGenerateDigits').map((c) => c.args[2]);
    assert.deepEqual(sent(), ['12'], 'the second waits: TAPI would cancel the first');
    p.deliver({ messageId: LINE_MESSAGE.LINE_GENERATE, hDevice: 0x200, param1: LINEGENERATETERM.DONE });
    assert.equal(await a, 'done');
    assert.deepEqual(sent(), ['12', '34']);
    p.deliver({ messageId: LINE_MESSAGE.LINE_GENERATE, hDevice: 0x200, param1: LINEGENERATETERM.CANCEL });
    assert.equal(await b, 'cancel');
    await tapi.shutdown();
  });

  it('posts digits after the batch, in order, on the line then the call; settles what is outstanding on deallocation', async function () {
    const { tapi, p, call } = await connectedCall();
    call.monitorDigits();
    const order: string[] = [];
    call.line.on('digit', (c: Call, e: DigitEvent) => order.push(`line ${e.digit} ${e.mode} ${c === call}`));
    call.on('digit', (e: DigitEvent) => order.push(`call ${e.digit}`));
    p.deliver(
      { messageId: LINE_MESSAGE.LINE_MONITORDIGITS, hDevice: 0x200, param1: '7'.charCodeAt(0), param2: 0x2 },
      { messageId: LINE_MESSAGE.LINE_MONITORDIGITS, hDevice: 0x200, param1: '#'.charCodeAt(0), param2: 0x4 },
      { messageId: LINE_MESSAGE.LINE_MONITORDIGITS, hDevice: 0x999, param1: '1'.charCodeAt(0), param2: 0x2 },
    );
    assert.deepEqual(order, [], 'nothing is emitted inside the batch');
    await tick();
    assert.deepEqual(order, ['line 7 dtmf true', 'call 7', 'line # dtmfend true', 'call #']);
    const pending = call.gatherDigits({ maxDigits: 3 });
    const generating = call.generateDigits('5');
    call.deallocate();
    assert.deepEqual(await pending, { digits: '', termination: 'cancel' });
    assert.equal(await generating, 'cancel');
    await tapi.shutdown();
  });
});
