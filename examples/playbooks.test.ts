// The three example coworkers do their jobs end to end with the real connectors of
// examples/connectors.yaml (the built-in CRM, email, the ICS calendar, the ads CSV exports) and
// the scripted model, in an embedded runtime like `npm start`'s; email goes to a real SMTP server.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../cli/runtime.ts';
import { toolListing } from '../cli/connector-commands.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../connectors/email/email-test-kit.ts';
import { decideApproval, listApprovals, readAudit, type PendingApproval } from '../gateway/index.ts';
import { PROTOCOL_VERSION, subjects } from '../protocol/index.ts';
import { examplesFolder, startExampleRuntime } from '../tests/example-runtime.ts';
import { waitFor } from '../tests/helpers.ts';

const logger = pino({ level: 'silent' });

let runtime: Runtime;
let smtp: TestSmtpServer;
let dir: string;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  dir = examplesFolder({ email: { from: 'Coworkers demo <coworkers@example.com>', smtp: { host: '127.0.0.1', port: smtp.port, secure: false } } });
  runtime = await startExampleRuntime(dir);
});

afterAll(async () => {
  await runtime?.close();
  await smtp?.close();
});

const deps = () => ({ bus: runtime.bus, store: runtime.store, now: Date.now, signer: runtime.identity.signer });

function runJob(coworkerId: string, jobId: string) {
  const id = `${jobId}-${crypto.randomUUID()}`;
  const job = runtime.definitions.find((c) => c.id === coworkerId)!.jobs.find((j) => j.id === jobId)!;
  const task = { id, text: job.instructions, source: 'schedule', requestedBy: 'schedule', jobId, createdAt: Date.now() };
  return runtime.bus.publish(subjects.command('task', coworkerId), { v: PROTOCOL_VERSION, id, coworkerId, at: Date.now(), type: 'task.assign', task }, { msgId: id });
}

function pending(coworkerId: string, tool: string, count: number): Promise<PendingApproval[]> {
  return waitFor(async () => {
    const found = (await listApprovals(runtime.store)).filter((approval) => approval.coworkerId === coworkerId && approval.tool === tool);
    return found.length === count && found;
  }, `${count} ${tool} approval(s) of ${coworkerId}`);
}

async function approve(approval: PendingApproval, by: string) {
  expect(await decideApproval(deps(), { approvalId: approval.id, decision: 'approved', by })).toMatchObject({ status: 'applied' });
}

const executed = async (coworkerId: string, tool: string) =>
  (await readAudit(runtime.store, { coworkerId })).filter((entry) => entry.kind === 'tool.executed' && entry.tool === tool);

describe('the example jobs with the real connectors', () => {
  it('find every tool they are granted: real connectors, and samples only for sheets and Slack', async () => {
    const { tools } = await toolListing({ dir, dataDir: join(dir, 'listing'), logger });
    const granted = [...new Set(runtime.definitions.flatMap((definition) => definition.tools))];
    const offered = new Map(tools.map((row) => [row.tool, row]));
    for (const tool of granted) expect(offered.get(tool), tool).toBeDefined();
    expect(tools.filter((row) => row.sample).map((row) => row.tool)).toEqual(['sheets.appendRow', 'slack.post']);
    expect(offered.get('email.send')!.coworkers).toEqual([{ id: 'ava', asks: true }, { id: 'sam', asks: true }]);
  });

  it('sam follows up on both deals the CRM marks stale, one after the other: each email goes through SMTP once approved', async () => {
    // No one asked: the CRM's stale check ran when the connector started, and its events started the job.
    const sentTo: string[][] = [];
    for (const round of [1, 2]) {
      const [email] = await pending('sam', 'email.send', 1);
      expect(smtp.received).toHaveLength(round - 1);
      await approve(email!, 'U04PRIYA03');
      await waitFor(async () => smtp.received.length === round, `mail ${round} through SMTP`);
      // A second click on an approval already decided sends nothing.
      await expect(decideApproval(deps(), { approvalId: email!.id, decision: 'approved', by: 'U04DANIEL2' })).rejects.toMatchObject({ code: 'APPROVAL_NOT_FOUND' });
      sentTo.push(email!.args.to as string[]);
      const [update] = await pending('sam', 'crm.updateDeal', 1);
      await approve(update!, 'U04DANIEL2');
    }
    expect(sentTo.sort()).toEqual([['dana.ortiz@umbrella.example'], ['it@initech.example']]);
    expect(smtp.received.map((mail) => mail.rcptTo).sort()).toEqual(sentTo);
    expect(smtp.received[0]!.parsed.text).toContain('[scripted model');

    const drafts = await runtime.store.documents.list<{ to: string[] }>('email-drafts');
    expect(drafts.map((draft) => draft.to[0]).sort()).toEqual(['dana.ortiz@umbrella.example', 'it@initech.example']);
    const deal = await waitFor(async () => {
      const found = await runtime.store.documents.get<{ nextStep: string; notes: Array<{ text: string }> }>('crm-deals', 'D-1063');
      return found?.nextStep === 'Call to agree on the next step' && found;
    }, 'the deal updated');
    expect(deal.notes.map((note) => note.text)).toEqual([expect.stringContaining('Drafted a follow-up')]);
    expect(await executed('sam', 'email.send')).toHaveLength(2);
  });

  it('ava reports last week from the CSV exports, and emails the agency once approved', async () => {
    await runJob('ava', 'weekly-ad-report');
    const [email] = await pending('ava', 'email.send', 1);
    expect(email!.args).toMatchObject({ to: ['agency@example.com'], body: expect.stringContaining('6 campaigns') });
    expect(await executed('ava', 'sheets.appendRow')).toHaveLength(6);
    const [post] = await executed('ava', 'slack.post');
    expect(post!.detail!.args).toMatchObject({ channel: '#ad-performance', text: expect.stringContaining('Spring Sale - Search') });
    await approve(email!, 'U04MARIA01');
    const mail = await waitFor(async () => smtp.received.find((received) => received.rcptTo.includes('agency@example.com')), 'the agency mail');
    expect(mail.parsed.subject).toMatch(/^Weekly ad report \d{4}-\d{2}-\d{2}$/);
  });

  it('otto sends the Monday briefing from the calendar file and the CRM, without asking', async () => {
    await runJob('otto', 'monday-briefing');
    const [post] = await waitFor(async () => {
      const posts = await executed('otto', 'slack.post');
      return posts.length > 0 && posts;
    }, "otto's briefing");
    expect(post!.detail!.args).toMatchObject({ channel: 'U04DANIEL2' });
    const text = String((post!.detail!.args as { text: string }).text);
    expect(text).toContain('Sales team meeting');
    expect(text).toContain('(customer)');
    expect(text).toMatch(/Deals closing soon \([1-9]/);
    expect(await listApprovals(runtime.store)).not.toContainEqual(expect.objectContaining({ coworkerId: 'otto' }));
  });
});
