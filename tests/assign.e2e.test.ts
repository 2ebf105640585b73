// A manager change takes effect for the next approval without a restart: the examples in an
// embedded runtime like `npm start`'s, Sam waiting on Daniel's approval, then moved to Marketing
// under Maria with the same command the CLI, the console and Slack use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../cli/runtime.ts';
import { assignCoworker, decideApproval, listApprovals, loadPeople, readAudit, type PendingApproval } from '../gateway/index.ts';
import { subjects, type CoworkerEvent } from '../protocol/index.ts';
import { examplesFolder, startExampleRuntime } from './example-runtime.ts';
import { waitFor } from './helpers.ts';

const DANIEL = 'U04DANIEL2';
const PRIYA = 'U04PRIYA03';
const MARIA = 'U04MARIA01';

let runtime: Runtime;
let dir: string;
const events: CoworkerEvent[] = [];

beforeAll(async () => {
  dir = examplesFolder();
  runtime = await startExampleRuntime(dir);
  await runtime.bus.subscribe(subjects.eventsOf('sam'), (message) => void events.push(message.data as CoworkerEvent));
});
afterAll(() => runtime?.close());

const deps = () => ({ bus: runtime.bus, store: runtime.store, now: Date.now, signer: runtime.identity.signer });

function pending(tool: string, other?: string): Promise<PendingApproval> {
  return waitFor(
    async () => (await listApprovals(runtime.store)).find((approval) => approval.coworkerId === 'sam' && approval.tool === tool && approval.id !== other),
    `sam's ${tool} approval`,
  );
}

describe('assigning a coworker to another manager, live', () => {
  it('sends its waiting and its next approvals, and its report, to the new manager', async () => {
    // At start the CRM marks deals stale and Sam drafts a follow-up: Daniel (or his deputy Priya) decides.
    const email = await pending('email.send');
    expect(email.approvers).toEqual([DANIEL, PRIYA]);

    const result = await assignCoworker(deps(), await loadPeople(dir), { coworkerId: 'sam', team: 'marketing', manager: 'maria', by: 'cli:test' });
    expect(result).toMatchObject({ status: 'applied', from: { team: 'sales', manager: { id: DANIEL } }, to: { team: 'marketing', manager: { id: MARIA } } });
    expect((await runtime.store.getCoworker('sam'))?.definition).toMatchObject({ team: 'marketing', manager: { slack: MARIA }, approval: { approvers: [MARIA, PRIYA] } });

    // The approval already waiting is Maria's to decide now, not Daniel's.
    expect((await pending('email.send')).approvers).toEqual([MARIA, PRIYA]);
    expect(await decideApproval(deps(), { approvalId: email.id, decision: 'approved', by: DANIEL })).toMatchObject({ status: 'refused' });
    expect(await decideApproval(deps(), { approvalId: email.id, decision: 'approved', by: MARIA })).toMatchObject({ status: 'applied', outcome: 'approved' });

    // It was asked under Daniel's policy, so the runner asks again under Maria's (the policy
    // version covers the manager and approvers): the next approval asks Maria.
    const again = await pending('email.send', email.id);
    expect(again).toMatchObject({ approvers: [MARIA, PRIYA], args: email.args });
    expect(events.find((event) => event.type === 'approval.requested' && event.approval.id === again.id)).toMatchObject({ approval: { approvers: [MARIA, PRIYA] } });
    expect(await decideApproval(deps(), { approvalId: again.id, decision: 'approved', by: MARIA })).toMatchObject({ status: 'applied' });

    // And the one after it; the run's report goes to her.
    const update = await pending('crm.updateDeal');
    expect(update.approvers).toEqual([MARIA, PRIYA]);
    expect(events.find((event) => event.type === 'approval.requested' && event.approval.id === update.id)).toMatchObject({ approval: { approvers: [MARIA, PRIYA] } });
    expect(await decideApproval(deps(), { approvalId: update.id, decision: 'approved', by: MARIA })).toMatchObject({ status: 'applied' });
    const report = await waitFor(async () => events.find((event) => event.type === 'message' && event.to.kind === 'manager'), "the run's report");
    expect(report).toMatchObject({ to: { kind: 'manager', id: MARIA } });

    const trail = await readAudit(runtime.store, { coworkerId: 'sam' });
    expect(trail.filter((entry) => entry.kind === 'assigned')).toEqual([
      expect.objectContaining({ by: 'cli:test', detail: { from: { team: 'sales', manager: DANIEL }, to: { team: 'marketing', manager: MARIA } } }),
    ]);
    expect(trail.filter((entry) => entry.kind === 'approval.decided').map((entry) => entry.by)).toEqual([MARIA, MARIA, MARIA]);
    expect(trail.filter((entry) => entry.kind === 'tool.executed' && entry.tool === 'email.send')).toHaveLength(1);
  }, 60_000);
});
