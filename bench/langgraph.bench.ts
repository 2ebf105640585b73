// The approve-and-resume loop written in LangGraph.js, to compare with ours: a node proposes the
// gated call, interrupt() waits for the approval, a Command resumes the thread with the decision,
// and a node executes the call. It has no model turn, no policy, no audit trail and no bus (the
// "connector" is a function in this process), so it does less per cycle than our loop does.
import { Annotation, Command, END, interrupt, isInterrupted, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import { MongoDBSaver, type MongoDBSaverParams } from '@langchain/langgraph-checkpoint-mongodb';
import type { MongoClient } from 'mongodb';

interface ProposedCall {
  tool: string;
  args: Record<string, unknown>;
}

const LoopState = Annotation.Root({
  call: Annotation<ProposedCall>(),
  decision: Annotation<string>(),
  result: Annotation<unknown>(),
});

/** Stands in for the email connector, in this process: a new message id per call. */
function emailStandIn() {
  let sent = 0;
  return async (_call: ProposedCall) => ({ messageId: `<${++sent}@mail.example>` });
}

function approvalGraph(checkpointer: BaseCheckpointSaver) {
  const execute = emailStandIn();
  return new StateGraph(LoopState)
    .addNode('propose', () => ({ call: { tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Renewal', body: 'Shall we sign this week?' } } }))
    .addNode('approve', (state) => ({ decision: interrupt<ProposedCall, string>(state.call) }))
    .addNode('execute', async (state) => ({ result: state.decision === 'approved' ? await execute(state.call) : null }))
    .addEdge(START, 'propose')
    .addEdge('propose', 'approve')
    .addEdge('approve', 'execute')
    .addEdge('execute', END)
    .compile({ checkpointer });
}

/** LangGraph's MongoDB checkpointer in `dbName`, with the indexes its setup() creates. */
export async function mongoCheckpointer(client: MongoClient, dbName: string): Promise<MongoDBSaver> {
  // Typed against the mongodb 6 driver it depends on; what it calls (db, find, updateOne,
  // bulkWrite, createIndex, appendMetadata) is the same in the driver 7 client this project uses.
  const saver = new MongoDBSaver({ client: client as unknown as MongoDBSaverParams['client'], dbName });
  const problems = await saver.setup();
  if (problems.length > 0) throw new AggregateError(problems, 'MongoDBSaver.setup() failed');
  return saver;
}

/**
 * Cycles per second, one after another, each on its own thread: start (runs to the interrupt),
 * then resume with the approval (runs the execution to the end).
 */
export async function langGraphCycleRate(checkpointer: BaseCheckpointSaver, options: { cycles: number; warmup: number; threadPrefix: string }): Promise<number> {
  const graph = approvalGraph(checkpointer);
  const cycle = async (index: number) => {
    const config = { configurable: { thread_id: `${options.threadPrefix}-${index}` } };
    const paused = await graph.invoke({}, config);
    if (!isInterrupted(paused)) throw new Error('the LangGraph loop did not stop for the approval');
    const finished = await graph.invoke(new Command({ resume: 'approved' }), config);
    if (!finished.result) throw new Error('the LangGraph loop did not execute the approved call');
  };
  for (let index = 0; index < options.warmup; index++) await cycle(-1 - index);
  const start = performance.now();
  for (let index = 0; index < options.cycles; index++) await cycle(index);
  return options.cycles / ((performance.now() - start) / 1000);
}
