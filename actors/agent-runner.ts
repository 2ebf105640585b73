// The agent loop, one step at a time: fold in what people decided, check the budget, ask the
// model for its next turn with the job's tools bound, then classify every proposed call outside
// the model: refused, run now (autonomous), or turned into an approval request (gated). Each
// step ends in a state the statechart persists, so a crash repeats at most one step, and every
// side effect in it carries an idempotency key.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { TaskNote } from '../machines/index.ts';
import {
  approvalHash,
  fromModelToolName,
  sha256,
  toModelToolName,
  type ApprovalRequest,
  type CoworkerDefinition,
  type JobDefinition,
  type ToolCall,
  type ToolResult,
  type ToolSpec,
} from '../protocol/index.ts';
import { classifyCall, policyVersionOf } from './policy.ts';
import { messagesOf, newRunState, withMessages, type RunState } from './run-state.ts';
import { approvalKey, assertGrantMatches, autonomousKey, executeCall, type CallToExecute, type RetryPolicy } from './tool-execution.ts';
import type { RunContext, RunResult, TaskRunner } from './task-runner.ts';
import { systemPrompt, taskPrompt } from './agent-prompts.ts';
import { HANDOFF, crossTeamGate, handoffTask, handoffToolSpec, parseHandoffArgs, partyOf, type CoworkerLookup, type HandoffArgs } from './handoff-tool.ts';

/** The built-in tool a model uses to ask its manager what only a person can answer. */
export const ASK_MANAGER = 'ask_manager';
/** Tool results beyond this many characters are cut, so one answer cannot flood the snapshot. */
const MAX_RESULT_CHARS = 8_000;

export interface AgentRunnerOptions {
  model: BaseChatModel;
  /** Every tool the connectors offer, with their declared risk. */
  tools: ToolSpec[];
  callTool: (call: ToolCall) => Promise<ToolResult>;
  retry?: RetryPolicy;
  /** Looks up other coworkers for the `handoff` tool (e.g. from the store); without it the tool is not offered. */
  coworkers?: CoworkerLookup;
}

type ModelToolCall = { id?: string; name: string; args: Record<string, unknown> };

function resultText(execution: Awaited<ReturnType<typeof executeCall>>): string {
  const text = execution.kind === 'ok' ? JSON.stringify(execution.result ?? null) : `Error: ${execution.error}`;
  return text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}… (cut at ${MAX_RESULT_CHARS} characters)` : text;
}

/** One line for people (an approver's inbox, the audit trail): the call's fields, each cut short. */
function describeCall(tool: string, args: Record<string, unknown>): string {
  const short = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text);
  const fields = Object.entries(args).map(([name, value]) => {
    const shown = typeof value === 'string' ? value : Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.join(', ') : JSON.stringify(value);
    return `${name}: ${short(shown.replace(/\s+/g, ' '), 60)}`;
  });
  return short(`${tool} (${fields.join('; ')})`, 200);
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
    this.state = (context.run as RunState | null) ?? newRunState(context.definition.budget);
    this.messages = messagesOf(this.state);
  }

  private get runId(): string {
    return this.context.task.id;
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
    const resumed = await this.foldNotes(this.context.notes);
    if (resumed) return resumed;

    const { steps, tokens, allowance } = this.state;
    if (steps >= allowance.steps || tokens >= allowance.tokens) return this.budgetExceeded();

    const reply = await this.modelTurn();
    const calls = (reply.tool_calls ?? []) as ModelToolCall[];
    if (calls.length === 0) {
      const summary = textOf(reply).trim() || '(finished without a summary)';
      await this.audit('finished', { kind: 'run.finished', by: this.context.coworkerId, summary, detail: { steps: this.state.steps, tokens: this.state.tokens } });
      return { kind: 'done', summary };
    }
    return this.handleCalls(calls);
  }

  private async modelTurn(): Promise<AIMessage> {
    const specs = (this.job?.tools ?? this.context.definition.tools).flatMap((tool) => this.catalog.get(tool) ?? []);
    const tools = [
      ...specs.map((spec) => ({ type: 'function' as const, function: { name: toModelToolName(spec.name), description: `${spec.description} (risk: ${spec.risk})`, parameters: spec.input } })),
      {
        type: 'function' as const,
        function: {
          name: ASK_MANAGER,
          description: 'Ask your manager a question only a person can answer; the run waits for the answer.',
          parameters: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
        },
      },
      ...(this.options.coworkers ? [handoffToolSpec] : []),
    ];
    const model = this.options.model.bindTools ? this.options.model.bindTools(tools) : this.options.model;
    const reply = (await model.invoke([new SystemMessage(systemPrompt(this.context.definition, this.job)), ...this.messages], { signal: this.context.signal })) as AIMessage;
    this.messages.push(reply);
    this.state = { ...this.state, steps: this.state.steps + 1, tokens: this.state.tokens + (reply.usage_metadata?.total_tokens ?? 0) };
    return reply;
  }

  private async handleCalls(calls: ModelToolCall[]): Promise<RunResult> {
    const handoffs = calls.filter((call) => call.name === HANDOFF);
    if (handoffs.length > 0 && calls.length > 1) {
      // A handoff ends the run: it cannot share a turn with calls whose results it would leave behind.
      for (const [index, call] of calls.entries()) this.answer(call.id ?? `call-${this.state.steps}-${index}`, 'Not run: call handoff alone in its turn, after everything else is done.');
      return { kind: 'progress', run: this.saved() };
    }
    if (handoffs[0]) return this.handoff(handoffs[0].id ?? `call-${this.state.steps}-0`, handoffs[0].args);
    const requests: ApprovalRequest[] = [];
    let question: { toolCallId: string; text: string } | null = null;
    let failed: { call: CallToExecute; error: string } | null = null;
    for (const [index, call] of calls.entries()) {
      const toolCallId = call.id ?? `call-${this.state.steps}-${index}`;
      if (call.name === ASK_MANAGER) {
        question = { toolCallId, text: String(call.args.question ?? 'I need your help to go on.') };
        continue;
      }
      const tool = fromModelToolName(call.name);
      const classification = classifyCall({ definition: this.context.definition, job: this.job, tool, catalog: this.catalog });
      await this.audit(`${toolCallId}:proposed`, { kind: 'tool.proposed', by: this.context.coworkerId, tool, summary: describeCall(tool, call.args), detail: { args: call.args } });
      await this.audit(`${toolCallId}:classified`, {
        kind: 'tool.classified',
        by: 'policy',
        tool,
        summary: `${classification.verdict}: ${classification.reason}`,
        detail: { verdict: classification.verdict, reason: classification.reason, risk: classification.spec?.risk ?? null },
      });
      if (classification.verdict === 'refused') {
        await this.audit(`${toolCallId}:refused`, { kind: 'tool.refused', by: 'policy', tool, summary: classification.reason });
        this.answer(toolCallId, `Refused by policy: ${classification.reason}. Do not try it again.`);
      } else if (classification.verdict === 'gated') {
        requests.push(this.approvalRequest(toolCallId, tool, call.args, classification.reason, classification.spec!.risk));
      } else if (failed) {
        this.answer(toolCallId, 'Not run: an earlier call in this turn failed. Call it again if you still need it.');
      } else {
        const autonomous = { toolCallId, tool, args: call.args, key: autonomousKey(this.runId, tool, call.args) };
        const error = await this.execute(autonomous);
        if (error) failed = { call: autonomous, error };
      }
    }
    if (failed) {
      // Every call of the turn needs an answer before the model's next turn; the gated ones are asked again later.
      for (const request of requests) this.answer(request.toolCallId, 'Not asked: an earlier call in this turn failed. Call it again if you still need it.');
      if (question) this.answer(question.toolCallId, 'Not asked: an earlier call in this turn failed.');
      return this.blockOnFailure(failed.call, failed.error);
    }
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
    return { kind: 'progress', run: this.saved() };
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
    const requests = [this.approvalRequest(toolCallId, HANDOFF, rawArgs, gate.reason, 'handoff', gate.approvers)];
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

  private approvalRequest(toolCallId: string, tool: string, args: Record<string, unknown>, reason: string, risk: string, approvers?: string[]): ApprovalRequest {
    const argsHash = approvalHash({ coworkerId: this.context.coworkerId, tool, args, policyVersion: this.policyVersion });
    // Deterministic, so a step re-run after a crash asks for the same approval, not a second one.
    const id = `apr-${sha256(`${this.runId}:${toolCallId}:${argsHash}:${this.state.steps}`).slice(0, 12)}`;
    return {
      id,
      toolCallId,
      tool,
      args,
      risk,
      reason,
      summary: describeCall(tool, args),
      argsHash,
      policyVersion: this.policyVersion,
      taskId: this.runId,
      ...(this.job ? { jobId: this.job.id } : {}),
      ...(approvers ? { approvers } : {}),
    };
  }

  /** Runs a call and answers the model with its result; returns the error when the connector stayed away. */
  private async execute(call: CallToExecute): Promise<string | null> {
    this.state = { ...this.state, steps: this.state.steps + 1 };
    const execution = await executeCall(this.context, this.options.callTool, this.retry, call);
    if (execution.kind === 'unavailable') return execution.error;
    this.answer(call.toolCallId, resultText(execution));
    return null;
  }

  private blockOnFailure(call: CallToExecute, error: string): RunResult {
    this.state = { ...this.state, awaiting: { kind: 'answer', reason: 'failure', retry: call } };
    return { kind: 'blocked', question: `${call.tool} kept failing after ${this.retry.attempts} attempts (${error}). Reply to retry it, or cancel the task.`, run: this.saved() };
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
    if (awaiting?.kind === 'approvals') {
      const again: ApprovalRequest[] = [];
      let failed: { call: CallToExecute; error: string } | null = null;
      for (const request of awaiting.requests) {
        const note = notes.findLast((candidate) => candidate.kind === 'decision' && candidate.approvalId === request.id);
        const decision = note?.kind === 'decision' ? note : null;
        if (decision?.decision === 'approved') {
          const error = await this.executeApproved(request, again);
          // One call is retried after the block; a second failure is reported to the model instead.
          if (error && failed) this.answer(request.toolCallId, `Not executed: ${error}`);
          else if (error) failed = { call: this.approvedCall(request), error };
        } else if (decision?.decision === 'edited' && decision.args) {
          again.push(this.approvalRequest(request.toolCallId, request.tool, decision.args, `${request.reason}; arguments edited by ${decision.by}`, request.risk));
        } else {
          const why = decision?.decision === 'rejected' ? `Rejected by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}.` : 'Nobody decided in time.';
          this.answer(request.toolCallId, `Not executed. ${why} Revise your plan without this call, or stop.`);
        }
      }
      if (failed) {
        for (const request of again) this.answer(request.toolCallId, 'Not asked again: another call failed. Propose it again if you still need it.');
        return this.blockOnFailure(failed.call, failed.error);
      }
      if (again.length > 0) {
        this.state = { ...this.state, awaiting: { kind: 'approvals', requests: again } };
        return { kind: 'approvalNeeded', requests: again, run: this.saved() };
      }
    }
    for (const note of notes) {
      if (note.kind !== 'answer') continue;
      // The retried call's result must follow the model's call directly, before the answer.
      if (awaiting?.kind === 'answer' && awaiting.reason === 'failure') {
        const error = await this.execute(awaiting.retry);
        if (error) return this.blockOnFailure(awaiting.retry, error);
      }
      if (awaiting?.kind === 'answer' && awaiting.reason === 'question') {
        this.answer(awaiting.toolCallId, `${note.by} answered: ${note.answer}`);
      } else {
        this.messages.push(new HumanMessage(`${note.by} (your manager or an approver) says: ${note.answer}`));
      }
      if (awaiting?.kind === 'answer' && awaiting.reason === 'budget') {
        const { stepsPerRun, tokensPerRun } = this.context.definition.budget;
        const allowance = { steps: this.state.allowance.steps + stepsPerRun, tokens: this.state.allowance.tokens + tokensPerRun };
        this.state = { ...this.state, allowance };
        await this.audit(`budget:extended:${allowance.steps}`, { kind: 'budget.extended', by: note.by, summary: `budget extended to ${allowance.steps} steps and ${allowance.tokens} tokens` });
      }
    }
    return null;
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
      const requests = [this.approvalRequest(request.toolCallId, HANDOFF, decision.args, `${request.reason}; edited by ${decision.by}`, request.risk, request.approvers)];
      this.state = { ...this.state, awaiting: { kind: 'approvals', requests } };
      return { kind: 'approvalNeeded', requests, run: this.saved() };
    }
    const why = decision?.decision === 'rejected' ? `rejected by ${decision.by}${decision.reason ? `: ${decision.reason}` : ''}` : 'nobody decided in time';
    this.answer(request.toolCallId, `Not handed off: ${why}. The task is still yours: go on with it, or ask your manager.`);
    return null;
  }

  private approvedCall(request: ApprovalRequest): CallToExecute {
    return {
      toolCallId: request.toolCallId,
      tool: request.tool,
      args: request.args,
      key: approvalKey(request.id),
      grant: { id: request.id, argsHash: request.argsHash, policyVersion: request.policyVersion },
    };
  }

  private async executeApproved(request: ApprovalRequest, again: ApprovalRequest[]): Promise<string | null> {
    const call = this.approvedCall(request);
    try {
      assertGrantMatches(this.context, call, this.policyVersion);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.audit(`${request.id}:refused`, { kind: 'tool.refused', by: 'policy', tool: request.tool, approvalId: request.id, summary: message });
      if (request.policyVersion !== this.policyVersion) {
        again.push(this.approvalRequest(request.toolCallId, request.tool, request.args, `${request.reason}; the policy changed since it was approved`, request.risk));
      } else {
        this.answer(request.toolCallId, `Not executed: ${message}`);
      }
      return null;
    }
    return this.execute(call);
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
