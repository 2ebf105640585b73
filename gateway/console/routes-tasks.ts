// POST /api/coworkers/:id/tasks: the chat panel gives a coworker a task, requested by the
// signed-in user's Slack id; the reply arrives later as a `message` event on the live stream.
import { z } from 'zod';
import { assignTask } from '../coworker-commands.ts';
import { readJsonBody } from './http.ts';
import type { Route } from './route.ts';

const taskSchema = z.strictObject({ text: z.string().trim().min(1, { message: 'say what the coworker should do' }).max(10_000) });

export const taskRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/api\/coworkers\/([^/]+)\/tasks$/,
    // Its manager, a manager of its team, or an admin (checked before the handler runs).
    access: 'task-coworker',
    async handle(deps, { request, params: [coworkerId], user }) {
      const { text } = await readJsonBody(request, taskSchema);
      const command = await assignTask(deps, { coworkerId: coworkerId!, text, requestedBy: user.id });
      return { status: 201, body: { id: command.id } };
    },
  },
];
