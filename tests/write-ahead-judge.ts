// What a write-ahead run must show from outside, after one kill and a restart. A turn the model
// was asked for again is lost: none of its calls may have executed, or even been sent (a turn is
// stored before its first call goes out). The last answer for each turn is the stored one: each
// of its calls executed exactly once, so a note proposed twice ran twice (keys come from the call,
// never from its arguments). And the connector ran every idempotency key once.
import type { ModelAnswer } from './openai-fake.ts';

export interface RunEvidence {
  answers: ModelAnswer[];
  /** The connector's file: `<key>\t<text>` per execution. */
  executions: string;
  /** Everything the runtime processes printed: `calling <n> <key> <text>` per call sent. */
  outputs: string[];
}

const countBy = (values: string[]) => values.reduce((counts, value) => counts.set(value, (counts.get(value) ?? 0) + 1), new Map<string, number>());

export function judgeRun(evidence: RunEvidence) {
  const executed = evidence.executions.split('\n').filter(Boolean).map((line) => line.split('\t') as [string, string]);
  const runs = countBy(executed.map(([, text]) => text));
  const sent = new Set(evidence.outputs.join('').split('\n').flatMap((line) => (line.startsWith('calling ') ? [line.split(' ')[3]!] : [])));
  const positions = Math.max(...evidence.answers.map((answer) => answer.position)) + 1;
  const byPosition = Array.from({ length: positions }, (_, position) => evidence.answers.filter((answer) => answer.position === position));
  const lost = byPosition.flatMap((answers) => answers.slice(0, -1));
  const stored = byPosition.flatMap((answers) => answers.slice(-1));
  const proposed = new Set(evidence.answers.flatMap((answer) => answer.calls.map((call) => call.text)));
  return {
    /** How often the model was asked for each turn: at most twice with one kill. */
    timesAsked: byPosition.map((answers) => answers.length),
    /** What a write-ahead run never does; each list is empty when it held. */
    violations: {
      keysExecutedMoreThanOnce: [...countBy(executed.map(([key]) => key))].filter(([, count]) => count > 1).map(([key, count]) => `${key} ×${count}`),
      callsOfATurnAskedAgainThatExecuted: lost.flatMap((answer) => [...new Set(answer.calls.map((call) => call.text))].filter((text) => runs.has(text)).map((text) => `turn ${answer.position}: ${text}`)),
      turnsAskedAgainAfterOneOfTheirCallsWasSent: lost.filter((answer) => answer.calls.some((call) => sent.has(call.text))).map((answer) => `turn ${answer.position} (${answer.completionId})`),
      storedCallsNotExecutedExactlyOnce: [...countBy(stored.flatMap((answer) => answer.calls.map((call) => call.text)))]
        .filter(([text, calls]) => runs.get(text) !== calls)
        .map(([text, calls]) => `${text}: proposed ×${calls}, executed ×${runs.get(text) ?? 0}`),
      executionsOfNoProposedCall: executed.filter(([, text]) => !proposed.has(text)).map(([key, text]) => `${key} ${text}`),
    },
  };
}
