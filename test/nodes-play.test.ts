// play in a flow, on the simulator: a prompt plays out with its duration (what the far end heard), barge-in on a
// key, two prompts in turn, the stop input, WAV files from msg.payload and from the node's setting (and the folder
// that bounds them), every bad input as a named error at a Catch node, and the analog line without wave devices.
import playNode from '../nodes/play';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NO_AUDIO_DEVICE, toneSequence, toWav, type OpenedTapi } from '../lib/tapi';
import { activeTapis } from '../nodes/lib/tapi-registry';
import { codeOf } from './nodes-catch';
import { withEnglish } from './nodes-i18n';
import { allNodes, collector, helper, lineDef, statusesOf, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

const nodes = [...allNodes, withEnglish(playNode)];
const tone = (ms: number, frequency = 440) => ({ pcm: toneSequence([{ frequency, ms }]), sampleRate: 8000 });

function flow(play: Record<string, unknown>, line: Record<string, unknown> = {}): Msg[] {
  return [
    lineDef('line1', { privileges: 'owner', ...line }),
    { id: 'mk', type: 'tapi-make-call', line: 'line1', sendWhen: 'connected', wires: [['made']] },
    { id: 'made', type: 'helper' },
    { id: 'pl', type: 'tapi-play', line: 'line1', wires: [['out']], ...play },
    { id: 'out', type: 'helper' },
    { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function load(play: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  await helper.load(nodes, flow(play, line));
  const r = {
    made: collector(helper.getNode('made')),
    out: collector(helper.getNode('out')),
    caught: collector(helper.getNode('caught')),
  };
  await waitFor(() => helper.getNode('line1').shared.state === 'open', 5000, 'the line open');
  const sim = (activeTapis()[0] as OpenedTapi).simulator!;
  const call = async (number = '5550100') => {
    helper.getNode('mk').receive({ payload: number });
    await waitFor(() => r.made.length > 0, 5000, 'the call connected');
    return r.made[r.made.length - 1].call as { id: string; handle: number };
  };
  return { ...r, sim, call, play: (msg: Msg) => helper.getNode('pl').receive(msg) };
}

describe('play node', function () {
  this.timeout(20000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-play-'));
  });
  afterEach(async () => {
    await unloadAndCheckClean();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plays { pcm, sampleRate } out: completed, playedMs 1500, the far end heard exactly it, msg.call kept', async () => {
    const r = await load();
    const call = await r.call();
    const audio = tone(1500);
    r.play({ payload: audio, call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the prompt ended');
    assert.deepEqual(r.caught, []);
    assert.deepEqual(r.out[0].payload, { completed: true, playedMs: 1500 });
    assert.equal(r.out[0].call.id, call.id);
    const heard = r.sim.heard(call.handle);
    assert.equal(heard.playedMs, 1500);
    assert.deepEqual(Array.from(heard.pcm.subarray(0, 400)), Array.from(audio.pcm.subarray(0, 400)));
    const statuses = statusesOf(helper.getNode('pl'));
    assert.ok(
      statuses.some((s) => s.fill === 'yellow' && /playing/.test(s.text)),
      'playing while it plays',
    );
    assert.deepEqual(statuses[statuses.length - 1], { fill: 'green', shape: 'dot', text: 'played 1.5 s' });
  });

  it('a 16 kHz WAV Buffer in msg.payload is played at 8 kHz with its duration', async () => {
    const r = await load();
    const call = await r.call();
    r.play({ payload: toWav(toneSequence([{ frequency: 300, ms: 1000 }], 16000), 16000), call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the prompt ended');
    assert.deepEqual(r.caught, []);
    assert.equal(r.out[0].payload.completed, true);
    assert.ok(Math.abs(r.out[0].payload.playedMs - 1000) <= 20, `playedMs ${r.out[0].payload.playedMs}`);
    assert.ok(Math.abs(r.sim.heard(call.handle).pcm.length - 8000) <= 160);
  });

  it('barge-in: a stop key ends the prompt at once, with the digit and what was played', async () => {
    const r = await load({ stopOnDigits: '#' });
    const call = await r.call();
    r.play({ payload: tone(120000), call });
    await waitFor(() => r.sim.heard(call.handle).playedMs >= 200, 10000, 'the prompt playing');
    r.sim.remoteDigits(call.handle, '1#', { interDigitMs: 0 });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the barge-in');
    assert.deepEqual(r.caught, []);
    const p = r.out[0].payload;
    assert.deepEqual([p.completed, p.digit, p.reason], [false, '#', 'digit']);
    assert.ok(p.playedMs >= 200 && p.playedMs < 120000, `playedMs ${p.playedMs}`);
    assert.equal(r.sim.heard(call.handle).playedMs, p.playedMs);
    assert.deepEqual(statusesOf(helper.getNode('pl')).pop(), { fill: 'green', shape: 'dot', text: 'stopped by #' });
  });

  it('without stop keys a key does not stop the prompt', async () => {
    const r = await load();
    const call = await r.call();
    r.play({ payload: tone(3000), call });
    await waitFor(() => r.sim.heard(call.handle).playedMs >= 100, 10000, 'the prompt playing');
    r.sim.remoteDigits(call.handle, '#', { interDigitMs: 0 });
    await waitFor(() => r.out.length > 0, 10000, 'the prompt ended');
    assert.deepEqual(r.out[0].payload, { completed: true, playedMs: 3000 });
  });

  it('two prompts for one call play in turn, each with its own message', async () => {
    const r = await load();
    const call = await r.call();
    r.play({ payload: tone(200, 440), call, topic: 'first' });
    r.play({ payload: tone(300, 660), call, topic: 'second' });
    await waitFor(() => r.out.length === 2 || r.caught.length > 0, 10000, 'both prompts');
    assert.deepEqual(
      r.out.map((m) => [m.topic, m.payload.playedMs, m.payload.completed]),
      [
        ['first', 200, true],
        ['second', 300, true],
      ],
    );
    const heard = r.sim.heard(call.handle);
    assert.equal(heard.playedMs, 500);
    // The second tone starts where the first ended: 660 Hz after sample 1600.
    assert.deepEqual(Array.from(heard.pcm.subarray(1600, 1700)), Array.from(tone(300, 660).pcm.subarray(0, 100)));
  });

  it('msg.stop (and topic "stop") stops the running prompt and the queued one; the stop message itself sends nothing', async () => {
    const r = await load();
    const call = await r.call();
    r.play({ payload: tone(120000), call, topic: 'long' });
    r.play({ payload: tone(1000), call, topic: 'queued' });
    await waitFor(() => r.sim.heard(call.handle).playedMs >= 100, 10000, 'the prompt playing');
    r.play({ stop: true, call });
    await waitFor(() => r.out.length === 2 || r.caught.length > 0, 10000, 'both prompts ended');
    assert.deepEqual(r.caught, []);
    const byTopic = Object.fromEntries(r.out.map((m) => [m.topic, m.payload]));
    assert.deepEqual([byTopic.long.completed, byTopic.long.reason], [false, 'stopped']);
    assert.ok(byTopic.long.playedMs > 0 && byTopic.long.playedMs < 120000);
    assert.deepEqual(byTopic.queued, { completed: false, playedMs: 0, reason: 'stopped' });
    // topic "stop" without msg.call: every prompt of this node.
    r.play({ payload: tone(120000), call, topic: 'again' });
    await waitFor(() => r.sim.heard(call.handle).playedMs >= byTopic.long.playedMs + 100, 10000, 'playing again');
    r.play({ topic: 'stop' });
    await waitFor(() => r.out.length === 3, 10000, 'stopped again');
    assert.equal(r.out[2].payload.reason, 'stopped');
    assert.equal(r.out.length, 3, 'nothing sent for the stop messages');
  });

  it('the far end hangs up while the prompt plays: reason hangup', async () => {
    const r = await load();
    const call = await r.call();
    r.play({ payload: tone(120000), call });
    await waitFor(() => r.sim.heard(call.handle).playedMs >= 100, 10000, 'the prompt playing');
    r.sim.remoteHangup(call.handle);
    await waitFor(() => r.out.length > 0, 10000, 'the prompt ended');
    assert.deepEqual([r.out[0].payload.completed, r.out[0].payload.reason], [false, 'hangup']);
  });

  it('a WAV file path in msg.payload, and a file set in the node (relative to the folder setting)', async () => {
    const file = path.join(dir, 'greeting.wav');
    fs.writeFileSync(file, toWav(toneSequence([{ frequency: 500, ms: 700 }]), 8000));
    const r = await load();
    const call = await r.call();
    r.play({ payload: file, call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the file played');
    assert.deepEqual(r.caught, []);
    assert.deepEqual(r.out[0].payload, { completed: true, playedMs: 700 });
    await helper.unload();

    const s = await load({ file: 'greeting.wav', folder: dir });
    const call2 = await s.call();
    s.play({ payload: 'ignored: the node has a file', call: call2 });
    await waitFor(() => s.out.length > 0 || s.caught.length > 0, 10000, 'the configured file played');
    assert.deepEqual(s.caught, []);
    assert.deepEqual(s.out[0].payload, { completed: true, playedMs: 700 });
    assert.equal(s.sim.heard(call2.handle).playedMs, 700);
  });

  it('paths read audio only: a text file, a folder, a missing file and a file outside the folder are refused without echoing content', async () => {
    const secret = path.join(dir, 'secret.txt');
    fs.writeFileSync(secret, 'password=hunter2\n'.repeat(4));
    const inner = path.join(dir, 'prompts');
    fs.mkdirSync(inner);
    const outside = path.join(dir, 'outside.wav');
    fs.writeFileSync(outside, toWav(new Int16Array(800), 8000));
    fs.symlinkSync(outside, path.join(inner, 'link.wav'));
    const r = await load({ folder: inner });
    const call = await r.call();
    const cases: Array<[string, RegExp]> = [
      [path.join('..', 'secret.txt'), /outside the node's folder/],
      [outside, /outside the node's folder/],
      ['link.wav', /outside the node's folder/],
      ['missing.wav', /ENOENT/],
    ];
    cases.forEach(([payload], i) => r.play({ payload, call, topic: `case ${i}` }));
    await waitFor(() => r.caught.length === cases.length, 10000, 'every refusal');
    assert.equal(r.sim.heard(call.handle).playedMs, 0);
    await helper.unload();
    const s = await load();
    const call2 = await s.call();
    s.play({ payload: secret, call: call2, topic: 'text' });
    s.play({ payload: dir, call: call2, topic: 'folder' });
    await waitFor(() => s.caught.length === 2, 10000, 'the two refusals');
    const all = [...r.caught, ...s.caught];
    for (const c of all) assert.equal(codeOf(c.error), 'ERR_TAPI_VALIDATION', c.error.message);
    // File reads are asynchronous: the refusals may come in any order, each with its own topic.
    cases.forEach(([, expected], i) => assert.match(r.caught.find((c) => c.topic === `case ${i}`)!.error.message, expected, `case ${i}`));
    assert.match(s.caught.find((c) => c.topic === 'text')!.error.message, /is not a WAV file/);
    assert.match(s.caught.find((c) => c.topic === 'folder')!.error.message, /not a regular file/);
    for (const c of all) assert.doesNotMatch(c.error.message, /hunter2|password/);
    assert.equal(r.out.length + s.out.length, 0);
  });

  it('bad input: audio that is not audio, no msg.call, an unknown call, a bad stop key, a non-WAV buffer: each a named error', async () => {
    const r = await load();
    const call = await r.call();
    const cases: Array<[Msg, string, RegExp]> = [
      [{ payload: 42, call }, 'ERR_TAPI_VALIDATION', /WAV Buffer, a WAV file path, or \{ pcm/],
      [{ payload: { pcm: [1, 2, 3], sampleRate: 8000 }, call }, 'ERR_TAPI_VALIDATION', /pcm must be an Int16Array/],
      [{ payload: { pcm: new Int16Array(8), sampleRate: 5 }, call }, 'ERR_TAPI_VALIDATION', /sampleRate/],
      [{ payload: Buffer.from('hello, this is not a wave file'), call }, 'ERR_TAPI_VALIDATION', /not a WAV file/],
      [{ call }, 'ERR_TAPI_VALIDATION', /nothing to play/],
      [{ payload: tone(100) }, 'ERR_TAPI_VALIDATION', /msg.call must be/],
      [{ payload: tone(100), call: { id: 'no-such-call' } }, 'LINEERR_INVALCALLHANDLE', /holds no call no-such-call/],
    ];
    cases.forEach(([msg], i) => r.play({ ...msg, topic: `case ${i}` }));
    await waitFor(() => r.caught.length === cases.length, 10000, 'every error');
    cases.forEach(([, code, message], i) => {
      const caught = r.caught.find((c) => c.topic === `case ${i}`)!;
      assert.equal(codeOf(caught.error), code, `case ${i}`);
      assert.match(caught.error.message, message, `case ${i}`);
    });
    assert.equal(r.out.length, 0);
    assert.equal(r.sim.heard(call.handle).playedMs, 0, 'nothing was played');
    await helper.unload();
    const s = await load({ stopOnDigits: 'xyz' });
    const call2 = await s.call();
    s.play({ payload: tone(100), call: call2 });
    await waitFor(() => s.caught.length > 0, 10000, 'the stop-key error');
    assert.equal(codeOf(s.caught[0].error), 'ERR_TAPI_VALIDATION');
    assert.match(s.caught[0].error.message, /stopOnDigits/);
  });

  it('a msg.payload that throws when read: ERR_TAPI_VALIDATION with only _msgid and topic; the node still plays afterwards', async () => {
    const r = await load();
    const call = await r.call();
    r.play(
      Object.defineProperty({ topic: 'boom', _msgid: 'm1', call }, 'payload', {
        get() {
          throw new Error('getter');
        },
        enumerable: true,
      }),
    );
    r.play({
      topic: 'boom',
      _msgid: 'm2',
      call,
      payload: new Proxy(
        {},
        {
          get() {
            throw new Error('proxy');
          },
          ownKeys() {
            throw new Error('proxy keys');
          },
        },
      ),
    });
    await waitFor(() => r.caught.length === 2, 10000, 'both errors');
    for (const c of r.caught) {
      assert.equal(codeOf(c.error), 'ERR_TAPI_VALIDATION');
      assert.deepEqual(
        Object.keys(c)
          .filter((k) => k !== 'error' && k !== '_error')
          .sort(),
        ['_msgid', 'topic'],
      );
    }
    r.play({ payload: tone(100), call });
    await waitFor(() => r.out.length > 0, 10000, 'a prompt after them');
    assert.equal(r.out[0].payload.completed, true);
  });

  it('the analog line (no wave devices): LINEERR_INVALDEVICECLASS with the plain sentence, status "no audio device"', async () => {
    const r = await load({}, { line: 'Simulated Analog Line' });
    const call = await r.call();
    r.play({ payload: tone(500), call });
    await waitFor(() => r.caught.length > 0 || r.out.length > 0, 10000, 'the refusal');
    assert.equal(r.out.length, 0);
    assert.equal(codeOf(r.caught[0].error), 'LINEERR_INVALDEVICECLASS');
    assert.ok(r.caught[0].error.message.includes(NO_AUDIO_DEVICE), r.caught[0].error.message);
    assert.deepEqual(statusesOf(helper.getNode('pl')).pop(), { fill: 'red', shape: 'ring', text: 'no audio device' });
  });

  it('the analog line with "pass the message on": completed false, reason noaudio, no error', async () => {
    const r = await load({ noAudio: 'skip' }, { line: 'Simulated Analog Line' });
    const call = await r.call();
    r.play({ payload: tone(500), call, topic: 'menu' });
    await waitFor(() => r.caught.length > 0 || r.out.length > 0, 10000, 'the message passed on');
    assert.deepEqual(r.caught, []);
    assert.deepEqual(r.out[0].payload, { completed: false, playedMs: 0, reason: 'noaudio' });
    assert.equal(r.out[0].call.id, call.id);
    assert.equal(r.out[0].topic, 'menu');
    assert.deepEqual(statusesOf(helper.getNode('pl')).pop(), { fill: 'red', shape: 'ring', text: 'no audio device' });
  });

  it('redeploying while a prompt plays stops it and sends nothing more; nothing is left at the exchange', async () => {
    const r = await load();
    const call = await r.call();
    r.play({ payload: tone(120000), call });
    await waitFor(() => r.sim.heard(call.handle).playedMs >= 100, 10000, 'the prompt playing');
    await helper.unload();
    assert.equal(r.out.length, 0);
  });
});
