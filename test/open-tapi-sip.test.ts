// openTapi({ provider: 'sip' }): the factory checks the options before anything starts, a missing SIP
// provider is LINEERR_NODRIVER, 'auto' never picks SIP, and an account registers with a far end on loopback.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { openTapi, resolveProvider, TapiError, TapiValidationError } from '../lib/tapi';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import { SipPeer } from './helpers/sip-peer';

const SECRET = 'pw-0815-secret';

/** Makes `require('./providers/sip')` of open-tapi find an empty module until `restore`. */
function withoutSipProvider(): () => void {
  const file = require.resolve(path.resolve(__dirname, '../lib/tapi/providers/sip'));
  const saved = require.cache[file];
  require.cache[file] = { id: file, filename: file, loaded: true, exports: {} } as NodeJS.Module;
  return () => {
    if (saved) require.cache[file] = saved;
    else delete require.cache[file];
  };
}

describe("openTapi({ provider: 'sip' })", function () {
  it("'sip' is chosen by name only", function () {
    assert.equal(resolveProvider('sip'), 'sip');
    assert.notEqual(resolveProvider('auto'), 'sip');
    assert.throws(() => resolveProvider('SIP' as never), TapiValidationError);
  });

  it('bad or missing sip options are a TapiValidationError naming the field, never the password', async function () {
    await assert.rejects(openTapi({ provider: 'sip' }), (e: unknown) => e instanceof TapiValidationError && /sip options/.test(e.message));
    await assert.rejects(openTapi({ provider: 'sip', sip: { accounts: [] } }), /sip\.accounts must be a non-empty array/);
    await assert.rejects(
      openTapi({ provider: 'sip', sip: { accounts: [{ uri: 'sip:100@127.0.0.1', password: SECRET, localPort: 70000 }] } }),
      (e: unknown) => e instanceof TapiValidationError && /localPort/.test(e.message) && !e.message.includes(SECRET),
    );
  });

  it('without the SIP provider in the installation: LINEERR_NODRIVER, nothing thrown synchronously', async function () {
    const restore = withoutSipProvider();
    try {
      const opening = openTapi({ provider: 'sip', sip: { accounts: [{ uri: 'sip:100@127.0.0.1' }] } });
      await assert.rejects(
        opening,
        (e: unknown) => e instanceof TapiError && e.code === 'LINEERR_NODRIVER' && /SIP provider/.test(e.message),
      );
    } finally {
      restore();
    }
  });

  describe('with a registrar on loopback', function () {
    let peer: SipPeer | undefined;

    afterEach(async function () {
      await peer?.close();
      peer = undefined;
    });

    it('one line per account; opening it registers with digest auth; shutdown unregisters', async function () {
      peer = await SipPeer.open({ transport: 'udp', address: '127.0.0.1' });
      const p = peer;
      p.challenge('REGISTER', { password: SECRET, username: '100' });
      p.onRequest('REGISTER', (req, reply) => {
        reply(200, { headers: { contact: headerValues(req, 'contact')[0] ?? '', expires: header(req, 'expires') ?? '600' } });
      });
      const tapi = await openTapi({
        provider: 'sip',
        appName: 'open-tapi sip test',
        sip: {
          accounts: [{ uri: `sip:100@${p.hostPort}`, password: SECRET, registrar: p.hostPort, bindAddress: '127.0.0.1', name: 'Door' }],
        },
      });
      try {
        assert.equal(tapi.provider, 'sip');
        assert.deepEqual(
          tapi.lines.map((l) => [l.name, l.capabilities.sipUri]),
          [['Door', true]],
        );
        const line = await tapi.openLine('Door', { privileges: 'owner' });
        await p.until(() => p.auth.some((a) => a.method === 'REGISTER' && a.outcome === 'accepted'), 'an authenticated REGISTER');
        line.policy.check('sip:**610@fritz.box');
      } finally {
        await tapi.shutdown();
      }
      await p.until(
        () => p.requests('REGISTER').some((q) => header(q, 'expires') === '0' || /expires=0/.test(headerValues(q, 'contact').join())),
        'the un-REGISTER on shutdown',
      );
    });
  });
});
