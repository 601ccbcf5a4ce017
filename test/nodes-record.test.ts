// record in a flow, on the simulator: each end reason (maxduration, digit, silence, hangup, stopped) gives a valid
// WAV of the length it says, holding what the far end said (remoteAudio, 5550111's prompt); file output inside
// the node's folder, never overwriting and never outside it; named errors; the analog line without wave devices.
import recordNode from '../nodes/record';
import simulateNode from '../nodes/simulate';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WaveFile } from 'wavefile';
import { NO_AUDIO_DEVICE, toneSequence, type OpenedTapi } from '../lib/tapi';
import { activeTapis } from '../nodes/lib/tapi-registry';
import { codeOf } from './nodes-catch';
import { withEnglish } from './nodes-i18n';
import { allNodes, collector, helper, lineDef, statusesOf, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

const nodes = [...allNodes, withEnglish(recordNode), simulateNode];
const INT16 = Int16Array as unknown as Parameters<WaveFile['getSamples']>[1];

/** The WAV's format and samples; throws when it is not a WAV. */
function parseWav(bytes: Buffer): { rate: number; channels: number; bits: number; samples: Int16Array } {
  const wav = new WaveFile(bytes);
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
  return {
    rate: fmt.sampleRate,
    channels: fmt.numChannels,
    bits: fmt.bitsPerSample,
    samples: wav.getSamples(false, INT16) as unknown as Int16Array,
  };
}

const loudness = (s: Int16Array, from: number, to: number) =>
  s.subarray(from, to).reduce((n, v) => n + Math.abs(v), 0) / Math.max(1, to - from);

function flow(record: Record<string, unknown>, line: Record<string, unknown> = {}): Msg[] {
  return [
    lineDef('line1', { privileges: 'owner', ...line }),
    { id: 'mk', type: 'tapi-make-call', line: 'line1', sendWhen: 'connected', wires: [['made']] },
    { id: 'made', type: 'helper' },
    { id: 'rec', type: 'tapi-record', line: 'line1', maxDuration: 3600, stopOnDigits: '', silence: 0, wires: [['out']], ...record },
    { id: 'out', type: 'helper' },
    { id: 'talker', type: 'tapi-simulate', line: 'line1', action: 'speak', wires: [['spoke']] },
    { id: 'spoke', type: 'helper' },
    { id: 'catch1', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ];
}

async function load(record: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  await helper.load(nodes, flow(record, line));
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
  const recording = () => statusesOf(helper.getNode('rec')).some((s) => s.text === 'recording …');
  return { ...r, sim, call, recording, record: (msg: Msg) => helper.getNode('rec').receive(msg) };
}

describe('record node', function () {
  this.timeout(20000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-record-'));
  });
  afterEach(async () => {
    await unloadAndCheckClean();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('maxduration: 5550111 speaks its two-second prompt; a 3 s recording is an 8 kHz 16-bit mono WAV of 24000 samples holding it', async () => {
    const r = await load({ maxDuration: 3 });
    const call = await r.call('5550111');
    r.record({ call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the recording');
    assert.deepEqual(r.caught, []);
    const m = r.out[0];
    assert.ok(Buffer.isBuffer(m.payload));
    assert.deepEqual(m.recording, { durationMs: 3000, reason: 'maxduration' });
    assert.equal(m.call.id, call.id);
    const wav = parseWav(m.payload);
    assert.deepEqual([wav.rate, wav.channels, wav.bits, wav.samples.length], [8000, 1, 16, 24000]);
    assert.ok(loudness(wav.samples, 0, 8000) > 1000, 'the prompt is in the first second');
    assert.ok(loudness(wav.samples, 17000, 24000) < 100, 'silence after it');
    assert.deepEqual(statusesOf(helper.getNode('rec')).pop(), { fill: 'green', shape: 'dot', text: 'recorded 3.0 s' });
  });

  it('what the far end says (remoteAudio) is in the recording, where it was said', async () => {
    const r = await load({ maxDuration: 1 });
    const call = await r.call();
    // At timeScale 0 the simulated clock stands still until a timer fires: the caller starts speaking as the
    // recording starts.
    r.sim.remoteAudio(call.handle, { pcm: toneSequence([{ frequency: 500, ms: 400 }]), sampleRate: 8000 });
    r.record({ call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the recording');
    assert.deepEqual(r.caught, []);
    const wav = parseWav(r.out[0].payload);
    assert.equal(wav.samples.length, 8000);
    const loud = Array.from({ length: 50 }, (_, i) => loudness(wav.samples, i * 160, (i + 1) * 160) > 1000);
    const speech = loud.filter(Boolean).length;
    assert.ok(speech >= 19 && speech <= 21, `${speech} loud 20 ms frames (400 ms of speech)`);
    assert.equal(loud.lastIndexOf(true) - loud.indexOf(true) + 1, speech, 'one stretch of speech');
  });

  it('the simulate node speaks as the caller: { seconds } of a stand-in voice, or a WAV Buffer', async () => {
    const r = await load({ maxDuration: 2 });
    const spoke = collector(helper.getNode('spoke'));
    const call = await r.call();
    helper.getNode('talker').receive({ payload: { seconds: 1 }, call });
    await waitFor(() => spoke.length > 0 || r.caught.length > 0, 5000, 'the caller speaking');
    r.record({ call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the recording');
    assert.deepEqual(r.caught, []);
    const samples = parseWav(r.out[0].payload).samples;
    assert.equal(samples.length, 16000);
    assert.ok(loudness(samples, 0, 7200) > 1000, 'the voice in the first second');
    assert.ok(loudness(samples, 8400, 16000) < 10, 'silence after it');
    helper.getNode('talker').receive({ payload: { seconds: 9999 }, call, topic: 'long' });
    helper.getNode('talker').receive({ payload: { seconds: 1 }, call: { id: 'nope' }, topic: 'nocall' });
    const caught: Msg[] = r.caught;
    await waitFor(() => caught.length === 2, 5000, 'two refusals');
    assert.match(caught.find((c) => c.topic === 'long')!.error.message, /seconds must be from 0 to 600/);
    assert.equal(codeOf(caught.find((c) => c.topic === 'nocall')!.error), 'LINEERR_INVALCALLHANDLE');
  });

  it('digit: a stop key ends the recording, with the digit; other keys do not', async () => {
    const r = await load({ stopOnDigits: '#' });
    const call = await r.call();
    r.record({ call });
    await waitFor(() => r.recording(), 5000, 'recording');
    // '1' comes first: had it stopped the recording, the digit would be '1'.
    r.sim.remoteDigits(call.handle, '1#', { interDigitMs: 0 });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the recording');
    assert.deepEqual(r.caught, []);
    const m = r.out[0];
    assert.deepEqual([m.recording.reason, m.recording.digit], ['digit', '#']);
    assert.ok(m.recording.durationMs < 3600000);
    assert.equal(parseWav(m.payload).samples.length, Math.round((m.recording.durationMs * 8000) / 1000));
  });

  it('silence: ends after 0.5 s of quiet following speech (5550111: about 2.5 s)', async () => {
    const r = await load({ silence: 0.5 });
    const call = await r.call('5550111');
    r.record({ call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the recording');
    assert.deepEqual(r.caught, []);
    const m = r.out[0];
    assert.equal(m.recording.reason, 'silence');
    assert.ok(m.recording.durationMs >= 2500 && m.recording.durationMs < 2700, `durationMs ${m.recording.durationMs}`);
    assert.equal(parseWav(m.payload).samples.length, Math.round((m.recording.durationMs * 8000) / 1000));
  });

  it('hangup: the far end hangs up while speaking; the WAV holds what was said', async () => {
    const r = await load();
    const call = await r.call();
    r.record({ call });
    await waitFor(() => r.recording(), 5000, 'recording');
    r.sim.remoteAudio(call.handle, { pcm: toneSequence([{ frequency: 500, ms: 400 }]), sampleRate: 8000 });
    r.sim.remoteHangup(call.handle);
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the recording');
    assert.deepEqual(r.caught, []);
    const m = r.out[0];
    assert.equal(m.recording.reason, 'hangup');
    assert.equal(parseWav(m.payload).samples.length, Math.round((m.recording.durationMs * 8000) / 1000));
  });

  it('stopped: msg.stop (with msg.call) and topic "stop" (every recording of the node) end it with reason stopped', async () => {
    const r = await load();
    const call = await r.call();
    r.record({ call, topic: 'first' });
    await waitFor(() => r.recording(), 5000, 'recording');
    r.record({ stop: true, call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the recording');
    assert.deepEqual(r.caught, []);
    assert.equal(r.out[0].topic, 'first');
    assert.equal(r.out[0].recording.reason, 'stopped');
    parseWav(r.out[0].payload);
    r.record({ call, topic: 'second' });
    await waitFor(() => statusesOf(helper.getNode('rec')).filter((s) => s.text === 'recording …').length === 2, 5000, 'recording again');
    r.record({ topic: 'stop' });
    await waitFor(() => r.out.length === 2, 10000, 'the second recording');
    assert.deepEqual([r.out[1].topic, r.out[1].recording.reason], ['second', 'stopped']);
    assert.equal(r.out.length, 2, 'nothing sent for the stop messages');
  });

  it('file output: a new file in the folder from the template; msg.filename; a taken name gets -1; never overwritten', async () => {
    const folder = path.join(dir, 'voicemail');
    const r = await load({ maxDuration: 0.5, output: 'file', folder, filename: 'vm-{caller}-{call}.wav' });
    const call = await r.call();
    r.record({ call });
    await waitFor(() => r.out.length > 0 || r.caught.length > 0, 10000, 'the first file');
    assert.deepEqual(r.caught, []);
    const first = r.out[0];
    assert.equal(typeof first.payload, 'string');
    assert.equal(path.dirname(first.payload), folder);
    assert.match(path.basename(first.payload), /^vm-unknown-[A-Za-z0-9]{8}\.wav$/);
    assert.equal(first.recording.file, first.payload);
    assert.equal(parseWav(fs.readFileSync(first.payload)).samples.length, 4000);
    fs.writeFileSync(path.join(folder, 'message.wav'), 'keep me');
    r.record({ call, filename: 'message' });
    await waitFor(() => r.out.length > 1 || r.caught.length > 0, 10000, 'the second file');
    assert.deepEqual(r.caught, []);
    assert.equal(r.out[1].payload, path.join(folder, 'message-1.wav'));
    assert.equal(fs.readFileSync(path.join(folder, 'message.wav'), 'utf8'), 'keep me', 'the existing file is untouched');
    assert.equal(parseWav(fs.readFileSync(r.out[1].payload)).samples.length, 4000);
    assert.deepEqual(statusesOf(helper.getNode('rec')).pop(), { fill: 'green', shape: 'dot', text: 'saved 0.5 s' });
  });

  it('msg.filename cannot leave the folder: a path, .., a hidden name are refused before recording; nothing is written outside', async () => {
    const folder = path.join(dir, 'voicemail');
    const r = await load({ maxDuration: 0.5, output: 'file', folder });
    const call = await r.call();
    const names = ['../escape.wav', '/tmp/escape.wav', '..', '.hidden', 'a/b.wav', 'c\\d.wav', 42];
    names.forEach((filename, i) => r.record({ call, filename, topic: `case ${i}` }));
    await waitFor(() => r.caught.length === names.length, 10000, 'every refusal');
    for (const c of r.caught) {
      assert.equal(codeOf(c.error), 'ERR_TAPI_VALIDATION');
      assert.match(c.error.message, /msg.filename must be a plain file name/);
    }
    assert.equal(r.out.length, 0);
    assert.deepEqual(fs.readdirSync(dir), [], 'no file and no folder written');
  });

  it('a message whose msg.filename or msg.call throws when read: ERR_TAPI_VALIDATION with only _msgid and topic; recording goes on', async () => {
    const r = await load({ maxDuration: 0.5, output: 'file', folder: path.join(dir, 'vm') });
    const call = await r.call();
    const throwing = (key: string, extra: Msg) =>
      Object.defineProperty({ topic: 'boom', _msgid: key, ...extra }, key, {
        get() {
          throw new Error(key);
        },
        enumerable: true,
      });
    r.record(throwing('filename', { call }));
    r.record(throwing('call', {}));
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
    r.record({ call });
    await waitFor(() => r.out.length > 0, 10000, 'a recording after them');
    assert.equal(r.out[0].recording.reason, 'maxduration');
  });

  it('bad input: no msg.call, an unknown call, a maximum of 0 s, recording a call twice: each a named error', async () => {
    const r = await load();
    const call = await r.call();
    r.record({ topic: 'nocall' });
    r.record({ call: { id: 'no-such-call' }, topic: 'unknown' });
    await waitFor(() => r.caught.length === 2, 10000, 'two errors');
    const by = (topic: string) => r.caught.find((c) => c.topic === topic)!;
    assert.equal(codeOf(by('nocall').error), 'ERR_TAPI_VALIDATION');
    assert.equal(codeOf(by('unknown').error), 'LINEERR_INVALCALLHANDLE');
    r.record({ call, topic: 'first' });
    await waitFor(() => r.recording(), 5000, 'recording');
    r.record({ call, topic: 'twice' });
    await waitFor(() => r.caught.length === 3, 10000, 'the second recording refused');
    assert.equal(codeOf(by('twice').error), 'LINEERR_INVALCALLSTATE');
    assert.match(by('twice').error.message, /already being recorded/);
    r.record({ stop: true, call });
    await waitFor(() => r.out.length === 1, 10000, 'the first recording');
    assert.equal(r.out[0].topic, 'first');
    await helper.unload();
    const s = await load({ maxDuration: 0 });
    const call2 = await s.call();
    s.record({ call: call2 });
    await waitFor(() => s.caught.length > 0, 10000, 'the maxMs error');
    assert.equal(codeOf(s.caught[0].error), 'ERR_TAPI_VALIDATION');
    assert.match(s.caught[0].error.message, /maxMs/);
  });

  it('the analog line (no wave devices): LINEERR_INVALDEVICECLASS with the plain sentence, status "no audio device"', async () => {
    const r = await load({}, { line: 'Simulated Analog Line' });
    const call = await r.call();
    r.record({ call });
    await waitFor(() => r.caught.length > 0 || r.out.length > 0, 10000, 'the refusal');
    assert.equal(r.out.length, 0);
    assert.equal(codeOf(r.caught[0].error), 'LINEERR_INVALDEVICECLASS');
    assert.ok(r.caught[0].error.message.includes(NO_AUDIO_DEVICE), r.caught[0].error.message);
    assert.deepEqual(statusesOf(helper.getNode('rec')).pop(), { fill: 'red', shape: 'ring', text: 'no audio device' });
  });

  it('redeploying while recording ends the recording and sends nothing', async () => {
    const r = await load();
    const call = await r.call();
    r.record({ call });
    await waitFor(() => r.recording(), 5000, 'recording');
    await helper.unload();
    assert.equal(r.out.length, 0);
    assert.equal(r.caught.length, 0);
  });
});
