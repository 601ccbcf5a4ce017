// The provider contract against the SIP provider, with a scriptable SIP far end on loopback (test/harness/sip.ts).
// Cases that need a control a SIP far end cannot give are skipped by the harness's capabilities, with the reason.
import { describeContract } from './contract/contract';
import { closeSipFarEnd, openSipFarEnd, sipHarness } from './harness/sip';

describe('SIP provider contract', function () {
  before(openSipFarEnd);
  after(closeSipFarEnd);
  describeContract(sipHarness);
});
