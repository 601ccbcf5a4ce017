import { describeHardening } from './contract/hardening';
import { simulatorHarness } from './harness/simulator';

describeHardening(simulatorHarness);
