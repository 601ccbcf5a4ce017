// tapi-line with the SIP provider: the account is built from the node's settings and its Node-RED
// credentials; secrets never reach a status or a log; a wrong setting is a validation error on every node
// using the line; a missing SIP provider is a grey "unavailable" status, never a crash.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineConfig } from '../nodes/lib/line-node';
import { sipAccountKey, sipLineAccount } from '../nodes/lib/sip-line';
import { callStateNode, helper, makeCallNode, statusesOf, tapiLineNode, unloadAndCheckClean, waitFor, type Msg } from './nodes-helpers';
import { withEnglish } from './nodes-i18n';

// The status texts a user sees (the helper's RED._ returns keys).
const nodes = [withEnglish(tapiLineNode), withEnglish(makeCallNode), withEnglish(callStateNode)];

const SECRET = 'S3cr3t-pw-4711';
const CREDS = { sipUser: 'ipphone1', sipAuthUser: 'auth-4711', sipPassword: SECRET, sipDisplayName: 'Door' };

function sipLine(id: string, extra: Record<string, unknown> = {}): Msg {
  return { id, type: 'tapi-line', provider: 'sip', line: '', privileges: 'owner,monitor', sipRegistrar: 'fritz.box', ...extra };
}

/** Every text the runtime logged (node.log / warn / error and RED.log) so far. */
function logged(): string {
  return helper
    .log()
    .getCalls()
    .map((c: { args: unknown[] }) => JSON.stringify(c.args))
    .join('\n');
}

/** Makes `require('./providers/sip')` of open-tapi find no SIP provider (when one is built) until `restore`. */
function withoutSipProvider(): () => void {
  const file = path.resolve(__dirname, '../lib/tapi/providers/sip/index.js');
  if (!fs.existsSync(file)) return () => undefined; // not built: nothing to hide
  const saved = require.cache[file];
  require.cache[file] = { id: file, filename: file, loaded: true, exports: {} } as NodeJS.Module;
  return () => {
    if (saved) require.cache[file] = saved;
    else delete require.cache[file];
  };
}

describe('tapi-line with the SIP provider', function () {
  this.timeout(20000);

  describe('the account from settings and credentials', function () {
    it('builds the account with the editor defaults for every setting left out', function () {
      const config = lineConfig(sipLine('l'), CREDS);
      assert.equal(config.provider, 'sip');
      assert.equal(config.invalid, undefined);
      assert.deepEqual(config.sip, {
        accounts: [
          {
            uri: 'sip:ipphone1@fritz.box',
            registrar: 'fritz.box',
            transport: 'udp',
            register: true,
            expires: 600,
            acceptOnlyFromRegistrar: true,
            authUser: 'auth-4711',
            password: SECRET,
            displayName: 'Door',
          },
        ],
      });
      assert.equal(config.dialPolicy.allowSipUris, false);
    });

    it('reads every setting as the editor saves it', function () {
      const account = sipLineAccount(
        {
          sipRegistrar: 'sip.carrier.example:5061',
          sipOutboundProxy: 'proxy.carrier.example',
          sipTransport: 'tls',
          sipLocalPort: '5070',
          sipBindAddress: '127.0.0.1',
          sipRegister: false,
          sipExpires: '300',
          sipAcceptOnlyFromRegistrar: false,
          sipTlsVerify: false,
        },
        { sipUser: '+4930123456@voip.carrier.example', sipPassword: SECRET },
      );
      assert.deepEqual(account, {
        uri: 'sip:+4930123456@voip.carrier.example',
        registrar: 'sip.carrier.example:5061',
        outboundProxy: 'proxy.carrier.example',
        transport: 'tls',
        localPort: 5070,
        bindAddress: '127.0.0.1',
        register: false,
        expires: 300,
        acceptOnlyFromRegistrar: false,
        password: SECRET,
        tls: { rejectUnauthorized: false },
      });
      assert.equal(sipLineAccount({ sipRegistrar: 'pbx:5060', sipTransport: 'tls' }, CREDS).tls?.rejectUnauthorized, true);
      assert.equal(sipLineAccount({ sipRegistrar: 'pbx:5060' }, CREDS).uri, 'sip:ipphone1@pbx', 'the URI is on the host');
      assert.equal(
        sipLineAccount({ sipRegistrar: 'pbx', sipRegister: false }, CREDS).acceptOnlyFromRegistrar,
        false,
        'default: on when registering',
      );
      assert.equal(sipLineAccount({ sipRegistrar: 'pbx' }, { sipUser: 'a#b%c' }).uri, 'sip:a%23b%25c@pbx');
      assert.equal(lineConfig(sipLine('l', { allowSipUris: true }), CREDS).dialPolicy.allowSipUris, true);
    });

    it('a flow from before SIP (no SIP properties) reads as before', function () {
      const config = lineConfig({ provider: 'simulator', line: '' });
      assert.equal(config.sip, undefined);
      assert.equal(config.invalid, undefined);
      assert.equal(Object.hasOwn(config.dialPolicy, 'allowSipUris'), false);
      assert.equal(lineConfig({ provider: 'nonsense' }).provider, 'auto');
    });

    it('a wrong setting is a validation error naming the field, never a value', function () {
      const cases: Array<[Record<string, unknown>, Record<string, unknown>, RegExp]> = [
        [{ sipLocalPort: '70000' }, CREDS, /local port must be a whole number from 0 to 65535/],
        [{ sipLocalPort: 'abc' }, CREDS, /local port/],
        [{ sipExpires: '5' }, CREDS, /register expiry/],
        [{ sipBindAddress: 'eth0' }, CREDS, /local address must be an IPv4 or IPv6 address/],
        [{ sipRegistrar: '' }, CREDS, /registrar \(or domain\) is required/],
        [{ sipRegistrar: 'fritz box' }, CREDS, /registrar must be host or host:port/],
        [{ sipOutboundProxy: 'proxy:99999' }, CREDS, /outbound proxy must be host or host:port/],
        [{ sipTransport: 'sctp' }, CREDS, /transport must be udp, tcp or tls/],
        [{ sipRegister: 'maybe' }, CREDS, /register must be true or false/],
        [{}, { sipPassword: SECRET }, /the user is required/],
        [{}, { ...CREDS, sipPassword: `${SECRET}\r\nVia: x` }, /password must not contain control characters/],
        [{}, { ...CREDS, sipDisplayName: 'a"b' }, /display name must not contain "/],
        [{}, { ...CREDS, sipUser: 'a b' }, /user must not contain spaces/],
      ];
      for (const [settings, creds, message] of cases) {
        const config = lineConfig(sipLine('l', settings), creds);
        assert.ok(config.invalid, `${JSON.stringify(settings)} is refused`);
        assert.equal((config.invalid as Error & { code?: string }).code, 'ERR_TAPI_VALIDATION');
        assert.match(config.invalid.message, message);
        assert.ok(!config.invalid.message.includes(SECRET), 'the password is not in the message');
      }
    });

    it('the registry key of an account holds no secret, and tells accounts apart', function () {
      const a = sipLineAccount({ sipRegistrar: 'fritz.box' }, CREDS);
      const b = sipLineAccount({ sipRegistrar: 'fritz.box' }, { ...CREDS, sipPassword: 'other' });
      assert.equal(sipAccountKey(a), sipAccountKey(sipLineAccount({ sipRegistrar: 'fritz.box' }, { ...CREDS })));
      assert.notEqual(sipAccountKey(a), sipAccountKey(b));
      assert.ok(!sipAccountKey(a).includes(SECRET) && !sipAccountKey(a).includes('ipphone1'));
    });
  });

  describe('deployed', function () {
    afterEach(async () => {
      await unloadAndCheckClean();
    });

    it('a bad port: every node using the line shows a red validation status; no secret in status or log', async () => {
      await helper.load(
        nodes,
        [sipLine('line1', { sipLocalPort: '99999' }), { id: 'a', type: 'tapi-call-state', line: 'line1', wires: [] }],
        { line1: CREDS },
      );
      const line = helper.getNode('line1');
      assert.equal(line.credentials.sipPassword, SECRET, 'the password is a credential of the node');
      const user = helper.getNode('a');
      await waitFor(() => statusesOf(user).some((s) => s.fill === 'red'), 3000, 'a red status');
      const last = statusesOf(user).at(-1) as Msg;
      assert.deepEqual(last, { fill: 'red', shape: 'ring', text: 'VALIDATION' });
      assert.equal(line.shared.state, 'error');
      assert.match(line.shared.lastError.message, /local port/);
      await waitFor(() => /local port/.test(logged()), 3000, 'the reason logged');
      const everything = JSON.stringify(statusesOf(user)) + logged();
      for (const secret of [SECRET, 'auth-4711']) assert.ok(!everything.includes(secret), `${secret} is never shown`);
    });

    it('no SIP provider in this installation: a grey status naming NODRIVER, no crash, no secret shown', async () => {
      const restore = withoutSipProvider();
      try {
        await helper.load(
          nodes,
          [
            sipLine('line1'),
            { id: 'a', type: 'tapi-make-call', line: 'line1', wires: [['out']] },
            { id: 'b', type: 'tapi-call-state', line: 'line1', wires: [] },
            { id: 'out', type: 'helper' },
          ],
          { line1: CREDS },
        );
        const line = helper.getNode('line1');
        for (const id of ['a', 'b']) {
          const node = helper.getNode(id);
          await waitFor(() => statusesOf(node).some((s) => s.fill === 'grey'), 3000, `grey status on ${id}`);
          assert.deepEqual(statusesOf(node).at(-1), { fill: 'grey', shape: 'ring', text: 'NODRIVER' });
        }
        assert.equal(line.shared.state, 'unavailable');
        assert.match(line.shared.lastError.message, /SIP provider/);
        const everything = JSON.stringify(statusesOf(helper.getNode('a'))) + logged();
        for (const secret of [SECRET, 'auth-4711']) assert.ok(!everything.includes(secret), `${secret} is never shown`);
      } finally {
        restore();
      }
    });
  });
});
