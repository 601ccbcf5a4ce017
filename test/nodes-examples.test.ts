// The examples 04-08, imported as they are into Node-RED (test helper) and driven the way a user would:
// their inject nodes pressed, their debug nodes read (replaced by helper nodes with the same ids and wires).
// Only the simulator's time scale is changed, so a run takes a fraction of a second per simulated second. Node-RED's
// user directory holds this package under node_modules (a link to the repository), as npm installs it, so the
// prompts the examples play are found where a user's Node-RED finds them.
import callControlNode from '../nodes/call-control';
import digitsNode from '../nodes/digits';
import playNode from '../nodes/play';
import recordNode from '../nodes/record';
import simulateNode from '../nodes/simulate';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WaveFile } from 'wavefile';
import type { OpenedTapi } from '../lib/tapi';
import { activeTapis } from '../nodes/lib/tapi-registry';
import { allNodes, collector, helper, outstanding, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const coreDir = path.dirname(
  require.resolve('@node-red/nodes/package.json', {
    paths: [path.dirname(require.resolve('node-red', process.env.NODE_RED_PREFIX ? { paths: [process.env.NODE_RED_PREFIX] } : undefined))],
  }),
);
const core = [
  'common/20-inject.js',
  'common/90-comment.js',
  'function/10-function.js',
  'function/10-switch.js',
  'function/15-change.js',
  'storage/10-file.js',
].map(
  // Node-RED's own core nodes, from the Node-RED under test: a path known only at run time.

  (f) => require(path.join(coreDir, 'core', f)) as (RED: unknown) => void,
);
const nodes = [...allNodes, callControlNode, digitsNode, playNode, recordNode, simulateNode, ...core];

/** Samples of a WAV file (16-bit). */
function wavSamples(bytes: Buffer): { rate: number; channels: number; samples: Int16Array } {
  const wav = new WaveFile(bytes);
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  const samples = wav.getSamples(false, Int16Array as unknown as Parameters<WaveFile['getSamples']>[1]) as unknown as Int16Array;
  return { rate: fmt.sampleRate, channels: fmt.numChannels, samples };
}
const wavMs = (file: string) =>
  Math.round((wavSamples(fs.readFileSync(path.join(repoRoot, 'examples', file))).samples.length * 1000) / 8000);

type FlowNode = Msg & { id: string; type: string; name?: string; wires?: string[][] };

function example(file: string, timeScale: number): FlowNode[] {
  const flow = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', file), 'utf8')) as FlowNode[];
  return flow.map((n) => {
    if (n.type === 'debug') return { id: n.id, type: 'helper', z: n.z, name: n.name };
    if (n.type === 'tapi-line') return { ...n, simulatorTimeScale: timeScale };
    return n;
  });
}

function byName(flow: FlowNode[], type: string, name: string): FlowNode {
  const found = flow.find((n) => n.type === type && n.name === name);
  assert.ok(found, `${type} "${name}" in the example`);
  return found;
}

async function load(file: string, timeScale: number) {
  const flow = example(file, timeScale);
  // Every debug node's messages, by its name.
  const catcher = {
    id: 'catch-all',
    type: 'catch',
    z: flow.find((n) => n.type === 'tab')!.id,
    scope: null,
    uncaught: false,
    wires: [['caught']],
  };
  await helper.load(nodes, [...flow, catcher, { id: 'caught', type: 'helper', z: catcher.z }]);
  const debug: Record<string, Msg[]> = {};
  for (const n of flow) if (n.type === 'helper') debug[n.name!] = collector(helper.getNode(n.id));
  const caught = collector(helper.getNode('caught'));
  const line = flow.find((n) => n.type === 'tapi-line')!;
  await waitFor(() => helper.getNode(line.id).shared.state === 'open', 5000, 'the line open');
  const press = (name: string) => helper.getNode(byName(flow, 'inject', name).id).receive({});
  return { flow, debug, caught, press, sim: () => (activeTapis()[0] as OpenedTapi).simulator! };
}

describe('examples 04-08 on the simulator', function () {
  this.timeout(60000);
  let userDir: string;

  before(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-examples-'));
    fs.mkdirSync(path.join(userDir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(userDir, 'node_modules', 'node-red-contrib-tapi'), 'junction');
    helper.settings({ userDir });
  });
  after(() => {
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await unloadAndCheckClean();
  });

  it('every example has a tab, a comment node, and only node types of this package or of Node-RED core', () => {
    for (const file of [
      '04-ivr-menu.json',
      '05-call-screening.json',
      '06-click-to-dial-and-transfer.json',
      '07-alarm-cascade.json',
      '08-voicemail.json',
    ]) {
      const flow = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', file), 'utf8')) as FlowNode[];
      assert.equal(flow.filter((n) => n.type === 'tab').length, 1, file);
      assert.ok(
        flow.some((n) => n.type === 'comment' && typeof n.info === 'string' && n.info.length > 100),
        `${file}: an explaining comment`,
      );
      for (const n of flow)
        assert.match(n.type, /^(tab|comment|inject|debug|function|switch|change|file|tapi-[a-z-]+)$/, `${file}: ${n.type}`);
    }
  });

  describe('04-ivr-menu', function () {
    it('caller presses 1 during the menu prompt: the prompt stops (barge-in), the call is transferred to 5550100', async () => {
      const r = await load('04-ivr-menu.json', 0.1);
      const heard: number[] = [];
      const choice = byName(r.flow, 'switch', 'which key?');
      helper.getNode(choice.id).on('input', (msg: Msg) => heard.push(r.sim().heard(msg.call.handle).playedMs));
      r.press('caller presses 1');
      await waitFor(() => r.debug['transferred'].length > 0 || r.caught.length > 0, 10000, 'the transfer');
      assert.deepEqual(r.caught, []);
      assert.equal(r.debug['transferred'][0].payload.action, 'transfer');
      assert.equal(r.debug['door opened'].length + r.debug['no choice: hung up'].length, 0);
      // The key came 1 s after the answer, while the 3.7 s menu played: part of it was heard, not all.
      assert.equal(heard.length, 1);
      assert.ok(heard[0] > 0 && heard[0] < wavMs('04-ivr-menu-prompt.wav'), `heard ${heard[0]} ms of the menu`);
    });

    it('caller presses 2: the door code *1# goes out by DTMF, then the call is hung up', async () => {
      const r = await load('04-ivr-menu.json', 0.1);
      const sent = byName(r.flow, 'tapi-call-control', 'send door code *1#');
      const codes: string[] = [];
      // What the far end heard, read when the code has been sent (before the hang-up).
      const hangup = r.flow.find((n) => n.type === 'tapi-call-control' && n.action === 'hangup' && sent.wires![0].includes(n.id))!;
      helper.getNode(hangup.id).on('input', (msg: Msg) => codes.push(r.sim().generated(msg.call.handle).digits));
      r.press('caller presses 2');
      await waitFor(() => r.debug['door opened'].length > 0 || r.caught.length > 0, 10000, 'the door branch');
      assert.deepEqual(r.caught, []);
      assert.deepEqual(codes, ['*1#']);
      assert.equal(r.debug['door opened'][0].payload.action, 'hangup');
      assert.equal(r.debug['transferred'].length, 0);
    });

    it('caller presses nothing: prompted once more (a beep), then hung up', async () => {
      const r = await load('04-ivr-menu.json', 0.1);
      const beep = byName(r.flow, 'tapi-call-control', 'beep (prompt)');
      const beeps = collector(helper.getNode(beep.id));
      const heard: number[] = [];
      const collect = byName(r.flow, 'tapi-digits', 'press 1 or 2');
      helper.getNode(collect.id).on('input', (msg: Msg) => heard.push(r.sim().heard(msg.call.handle).playedMs));
      r.press('caller presses nothing');
      await waitFor(() => r.debug['no choice: hung up'].length > 0 || r.caught.length > 0, 20000, 'the hang-up');
      assert.deepEqual(r.caught, []);
      assert.equal(beeps.length, 1, 'prompted once more');
      assert.equal(r.debug['no choice: hung up'][0].payload.action, 'hangup');
      assert.equal(r.debug['no choice: hung up'][0].prompts, 2);
      assert.equal(outstanding().calls, 0);
      // The whole menu was played before the digits node listened (and nothing more before the second try).
      assert.deepEqual(heard, [wavMs('04-ivr-menu-prompt.wav'), wavMs('04-ivr-menu-prompt.wav')]);
    });
  });

  it('05-call-screening: the blocked caller is rejected, the VIP redirected to the mobile, the rest rings through', async () => {
    const r = await load('05-call-screening.json', 0.1);
    r.press('blocked caller 5550666');
    r.press('VIP 5550777');
    r.press('someone else 5551234');
    await waitFor(
      () => r.debug['rejected'].length && r.debug['redirected to the mobile'].length && r.debug['rings through'].length,
      10000,
      'three outcomes',
    );
    assert.deepEqual(r.caught, []);
    assert.equal(r.debug['rejected'][0].payload.action, 'reject');
    assert.equal(r.debug['redirected to the mobile'][0].payload.action, 'redirect');
    assert.equal(r.debug['rings through'][0].payload.callerId, '5551234');
    assert.equal(
      r.debug['rejected'].length + r.debug['redirected to the mobile'].length + r.debug['rings through'].length,
      3,
      'each call handled once',
    );
  });

  it('06-click-to-dial-and-transfer: call the customer, consult the colleague, transfer', async () => {
    const r = await load('06-click-to-dial-and-transfer.json', 0.1);
    r.press('call customer 5550100');
    await waitFor(() => r.debug['customer answered'].length > 0 || r.caught.length > 0, 10000, 'the customer');
    r.press('transfer to colleague');
    await waitFor(() => r.debug['transferred'].length > 0 || r.caught.length > 0, 10000, 'the transfer');
    assert.deepEqual(r.caught, []);
    assert.equal(r.debug['colleague answered'][0].payload.action, 'consult');
    assert.equal(r.debug['transferred'][0].payload.action, 'complete');
    assert.equal(r.debug['transferred'][0].call.id, r.debug['customer answered'][0].call.id);
  });

  it('07-alarm-cascade: five calls through a line with one call appearance; every outcome reported, nobody skipped', async () => {
    const r = await load('07-alarm-cascade.json', 0.02);
    r.press('alarm!');
    await waitFor(() => r.debug['summary'].length > 0 || r.caught.length > 0, 30000, 'the summary');
    assert.deepEqual(r.caught, []);
    const outcomes = Object.fromEntries(r.debug['summary'][0].payload.map((o: Msg) => [o.number, o.outcome]));
    assert.deepEqual(outcomes, {
      '5550100': 'connected',
      '5550101': 'busy',
      '5550102': 'noanswer',
      '5550103': 'reject',
      '5550106': 'connected',
    });
    assert.equal(r.debug['each outcome'].length, 5);
  });

  it("08-voicemail: answered after 3 rings, the greeting heard, the caller's words recorded until #, the WAV written by the file node", async () => {
    const folder = path.join(userDir, 'voicemail-test');
    process.env.VOICEMAIL_DIR = folder;
    try {
      const r = await load('08-voicemail.json', 0.1);
      const rings: number[] = [];
      const greeted: number[] = [];
      const record = byName(r.flow, 'tapi-record', 'message');
      helper.getNode(record.id).on('input', (msg: Msg) => greeted.push(r.sim().heard(msg.call.handle).playedMs));
      const line = helper.getNode(r.flow.find((n) => n.type === 'tapi-line')!.id);
      line.shared.on('ringing', () => rings.push(Date.now()));
      r.press('a caller rings');
      await waitFor(() => greeted.length > 0 || r.caught.length > 0, 20000, 'the greeting played');
      assert.deepEqual(r.caught, []);
      assert.equal(rings.length, 3, 'answered on the third ring');
      assert.deepEqual(greeted, [wavMs('08-voicemail-greeting.wav')], 'the whole greeting was heard');
      r.press('the caller speaks');
      // 4 simulated seconds of speech: 0.5 s at timeScale 0.1 is 5 simulated seconds.
      await new Promise((resolve) => setTimeout(resolve, 500));
      r.press('the caller presses #');
      await waitFor(() => (r.debug['saved'].length > 0 && r.debug['hung up'].length > 0) || r.caught.length > 0, 20000, 'saved, hung up');
      assert.deepEqual(r.caught, []);
      const saved = r.debug['saved'][0];
      assert.equal(path.dirname(saved.filename), folder);
      assert.match(path.basename(saved.filename), /^5551008-\d{8}T\d{6}\.wav$/);
      assert.deepEqual([saved.recording.reason, saved.recording.digit], ['digit', '#']);
      const wav = wavSamples(fs.readFileSync(saved.filename));
      assert.deepEqual([wav.rate, wav.channels], [8000, 1]);
      assert.equal(wav.samples.length, Math.round((saved.recording.durationMs * 8000) / 1000));
      assert.ok(saved.recording.durationMs >= 4000 && saved.recording.durationMs < 60000, `durationMs ${saved.recording.durationMs}`);
      const loud: number[] = [];
      for (let at = 0, i = 0; at + 160 <= wav.samples.length; at += 160, i++) {
        if (wav.samples.subarray(at, at + 160).reduce((n, v) => n + Math.abs(v), 0) / 160 > 500) loud.push(i);
      }
      // The stand-in voice: 4 s of 200 ms tones with 50 ms pauses (about 80 % of the 20 ms frames loud), recorded whole.
      const spanMs = (loud[loud.length - 1] - loud[0] + 1) * 20;
      assert.ok(spanMs >= 3900 && spanMs <= 4060, `speech over ${spanMs} ms`);
      assert.ok(loud.length >= 150 && loud.length <= 190, `${loud.length} loud frames`);
      assert.equal(r.debug['hung up'][0].payload.action, 'hangup');
      await waitFor(() => outstanding().calls === 0, 5000, 'the call gone');
    } finally {
      delete process.env.VOICEMAIL_DIR;
    }
  });
});
