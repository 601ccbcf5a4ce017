// tapi-line on a real SIP account: the config node's settings and credentials reach openTapi's SIP provider,
// which registers (digest) with a scriptable registrar on loopback; make call places a call through it and the
// far end's 486 is the outcome "busy". The password never reaches a status or a log.
import assert from 'node:assert/strict';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import { SipPeer } from './helpers/sip-peer';
import {
  callStateNode,
  collector,
  helper,
  makeCallNode,
  statusesOf,
  tapiLineNode,
  unloadAndCheckClean,
  waitFor,
  type Msg,
} from './nodes-helpers';
import { withEnglish } from './nodes-i18n';

const nodes = [withEnglish(tapiLineNode), withEnglish(makeCallNode), withEnglish(callStateNode)];
const SECRET = 'fritz-S3cret-99';

describe('tapi-line with a SIP account on a loopback registrar', function () {
  this.timeout(20000);
  let peer: SipPeer | undefined;

  afterEach(async () => {
    await unloadAndCheckClean();
    await peer?.close();
    peer = undefined;
  });

  it('registers with the credentials, opens the line (green), and a 486 is the make-call outcome "busy"', async () => {
    peer = await SipPeer.open({ transport: 'udp', address: '127.0.0.1' });
    const p = peer;
    p.challenge('REGISTER', { password: SECRET, username: 'auth-ipphone1' });
    p.onRequest('REGISTER', (req, reply) => {
      reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
    });
    p.onRequest('INVITE', (_req, reply) => {
      reply(100);
      reply(486);
    });
    await helper.load(
      nodes,
      [
        {
          id: 'line1',
          type: 'tapi-line',
          provider: 'sip',
          line: '',
          privileges: 'owner,monitor',
          sipRegistrar: p.hostPort,
          sipBindAddress: '127.0.0.1',
          sipTransport: 'udp',
        },
        { id: 'call1', type: 'tapi-make-call', line: 'line1', sendWhen: 'ended', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ],
      { line1: { sipUser: 'ipphone1', sipAuthUser: 'auth-ipphone1', sipPassword: SECRET, sipDisplayName: 'Node-RED' } },
    );
    const makeCall = helper.getNode('call1');
    await waitFor(() => statusesOf(makeCall).some((s) => s.text === 'line open'), 8000, 'line open');
    await p.until(() => p.auth.some((a) => a.method === 'REGISTER' && a.outcome === 'accepted'), 'an authenticated REGISTER');
    const register = p.requests('REGISTER').at(-1)!;
    assert.match(header(register, 'from') ?? '', /"Node-RED" <sip:ipphone1@127\.0\.0\.1/);

    const out = collector(helper.getNode('out'));
    makeCall.receive({ payload: '**610' });
    await waitFor(() => out.length > 0, 8000, 'the make-call message');
    assert.equal(out[0].payload.outcome, 'busy');
    const invite = p.requests('INVITE')[0];
    assert.match(invite.uri, /^sip:\*\*610@127\.0\.0\.1/);

    const shown =
      JSON.stringify(statusesOf(makeCall)) +
      JSON.stringify(
        helper
          .log()
          .getCalls()
          .map((c: { args: unknown[] }) => c.args),
      );
    assert.ok(!shown.includes(SECRET), 'the password is in no status and no log');
    assert.ok(!JSON.stringify(out[0]).includes(SECRET), 'nor in the message');
    const flows = (helper.getNode('line1') as Msg).shared.config;
    assert.equal(JSON.stringify(statusesOf(helper.getNode('line1'))).includes(SECRET), false);
    assert.ok(flows.sip.accounts[0].password === SECRET, 'the password reached the account');
  });
});
