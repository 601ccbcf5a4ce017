import { describeContract } from './contract/contract';
import { simulatorHarness } from './harness/simulator';

describeContract(simulatorHarness);
