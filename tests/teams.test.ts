// The Teams gateway as Teams sees it: real activities, with Bot Framework tokens signed by a key
// the test's fake Microsoft publishes (so the SDK checks them for real), posted to the running
// /api/messages; the Bot Connector it calls is a local stand-in that records every call. The same
// flows run with everything in one process and with the runtime as its own process over NATS.
import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentRunner, createAuditRecorder, createCoworkerHost, ScriptedChatModel, type Playbook } from '../actors/index.ts';
import { createToolClient, grantsFromStore, serveConnector } from '../connectors/index.ts';
import { loadDefinitions } from '../definitions/index.ts';
import { startTeamsGateway } from '../gateway/index.ts';
import { createMemoryBus, type Bus } from '../messaging/index.ts';
import { createSqliteStore, type Store } from '../persistence/index.ts';
import { countingEmailConnector } from './email-connector.ts';
import { definitionYaml, uniqueName, waitFor, writeDefinitions } from './helpers.ts';
import { connectAsTest, startRuntimeProcess } from './runtime-processes.ts';
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
const sendOneEmail: Playbook = ({ turn, latest }) =>
  turn === 0 ? { calls: [{ tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Renewal', body: 'Shall we sign this week?' } }] } : { text: `sent: ${latest.join(' ')}` };

interface Stack {
  teams: FakeTeams;
  url: string;
  store: Store;
  email: ReturnType<typeof countingEmailConnector>;
}

async function fakeTeams(): Promise<FakeTeams> {
  const teams = await startFakeTeams({ teams: { [SALES.teamId]: { name: 'Sales', channels: { [SALES.teamId]: 'General', [SALES.channelId]: 'Deals' } } } });
  cleanups.push(() => teams.close());
  return teams;
}

async function serveEmail(bus: Bus, store: Store) {
  const email = countingEmailConnector();
  const served = await serveConnector({ bus, connector: email.connector, documents: store.documents, grants: grantsFromStore(store), logger });
  cleanups.push(() => served.stop());
  return email;
}

async function gatewayOn(bus: Bus, store: Store, teams: FakeTeams): Promise<string> {
  const gateway = await startTeamsGateway({ bus, store, logger, clientId: BOT.clientId, tenantId: BOT.tenantId, token: teams.outboundToken, port: 0, host: '127.0.0.1', serviceUrl: teams.serviceUrl, cloud: teams.cloud });
  cleanups.push(() => gateway.close());
  return `http://127.0.0.1:${gateway.port}/api/messages`;
}

async function inOneProcess(): Promise<Stack> {
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  const { definitions } = await loadDefinitions(writeDefinitions({ arlo }));
  const email = await serveEmail(bus, store);
  const runTask = createAgentRunner({ model: new ScriptedChatModel({ fallback: sendOneEmail }), tools: email.connector.specs, callTool: createToolClient({ bus }).call });
  const host = createCoworkerHost({ definitions: definitions.map((entry) => entry.definition), bus, store, logger, runTask });
  const recorder = createAuditRecorder({ bus, store, logger });
  await recorder.start();
  await host.start();
  cleanups.push(async () => {
    await host.stop();
    await recorder.stop();
    await store.close();
  });
  const teams = await fakeTeams();
  return { teams, url: await gatewayOn(bus, store, teams), store, email };
}

/** The runtime as a process of its own; the gateway here, meeting it over NATS and MongoDB. */
async function overNats(): Promise<Stack> {
  const env = { ...process.env, COWORKERS_DIR: writeDefinitions({ arlo }), MONGODB_DB: uniqueName('teams'), COWORKERS_SUBJECT_PREFIX: `${uniqueName('teams')}.v1` };
  const { bus, store } = await connectAsTest(env, cleanups);
  const email = await serveEmail(bus, store);
  await startRuntimeProcess('tests/fixtures/agent-runtime.ts', env, cleanups);
  const teams = await fakeTeams();
  return { teams, url: await gatewayOn(bus, store, teams), store, email };
}

const cardOf = (call: ConnectorCall) => call.body.attachments?.[0]?.content as { body: unknown[]; actions?: Array<{ verb?: string; card?: { actions: Array<{ verb: string; data: Record<string, string> }> }; data?: Record<string, string> }> } | undefined;
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
  const approve = cardOf(card)!.actions!.find((action) => action.verb === VERB.approve)!;
  return { mention, card, data: approve.data! };
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
