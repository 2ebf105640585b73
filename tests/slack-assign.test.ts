// `/coworker assign` in Slack, end to end in one process: signed requests to the real Bolt
// receiver, a recording stand-in for the Web API, a real actor host with the agent runner. A move
// to another team and manager takes effect at once: the coworker listens in its new team's channel
// and its next approval goes to its new manager.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentRunner, createAuditRecorder, createCoworkerHost, ScriptedChatModel, type Playbook } from '../actors/index.ts';
import { createToolClient, grantsFromStore, serveConnector } from '../connectors/index.ts';
import { loadDefinitions } from '../definitions/index.ts';
import { loadPeople, startSlackGateway } from '../gateway/index.ts';
import { ACTIONS } from '../gateway/slack/slack-blocks.ts';
import { parseAssign } from '../gateway/slack/slack-assign.ts';
import { createMemoryBus } from '../messaging/index.ts';
import { createSqliteStore } from '../persistence/index.ts';
import { processSigner, processTrust } from './coworkers-in-process.ts';
import { countingEmailConnector } from './email-connector.ts';
import { definitionYaml, waitFor, writeDefinitions } from './helpers.ts';
import { startFakeSlack, type SlackArgs } from './slack-fake.ts';
import { appMention, blockAction, sendCommand, sendEvent, sendInteraction } from './slack-requests.ts';

const SECRET = 'test-signing-secret';
const DANIEL = 'UDANIEL01';
const MARIA = 'UMARIA001';
const logger = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const emailAnn: Playbook = ({ turn, latest }) =>
  turn === 0 ? { calls: [{ tool: 'email.send', args: { to: ['ann@acme.example'], subject: 'Renewal', body: 'Shall we sign this week?' } }] } : { text: `sent: ${latest.join(' ')}` };

async function start() {
  const dir = writeDefinitions({ arlo: `${definitionYaml('arlo', { team: 'sales', manager: DANIEL })}channels: ["#sales"]\ntools: [email.send]\n` });
  writeFileSync(
    join(dir, 'users.yaml'),
    `users:\n  - { login: daniel, name: Daniel Okafor, slack: ${DANIEL}, email: daniel@example.com }\n  - { login: maria, name: Maria Lopez, slack: ${MARIA}, email: maria@example.com }\n`,
  );
  writeFileSync(join(dir, 'teams.yaml'), 'teams:\n  - { id: sales, name: Sales, members: [daniel], channels: ["#sales"] }\n  - { id: marketing, name: Marketing, members: [maria], channels: ["#random"] }\n');
  const bus = createMemoryBus();
  const store = createSqliteStore({ path: ':memory:' });
  const { definitions, problems } = await loadDefinitions(dir);
  expect(problems).toEqual([]);
  const email = countingEmailConnector();
  const served = await serveConnector({ bus, connector: email.connector, documents: store.documents, grants: grantsFromStore(store), trust: processTrust, logger });
  const runTask = createAgentRunner({ model: new ScriptedChatModel({ fallback: emailAnn }), tools: [...email.connector.specs], callTool: createToolClient({ bus }).call, signer: processSigner });
  const host = createCoworkerHost({ definitions: definitions.map((entry) => entry.definition), bus, store, logger, trust: processTrust, runTask });
  const recorder = createAuditRecorder({ bus, store, logger });
  await recorder.start();
  await host.start();
  const slack = await startFakeSlack({ channels: { C0SALES: 'sales', C0RANDOM: 'random' } });
  const gateway = await startSlackGateway({ bus, store, botToken: 'xoxb-test', signingSecret: SECRET, port: 0, slackApiUrl: slack.url, logger, people: await loadPeople(dir), signer: processSigner, trust: processTrust });
  cleanups.push(async () => {
    await gateway.close();
    await slack.close();
    await host.stop();
    await recorder.stop();
    await served.stop();
    await store.close();
  });
  return { slack, store, url: `http://127.0.0.1:${gateway.port}/slack/events` };
}

const ephemeralTo = (user: string, text: string) => (args: SlackArgs) => args.user === user && String(args.text).includes(text);

describe('/coworker assign', () => {
  it("moves a coworker at its manager's word only; its new team's channel and its new manager take over at once", async () => {
    const { slack, store, url } = await start();

    // Before: Arlo does not work in #random (and the gateway has read Arlo's definition).
    await sendEvent(url, SECRET, appMention({ user: 'UASKER1', channel: 'C0RANDOM', text: '<@U0BOT> arlo email Ann' }));
    await slack.waitForCall('chat.postMessage', (args) => args.channel === 'C0RANDOM' && String(args.text).includes('I only take work in #sales'));

    await sendCommand(url, SECRET, { command: '/coworker', text: `assign arlo --team marketing --manager <@${MARIA}|maria>`, user_id: MARIA, channel_id: 'C0SALES' });
    await slack.waitForCall('chat.postEphemeral', ephemeralTo(MARIA, "You can't: only Arlo's manager, Manager of arlo, can move Arlo"));
    await sendCommand(url, SECRET, { command: '/coworker', text: 'assign arlo --team finance', user_id: DANIEL, channel_id: 'C0SALES' });
    await slack.waitForCall('chat.postEphemeral', ephemeralTo(DANIEL, 'There is no team "finance" in teams.yaml.'));
    expect((await store.getCoworker('arlo'))?.definition.team).toBe('sales');

    await sendCommand(url, SECRET, { command: '/coworker', text: `assign arlo --team marketing --manager <@${MARIA}|maria>`, user_id: DANIEL, channel_id: 'C0SALES' });
    await slack.waitForCall('chat.postEphemeral', ephemeralTo(DANIEL, `arlo is now on team Marketing, reporting to Maria Lopez (${MARIA})`));

    // After: Arlo takes work in Marketing's channel, and asks Maria, not Daniel, to approve.
    const mention = appMention({ user: 'UASKER1', channel: 'C0RANDOM', text: '<@U0BOT> arlo email Ann about the renewal' });
    await sendEvent(url, SECRET, mention);
    await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('On it'));
    const approval = await slack.waitForCall('chat.postMessage', (args) => args.channel === MARIA && Array.isArray(args.blocks));
    expect(slack.callsTo('chat.postMessage').filter((args) => args.channel === DANIEL)).toEqual([]);

    const actions = (approval.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((block) => block.type === 'actions');
    const value = actions!.elements!.find((element) => element.action_id === ACTIONS.approve)!.value;
    await sendInteraction(url, SECRET, blockAction({ user: DANIEL, actionId: ACTIONS.approve, value, channel: `D${DANIEL}`, messageTs: '1700000000.000100' }));
    await slack.waitForCall('chat.postEphemeral', ephemeralTo(DANIEL, 'not an approver'));
    await sendInteraction(url, SECRET, blockAction({ user: MARIA, actionId: ACTIONS.approve, value, channel: `D${MARIA}`, messageTs: '1700000000.000100' }));
    const report = await slack.waitForCall('chat.postMessage', (args) => args.thread_ts === mention.ts && String(args.text).includes('sent:'));
    expect(report.text).toContain(`<@${MARIA}>`);

    const trail = await waitFor(async () => {
      const entries = await store.queryAudit({ coworkerId: 'arlo' });
      return entries.some((entry) => entry.kind === 'approval.decided') && entries;
    }, 'the decision in the audit trail');
    expect(trail.find((entry) => entry.kind === 'assigned')).toMatchObject({ by: DANIEL, detail: { from: { team: 'sales', manager: DANIEL }, to: { team: 'marketing', manager: MARIA } } });
    expect(trail.find((entry) => entry.kind === 'approval.decided')).toMatchObject({ by: MARIA });
  }, 30_000);
});

describe('parseAssign', () => {
  it('reads the coworker, --team and --manager, and says what it did not understand', () => {
    expect(parseAssign('Sam --team Sales --manager <@U04MARIA01|maria>', 'U1')).toEqual({ coworkerId: 'sam', team: 'sales', manager: '<@U04MARIA01|maria>', by: 'U1' });
    expect(parseAssign('sam --manager @daniel', 'U1')).toEqual({ coworkerId: 'sam', manager: '@daniel', by: 'U1' });
    expect(parseAssign('sam --team', 'U1')).toEqual({ error: 'I did not understand "--team". Usage: /coworker assign <coworker> [--team <team>] [--manager @person]' });
    expect(parseAssign('', 'U1')).toEqual({ error: 'Usage: /coworker assign <coworker> [--team <team>] [--manager @person]' });
  });
});
