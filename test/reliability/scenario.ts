import type { ReliabilityStack } from './harness';
import type { CrashWindow, Figures } from './ledger';
import type { MessageOutcome, Producer } from './producer';
import type { Behaviour, CountingReceiver } from './receivers';
import type { Settled } from './settle';

/** One receiver of a scenario and its endpoint's per-attempt deadline. */
export interface ReceiverSpec {
  name: string;
  behaviour: Behaviour;
  /** The endpoint's `timeoutMs`. */
  timeoutMs: number;
}

/** What a fault can see and do while the burst runs. */
export interface ScenarioContext {
  stack: ReliabilityStack;
  producer: Producer;
  receivers: Map<string, CountingReceiver>;
  /** Messages in the burst. */
  messages: number;
  say(line: string): void;
  /** Calls `listener` right after each 202, before the producer goes on. */
  onAccepted(listener: (outcome: MessageOutcome) => void): void;
  /**
   * Runs `inject` (the crash or outage) and `recover`, and records the time between them as a crash
   * window. Where the fault `cutsAttempts`, attempts under way then may be repeated, and duplicates of
   * them are explained.
   */
  crash(fault: Pick<CrashWindow, 'what' | 'cutsAttempts'>, inject: () => Promise<void>, recover: () => Promise<void>): Promise<void>;
  /** Adds a line to the scenario's notes. */
  note(text: string): void;
  /** Records `failure` unless `ok`. */
  expect(ok: boolean, failure: string): void;
}

/** Everything known once the deliveries settled. */
export interface ScenarioEvidence {
  figures: Figures;
  outcomes: MessageOutcome[];
  settled: Settled;
  crashWindows: CrashWindow[];
}

/** One reliability scenario: a burst, a fault in its middle, and what must hold afterwards. */
export interface ScenarioDefinition {
  /** Short id; prefixes message ids and event types. */
  key: string;
  /** The row label in the table. */
  title: string;
  messages: number;
  ratePerSecond: number;
  /** Requests in flight at once. @default 6 */
  concurrency?: number;
  /**
   * Give the messages this many ordering keys, round-robin, and post them one lane per key (see
   * `Producer.burst`; `concurrency` is then the number of keys). @default none: unordered
   */
  orderingKeys?: number;
  receivers: ReceiverSpec[];
  /** Processes that may exit on their own during this fault, as designed (the supervisor restarts them). */
  mayExit?: ('api' | 'worker')[];
  /** Whether tries without any answer are part of the fault (the API dies mid-request). */
  expectsCutOff?: boolean;
  /** Runs alongside the burst: waits for its moment, injects the fault, recovers. */
  fault(ctx: ScenarioContext): Promise<void>;
  /** The scenario's own assertions, once everything settled. */
  verify?(ctx: ScenarioContext, evidence: ScenarioEvidence): void;
}

/** The outcome of one scenario, as the table and the JSON report show it. */
export interface ScenarioResult {
  key: string;
  title: string;
  passed: boolean;
  /** Undefined when the scenario could not get as far as counting. */
  figures?: Figures;
  failures: string[];
  notes: string[];
  crashWindows: CrashWindow[];
  settleMs?: number;
  durationMs: number;
}
