// `/coworker assign <coworker> [--team <team>] [--manager @person]` in Slack: only the coworker's
// current manager may move it; the answer goes to the person who asked, privately.
import type { WebClient } from '@slack/web-api';
import type { Bus } from '../../messaging/index.ts';
import type { Store } from '../../persistence/index.ts';
import { isCoworkersError, type Signer } from '../../protocol/index.ts';
import { assignCoworker, assignRefusal, describeAssignment, type AssignRequest } from '../assign-commands.ts';
import { teamName, type People } from '../people.ts';

export interface SlackAssignDeps {
  bus: Bus;
  store: Store;
  people: People;
  now: () => number;
  /** Signs the decisions, answers and assignments of the people this gateway signed in. */
  signer: Signer;
}

const USAGE = 'Usage: /coworker assign <coworker> [--team <team>] [--manager @person]';

/** The request in `assign sam --team sales --manager @daniel`, or what is wrong with it. */
export function parseAssign(text: string, by: string): AssignRequest | { error: string } {
  const [coworkerId, ...rest] = text.trim().split(/\s+/);
  if (!coworkerId) return { error: USAGE };
  const request: AssignRequest = { coworkerId: coworkerId.toLowerCase(), by };
  for (let index = 0; index < rest.length; index += 2) {
    const [flag, value] = [rest[index], rest[index + 1]];
    if ((flag !== '--team' && flag !== '--manager') || !value || value.startsWith('--')) return { error: `I did not understand "${rest.slice(index).join(' ')}". ${USAGE}` };
    if (flag === '--team') request.team = value.toLowerCase();
    else request.manager = value;
  }
  return request;
}

/** Handles the text after "assign"; tells `user` in `channel` what came of it. */
export async function handleAssign(client: WebClient, deps: SlackAssignDeps, where: { channel: string; user: string }, text: string): Promise<void> {
  const tell = (reply: string) => client.chat.postEphemeral({ channel: where.channel, user: where.user, text: reply });
  const request = parseAssign(text, where.user);
  if ('error' in request) return void (await tell(request.error));
  // Fresh from the store, not the directory's few-seconds-old copy: who manages it decides who may move it.
  const current = (await deps.store.getCoworker(request.coworkerId))?.definition;
  const refusal = current && assignRefusal(current, where.user);
  if (refusal) return void (await tell(`You can't: ${refusal}.`));
  try {
    const result = await assignCoworker(deps, deps.people, request);
    await tell(describeAssignment(result, (id) => teamName(deps.people, id)));
  } catch (error) {
    if (!isCoworkersError(error) || !['COMMAND_INVALID', 'COWORKER_NOT_FOUND'].includes(error.code)) throw error;
    await tell([error.message, error.hint].filter(Boolean).join(' '));
  }
}
