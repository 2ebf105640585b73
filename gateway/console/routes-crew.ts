// The crew at a glance (GET /api/crew, by team, named as in teams.yaml: only the coworkers the
// person may see) and one coworker's page
// (GET /api/coworkers/:id): its card, active states, jobs with next runs, queued tasks, recent
// transitions and messages, and the assignment form's choices for its manager.
import { CoworkersError } from '../../protocol/index.ts';
import { backlogOf, coworkerCard, jobViews, type CoworkerCard } from './coworker-cards.ts';
import type { Route } from './route.ts';
import { activeStatesOf } from '../statechart/index.ts';
import { teamName } from '../people.ts';
import { assignOptions } from './routes-assign.ts';

export const crewRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/api\/crew$/,
    access: 'filtered',
    async handle(deps, { access }) {
      const now = deps.now();
      const teams = new Map<string, CoworkerCard[]>();
      for (const record of await deps.store.loadCoworkers()) {
        if (!access.canSee(record.definition)) continue;
        const card = coworkerCard(record, now);
        teams.set(card.team, [...(teams.get(card.team) ?? []), card]);
      }
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return {
        status: 200,
        body: {
          teams: [...teams].map(([id, coworkers]) => ({ id, name: teamName(deps.people, id), coworkers: coworkers.sort(byId) })).sort(byId),
          // Names for the Slack ids the cards mention (approvers, managers) that people signed in as.
          people: Object.fromEntries([...deps.accounts.values()].map((user) => [user.id, user.name])),
        },
      };
    },
  },
  {
    method: 'GET',
    path: /^\/api\/coworkers\/([^/]+)$/,
    access: 'see-coworker',
    async handle(deps, { params: [id], user, access }) {
      const record = await deps.store.getCoworker(id!);
      if (!record) throw new CoworkersError('COWORKER_NOT_FOUND', `There is no coworker "${id}".`, { hint: 'GET /api/crew lists them.' });
      const now = deps.now();
      return {
        status: 200,
        body: {
          coworker: coworkerCard(record, now),
          team: { id: record.definition.team, name: teamName(deps.people, record.definition.team) },
          assign: access.canAssign(record.definition) ? assignOptions(deps.people, record.definition, user) : null,
          canTask: access.canTask(record.definition),
          activeStates: activeStatesOf(record.status),
          jobs: jobViews(record.definition, now),
          backlog: backlogOf(record.snapshot),
          transitions: deps.feed.transitions(record.id),
          messages: deps.feed.messages(record.id),
        },
      };
    },
  },
];
