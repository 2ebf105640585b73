// The console's assignment route and the team names it shows, over real HTTP, with the examples'
// users.yaml and teams.yaml. A stand-in for the runtime applies `definition.changed` as the actor
// host does (stores the definition, publishes the `assigned` audit event).
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../definitions/index.ts';
import { createMemoryBus } from '../../messaging/index.ts';
import { createSqliteStore } from '../../persistence/index.ts';
import { ASSIGNMENTS_COLLECTION, coworkerDefinitionSchema, ephemeralSigner, PROTOCOL_VERSION, subjects, type Command } from '../../protocol/index.ts';
import { loadPeople } from '../people.ts';
import { api, signIn } from './console-test-kit.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const bus = createMemoryBus();
const store = createSqliteStore({ path: ':memory:' });
const commands: Command[] = [];
let server: ConsoleServer;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  const { definitions } = await loadDefinitions(EXAMPLES);
  await store.registerCoworkers(definitions.map((entry) => entry.definition));
  await bus.subscribe(subjects.allCommands, async (message) => {
    const command = message.data as Command;
    commands.push(command);
    if (command.type !== 'definition.changed') return;
    await store.registerCoworkers([coworkerDefinitionSchema.parse(command.definition)]);
    const id = `${command.coworkerId}:audit:assigned:${command.id}`;
    await bus.publish(subjects.event(command.coworkerId, 'audit'), { v: PROTOCOL_VERSION, id, coworkerId: command.coworkerId, at: Date.now(), type: 'audit', entry: { kind: 'assigned', by: command.by, summary: 'Assigned' } }, { msgId: id });
  });
  const people = await loadPeople(EXAMPLES);
  const users = people.users.map((user) => ({ ...user, password: `${user.login}-password` }));
  server = await startConsoleServer({ bus, store, users, people, port: 0, logger: pino({ level: 'silent' }), signer: ephemeralSigner() });
  for (const user of users) cookies[user.login] = await signIn(server, user);
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await store.close();
});

const assign = (login: string, coworker: string, body: unknown) => api(server, `/api/coworkers/${coworker}/assignment`, { cookie: cookies[login]!, body });

describe('teams in the console', () => {
  it("names the crew's teams as teams.yaml does: every team for an admin, their own for the others", async () => {
    const crewOf = async (login: string) => ((await (await api(server, '/api/crew', { cookie: cookies[login]! })).json()) as { teams: Array<{ id: string; name: string }> }).teams;
    expect((await crewOf('daniel')).map(({ id, name }) => [id, name])).toEqual([
      ['marketing', 'Marketing'],
      ['sales', 'Sales'],
    ]);
    expect((await crewOf('maria')).map(({ id }) => id)).toEqual(['marketing']);
    expect((await crewOf('priya')).map(({ id }) => id)).toEqual(['sales']);
  });

  it("offers the assignment form to the coworker's manager only, with the teams and the people who can manage", async () => {
    const forDaniel = (await (await api(server, '/api/coworkers/otto', { cookie: cookies.daniel! })).json()) as { team: unknown; assign: unknown };
    expect(forDaniel.team).toEqual({ id: 'sales', name: 'Sales' });
    expect(forDaniel.assign).toEqual({
      teams: [
        { id: 'sales', name: 'Sales', managers: ['U04DANIEL2', 'U04PRIYA03'] },
        { id: 'marketing', name: 'Marketing', managers: ['U04MARIA01'] },
      ],
      people: [
        { login: 'maria', name: 'Maria Lopez', id: 'U04MARIA01' },
        { login: 'daniel', name: 'Daniel Okafor', id: 'U04DANIEL2' },
        { login: 'priya', name: 'Priya Shah', id: 'U04PRIYA03' },
      ],
    });
    const forPriya = (await (await api(server, '/api/coworkers/otto', { cookie: cookies.priya! })).json()) as { assign: unknown };
    expect(forPriya.assign).toBeNull();
  });
});

describe('POST /api/coworkers/:id/assignment', () => {
  it("refuses anyone but the coworker's manager (403), before anything is stored or sent", async () => {
    const before = commands.length;
    const response = await assign('priya', 'sam', { team: 'marketing', manager: 'maria' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_ALLOWED', message: "Priya Shah cannot assign Sam: only Sam's manager, Daniel Okafor, can move Sam to another team or manager.", hint: 'Ask its manager, or an operator with "coworkers assign".' },
    });
    expect(commands.length).toBe(before);
    expect(await store.documents.get(ASSIGNMENTS_COLLECTION, 'sam')).toBeNull();
  });

  it('answers 400 with what to fix for a request that cannot be', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'give a team, a manager or both'],
      [{ team: 'finance' }, 'There is no team "finance" in teams.yaml.'],
      [{ manager: 'maria' }, 'Maria Lopez is not a member of team sales'],
      [{ manager: 'nobody' }, 'Nobody called "nobody" is in users.yaml.'],
    ];
    for (const [body, message] of cases) {
      const response = await assign('daniel', 'otto', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
    }
  });

  it('moves the coworker live: stored, sent to the runtime with approvals following the new manager, confirmed', async () => {
    const response = await assign('daniel', 'sam', { team: 'marketing', manager: 'maria' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'applied',
      coworkerId: 'sam',
      from: { team: 'sales', manager: { name: 'Daniel Okafor', id: 'U04DANIEL2' } },
      to: { team: 'marketing', manager: { name: 'Maria Lopez', id: 'U04MARIA01' } },
      message: 'sam is now on team Marketing, reporting to Maria Lopez (U04MARIA01) (was Sales, Daniel Okafor); its approvals, reports and escalations go to Maria Lopez.',
    });
    const sent = commands.filter((command) => command.type === 'definition.changed');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ coworkerId: 'sam', by: 'U04DANIEL2', definition: { team: 'marketing', manager: { slack: 'U04MARIA01', email: 'maria.lopez@example.com' } } });
    // Sam's file lists Daniel and Priya as approvers: Maria takes Daniel's place.
    expect(coworkerDefinitionSchema.parse((sent[0] as { definition: unknown }).definition).approval.approvers).toEqual(['U04MARIA01', 'U04PRIYA03']);
    expect(await store.documents.get(ASSIGNMENTS_COLLECTION, 'sam')).toMatchObject({ team: 'marketing', by: 'U04DANIEL2', base: { team: 'sales' } });

    // Now Maria manages Sam: the form is hers, and Daniel is refused.
    const page = (await (await api(server, '/api/coworkers/sam', { cookie: cookies.maria! })).json()) as { coworker: { team: string }; assign: unknown };
    expect(page.coworker.team).toBe('marketing');
    expect(page.assign).not.toBeNull();
    expect((await assign('daniel', 'sam', { team: 'sales' })).status).toBe(403);
  });
});
