// The alarm examples (02, 07) on a SIP line, set up as in nodes-examples-sip.test.ts: each flow imported as it is,
// with only its tapi-line switched to provider "sip" (registrar = a sip-peer on 127.0.0.1 that challenges the
// REGISTER with digest; credentials as Node-RED credentials; Line cleared). The sip-peer is the far end and answers
// each number by a script: the statuses of its successive INVITEs (200 = answered). Debug nodes are replaced by
// helper nodes with the same ids.
//
// 02 runs as shipped: its "wait before retrying" delay is 10 s, so each 02 test waits one real 10 s pause.
// 07 runs as shipped. It is not a "stop at the first answer" cascade: it calls all five numbers and reports each
// outcome. On the simulated analog line (one call appearance) make call queues the calls one at a time; a SIP
// line has maxCalls 4 call appearances (the tapi-line has no setting for it), so the first four INVITEs go out
// together, in the list's order, and the fifth waits in the queue until a call appearance is free.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipRequest } from '../lib/tapi/providers/sip/core/types';
import { RtpSession } from '../lib/tapi/providers/sip/media';
import { SipPeer, type PeerRecord } from './helpers/sip-peer';
import { allNodes, collector, helper, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

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
  'function/89-delay.js',
].map(
  // Node-RED's own core nodes, from the Node-RED under test: a path known only at run time.
  (f) => require(path.join(coreDir, 'core', f)) as (RED: unknown) => void,
);
const nodes = [...allNodes, ...core];

const SECRET = 'alarm-S3cret-42';
const WAIT = 15000;

type FlowNode = Msg & { id: string; type: string; name?: string; wires?: string[][] };

/** Registrar and far end: `script[number]` gives the final status of its 1st, 2nd, ... INVITE (200 = answer). */
class FarEnd {
  readonly media: RtpSession[] = [];
  private readonly seen = new Map<string, number>();

  private constructor(
    readonly peer: SipPeer,
    private readonly script: Record<string, number[]>,
    private readonly hangUp: Set<string>,
  ) {}

  static async open(script: Record<string, number[]>, hangUp: string[] = []): Promise<FarEnd> {
    const peer = await SipPeer.open({ transport: 'udp', address: '127.0.0.1' });
    const far = new FarEnd(peer, script, new Set(hangUp));
    peer.challenge('REGISTER', { password: SECRET, username: 'auth-nodered' });
    peer.onRequest('REGISTER', (req, reply) => {
      reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
    });
    peer.onRequest('INVITE', (req, reply) => far.answer(req, reply));
    return far;
  }

  private answer(req: SipRequest, reply: (status: number, options?: { sdp?: string }) => unknown): void {
    const callId = header(req, 'call-id') ?? '';
    const accept = () =>
      void RtpSession.open({ bindAddress: '127.0.0.1' }).then((m) => {
        this.media.push(m);
        reply(200, { sdp: m.acceptOffer(req.body.toString()) });
      });
    if (header(req, 'to')?.includes('tag=')) return accept();
    const user = userOf(req);
    const n = this.seen.get(user) ?? 0;
    this.seen.set(user, n + 1);
    const steps = this.script[user] ?? [200];
    const status = steps[Math.min(n, steps.length - 1)];
    reply(100);
    reply(180);
    if (status !== 200) {
      reply(status);
      return;
    }
    accept();
    if (this.hangUp.has(user)) setTimeout(() => this.bye(callId), 300).unref();
  }

  bye(callId: string): void {
    void this.peer
      .dialog(callId, 3000)
      .then((dialog) => this.peer.request('BYE', { dialog }))
      .catch(() => undefined);
  }

  /** The first INVITE of each call (no To tag), in the order received. */
  invites(): SipRequest[] {
    return this.peer.requests('INVITE').filter((r) => !header(r, 'to')?.includes('tag='));
  }

  async close(): Promise<void> {
    for (const m of this.media) m.close();
    this.media.length = 0;
    await this.peer.close();
  }
}

function userOf(req: SipRequest): string {
  return decodeURIComponent(/^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? '');
}

function sipExample(file: string, far: FarEnd): { flow: FlowNode[]; credentials: Record<string, unknown> } {
  const flow = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', file), 'utf8')) as FlowNode[];
  const credentials: Record<string, unknown> = {};
  const mapped = flow.map((n) => {
    if (n.type === 'debug') return { id: n.id, type: 'helper', z: n.z, name: n.name };
    if (n.type === 'tapi-line') {
      credentials[n.id] = { sipUser: 'nodered', sipAuthUser: 'auth-nodered', sipPassword: SECRET, sipDisplayName: 'Node-RED' };
      return {
        ...n,
        provider: 'sip',
        line: '',
        sipRegistrar: far.peer.hostPort,
        sipBindAddress: '127.0.0.1',
        sipTransport: 'udp',
        sipRegister: true,
      };
    }
    return n;
  });
  return { flow: mapped, credentials };
}

async function load(file: string, far: FarEnd) {
  const { flow, credentials } = sipExample(file, far);
  const tab = flow.find((n) => n.type === 'tab')!.id;
  // A catch-all, unless the example has a Catch node of its own (the test helper registers the catch module once).
  const extra = flow.some((n) => n.type === 'catch')
    ? [{ id: 'caught', type: 'helper', z: tab }]
    : [
        { id: 'catch-all', type: 'catch', z: tab, scope: null, uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: tab },
      ];
  await helper.load(nodes, [...flow, ...extra], credentials);
  const debug: Record<string, Msg[]> = {};
  for (const n of flow) if (n.type === 'helper') debug[n.name!] = collector(helper.getNode(n.id));
  const caught = collector(helper.getNode('caught'));
  const line = flow.find((n) => n.type === 'tapi-line')!;
  await waitFor(() => helper.getNode(line.id).shared.state === 'open', WAIT, 'the SIP line open');
  await far.peer.until(
    () => far.peer.auth.some((a) => a.method === 'REGISTER' && a.outcome === 'accepted'),
    'a REGISTER with digest',
    WAIT,
  );
  const inject = flow.find((n) => n.type === 'inject' && n.name === 'alarm!');
  assert.ok(inject, 'the "alarm!" inject in the example');
  // The inject node's own payload (a button press in the editor).
  const press = () => helper.getNode(inject.id).receive({});
  return { flow, debug, caught, press };
}

describe('alarm examples on a SIP line (sip-peer on loopback as registrar and far end)', function () {
  this.timeout(30000);
  let userDir: string;
  let far: FarEnd | undefined;

  before(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-examples-sip-alarm-'));
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
    await far?.close();
    far = undefined;
  });

  for (const [status, outcome] of [
    [486, 'busy'],
    [480, 'noanswer'],
  ] as const) {
    it(`02-alarm-call-with-retry as shipped (10 s retry delay): the first INVITE gets ${status} (${outcome}), the retry is answered`, async () => {
      // 5550101 is the example's number; the far end hangs up the answered call.
      far = await FarEnd.open({ '5550101': [status, 200] }, ['5550101']);
      const r = await load('02-alarm-call-with-retry.json', far);
      r.press();
      await waitFor(() => r.debug['answered'].length > 0 || r.debug['gave up'].length > 0 || r.caught.length > 0, 25000, 'the outcome');
      assert.deepEqual(r.caught, []);
      assert.deepEqual(r.debug['error'], []);
      assert.deepEqual(r.debug['gave up'], []);
      assert.equal(r.debug['answered'].length, 1);
      assert.equal(r.debug['answered'][0].payload.outcome, 'connected');
      const invites = far.invites();
      assert.deepEqual(
        invites.map((i) => userOf(i)),
        ['5550101', '5550101'],
      );
      assert.notEqual(header(invites[0], 'call-id'), header(invites[1], 'call-id'), 'the retry is a new call');
      const finals = far.peer.log
        .filter((e) => e.direction === 'out' && e.message.kind === 'response' && e.message.status >= 200)
        .filter((e) => /INVITE/.test(header(e.message, 'cseq') ?? ''))
        .map((e) => (e.message.kind === 'response' ? e.message.status : 0));
      assert.deepEqual(finals.slice(0, 2), [status, 200]);
      // The far end hangs up: the call ends, nothing more is tried.
      await far.peer.until(
        () => far!.peer.responses((res) => res.status === 200 && /BYE/.test(header(res, 'cseq') ?? '')).length > 0,
        'the BYE answered',
        WAIT,
      );
      assert.equal(far.invites().length, 2);
    });
  }

  it('07-alarm-cascade as shipped: five INVITEs in the list order (the fifth queued until a call appearance is free), every outcome reported', async () => {
    far = await FarEnd.open({ '5550100': [200], '5550101': [486], '5550102': [480], '5550103': [603], '5550106': [200] }, ['5550106']);
    const r = await load('07-alarm-cascade.json', far);
    r.press();
    await waitFor(() => r.debug['summary'].length > 0 || r.caught.length > 0, 25000, 'the summary');
    assert.deepEqual(r.caught, []);
    const invites = far.invites();
    assert.deepEqual(
      invites.map((i) => userOf(i)),
      ['5550100', '5550101', '5550102', '5550103', '5550106'],
    );
    // The fifth INVITE went out only after one of the first four calls had ended (a final failure sent).
    const at = (pred: (e: PeerRecord) => boolean) => far!.peer.log.findIndex(pred);
    const fifth = at((e) => e.direction === 'in' && e.message === invites[4]);
    const firstFailure = at((e) => e.direction === 'out' && e.message.kind === 'response' && e.message.status >= 400);
    assert.ok(firstFailure >= 0 && firstFailure < fifth, 'the fifth call waited for a free call appearance');
    const summary = r.debug['summary'][0].payload as { number: string; outcome: string }[];
    const outcomes = Object.fromEntries(summary.map((s) => [s.number, s.outcome]));
    assert.deepEqual(outcomes, {
      '5550100': 'connected',
      '5550101': 'busy',
      '5550102': 'noanswer',
      '5550103': 'reject',
      '5550106': 'connected',
    });
    assert.equal(r.debug['each outcome'].length, 5);
    // 5550100 was hung up by the flow (maxDuration 5 s); 5550106 by the far end.
    await far.peer.until(
      () => far!.peer.requests('BYE').some((b) => header(b, 'call-id') === header(invites[0], 'call-id')),
      'the flow hangs up 5550100',
      WAIT,
    );
    assert.equal(far.invites().length, 5, 'nobody is called twice');
  });
});
