// The Teams gateway as Teams sees it: real activities, with Bot Framework tokens signed by a key
// the test's fake Microsoft publishes (so the SDK checks them for real), posted to the running
// /api/messages; the Bot Connector it calls is a local stand-in that records every call. The same
// flows run with everything in one process and with the runtime as its own process over NATS.
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Playbook } from '../actors/index.ts';
import { assignTask, startSlackGateway, startTeamsGateway } from '../gateway/index.ts';
import type { Bus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { coworkersInProcess, processIdentity, processSigner, processTrust, serveCountingEmail } from './coworkers-in-process.ts';
import type { countingEmailConnector } from './email-connector.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { connectAsTest, startRuntimeProcess } from './runtime-processes.ts';
import { startFakeSlack } from './slack-fake.ts';
import { appMention, sendEvent } from './slack-requests.ts';
import { BOT, cardAction, channelMention, personalMessage, postActivity, startFakeTeams, type ConnectorCall, type FakeTeams, type Person } from './teams-fake.ts';

const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MANAGER: Person = { entraId: '6f1c1a4e-58a2-4c1b-9f0e-2d3b8c7a9e10', name: 'Manager of arlo' };
const ASKER: Person = { entraId: '0d2b9c55-1e47-4f0a-8a61-3c5e7d9f1b22', name: 'Asha Asker' };
const STRANGER: Person = { entraId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Sam Stranger' };
const SALES = { teamId: '19:sales-general@thread.tacv2', channelId: '19:deals@thread.tacv2' };
const GENERAL = { teamId: SALES.teamId, channelId: SALES.teamId };
const VERB = { approve: 'approval.approve', reject: 'approval.reject', edit: 'approval.edit' };

const arlo = `${definitionYaml('arlo')}channels: ["#sales", "teams:Sales/Deals"]\ntools: [email.send]\n`.replace('  slack: UMANAGER1\n', `  slack: UMANAGER1\n  teams: ${MANAGER.entraId}\n`);

/** The same as tests/fixtures/agent-runtime.ts plays: an email to Ann, then what came of it. */
const sendOneEmail: Playbook = ({ turn, latest, task }) => {
  if (task.includes('ask me')) return turn === 0 ? { calls: [{ tool: 'ask_manager', args: { question: 'Which quarter?' } }] } : { text: `done: answer was ${latest[0]}` };
  return turn === 0 ? { calls: [{ tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Renewal', body: 'Shall we sign this week?' } }] } : { text: `sent: ${latest.join(' ')}` };
};

interface Stack {
  bus: Bus;
  teams: FakeTeams;
  url: string;
  store: Store;
  email: ReturnType<typeof countingEmailConnector>;
}

async function fakeTeams(withoutTheApp: string[] = []): Promise<FakeTeams> {
  const teams = await startFakeTeams({ teams: { [SALES.teamId]: { name: 'Sales', channels: { [SALES.teamId]: 'General', [SALES.channelId]: 'Deals' } } }, withoutTheApp });
  cleanups.push(() => teams.close());
  return teams;
}

/** A Teams gateway on `bus` and `store`, talking to the fake; stopped when the test ends unless `stopsItself`. */
async function startGateway(bus: Bus, store: Store, teams: FakeTeams, stopsItself = false) {
  const gateway = await startTeamsGateway({ bus, store, logger, signer: processSigner, clientId: BOT.clientId, tenantId: BOT.tenantId, token: teams.outboundToken, port: 0, host: '127.0.0.1', serviceUrl: teams.serviceUrl, cloud: teams.cloud });
  if (!stopsItself) cleanups.push(() => gateway.close());
  return { ...gateway, url: `http://127.0.0.1:${gateway.port}/api/messages` };
}

async function gatewayOn(bus: Bus, store: Store, teams: FakeTeams): Promise<string> {
  return (await startGateway(bus, store, teams)).url;
}

/** Everything in this process; `moreYaml` is added to Arlo's definition (or to `definition`). */
async function inOneProcess(moreYaml = '', withoutTheApp: string[] = [], definition = arlo): Promise<Stack> {
  const { bus, store, email } = await coworkersInProcess({ definitions: { arlo: definition + moreYaml }, playbook: sendOneEmail }, cleanups);
  const teams = await fakeTeams(withoutTheApp);
  return { bus, teams, url: await gatewayOn(bus, store, teams), store, email };
}

/** The runtime as a process of its own; the gateway here, meeting it over NATS and MongoDB. */
async function overNats(): Promise<Stack> {
  const env = { ...process.env, ...processIdentity.env, COWORKERS_DIR: writeDefinitions({ arlo }), MONGODB_DB: uniqueName('teams'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('teams')}.v1` };
  const { bus, store } = await connectAsTest(env, cleanups);
  const email = await serveCountingEmail(bus, store, cleanups);
  await startRuntimeProcess('tests/fixtures/agent-runtime.ts', env, cleanups);
  const teams = await fakeTeams();
  return { bus, teams, url: await gatewayOn(bus, store, teams), store, email };
}

const cardOf = (call: ConnectorCall) => call.body.attachments?.[0]?.content as { body: unknown[]; actions?: Array<{ verb?: string; card?: { actions: Array<{ verb: string; data: Record<string, string> }> }; data?: Record<string, string> }> } | undefined;
/** What the Approve button of a posted approval card sends. */
const approveData = (call: ConnectorCall) => cardOf(call)!.actions!.find((action) => action.verb === VERB.approve)!.data!;
const threadOf = (mention: { id: string }) => `${SALES.channelId};messageid=${mention.id}`;
const postedTo = (conversation: string) => (call: ConnectorCall) => call.method === 'POST' && call.path === `/teams/v3/conversations/${conversation}/activities`;

/** Mentions Arlo in Sales/Deals and waits for the approval card in the manager's chat. */
async function mentionAndAwaitApproval({ teams, url }: Stack) {
  const mention = channelMention(teams, ASKER, SALES, 'arlo email Ann about the renewal');
  expect((await postActivity(url, mention, teams.token())).status).toBe(200);
  const ack = await teams.waitForCall(postedTo(threadOf(mention)), 'the acknowledgement in the thread');
  expect(ack.body.text).toMatch(/^\*\*Arlo\*\*: On it/);
  const opened = await teams.waitForCall((call) => call.path === '/teams/v3/conversations' && call.body.members?.[0]?.id === MANAGER.entraId, "the manager's chat");
  expect(opened.body.tenantId).toBe(BOT.tenantId);
  const card = await teams.waitForCall((call) => postedTo(`a:chat-${MANAGER.entraId}`)(call) && cardOf(call) !== undefined, 'the approval card');
  return { mention, card, data: approveData(card) };
}

const click = (stack: Stack, who: Person, verb: string, data: Record<string, unknown>) => cardAction(stack.teams, who, `a:chat-${who.entraId}`, verb, data);

function describeTeamsFlows(setting: string, setup: () => Promise<Stack>) {
  describe(`Teams (${setting})`, () => {
    it('turns a mention into a task and its gated email into a card the manager approves once; a stranger is refused, a replay decides nothing', async () => {
      const stack = await setup();
      const { teams, url, email, store } = stack;
      const { mention, card, data } = await mentionAndAwaitApproval(stack);
      const shown = JSON.stringify(cardOf(card));
      for (const exact of ['ann@acme.example', 'Renewal', 'Shall we sign this week?', 'email.send', VERB.reject, VERB.edit]) expect(shown).toContain(exact);

      const refused = await postActivity(url, click(stack, STRANGER, VERB.approve, data), teams.token());
      expect(refused.status).toBe(200);
      expect(refused.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: expect.stringContaining('not an approver') });

      const approveClick = click(stack, MANAGER, VERB.approve, data);
      const token = teams.token();
      const approved = await postActivity(url, approveClick, token);
      expect(approved.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
      expect(JSON.stringify(approved.body.value)).toContain('Approved** by Manager of arlo');
      expect(approved.body.value.actions).toBeUndefined();
      const updated = await teams.waitForCall((call) => call.method === 'PUT' && call.path === `/teams/v3/conversations/a:chat-${MANAGER.entraId}/activities/${card.answer.id}`, 'the card updated');
      expect(JSON.stringify(cardOf(updated))).toContain('Approved');
      await waitFor(async () => email.sent.length === 1, 'the email');
      const report = await teams.waitForCall((call) => postedTo(threadOf(mention))(call) && String(call.body.text).includes('sent:'), 'the report in the thread');
      expect(report.body.entities).toEqual([expect.objectContaining({ type: 'mention', mentioned: expect.objectContaining({ id: MANAGER.entraId }) })]);

      // The same invoke again, as a Teams retry: the same answer, nothing decided or sent again.
      const again = await postActivity(url, approveClick, token);
      expect(again.body).toEqual(approved.body);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(email.sent).toHaveLength(1);
      const trail = await store.queryAudit({ coworkerId: 'arlo' });
      expect(trail.filter((entry) => entry.kind === 'approval.decided')).toEqual([expect.objectContaining({ by: 'UMANAGER1' })]);
      await waitFor(async () => (await store.queryAudit({ coworkerId: 'arlo' })).some((entry) => entry.kind === 'approval.refused' && entry.by === STRANGER.entraId), 'the refusal in the audit trail');
    }, 60_000);

    it('decides nothing for an invoke replayed to another gateway process or after a gateway restart, and answers it as the first time', async () => {
      const stack = await setup();
      const { bus, teams, url, email, store } = stack;
      const { data } = await mentionAndAwaitApproval(stack);
      const approveClick = click(stack, MANAGER, VERB.approve, data);
      const token = teams.token();
      const approved = await postActivity(url, approveClick, token);
      expect(approved.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
      await waitFor(async () => email.sent.length === 1, 'the email');

      const second = await startGateway(bus, store, teams, true);
      expect((await postActivity(second.url, approveClick, token)).body).toEqual(approved.body);
      await second.close();
      const restarted = await startGateway(bus, store, teams);
      expect((await postActivity(restarted.url, approveClick, token)).body).toEqual(approved.body);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(email.sent).toHaveLength(1);
      const decisions = (await store.queryAudit({ coworkerId: 'arlo' })).filter((entry) => entry.by === 'UMANAGER1' && entry.kind.startsWith('approval.'));
      expect(decisions).toEqual([expect.objectContaining({ kind: 'approval.decided' })]);
    }, 60_000);

    it('takes a reason with Reject and tells the model', async () => {
      const stack = await setup();
      const { mention, data } = await mentionAndAwaitApproval(stack);
      const rejected = await postActivity(stack.url, click(stack, MANAGER, VERB.reject, { ...data, reason: 'Not this quarter' }), stack.teams.token());
      expect(JSON.stringify(rejected.body.value)).toContain('Rejected** by Manager of arlo');
      expect(JSON.stringify(rejected.body.value)).toContain('Reason: Not this quarter');
      const report = await stack.teams.waitForCall((call) => postedTo(threadOf(mention))(call) && String(call.body.text).includes('sent:'), 'the report');
      expect(report.body.text).toContain('Not this quarter');
      expect(stack.email.sent).toEqual([]);
    }, 60_000);
  });
}

describeTeamsFlows('one process', inOneProcess);
describeTeamsFlows('runtime over NATS', overNats);

describe('Teams (one process): who gets in and where', () => {
  it('refuses activities without a valid Teams token, and nothing happens', async () => {
    const stack = await inOneProcess();
    const { teams, url, store } = stack;
    const mention = channelMention(teams, ASKER, SALES, 'arlo email Ann');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const refusals: Array<[string, string | null]> = [
      ['no token', null],
      ['a token signed by someone else', teams.token({}, otherKey)],
      ['a token for another bot', teams.token({ aud: 'another-bot' })],
      ['an expired token', teams.token({ nbf: now - 7_200, exp: now - 3_600 })],
      ['a token from another issuer', teams.token({ iss: 'https://example.com' })],
      ['a token for another service URL', teams.token({ serviceurl: 'https://attacker.example/teams' })],
      ['not a token', 'forged'],
    ];
    for (const [what, token] of refusals) expect({ what, status: (await postActivity(url, mention, token)).status }).toEqual({ what, status: 401 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(teams.calls).toEqual([]);
    expect((await store.getCoworker('arlo'))?.status?.backlog).toBe(0);
    expect(await store.queryAudit({ coworkerId: 'arlo' })).toEqual([]);
  }, 30_000);

  it('declines politely where the coworker does not work and direct requests from strangers; takes its manager\'s', async () => {
    const stack = await inOneProcess();
    const { teams, url } = stack;
    const elsewhere = channelMention(teams, ASKER, GENERAL, 'arlo email Ann');
    await postActivity(url, elsewhere, teams.token());
    const declined = await teams.waitForCall(postedTo(`${GENERAL.channelId};messageid=${elsewhere.id}`), 'the answer in General');
    expect(declined.body.text).toContain('I only take work in Sales/Deals');
    const stranger = personalMessage(teams, STRANGER, 'arlo email everyone');
    await postActivity(url, stranger, teams.token());
    expect((await teams.waitForCall(postedTo(`a:chat-${STRANGER.entraId}`), "the stranger's answer")).body.text).toContain('from my manager only');
    const manager = personalMessage(teams, MANAGER, 'arlo email Ann about the renewal');
    await postActivity(url, manager, teams.token());
    expect((await teams.waitForCall((call) => postedTo(`a:chat-${MANAGER.entraId}`)(call) && String(call.body.text).includes('On it'), "the manager's task")).body.text).toMatch(/task teams-/);
    await teams.waitForCall((call) => postedTo(`a:chat-${MANAGER.entraId}`)(call) && cardOf(call) !== undefined, 'the approval card');
  }, 30_000);

  it('says who is here and how to give them work when someone adds the app', async () => {
    const { teams, url } = await inOneProcess();
    const added = { ...personalMessage(teams, ASKER, ''), type: 'installationUpdate', action: 'add', text: undefined };
    expect((await postActivity(url, added, teams.token())).status).toBe(200);
    const hello = await teams.waitForCall(postedTo(`a:chat-${ASKER.entraId}`), 'the welcome');
    expect(hello.body.text).toContain('Coworkers: **Arlo** (Test coworker)');
  }, 30_000);

  it('serves a company on Teams alone: a manager known only by their Entra id decides, and is audited under it', async () => {
    const teamsOnly = arlo.replace('  slack: UMANAGER1\n', '');
    const stack = await inOneProcess('', [], teamsOnly);
    const { data } = await mentionAndAwaitApproval(stack);
    const approved = await postActivity(stack.url, click(stack, MANAGER, VERB.approve, data), stack.teams.token());
    expect(JSON.stringify(approved.body.value)).toContain('Approved** by Manager of arlo');
    await waitFor(async () => stack.email.sent.length === 1, 'the email');
    expect((await stack.store.queryAudit({ coworkerId: 'arlo' })).filter((entry) => entry.kind === 'approval.decided')).toEqual([expect.objectContaining({ by: MANAGER.entraId })]);
    const direct = personalMessage(stack.teams, MANAGER, 'arlo email Ann once more');
    await postActivity(stack.url, direct, stack.teams.token());
    await stack.teams.waitForCall((call) => postedTo(`a:chat-${MANAGER.entraId}`)(call) && String(call.body.text).includes('On it'), "the manager's direct task");
  }, 30_000);

  it('closes the cards a gateway posted before it restarted, once the approval is decided', async () => {
    const { bus, store, email } = await coworkersInProcess({ definitions: { arlo }, playbook: sendOneEmail }, cleanups);
    const teams = await fakeTeams();
    const first = await startGateway(bus, store, teams, true);
    const stack = { bus, store, email, teams, url: first.url };
    const { card, data } = await mentionAndAwaitApproval(stack);
    await first.close();
    const second = await startGateway(bus, store, teams);
    const approved = await postActivity(second.url, click(stack, MANAGER, VERB.approve, data), teams.token());
    expect(JSON.stringify(approved.body.value)).toContain('Approved** by Manager of arlo');
    const closed = await teams.waitForCall((call) => call.method === 'PUT' && call.path === `/teams/v3/conversations/a:chat-${MANAGER.entraId}/activities/${card.answer.id}`, 'the card posted before the restart, closed');
    expect(JSON.stringify(cardOf(closed))).toContain('Approved');
    await waitFor(async () => (await store.documents.list('chat-posts')).length === 0, 'the posts forgotten once decided');
  }, 30_000);

  it('asks the other approvers when Teams refuses a chat with one who has not added the app', async () => {
    const stack = await inOneProcess(`approval:\n  approvers: [${STRANGER.entraId}, UMANAGER1]\n`, [STRANGER.entraId]);
    const { data } = await mentionAndAwaitApproval(stack);
    expect(stack.teams.calls.filter((call) => call.path === '/teams/v3/conversations').map((call) => call.answer)).toEqual([expect.objectContaining({ error: expect.anything() }), { id: `a:chat-${MANAGER.entraId}` }]);
    const approved = await postActivity(stack.url, click(stack, MANAGER, VERB.approve, data), stack.teams.token());
    expect(JSON.stringify(approved.body.value)).toContain('Approved');
  }, 30_000);

  it('makes an edit a new approval with the edited arguments, and explains arguments that are not JSON', async () => {
    const stack = await inOneProcess();
    const { teams, url, email } = stack;
    const { data } = await mentionAndAwaitApproval(stack);
    const bad = await postActivity(url, click(stack, MANAGER, VERB.edit, { ...data, args: '{ not json' }), teams.token());
    expect(bad.body).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringContaining('not valid JSON') });
    const edited = { to: ['bob@acme.example'], subject: 'Renewal', body: 'Coffee next week?' };
    const answer = await postActivity(url, click(stack, MANAGER, VERB.edit, { ...data, args: JSON.stringify(edited) }), teams.token());
    expect(JSON.stringify(answer.body.value)).toContain('Edited** by Manager of arlo');
    const second = await teams.waitForCall((call) => cardOf(call) !== undefined && JSON.stringify(cardOf(call)).includes('bob@acme.example') && call.method === 'POST', 'the edited approval');
    await postActivity(url, click(stack, MANAGER, VERB.approve, approveData(second)), teams.token());
    await waitFor(async () => email.sent.length === 1, 'the edited email');
  }, 30_000);
});

describe('Teams (one process): reports and blockers', () => {
  it('asks the manager in the thread when blocked, takes the answer from their chat, and reports work from elsewhere in that chat', async () => {
    const stack = await inOneProcess();
    const { teams, url, store } = stack;
    const mention = channelMention(teams, ASKER, SALES, 'arlo ask me something');
    await postActivity(url, mention, teams.token());
    const blocker = await teams.waitForCall((call) => postedTo(threadOf(mention))(call) && String(call.body.text).includes('Which quarter?'), 'the blocker in the thread');
    expect(blocker.body.text).toContain(`<at>${MANAGER.name}</at>`);
    expect(blocker.body.entities).toEqual([expect.objectContaining({ mentioned: expect.objectContaining({ id: MANAGER.entraId }) })]);
    await waitFor(async () => (await store.getCoworker('arlo'))?.status?.state.status === 'blocked', 'arlo blocked');
    await postActivity(url, personalMessage(teams, MANAGER, 'arlo Q3, please'), teams.token());
    await teams.waitForCall((call) => postedTo(`a:chat-${MANAGER.entraId}`)(call) && String(call.body.text).includes('carrying on'), 'the thanks');
    await teams.waitForCall((call) => postedTo(threadOf(mention))(call) && String(call.body.text).includes('answered: Q3, please'), 'the report in the thread');
    expect((await store.queryAudit({ coworkerId: 'arlo' })).find((entry) => entry.kind === 'unblocked')).toMatchObject({ by: 'UMANAGER1' });

    await assignTask({ bus: stack.bus, store, now: Date.now }, { id: 'from-the-cli', coworkerId: 'arlo', text: 'ask me about the plan', requestedBy: 'cli:ops' });
    await teams.waitForCall((call) => postedTo(`a:chat-${MANAGER.entraId}`)(call) && String(call.body.text).includes('Which quarter?'), "the blocker in the manager's chat");
  }, 30_000);
});

describe('one runtime, a company on Slack and Teams', () => {
  it('answers each chat in its own threads, asks the manager in both, and a decision in Teams closes the Slack message too', async () => {
    const stack = await inOneProcess();
    const { teams, url, email } = stack;
    const slack = await startFakeSlack({ channels: { C0SALES: 'sales', C0RANDOM: 'random' } });
    cleanups.push(() => slack.close());
    const slackGateway = await startSlackGateway({ bus: stack.bus, store: stack.store, botToken: 'xoxb-test', signingSecret: 'secret', port: 0, slackApiUrl: slack.url, logger, signer: processSigner, trust: processTrust });
    cleanups.push(() => slackGateway.close());

    const mention = appMention({ user: 'UASKER1', channel: 'C0SALES', text: '<@U0BOT> arlo email Ann about the renewal' });
    expect((await sendEvent(`http://127.0.0.1:${slackGateway.port}/slack/events`, 'secret', mention)).status).toBe(200);
    await slack.waitForCall('chat.postMessage', (args) => args.channel === 'UMANAGER1' && Array.isArray(args.blocks));
    const card = await teams.waitForCall((call) => postedTo(`a:chat-${MANAGER.entraId}`)(call) && cardOf(call) !== undefined, 'the card in Teams');
    await postActivity(url, click(stack, MANAGER, VERB.approve, approveData(card)), teams.token());
    const closed = await slack.waitForCall('chat.update');
    expect((closed.blocks as Array<{ type: string }>).some((block) => block.type === 'actions')).toBe(false);
    await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('sent:'));
    expect(email.sent).toHaveLength(1);

    // Each chat names only its own channels where the coworker takes work.
    const elsewhere = appMention({ user: 'UASKER1', channel: 'C0RANDOM', text: '<@U0BOT> arlo email Ann' });
    await sendEvent(`http://127.0.0.1:${slackGateway.port}/slack/events`, 'secret', elsewhere);
    expect((await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === elsewhere.ts)).text).toBe('I only take work in #sales. Please ask me there.');

    const inTeams = channelMention(teams, ASKER, SALES, 'arlo email Ann again');
    await postActivity(url, inTeams, teams.token());
    await teams.waitForCall(postedTo(threadOf(inTeams)), 'the answer in the Teams thread');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(teams.calls.some((call) => String(call.body.text ?? '').includes('about the renewal'))).toBe(false);
    expect(slack.callsTo('chat.postMessage').some((args) => String(args.text).includes('again'))).toBe(false);
  }, 30_000);
});
