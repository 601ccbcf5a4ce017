import assert from 'node:assert/strict';
import {
  acceptRemoteSeq,
  buildInDialogRequest,
  dialogFromUacResponse,
  dialogFromUasRequest,
  dialogKey,
  dialogKeyOfRequest,
  refreshRemoteTarget,
} from '../lib/tapi/providers/sip/core/dialog';
import { digestResponse } from '../lib/tapi/providers/sip/core/digest';
import { header, headerValues } from '../lib/tapi/providers/sip/core/headers';
import type { SipHeader, SipRequest, SipResponse } from '../lib/tapi/providers/sip/core/types';
import { SipPeer } from './helpers/sip-peer';

function request(method: string, uri: string, headers: [string, string][], body = ''): SipRequest {
  return { kind: 'request', method, uri, headers: headers.map(([name, value]): SipHeader => ({ name, value })), body: Buffer.from(body) };
}

function response(status: number, headers: [string, string][]): SipResponse {
  return { kind: 'response', status, reason: 'X', headers: headers.map(([name, value]) => ({ name, value })), body: Buffer.alloc(0) };
}

describe('sip core: dialogs (RFC 3261 §12)', function () {
  const invite = request('INVITE', 'sip:bob@example.org', [
    ['via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa'],
    ['from', '"Alice" <sip:alice@example.org>;tag=aaa'],
    ['to', '<sip:bob@example.org>'],
    ['call-id', 'c1@10.0.0.1'],
    ['cseq', '7 INVITE'],
    ['contact', '<sip:alice@10.0.0.1:5060>'],
  ]);

  it('UAC: builds the dialog from a 2xx (route set = Record-Route reversed) and routes loosely', function () {
    const ok = response(200, [
      ['record-route', '<sip:p2.example.org;lr>'],
      ['record-route', '<sip:p1.example.org;lr>'],
      ['to', '<sip:bob@example.org>;tag=bbb'],
      ['contact', '<sip:bob@192.0.2.4:5070;transport=udp>'],
    ]);
    const d = dialogFromUacResponse(invite, ok)!;
    assert.equal(d.callId, 'c1@10.0.0.1');
    assert.equal(d.localTag, 'aaa');
    assert.equal(d.remoteTag, 'bbb');
    assert.equal(d.localSeq, 7);
    assert.equal(d.remoteSeq, undefined);
    assert.equal(d.state, 'confirmed');
    assert.deepEqual(d.routeSet, ['<sip:p1.example.org;lr>', '<sip:p2.example.org;lr>']);
    const { request: bye, nextHop } = buildInDialogRequest(d, 'BYE');
    assert.equal(bye.uri, 'sip:bob@192.0.2.4:5070;transport=udp');
    assert.deepEqual(headerValues(bye, 'route'), ['<sip:p1.example.org;lr>', '<sip:p2.example.org;lr>']);
    assert.equal(nextHop, 'sip:p1.example.org;lr');
    assert.equal(header(bye, 'cseq'), '8 BYE');
    assert.match(header(bye, 'from')!, /^"Alice" <sip:alice@example.org>;tag=aaa$/);
    assert.equal(header(bye, 'to'), '<sip:bob@example.org>;tag=bbb');
    const ack = buildInDialogRequest(d, 'ACK', { cseq: 7 }).request;
    assert.equal(header(ack, 'cseq'), '7 ACK');
    assert.equal(d.localSeq, 8, 'ACK does not advance the local CSeq');
  });

  it('UAC: strict routing puts the first route in the Request-URI and the remote target last', function () {
    const ok = response(200, [
      ['record-route', '<sip:strict.example.org>'],
      ['to', '<sip:bob@example.org>;tag=bbb'],
      ['contact', '<sip:bob@192.0.2.4>'],
    ]);
    const d = dialogFromUacResponse(invite, ok)!;
    const { request: bye, nextHop } = buildInDialogRequest(d, 'BYE');
    assert.equal(bye.uri, 'sip:strict.example.org');
    assert.deepEqual(headerValues(bye, 'route'), ['<sip:bob@192.0.2.4>']);
    assert.equal(nextHop, 'sip:strict.example.org');
  });

  it('UAC: no dialog without a To tag or a Contact; early for a 1xx', function () {
    assert.equal(
      dialogFromUacResponse(
        invite,
        response(200, [
          ['to', '<sip:bob@example.org>'],
          ['contact', '<sip:b@h>'],
        ]),
      ),
      undefined,
    );
    assert.equal(dialogFromUacResponse(invite, response(200, [['to', '<sip:bob@example.org>;tag=t']])), undefined);
    const early = dialogFromUacResponse(
      invite,
      response(180, [
        ['to', '<sip:bob@example.org>;tag=t'],
        ['contact', '<sip:b@h>'],
      ]),
    )!;
    assert.equal(early.state, 'early');
  });

  it('UAS: builds the dialog from the INVITE (route set in order), checks and records the remote CSeq', function () {
    const withRoutes = request('INVITE', 'sip:bob@192.0.2.4', [
      ...invite.headers.map((h): [string, string] => [h.name, h.value]),
      ['record-route', '<sip:p1.example.org;lr>'],
      ['record-route', '<sip:p2.example.org;lr>'],
    ]);
    const d = dialogFromUasRequest(withRoutes, 'bbb', 1)!;
    assert.equal(d.localTag, 'bbb');
    assert.equal(d.remoteTag, 'aaa');
    assert.equal(d.remoteSeq, 7);
    assert.equal(d.remoteTarget, 'sip:alice@10.0.0.1:5060');
    assert.deepEqual(d.routeSet, ['<sip:p1.example.org;lr>', '<sip:p2.example.org;lr>']);
    assert.equal(d.local.uri, 'sip:bob@example.org');
    const bye = buildInDialogRequest(d, 'BYE').request;
    assert.equal(header(bye, 'from'), '<sip:bob@example.org>;tag=bbb');
    assert.equal(header(bye, 'to'), '"Alice" <sip:alice@example.org>;tag=aaa');
    assert.equal(header(bye, 'cseq'), '2 BYE');
    const inDialog = (seq: number, method = 'INFO'): SipRequest =>
      request(method, 'sip:bob@192.0.2.4', [
        ['from', '<sip:alice@example.org>;tag=aaa'],
        ['to', '<sip:bob@example.org>;tag=bbb'],
        ['call-id', 'c1@10.0.0.1'],
        ['cseq', `${seq} ${method}`],
        ['contact', '<sip:alice@10.0.0.9>'],
      ]);
    assert.equal(acceptRemoteSeq(d, inDialog(7)), false, 'not above the INVITE');
    assert.equal(acceptRemoteSeq(d, inDialog(8)), true);
    assert.equal(acceptRemoteSeq(d, inDialog(8)), false);
    assert.equal(acceptRemoteSeq(d, inDialog(7, 'ACK')), true);
    assert.equal(dialogKeyOfRequest(inDialog(9)), dialogKey('c1@10.0.0.1', 'bbb', 'aaa'));
    refreshRemoteTarget(d, inDialog(9, 'INVITE'));
    assert.equal(d.remoteTarget, 'sip:alice@10.0.0.9');
    assert.equal(dialogKeyOfRequest(invite), undefined, 'no To tag: not in a dialog');
  });
});

describe('sip core: the test peer (sip-peer against itself)', function () {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`${transport}: INVITE with a 401 challenge, provisional, 2xx and ACK; BYE in the dialog`, async function () {
      const a = await SipPeer.open({ transport });
      const b = await SipPeer.open({ transport });
      try {
        b.challenge('INVITE', { password: 'pw', realm: 'b.test' });
        b.onRequest('INVITE', (_req, reply) => {
          reply(180);
          reply(200, { sdp: 'v=0\r\n' });
        });
        const first = await a.request('INVITE', { to: b.endpoint, uri: b.uri, sdp: 'v=0\r\n' });
        assert.equal(first.final.status, 401);
        const challenge = header(first.final, 'www-authenticate')!;
        const authorization = digestResponse({ challenge, method: 'INVITE', uri: b.uri, username: 'a', password: 'pw' });
        const second = await a.request('INVITE', { to: b.endpoint, uri: b.uri, sdp: 'v=0\r\n', headers: { authorization } });
        assert.equal(second.final.status, 200);
        assert.equal(second.provisional[0].status, 180);
        assert.equal(second.final.body.toString(), 'v=0\r\n');
        await b.waitFor('ACK');
        assert.deepEqual(
          b.auth.map((r) => r.outcome),
          ['challenged', 'accepted'],
        );
        const bye = await a.request('BYE', { dialog: second.dialog! });
        assert.equal(bye.final.status, 200);
        assert.equal(header(b.requests('BYE')[0], 'to'), header(second.final, 'to'));
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});
