// The Slack gateway as Slack sees it: real signed HTTP requests to the running Bolt receiver, its
// Web API client pointed at a local stand-in that records every call. The same flows run with
// everything in one process and with the runtime as its own process over NATS.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Playbook } from '../actors/index.ts';
import { createSampleConnectors } from '../connectors/index.ts';
import { startSlackGateway, type SlackGateway } from '../gateway/index.ts';
import { ACTIONS, VIEWS } from '../gateway/slack/slack-blocks.ts';
import type { Store } from '../persistence/index.ts';
import { coworkersInProcess, processIdentity, processSigner, processTrust, serveCountingEmail } from './coworkers-in-process.ts';
import type { countingEmailConnector } from './email-connector.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { connectAsTest, startRuntimeProcess, stopRuntimeProcess } from './runtime-processes.ts';
import { startFakeSlack, type FakeSlack, type SlackArgs } from './slack-fake.ts';
import { appMention, blockAction, directMessage, replay, sendCommand, sendEvent, sendInteraction, viewSubmission } from './slack-requests.ts';

const SECRET = 'test-signing-secret';
const MANAGER = 'UMANAGER1';
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const arlo = `${definitionYaml('arlo', { manager: MANAGER })}channels: ["#sales"]\ntools: [email.send, slack.post]\n`;

/** As tests/fixtures/agent-runtime.ts (an email to Ann); in one process also: a question, a post. */
const oneProcessPlaybook: Playbook = ({ turn, latest, task }) => {
  if (task.includes('ask me')) return turn === 0 ? { calls: [{ tool: 'ask_manager', args: { question: 'Which quarter?' } }] } : { text: `sent: answer was ${latest[0]}` };
  if (task.includes('post')) return turn === 0 ? { calls: [{ tool: 'slack.post', args: { channel: task.includes('#random') ? '#random' : '#sales', text: '**Pipeline** is up' } }] } : { text: `sent: ${latest.join(' ')}` };
  return turn === 0
    ? { calls: [{ tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Renewal', body: 'Shall we sign this week?' } }] }
    : { text: `sent: ${latest.join(' ')}` };
};

interface Stack {
  slack: FakeSlack;
  url: string;
  store: Store;
  email: ReturnType<typeof countingEmailConnector>;
  /** Starts another gateway on the same bus and store; its /slack/events. */
  anotherGateway(): Promise<string>;
  /** Stops the first gateway and starts it again; its new /slack/events. */
  restartGateway(): Promise<string>;
}

async function fakeSlack(): Promise<FakeSlack> {
  const slack = await startFakeSlack({ channels: { C0SALES: 'sales', C0RANDOM: 'random' } });
  cleanups.push(() => slack.close());
  return slack;
}

/** Everything in this process; `moreYaml` is added to Arlo's definition. */
async function inOneProcess(moreYaml = ''): Promise<Stack> {
  const slackSample = createSampleConnectors().flatMap((connector) => (connector.name === 'slack' ? connector.specs : []));
  const { bus, store, email } = await coworkersInProcess({ definitions: { arlo: arlo + moreYaml }, playbook: oneProcessPlaybook, moreTools: slackSample }, cleanups);
  const slack = await fakeSlack();
  const running = new Set<SlackGateway>();
  cleanups.push(async () => {
    for (const gateway of running) await gateway.close();
  });
  const start = async () => {
    const gateway = await startSlackGateway({ bus, store, botToken: 'xoxb-test', signingSecret: SECRET, port: 0, slackApiUrl: slack.url, logger, signer: processSigner, trust: processTrust });
    running.add(gateway);
    return { gateway, url: `http://127.0.0.1:${gateway.port}/slack/events` };
  };
  let first = await start();
  const restartGateway = async () => {
    running.delete(first.gateway);
    await first.gateway.close();
    first = await start();
    return first.url;
  };
  return { slack, url: first.url, store, email, anotherGateway: async () => (await start()).url, restartGateway };
}

/** The runtime and `coworkers gateway` as processes of their own, meeting over NATS. */
async function overNats(): Promise<Stack> {
  const env = { ...process.env, ...processIdentity.env, COWORKERS_DIR: writeDefinitions({ arlo }), MONGODB_DB: uniqueName('slack'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('slack')}.v1` };
  const { bus, store } = await connectAsTest(env, cleanups);
  const email = await serveCountingEmail(bus, store, cleanups);
  await startRuntimeProcess('tests/fixtures/agent-runtime.ts', env, cleanups);
  const slack = await fakeSlack();
  const slackEnv = { ...env, LOG_LEVEL: 'warn', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_PORT: '0', SLACK_API_URL: slack.url, CONSOLE_PORT: '0' };
  const start = async () => {
    const gateway = await startRuntimeProcess('cli/main.ts', slackEnv, cleanups, { args: ['gateway'], ready: 'Ctrl-C stops' });
    const port = /localhost:(\d+)\/slack\/events/.exec(gateway.output())![1];
    return { gateway, url: `http://127.0.0.1:${port}/slack/events` };
  };
  let first = await start();
  const restartGateway = async () => {
    await stopRuntimeProcess(first.gateway, 'SIGTERM');
    first = await start();
    return first.url;
  };
  return { slack, url: first.url, store, email, anotherGateway: async () => (await start()).url, restartGateway };
}

const text = (args: SlackArgs) => `${String(args.text)} ${JSON.stringify(args.blocks ?? '')}`;

/** The button of `actionId` in a posted message, with the value it carries. */
function button(message: SlackArgs, actionId: string): string {
  const actions = (message.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((block) => block.type === 'actions');
  const found = actions?.elements?.find((element) => element.action_id === actionId);
  if (!found) throw new Error(`no ${actionId} button in ${JSON.stringify(message.blocks)}`);
  return found.value;
}

/** Mentions Arlo in #sales and waits for the approval message in the manager's DMs. */
async function mentionAndAwaitApproval({ slack, url }: Stack) {
  const mention = appMention({ user: 'UASKER1', channel: 'C0SALES', text: '<@U0BOT> arlo email Ann about the renewal' });
  const mentioned = await sendEvent(url, SECRET, mention);
  expect(mentioned.status).toBe(200);
  const ack = await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts);
  expect(ack).toMatchObject({ channel: 'C0SALES', username: 'Arlo', text: expect.stringContaining('On it') });
  const approval = await slack.waitForCall('chat.postMessage', (args) => args.channel === MANAGER && Array.isArray(args.blocks));
  return { mention, mentioned: mentioned.sent, approval, value: button(approval, ACTIONS.approve) };
}

function click(stack: Stack, user: string, actionId: string, value: string) {
  return sendInteraction(stack.url, SECRET, blockAction({ user, actionId, value, channel: `D${user}`, messageTs: '1700000000.000100' }));
}

function describeSlackFlows(setting: string, setup: () => Promise<Stack>) {
  describe(`Slack (${setting})`, () => {
    it('turns a mention into a task and its gated email into an approval that the manager approves once', async () => {
      const stack = await setup();
      const { slack, email, store } = stack;
      const { mention, approval, value } = await mentionAndAwaitApproval(stack);
      for (const exact of ['ann@acme.example', 'Renewal', 'Shall we sign this week?', 'email.send']) expect(text(approval)).toContain(exact);

      expect((await click(stack, 'USTRANGER', ACTIONS.approve, value)).status).toBe(200);
      const refusal = await slack.waitForCall('chat.postEphemeral', (args) => args.user === 'USTRANGER');
      expect(refusal.text).toContain('not an approver');

      const approve = await click(stack, MANAGER, ACTIONS.approve, value);
      expect(approve.status).toBe(200);
      const updated = await slack.waitForCall('chat.update');
      expect((updated.blocks as Array<{ type: string }>).some((block) => block.type === 'actions')).toBe(false);
      expect(text(updated)).toContain(MANAGER);
      const report = await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('sent:'));
      expect(report.text).toContain(`<@${MANAGER}>`);

      // The same signed click again, inside Slack's five minutes: nothing more happens.
      const callsBefore = slack.calls.length;
      expect((await replay(approve.sent)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(email.sent).toHaveLength(1);
      expect(slack.calls.length).toBe(callsBefore);
      await waitFor(async () => (await store.queryAudit({ coworkerId: 'arlo' })).some((entry) => entry.kind === 'approval.refused' && entry.by === 'USTRANGER'), 'the refusal in the audit trail');
    }, 60_000);

    it('asks for a reason on Reject and tells the model', async () => {
      const stack = await setup();
      const { slack, email } = stack;
      const { mention, value } = await mentionAndAwaitApproval(stack);
      expect((await click(stack, MANAGER, ACTIONS.reject, value)).status).toBe(200);
      const opened = await slack.waitForCall('views.open');
      const view = opened.view as { callback_id: string; private_metadata: string };
      expect(view.callback_id).toBe(VIEWS.reject);
      const submitted = await sendInteraction(
        stack.url,
        SECRET,
        viewSubmission({ user: MANAGER, callbackId: VIEWS.reject, privateMetadata: view.private_metadata, values: { reason: { text: 'Not this quarter' } } }),
      );
      expect(submitted.status).toBe(200);
      const report = await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('sent:'));
      expect(report.text).toContain('Not this quarter');
      expect(email.sent).toEqual([]);
    }, 60_000);

    it('changes nothing for forged, stale or retried requests', async () => {
      const stack = await setup();
      const { slack, url } = stack;
      const mention = appMention({ user: 'UASKER1', channel: 'C0SALES', text: '<@U0BOT> arlo email Ann' });
      expect((await sendEvent(url, SECRET, mention, { signature: 'v0=forged' })).status).toBe(401);
      expect((await sendEvent(url, SECRET, mention, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
      expect((await sendEvent(url, SECRET, mention, { timestamp: Math.floor(Date.now() / 1000) + 10 * 60 })).status).toBe(401);
      expect(slack.callsTo('chat.postMessage')).toEqual([]);

      expect((await sendEvent(url, SECRET, mention, { eventId: 'Ev0RETRIED' })).status).toBe(200);
      expect((await sendEvent(url, SECRET, mention, { eventId: 'Ev0RETRIED', retryNum: 1 })).status).toBe(200);
      await slack.waitForCall('chat.postMessage', (args) => args.channel === MANAGER);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(slack.callsTo('chat.postMessage').filter((args) => args.thread_ts === mention.ts && String(args.text).includes('On it'))).toHaveLength(1);
    }, 60_000);

    it('decides nothing for a click or an event replayed to another gateway process, or after a gateway restart', async () => {
      const stack = await setup();
      const { slack, email, store } = stack;
      const { mention, mentioned, value } = await mentionAndAwaitApproval(stack);
      const approve = await click(stack, MANAGER, ACTIONS.approve, value);
      expect(approve.status).toBe(200);
      await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('sent:'));
      await slack.waitForCall('chat.update');

      // What a person or Slack would see: anything posted, updated or opened.
      const answers = () => slack.calls.filter((call) => call.method.startsWith('chat.') || call.method.startsWith('views.'));
      const answered = answers().length;
      // Byte for byte, signature and timestamp included, inside Slack's five minutes.
      const replayTo = async (url: string) => {
        for (const sent of [approve.sent, mentioned]) expect((await replay({ ...sent, url })).status).toBe(200);
      };
      await replayTo(await stack.anotherGateway());
      await replayTo(await stack.restartGateway());
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(answers().slice(answered)).toEqual([]);
      expect(email.sent).toHaveLength(1);
      expect((await store.getCoworker('arlo'))?.status?.backlog).toBe(0);
      const decisions = (await store.queryAudit({ coworkerId: 'arlo' })).filter((entry) => entry.by === MANAGER && entry.kind.startsWith('approval.'));
      expect(decisions).toEqual([expect.objectContaining({ kind: 'approval.decided' })]);
    }, 90_000);

    it('acknowledges a click at once while the connector behind it is slow', async () => {
      const stack = await setup();
      const { email } = stack;
      const { value } = await mentionAndAwaitApproval(stack);
      email.slowDown();
      const approve = await click(stack, MANAGER, ACTIONS.approve, value);
      expect(approve.status).toBe(200);
      expect(email.sent).toEqual([]); // answered before the email went out
      email.speedUp();
      await waitFor(async () => email.sent.length === 1, 'the email after the ack');
    }, 60_000);

    it('declines politely where the coworker does not work, and direct requests from strangers', async () => {
      const stack = await setup();
      const { slack, url } = stack;
      const elsewhere = appMention({ user: 'UASKER1', channel: 'C0RANDOM', text: '<@U0BOT> arlo email Ann' });
      await sendEvent(url, SECRET, elsewhere);
      expect((await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === elsewhere.ts)).text).toContain('#sales');
      const dm = directMessage({ user: 'USTRANGER', text: 'arlo email everyone' });
      await sendEvent(url, SECRET, dm);
      expect((await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === dm.ts)).text).toContain('from my manager only');
    }, 60_000);
  });
}

describe('Slack (one process): the other ways in', () => {
  it('takes a task from /coworker, posts it in the channel and asks for approval', async () => {
    const stack = await inOneProcess();
    const response = await sendCommand(stack.url, SECRET, { command: '/coworker', text: 'arlo email Ann about the renewal', user_id: 'UASKER1', channel_id: 'C0SALES' });
    expect(response.status).toBe(200);
    const posted = await stack.slack.waitForCall('chat.postMessage', (args) => args.channel === 'C0SALES');
    expect(posted).toMatchObject({ username: 'Arlo', text: expect.stringContaining('<@UASKER1> asked me: email Ann about the renewal') });
    await stack.slack.waitForCall('chat.postMessage', (args) => args.channel === MANAGER && Array.isArray(args.blocks));
  }, 30_000);

  it('asks for approval in the task’s thread when the policy says so', async () => {
    const stack = await inOneProcess('approval:\n  askIn: thread\n');
    const mention = appMention({ user: 'UASKER1', channel: 'C0SALES', text: '<@U0BOT> arlo email Ann' });
    await sendEvent(stack.url, SECRET, mention);
    const approval = await stack.slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && Array.isArray(args.blocks) && text(args).includes('ann@acme.example'));
    expect(approval.channel).toBe('C0SALES');
    expect(stack.slack.callsTo('chat.postMessage').some((args) => args.channel === MANAGER)).toBe(false);
  }, 30_000);

  it('makes an edit in the modal a new approval with the edited arguments', async () => {
    const stack = await inOneProcess();
    const { slack } = stack;
    const { value } = await mentionAndAwaitApproval(stack);
    await click(stack, MANAGER, ACTIONS.edit, value);
    const view = (await slack.waitForCall('views.open')).view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEWS.edit);
    const bad = await sendInteraction(stack.url, SECRET, viewSubmission({ user: MANAGER, callbackId: VIEWS.edit, privateMetadata: view.private_metadata, values: { args: { json: '{ not json' } } }));
    expect(JSON.parse(bad.body)).toMatchObject({ response_action: 'errors', errors: { args: expect.stringContaining('not valid JSON') } });
    const edited = { to: ['bob@acme.example'], subject: 'Renewal', body: 'Coffee next week?' };
    await sendInteraction(stack.url, SECRET, viewSubmission({ user: MANAGER, callbackId: VIEWS.edit, privateMetadata: view.private_metadata, values: { args: { json: JSON.stringify(edited) } } }));
    const second = await slack.waitForCall('chat.postMessage', (args) => args.channel === MANAGER && text(args).includes('bob@acme.example'));
    await click(stack, MANAGER, ACTIONS.approve, button(second, ACTIONS.approve));
    await waitFor(async () => stack.email.sent.length === 1, 'the edited email');
  }, 30_000);

  it('takes a manager’s direct message as the answer a blocked coworker waits for', async () => {
    const stack = await inOneProcess();
    const { slack, url, store } = stack;
    const mention = appMention({ user: 'UASKER1', channel: 'C0SALES', text: '<@U0BOT> arlo ask me something' });
    await sendEvent(url, SECRET, mention);
    const blocker = await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('Blocked'));
    expect(blocker.text).toContain(`<@${MANAGER}>`);
    expect(blocker.text).toContain('Which quarter?');
    await waitFor(async () => (await store.getCoworker('arlo'))?.status?.state.status === 'blocked', 'arlo blocked');
    await sendEvent(url, SECRET, directMessage({ user: MANAGER, text: 'arlo Q3, please' }));
    const report = await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('answer was'));
    expect(report.text).toContain('Q3, please');
  }, 30_000);

  it('posts with the coworker’s name and icon where it may, once approved, and refuses other channels', async () => {
    const stack = await inOneProcess();
    const { slack, url } = stack;
    const post = async (words: string) => {
      const mention = appMention({ user: 'UASKER1', channel: 'C0SALES', text: `<@U0BOT> arlo ${words}` });
      await sendEvent(url, SECRET, mention);
      const approval = await slack.waitForCall('chat.postMessage', (args) => args.channel === MANAGER && text(args).includes(words.includes('#random') ? '#random' : '#sales'));
      await click(stack, MANAGER, ACTIONS.approve, button(approval, ACTIONS.approve));
      return slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('sent:'));
    };
    await post('post the pipeline');
    expect(await slack.waitForCall('chat.postMessage', (args) => args.channel === 'sales')).toMatchObject({ username: 'Arlo', icon_emoji: ':robot_face:', text: expect.stringContaining('*Pipeline* is up') });
    const refused = await post('post it in #random');
    expect(refused.text).toContain('Arlo may not post in #random');
    expect(slack.callsTo('chat.postMessage').filter((args) => args.channel === 'random')).toEqual([]);
  }, 30_000);
});

describeSlackFlows('one process', inOneProcess);
describeSlackFlows('runtime over NATS', overNats);
