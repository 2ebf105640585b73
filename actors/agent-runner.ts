// The agent loop, one step at a time, write-ahead like a workflow engine's history: a step either
// asks the model for its next turn and records it (the reply and the calls it proposed, in the
// snapshot, before any of them runs), or works through the recorded calls with at most one side
// effect, whose outcome the next snapshot records. Every proposed call is classified outside the
// model: refused, run now (autonomous), or turned into an approval request (gated). After a
// restore a run goes on from what is recorded and never asks the model again for a turn it has;
// a side effect repeated by a re-run step carries the same idempotency key (run, turn, position).
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage, ToolMessage, type AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { TaskNote } from '../machines/index.ts';
import { approvalHash, consequentialArgs, sha256, toModelToolName, type ApprovalRequest, type CoworkerDefinition, type JobDefinition, type Signer, type ToolCall, type ToolResult, type ToolSpec } from '../protocol/index.ts';
import { describeCall } from './call-summary.ts';
import { classifyCall, policyVersionOf } from './policy.ts';
import { messagesOf, newRunState, restoredRunState, withMessages, type Plan, type PlanItem, type RetryCall, type RunState } from './run-state.ts';
import { approvalKey, assertGrantMatches, autonomousKey, executeCall, type CallToExecute, type RetryPolicy } from './tool-execution.ts';
import type { RunContext, RunResult, TaskRunner } from './task-runner.ts';
import { systemPrompt, taskPrompt } from './agent-prompts.ts';
import { HANDOFF, crossTeamGate, handoffTask, handoffToolSpec, parseHandoffArgs, partyOf, type CoworkerLookup, type HandoffArgs } from './handoff-tool.ts';
import { planTurn } from './turn-plan.ts';

/** The built-in tool a model uses to ask its manager what only a person can answer. */
export const ASK_MANAGER = 'ask_manager';
/** Tool results beyond this many characters are cut, so one answer cannot flood the snapshot. */
const MAX_RESULT_CHARS = 8_000;

const askManagerSpec = {
  name: ASK_MANAGER,
  description: 'Ask your manager a question only a person can answer; the run waits for the answer.',
  parameters: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
};

export interface AgentRunnerOptions {
  model: BaseChatModel;
  /** Every tool the connectors offer, with their declared risk. */
  tools: ToolSpec[];
  callTool: (call: ToolCall) => Promise<ToolResult>;
  /** Signs the grant of every call that is not a read; the connectors trust its public key. */
  signer: Signer;
  retry?: RetryPolicy;
  /** Looks up other coworkers for the `handoff` tool (e.g. from the store); without it the tool is not offered. */
  coworkers?: CoworkerLookup;
}

function resultText(execution: Awaited<ReturnType<typeof executeCall>>): string {
  const text = execution.kind === 'ok' ? JSON.stringify(execution.result ?? null) : `Error: ${execution.error}`;
  return text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}… (cut at ${MAX_RESULT_CHARS} characters)` : text;
}

function textOf(message: AIMessage): string {
  return typeof message.content === 'string' ? message.content : message.content.map((part) => ('text' in part ? part.text : '')).join('');
}

export function createAgentRunner(options: AgentRunnerOptions): TaskRunner {
  const catalog = new Map(options.tools.map((spec) => [spec.name, spec]));
  const retry = options.retry ?? { attempts: 3, baseDelayMs: 500 };
  return (context) => new AgentStep(context, options, catalog, retry).run();
}

class AgentStep {
  private readonly context: RunContext;
  private readonly options: AgentRunnerOptions;
  private readonly catalog: ReadonlyMap<string, ToolSpec>;
  private readonly retry: RetryPolicy;
  private readonly job: JobDefinition | undefined;
  private readonly policyVersion: string;
  private state: RunState;
  private messages: BaseMessage[];

  constructor(context: RunContext, options: AgentRunnerOptions, catalog: ReadonlyMap<string, ToolSpec>, retry: RetryPolicy) {
    this.context = context;
    this.options = options;
    this.catalog = catalog;
    this.retry = retry;
    this.job = context.task.jobId ? context.definition.jobs.find((job) => job.id === context.task.jobId) : undefined;
    this.policyVersion = policyVersionOf(context.definition);
    this.state = context.run ? restoredRunState(context.run as RunState) : newRunState(context.definition.budget);
    this.messages = messagesOf(this.state);
  }

  private get runId(): string {
    return this.context.task.id;
  }

  private get budget() {
    return this.context.definition.budget;
  }

  private audit(id: string, record: Omit<Parameters<RunContext['audit']>[1], 'runId' | 'jobId'>): Promise<void> {
    return this.context.audit(`${this.runId}:${id}`, { ...record, runId: this.runId, ...(this.job ? { jobId: this.job.id } : {}) });
  }

  private saved(): RunState {
    return withMessages(this.state, this.messages);
  }

  async run(): Promise<RunResult> {
    if (this.context.run === null) {
      await this.audit('started', { kind: 'run.started', by: this.context.coworkerId, summary: `started ${this.job ? `job ${this.job.id}` : 'a task'}: ${this.context.task.text.slice(0, 120)}` });
      this.messages.push(new HumanMessage(taskPrompt(this.context.task)));
    }
    const waiting = await this.foldNotes(this.context.notes);
    if (waiting) return waiting;
    if (this.state.plan) {
      const result = await this.workThroughPlan(this.state.plan);
      if (result) return result;
    }
    if (this.overBudget()) return this.budgetExceeded();
    return this.modelTurn();
  }

  private overBudget(): boolean {
    const { steps, tokens, allowance } = this.state;
    return steps >= allowance.steps || tokens >= allowance.tokens;
  }

  /** The job's tools (or the coworker's) and the built-ins, as the model is offered them. */
  private offeredTools(): ToolSpec[] {
    return (this.job?.tools ?? this.context.definition.tools).flatMap((tool) => this.catalog.get(tool) ?? []);
  }

  private inputOf(tool: string): Record<string, unknown> | undefined {
    if (tool === ASK_MANAGER) return askManagerSpec.parameters;
    if (tool === HANDOFF && this.options.coworkers) return handoffToolSpec.function.parameters;
    return this.catalog.get(tool)?.input;
  }

  /** Asks the model for its next turn; a turn with calls is recorded (the step ends) before any of them runs. */
  private async modelTurn(): Promise<RunResult> {
    const specs = this.offeredTools();
    const tools = [
      ...specs.map((spec) => ({ type: 'function' as const, function: { name: toModelToolName(spec.name), description: `${spec.description} (risk: ${spec.risk})`, parameters: spec.input } })),
      { type: 'function' as const, function: askManagerSpec },
      ...(this.options.coworkers ? [handoffToolSpec] : []),
    ];
    const model = this.options.model.bindTools ? this.options.model.bindTools(tools) : this.options.model;
    const reply = (await model.invoke([new SystemMessage(systemPrompt(this.context.definition, this.job)), ...this.messages], { signal: this.context.signal })) as AIMessage;
    const turn = this.state.turns;
    const offered = [...specs.map((spec) => spec.name), ASK_MANAGER, ...(this.options.coworkers ? [HANDOFF] : [])];
    const { message, items } = planTurn(reply, { offered, inputOf: (tool) => this.inputOf(tool) }, turn);
    this.messages.push(message);
    this.state = { ...this.state, steps: this.state.steps + 1, turns: turn + 1, tokens: this.state.tokens + (reply.usage_metadata?.total_tokens ?? 0) };
    if (items.length === 0) {
      const summary = textOf(reply).trim() || '(finished without a summary)';
      await this.audit('finished', { kind: 'run.finished', by: this.context.coworkerId, summary, detail: { steps: this.state.steps, tokens: this.state.tokens } });
      return { kind: 'done', summary };
    }
    this.state = { ...this.state, plan: { turn, items, done: 0, requests: [], question: null, after: [] } };
    return { kind: 'progress', run: this.saved() };
  }

  /**
   * Handles the plan's items in order until one has run (its outcome is stored before the next
   * runs) or the plan ends; returns the step's result, or null to go on to the model's next turn.
   */
  private async workThroughPlan(plan: Plan): Promise<RunResult | null> {
    const { callsPerTurn, pendingApprovals } = this.budget;
    for (let index = plan.done; index < plan.items.length; index++) {
      const item = plan.items[index]!;
      plan = { ...plan, done: index + 1 };
      this.state = { ...this.state, plan };
      if (item.kind === 'approved') {
        const executed = await this.runApproved(item.request, plan, item.approvedBy);
        plan = this.state.plan ?? plan;
        if (executed) return executed;
        continue;
      }
      if (item.kind === 'retry') return this.runOne(item.call, plan);
      if (item.tool === HANDOFF && plan.items.length === 1) {
        this.state = { ...this.state, plan: null };
        return this.handoff(item.toolCallId, item.args);
      }
      const id = `t${plan.turn}:${index}`;
      if (index >= callsPerTurn) {
        await this.audit(`${id}:refused`, { kind: 'tool.refused', by: 'policy', tool: item.tool, summary: `not run: call ${index + 1} of one turn, over the limit of ${callsPerTurn} (budget.callsPerTurn)` });
        this.answer(item.toolCallId, `Not run: too many calls in one turn (at most ${callsPerTurn}). Call what you still need again, fewer at a time.`);
        continue;
      }
      if (item.tool === HANDOFF) {
        this.answer(item.toolCallId, 'Not run: call handoff alone in its turn, after everything else is done.');
        continue;
      }
      await this.audit(`${id}:proposed`, { kind: 'tool.proposed', by: this.context.coworkerId, tool: item.tool, summary: describeCall(item.tool, item.args, this.catalog.get(item.tool)?.consequential), detail: { args: item.args, turn: plan.turn, position: index } });
      if (item.problem) {
        await this.audit(`${id}:invalid`, { kind: 'tool.invalid', by: 'policy', tool: item.tool, summary: `not run: ${item.problem}` });
        this.answer(item.toolCallId, `Error: ${item.problem}`);
        continue;
      }
      if (item.tool === ASK_MANAGER) {
        plan = { ...plan, question: { toolCallId: item.toolCallId, text: String(item.args.question ?? 'I need your help to go on.') } };
        this.state = { ...this.state, plan };
        continue;
      }
      const classification = classifyCall({ definition: this.context.definition, job: this.job, tool: item.tool, catalog: this.catalog });
      await this.audit(`${id}:classified`, {
        kind: 'tool.classified',
        by: 'policy',
        tool: item.tool,
        summary: `${classification.verdict}: ${classification.reason}`,
        detail: { verdict: classification.verdict, reason: classification.reason, risk: classification.spec?.risk ?? null },
      });
      if (classification.verdict === 'refused') {
        await this.audit(`${id}:refused`, { kind: 'tool.refused', by: 'policy', tool: item.tool, summary: classification.reason });
        this.answer(item.toolCallId, `Refused by policy: ${classification.reason}. Do not try it again.`);
      } else if (classification.verdict === 'gated' && plan.requests.length >= pendingApprovals) {
        await this.audit(`${id}:refused`, { kind: 'tool.refused', by: 'policy', tool: item.tool, summary: `not asked: ${pendingApprovals} approvals are already asked for in this run (budget.pendingApprovals)` });
        this.answer(item.toolCallId, `Not asked: at most ${pendingApprovals} approvals wait at once. Ask again once the pending ones are decided.`);
      } else if (classification.verdict === 'gated') {
        plan = { ...plan, requests: [...plan.requests, this.approvalRequest(item.toolCallId, `${plan.turn}:${index}`, item.tool, item.args, classification.reason, classification.spec!.risk)] };
        this.state = { ...this.state, plan };
      } else {
        return this.runOne({ toolCallId: item.toolCallId, tool: item.tool, args: item.args, key: autonomousKey(this.runId, plan.turn, index) }, plan);
      }
    }
    return this.finishPlan(plan);
  }

  /** Every item is handled: people's words join the conversation, then the run asks, waits, or goes on. */
  private finishPlan(plan: Plan): RunResult | null {
    this.state = { ...this.state, plan: null };
    for (const words of plan.after) this.messages.push(new HumanMessage(words));
    const { requests, question } = plan;
    if (requests.length > 0) {
      // A question asked in the same turn waits until the approvals are decided.
      if (question) this.answer(question.toolCallId, 'Ask again once your pending approvals are decided.');
      this.state = { ...this.state, awaiting: { kind: 'approvals', requests } };
      return { kind: 'approvalNeeded', requests, run: this.saved() };
    }
    if (question) {
      this.state = { ...this.state, awaiting: { kind: 'answer', reason: 'question', toolCallId: question.toolCallId } };
      return { kind: 'blocked', question: question.text, run: this.saved() };
    }
    return null;
  }

  /** Runs one call, the step's one side effect, once the budget allows it; its outcome is stored before anything else runs. */
  private async runOne(call: CallToExecute, plan: Plan): Promise<RunResult> {
    if (this.overBudget()) {
      // The call stays in the plan: once the manager extends the budget, the turn goes on from it.
      this.state = { ...this.state, plan: { ...plan, done: plan.done - 1 } };
      return this.budgetExceeded();
    }
    this.state = { ...this.state, steps: this.state.steps + 1 };
    const granting = { signer: this.options.signer, isRead: (tool: string) => this.catalog.get(tool)?.risk === 'read', policyVersion: this.policyVersion };
    const execution = await executeCall(this.context, this.options.callTool, this.retry, call, granting);
    if (execution.kind === 'unavailable') {
      this.abandonPlan(this.state.plan ?? plan, 'Not run: an earlier call in this turn failed. Call it again if you still need it.');
      this.state = { ...this.state, awaiting: { kind: 'answer', reason: 'failure', retry: call } };
      return { kind: 'blocked', question: `${call.tool} kept failing after ${this.retry.attempts} attempts (${execution.error}). Reply to retry it, or cancel the task.`, run: this.saved() };
    }
    this.answer(call.toolCallId, resultText(execution));
    if (this.state.plan && this.state.plan.done >= this.state.plan.items.length) return this.finishPlan(this.state.plan) ?? { kind: 'progress', run: this.saved() };
    return { kind: 'progress', run: this.saved() };
  }

  /** Answers every call of the plan not handled yet with `why`; the calls it would have asked about are not asked. */
  private abandonPlan(plan: Plan, why: string): void {
    for (const item of plan.items.slice(plan.done)) {
      if (item.kind === 'proposed') this.answer(item.toolCallId, why);
      else if (item.kind === 'approved') this.answer(item.request.toolCallId, `Approved, but not run: ${why}`);
    }
    for (const request of plan.requests) this.answer(request.toolCallId, why.replace('Not run', 'Not asked'));
    if (plan.question) this.answer(plan.question.toolCallId, why.replace('Not run', 'Not asked'));
    this.state = { ...this.state, plan: null };
    for (const words of plan.after) this.messages.push(new HumanMessage(words));
  }

  /** Within the team the offer goes out now (the receiver's policy decides); across teams the receiving manager approves first. */
  private async handoff(toolCallId: string, rawArgs: Record<string, unknown>): Promise<RunResult> {
    const me = this.context.definition;
    await this.audit(`${toolCallId}:proposed`, { kind: 'tool.proposed', by: me.id, tool: HANDOFF, summary: describeCall(HANDOFF, rawArgs), detail: { args: rawArgs } });
    const parsed = parseHandoffArgs(rawArgs);
    const receiver = parsed.ok && parsed.args.to !== me.id ? await this.options.coworkers!(parsed.args.to) : null;
    const problem = !parsed.ok ? parsed.error : parsed.args.to === me.id ? 'the task is already yours' : !receiver ? `there is no coworker "${parsed.args.to}"` : null;
    if (problem || !parsed.ok || !receiver) {
      await this.audit(`${toolCallId}:refused`, { kind: 'tool.refused', by: 'policy', tool: HANDOFF, summary: `not handed off: ${problem}` });
      this.answer(toolCallId, `Not handed off: ${problem}.`);
      return { kind: 'progress', run: this.saved() };
    }
    const gate = crossTeamGate(me, receiver);
    const verdict = gate ? `gated: ${gate.reason}` : `autonomous: within the ${me.team} team, ${receiver.name}'s handoff policy decides`;
    await this.audit(`${toolCallId}:classified`, { kind: 'tool.classified', by: 'policy', tool: HANDOFF, summary: verdict, detail: { verdict: gate ? 'gated' : 'autonomous', to: receiver.id, toTeam: receiver.team } });
    if (!gate) return this.offer(toolCallId, parsed.args, receiver);
    const requests = [this.approvalRequest(toolCallId, toolCallId, HANDOFF, rawArgs, gate.reason, 'handoff', gate.approvers)];
    this.state = { ...this.state, awaiting: { kind: 'approvals', requests } };
    return { kind: 'approvalNeeded', requests, run: this.saved() };
  }

  /** Offers the task; the machine sends it and waits for the receiver's answer. */
  private offer(toolCallId: string, args: HandoffArgs, receiver: CoworkerDefinition, approvedBy?: string): RunResult {
    const task = handoffTask({
      from: this.context.definition,
      original: this.context.task,
      toolCallId,
      step: this.state.steps,
      to: receiver.id,
      args,
      now: this.context.now(),
      ...(approvedBy ? { approvedBy } : {}),
    });
    this.state = { ...this.state, awaiting: { kind: 'handoff', toolCallId } };
    return { kind: 'handoff', task, to: partyOf(receiver), run: this.saved() };
  }

  private answer(toolCallId: string, content: string): void {
    this.messages.push(new ToolMessage({ tool_call_id: toolCallId, content }));
  }

  /** `origin` names the call in its run (turn and position, or the call it edits), so the id is the same when a step runs again. */
  private approvalRequest(toolCallId: string, origin: string, tool: string, args: Record<string, unknown>, reason: string, risk: string, approvers?: string[]): ApprovalRequest {
    const argsHash = approvalHash({ coworkerId: this.context.coworkerId, tool, args, policyVersion: this.policyVersion });
    const id = `apr-${sha256(`${this.runId}:${origin}:${argsHash}:${this.state.steps}`).slice(0, 12)}`;
    const declared = this.catalog.get(tool)?.consequential;
    return {
      id,
      toolCallId,
      tool,
      args,
      risk,
      reason,
      summary: describeCall(tool, args, declared),
      consequential: consequentialArgs(args, declared),
      argsHash,
      policyVersion: this.policyVersion,
      taskId: this.runId,
      ...(this.job ? { jobId: this.job.id } : {}),
      ...(approvers ? { approvers } : {}),
    };
  }

  /** Applies what people decided or answered since the last step; returns a result when the run must wait again. */
  private async foldNotes(notes: TaskNote[]): Promise<RunResult | null> {
    const awaiting = this.state.awaiting;
    this.state = { ...this.state, awaiting: null };
    if (awaiting?.kind === 'handoff') {
      const declined = notes.findLast((note) => note.kind === 'handoff');
      if (declined?.kind === 'handoff') this.answer(awaiting.toolCallId, `${declined.to} declined: ${declined.reason}. The task is still yours: go on with it, or ask your manager.`);
    }
    const handoffRequest = awaiting?.kind === 'approvals' ? awaiting.requests.find((request) => request.tool === HANDOFF) : undefined;
    if (handoffRequest) return this.foldHandoffDecision(handoffRequest, notes);
    if (awaiting?.kind === 'approvals') this.foldDecisions(awaiting.requests, notes);
    for (const note of notes) {
      if (note.kind !== 'answer') continue;
      const words = `${note.by} (your manager or an approver) says: ${note.answer}`;
      if (awaiting?.kind === 'answer' && awaiting.reason === 'failure') {
        // The retried call's result must follow the model's call directly, before the answer.
        this.state = { ...this.state, plan: { turn: this.state.turns, items: [{ kind: 'retry', call: awaiting.retry }], done: 0, requests: [], question: null, after: [words] } };
      } else if (awaiting?.kind === 'answer' && awaiting.reason === 'question') {
        this.answer(awaiting.toolCallId, `${note.by} answered: ${note.answer}`);
      } else if (this.state.plan) {
        // A turn stopped by the budget goes on first: its calls are answered before anything else is said.
        this.state = { ...this.state, plan: { ...this.state.plan, after: [...this.state.plan.after, words] } };
      } else {
        this.messages.push(new HumanMessage(words));
      }
      if (awaiting?.kind === 'answer' && awaiting.reason === 'budget') await this.extendBudget(note.by);
    }
    return null;
  }

  /** Approved calls become a plan, run one per step; edited ones are asked again once it is done; the rest are answered now. */
  private foldDecisions(requests: ApprovalRequest[], notes: TaskNote[]): void {
    const items: PlanItem[] = [];
    const again: ApprovalRequest[] = [];
    for (const request of requests) {
      const note = notes.findLast((candidate) => candidate.kind === 'decision' && candidate.approvalId === request.id);
      const decision = note?.kind === 'decision' ? note : null;
      if (decision?.decision === 'approved') {
        items.push({ kind: 'approved', request, approvedBy: decision.by });
      } else if (decision?.decision === 'edited' && decision.args) {
        again.push(this.approvalRequest(request.toolCallId, request.id, request.tool, decision.args, `${request.reason}; arguments edited by ${decision.by}`, request.risk));
      } else {
        const why = decision?.decision === 'rejected' ? `Rejected by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}.` : 'Nobody decided in time.';
        this.answer(request.toolCallId, `Not executed. ${why} Revise your plan without this call, or stop.`);
      }
    }
    if (items.length > 0 || again.length > 0) this.state = { ...this.state, plan: { turn: this.state.turns, items, done: 0, requests: again, question: null, after: [] } };
  }

  private async extendBudget(by: string): Promise<void> {
    const { stepsPerRun, tokensPerRun } = this.budget;
    const allowance = { steps: this.state.allowance.steps + stepsPerRun, tokens: this.state.allowance.tokens + tokensPerRun };
    this.state = { ...this.state, allowance };
    await this.audit(`budget:extended:${allowance.steps}`, { kind: 'budget.extended', by, summary: `budget extended to ${allowance.steps} steps and ${allowance.tokens} tokens` });
  }

  /** The receiving manager decided on a cross-team handoff: offer it, ask again (edited), or tell the model why not. */
  private async foldHandoffDecision(request: ApprovalRequest, notes: TaskNote[]): Promise<RunResult | null> {
    const note = notes.findLast((candidate) => candidate.kind === 'decision' && candidate.approvalId === request.id);
    const decision = note?.kind === 'decision' ? note : null;
    if (decision?.decision === 'approved') {
      // Approved as asked: the arguments were checked when the model proposed them; the receiver is looked up again, it may be gone.
      const parsed = parseHandoffArgs(request.args);
      const receiver = parsed.ok ? await this.options.coworkers!(parsed.args.to) : null;
      if (parsed.ok && receiver) return this.offer(request.toolCallId, parsed.args, receiver, decision.by);
      this.answer(request.toolCallId, `Not handed off: ${parsed.ok ? `there is no coworker "${parsed.args.to}" any more` : parsed.error}.`);
      return { kind: 'progress', run: this.saved() };
    }
    if (decision?.decision === 'edited' && decision.args) {
      const requests = [this.approvalRequest(request.toolCallId, request.id, HANDOFF, decision.args, `${request.reason}; edited by ${decision.by}`, request.risk, request.approvers)];
      this.state = { ...this.state, awaiting: { kind: 'approvals', requests } };
      return { kind: 'approvalNeeded', requests, run: this.saved() };
    }
    const why = decision?.decision === 'rejected' ? `rejected by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}` : 'nobody decided in time';
    this.answer(request.toolCallId, `Not handed off: ${why}. The task is still yours: go on with it, or ask your manager.`);
    return null;
  }

  /** Runs an approved call if its approval still covers it; returns null when it was answered without running. */
  private async runApproved(request: ApprovalRequest, plan: Plan, approvedBy: string | undefined): Promise<RunResult | null> {
    const call: RetryCall = {
      toolCallId: request.toolCallId,
      tool: request.tool,
      args: request.args,
      key: approvalKey(request.id),
      grant: { id: request.id, argsHash: request.argsHash, policyVersion: request.policyVersion, ...(approvedBy ? { approvedBy } : {}) },
    };
    try {
      assertGrantMatches(this.context, call, this.policyVersion);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.audit(`${request.id}:refused`, { kind: 'tool.refused', by: 'policy', tool: request.tool, approvalId: request.id, summary: message });
      if (request.policyVersion !== this.policyVersion) {
        const again = this.approvalRequest(request.toolCallId, request.id, request.tool, request.args, `${request.reason}; the policy changed since it was approved`, request.risk);
        this.state = { ...this.state, plan: { ...plan, requests: [...plan.requests, again] } };
      } else {
        this.answer(request.toolCallId, `Not executed: ${message}`);
      }
      return null;
    }
    return this.runOne(call, plan);
  }

  private async budgetExceeded(): Promise<RunResult> {
    const { steps, tokens, allowance } = this.state;
    const what = steps >= allowance.steps ? `${steps} of ${allowance.steps} steps` : `${tokens} of ${allowance.tokens} tokens`;
    await this.audit(`budget:${allowance.steps}:${allowance.tokens}`, { kind: 'budget.exceeded', by: 'policy', summary: `used ${what}`, detail: { steps, tokens, allowance } });
    this.state = { ...this.state, awaiting: { kind: 'answer', reason: 'budget' } };
    return {
      kind: 'blocked',
      question: `This run used ${what} of its budget. Reply to extend it by another budget, or cancel the task.`,
      run: this.saved(),
    };
  }
}
