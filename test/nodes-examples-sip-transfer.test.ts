// Example 06 (click to dial and transfer) on a SIP line: the flow imported as shipped, with only its tapi-line
// switched to provider "sip" (as in test/nodes-examples-sip.test.ts: registrar = a sip-peer on 127.0.0.1 that
// challenges the REGISTER with digest, credentials as Node-RED credentials, Line left empty). The one sip-peer
// is both far ends: the customer 5550100 (the transferee: it answers the REFER with 202 and a NOTIFY 200, as if
// its call to the target with Replaces had worked) and the colleague 5550111 (the transfer target).
// Debug nodes are replaced by helper nodes with the same ids.
import callControlNode from '../nodes/call-control';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipRequest } from '../lib/tapi/providers/sip/core/types';
import { RtpSession } from '../lib/tapi/providers/sip/media';
import { SipPeer } from './helpers/sip-peer';
import { allNodes, collector, helper, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';

const repoRoot = path.resolve(__dirname, '..', '..');
const coreDir = path.dirname(
  require.resolve('@node-red/nodes/package.json', {
    paths: [path.dirname(require.resolve('node-red', process.env.NODE_RED_PREFIX ? { paths: [process.env.NODE_RED_PREFIX] } : undefined))],
  }),
);
const core = ['common/20-inject.js', 'common/90-comment.js', 'function/15-change.js'].map(
  // Node-RED's own core nodes, from the Node-RED under test: a path known only at run time.
  (f) => require(path.join(coreDir, 'core', f)) as (RED: unknown) => void,
);
const nodes = [...allNodes, callControlNode, ...core];

const SECRET = 'examples-S3cret-06';
const WAIT = 15000;

type FlowNode = Msg & { id: string; type: string; name?: string; wires?: string[][] };

/** Registrar, the customer and the colleague. */
class FarEnd {
  readonly media = new Map<string, RtpSession>();

  private constructor(readonly peer: SipPeer) {}

  static async open(): Promise<FarEnd> {
    const peer = await SipPeer.open({ transport: 'udp', address: '127.0.0.1' });
    const far = new FarEnd(peer);
    peer.challenge('REGISTER', { password: SECRET, username: 'auth-nodered' });
    peer.onRequest('REGISTER', (req, reply) => {
      reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
    });
    peer.onRequest('INVITE', (req, reply) => far.answer(req, reply));
    peer.onRequest('REFER', (req, reply) => {
      reply(202);
      void peer
        .dialog(header(req, 'call-id') ?? '', 3000)
        .then((dialog) =>
          peer.request('NOTIFY', {
            dialog,
            headers: { event: 'refer', 'subscription-state': 'terminated;reason=noresource' },
            body: 'SIP/2.0 200 OK\r\n',
            contentType: 'message/sipfrag;version=2.0',
          }),
        )
        .catch(() => undefined);
    });
    return far;
  }

  private answer(req: SipRequest, reply: (status: number, options?: { sdp?: string }) => unknown): void {
    const callId = header(req, 'call-id') ?? '';
    const known = this.media.get(callId);
    if (header(req, 'to')?.includes('tag=') && known) {
      reply(200, { sdp: known.acceptOffer(req.body.toString()) });
      return;
    }
    reply(100);
    reply(180);
    void RtpSession.open({ bindAddress: '127.0.0.1' }).then((m) => {
      this.media.set(callId, m);
      reply(200, { sdp: m.acceptOffer(req.body.toString()) });
    });
  }

  async close(): Promise<void> {
    for (const m of this.media.values()) m.close();
    this.media.clear();
    await this.peer.close();
  }
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

function byName(flow: FlowNode[], type: string, name: string): FlowNode {
  const found = flow.find((n) => n.type === type && n.name === name);
  assert.ok(found, `${type} "${name}" in the example`);
  return found;
}

describe('example 06 on a SIP line (consultation transfer by REFER with Replaces)', function () {
  this.timeout(30000);
  let userDir: string;
  let far: FarEnd | undefined;

  before(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-examples-sip-transfer-'));
    fs.mkdirSync(path.join(userDir, 'node_modules'));
    fs.symlinkSync(repoRoot, path.join(userDir, 'node_modules', 'node-red-contrib-tapi'), 'junction');
    helper.settings({ userDir });
  });
  after(() => {
    helper.settings({});
    fs.rmSync(userDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    far = await FarEnd.open();
  });
  afterEach(async () => {
    await unloadAndCheckClean();
    await far?.close();
    far = undefined;
  });

  it('06-click-to-dial-and-transfer: dial the customer, consult the colleague (customer held), complete: REFER with Replaces, both calls end', async () => {
    const { flow, credentials } = sipExample('06-click-to-dial-and-transfer.json', far!);
    const tab = flow.find((n) => n.type === 'tab')!.id;
    const extra = [
      { id: 'catch-all', type: 'catch', z: tab, scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: tab },
    ];
    await helper.load(nodes, [...flow, ...extra], credentials);
    const debug: Record<string, Msg[]> = {};
    for (const n of flow) if (n.type === 'helper') debug[n.name!] = collector(helper.getNode(n.id));
    const caught = collector(helper.getNode('caught'));
    const line = flow.find((n) => n.type === 'tapi-line')!;
    await waitFor(() => helper.getNode(line.id).shared.state === 'open', WAIT, 'the SIP line open');
    const press = (name: string) => helper.getNode(byName(flow, 'inject', name).id).receive({});
    const peer = far!.peer;

    press('call customer 5550100');
    await waitFor(() => debug['customer answered'].length > 0 || caught.length > 0, WAIT, 'the customer answers');
    assert.deepEqual(caught, []);
    const customer = peer.requests('INVITE')[0];
    assert.match(customer.uri, /^sip:5550100@127\.0\.0\.1/);
    const customerId = header(customer, 'call-id') ?? '';

    press('transfer to colleague');
    await waitFor(() => debug['colleague answered'].length > 0 || caught.length > 0, WAIT, 'the colleague answers');
    assert.deepEqual(caught, []);
    const invites = peer.requests('INVITE');
    const hold = invites.find((q) => header(q, 'call-id') === customerId && header(q, 'to')?.includes('tag='));
    assert.ok(hold, 'the customer was put on hold by a re-INVITE');
    assert.match(hold.body.toString(), /a=sendonly/);
    const colleague = invites.find((q) => header(q, 'call-id') !== customerId);
    assert.ok(colleague, 'the consultation call');
    assert.match(colleague.uri, /^sip:5550111@127\.0\.0\.1/);
    const colleagueId = header(colleague, 'call-id') ?? '';
    const consulted = debug['colleague answered'][0].payload;
    assert.deepEqual([consulted.action, consulted.ok, consulted.state], ['consult', true, 'onholdpendtransfer']);

    await waitFor(() => debug['transferred'].length > 0 || caught.length > 0, WAIT, 'the transfer completes');
    assert.deepEqual(caught, []);
    const done = debug['transferred'][0].payload;
    assert.deepEqual([done.action, done.ok, done.state], ['complete', true, 'idle']);
    const refer = await peer.waitFor('REFER', 1, WAIT);
    assert.equal(header(refer, 'call-id'), customerId, 'the REFER goes to the customer');
    const referTo = header(refer, 'refer-to') ?? '';
    const m = /^<sip:5550111@[^?>]+\?Replaces=([^>]+)>$/.exec(referTo);
    assert.ok(m, `Refer-To: ${referTo}`);
    assert.ok(decodeURIComponent(m[1]).startsWith(`${colleagueId};to-tag=`), `Replaces names the consultation dialog: ${m[1]}`);
    await peer.until(
      () => {
        const byes = peer.requests('BYE').map((q) => header(q, 'call-id'));
        return byes.includes(customerId) && byes.includes(colleagueId);
      },
      'both our dialogs ended',
      WAIT,
    );
    const logged = JSON.stringify(
      helper
        .log()
        .getCalls()
        .map((c: { args: unknown[] }) => c.args),
    );
    assert.ok(!logged.includes(SECRET), 'the password is in no log');
  });
});
