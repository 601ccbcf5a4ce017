// The admin endpoint GET tapi-line/lines for provider=sip: the account's one line, listed without registering
// (a sip-peer on loopback stands as the registrar and must see no request at all), no credential in the answer,
// the same validation (400 { error, code }) and permission as for the other providers.
import assert from 'node:assert/strict';
import { activeTapis } from '../nodes/lib/tapi-registry';
import { allNodes, helper, tapiLineNode, unloadAndCheckClean, type Msg } from './nodes-helpers';
import { SipPeer } from './helpers/sip-peer';

const realAuth: any = require(require.resolve('@node-red/editor-api/lib/auth', { paths: [require.resolve('node-red')] }));
const noStorage = { getSessions: async () => ({}), saveSessions: async () => undefined };

function withRealAuth(RED: any): void {
  RED.auth = realAuth;
  tapiLineNode(RED);
}

describe('admin endpoint GET tapi-line/lines?provider=sip', function () {
  this.timeout(20000);
  let peer: SipPeer | undefined;

  afterEach(async () => {
    realAuth.init({}, noStorage);
    await unloadAndCheckClean();
    if (peer) await peer.close();
    peer = undefined;
  });

  it("lists the account's one line, device 0 named after the account, without sending anything to the registrar", async () => {
    peer = await SipPeer.open({ transport: 'udp' });
    const registrar = peer.hostPort;
    await helper.load(allNodes, []);
    const res = await helper.request().get('/tapi-line/lines').query({ provider: 'sip', registrar, user: 'alice' }).expect(200);
    assert.equal(res.body.provider, 'sip');
    assert.equal(res.body.lines.length, 1);
    assert.equal(res.body.lines[0].deviceId, 0);
    assert.equal(res.body.lines[0].name, 'SIP alice@127.0.0.1');
    assert.equal(res.body.lines[0].removed, false);
    const other = await helper.request().get('/tapi-line/lines').query({ provider: 'sip', registrar, user: 'bob@example.org' }).expect(200);
    assert.equal(other.body.lines[0].name, 'SIP bob@example.org');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(peer.requests().length, 0, 'no REGISTER, no INVITE: the listing opens no line');
    assert.equal(activeTapis().length, 0, 'the listing released its Tapi');
  });

  it('never answers with a credential, even when one is sent along', async () => {
    await helper.load(allNodes, []);
    const res = await helper
      .request()
      .get('/tapi-line/lines')
      .query({ provider: 'sip', registrar: '127.0.0.1:5999', user: 'carol', password: 'hunter2-secret', authUser: 'auth-x9' })
      .expect(200);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes('hunter2-secret'), 'no password in the answer');
    assert.ok(!text.includes('auth-x9'), 'no auth user in the answer');
    assert.equal(res.body.lines[0].name, 'SIP carol@127.0.0.1');
  });

  it('answers 400 { error, code } for a missing or bad registrar or user, and for non-string or long parameters', async () => {
    await helper.load(allNodes, []);
    const bad: Record<string, unknown>[] = [
      { provider: 'sip', user: 'alice' },
      { provider: 'sip', registrar: '127.0.0.1' },
      { provider: 'sip', registrar: 'bad host!', user: 'alice' },
      { provider: 'sip', registrar: '127.0.0.1:99999', user: 'alice' },
      { provider: 'sip', registrar: '127.0.0.1', user: 'al ice' },
      { provider: 'sip', registrar: '127.0.0.1', user: 'alice', transport: 'sctp' },
      { provider: 'sip', registrar: '127.0.0.1', user: 'a'.repeat(33) },
    ];
    for (const query of bad) {
      const res = await helper.request().get('/tapi-line/lines').query(query).expect(400);
      assert.equal(res.body.code, 'ERR_TAPI_VALIDATION', JSON.stringify(query));
      assert.equal(typeof res.body.error, 'string');
    }
    const repeated = await helper.request().get('/tapi-line/lines?provider=sip&registrar=127.0.0.1&user=a&user=b').expect(400);
    assert.equal(repeated.body.code, 'ERR_TAPI_VALIDATION');
    const object = await helper.request().get('/tapi-line/lines?provider=sip&registrar=127.0.0.1&user[toString]=x').expect(400);
    assert.equal(object.body.code, 'ERR_TAPI_VALIDATION');
    assert.equal(activeTapis().length, 0);
  });

  it('answers 401 to a user without tapi-line.read, 200 with it', async () => {
    realAuth.init({ adminAuth: { type: 'credentials', users: [], default: { permissions: 'flows.read' } } }, noStorage);
    await helper.load([withRealAuth, allNodes[1], allNodes[2]], []);
    await helper.request().get('/tapi-line/lines').query({ provider: 'sip', registrar: '127.0.0.1', user: 'alice' }).expect(401);
    await helper.unload();
    realAuth.init({ adminAuth: { type: 'credentials', users: [], default: { permissions: 'read' } } }, noStorage);
    await helper.load([withRealAuth, allNodes[1], allNodes[2]], []);
    const res = await helper
      .request()
      .get('/tapi-line/lines')
      .query({ provider: 'sip', registrar: '127.0.0.1', user: 'alice' })
      .expect(200);
    assert.deepEqual(
      res.body.lines.map((l: Msg) => l.name),
      ['SIP alice@127.0.0.1'],
    );
  });
});
