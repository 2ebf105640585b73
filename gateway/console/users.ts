// The people who may sign in to the console: `users.yaml` beside the coworker definitions,
// mapped to the Slack ids those definitions name. A user without a passwordHash gets a one-time
// password from `coworkers up` for local use; the gateway in distributed mode accepts only users
// with a passwordHash (a password printed by one process is unknown to the others).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CoworkersError, managerSchema, teamsUserId } from '../../protocol/index.ts';
import { generatePassword, parsePasswordHash } from './passwords.ts';

export const USERS_FILE = 'users.yaml';

const userSchema = z.strictObject({
  login: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
    message: 'a login is lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (e.g. "maria")',
  }),
  name: z.string().min(1, { message: 'give the name shown in the console, e.g. "Maria Lopez"' }).max(80),
  slack: managerSchema.shape.slack,
  /** Their Microsoft Entra object id, so the Teams gateway knows them when they click or write in Teams. */
  teams: teamsUserId.optional(),
  /** Needed to become a coworker's manager (`coworkers assign --manager`): a definition's manager has an email. */
  email: managerSchema.shape.email.optional(),
  /** "admin" sees and does everything in the console; everyone else has the roles their teams and the definitions give them (gateway/console/access.ts). */
  role: z.enum(['admin'], { message: 'the only role given here is "admin"; leave it out for everyone else (viewer of their teams, approver and manager where the definitions name them)' }).optional(),
  passwordHash: z
    .string()
    .superRefine((hash, ctx) => {
      const parsed = parsePasswordHash(hash);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `${parsed}; make one with hashPassword() (gateway/index.ts), or leave it out for a one-time password from "coworkers up"` });
    })
    .optional(),
});

const usersFileSchema = z
  .strictObject({ users: z.array(userSchema) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.users.forEach((user, index) => {
      if (user.slack === undefined && user.teams === undefined) {
        ctx.addIssue({ code: 'custom', path: ['users', index, 'slack'], message: `${user.login} needs a Slack user id ("slack: U0123ABCD"), a Teams user's Entra object id ("teams: …"), or both: it is how definitions name managers and approvers` });
      }
      if (seen.has(user.login)) ctx.addIssue({ code: 'custom', path: ['users', index, 'login'], message: `duplicate login "${user.login}": each person signs in with their own` });
      seen.add(user.login);
    });
  });

export type User = z.output<typeof userSchema>;
/** A user as the console server takes it: with a hash, a one-time password, or both. */
export type SignInUser = User & { password?: string };

/** The users in `<dir>/users.yaml`; none when the file does not exist. Throws CONFIG_INVALID naming the file and field. */
export async function loadUsers(dir: string): Promise<User[]> {
  const file = join(dir, USERS_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw invalid(file, [`cannot read the file: ${error.message}`]);
  });
  if (text === null) return [];
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: false });
  } catch (error) {
    throw invalid(file, [`invalid YAML: ${(error as Error).message}`]);
  }
  const result = usersFileSchema.safeParse(data ?? {});
  if (!result.success) throw invalid(file, result.error.issues.map(describe));
  return result.data.users;
}

/** The users, each one without a passwordHash given a fresh random password to print for local use. */
export function withOneTimePasswords(users: readonly User[]): SignInUser[] {
  return users.map((user) => (user.passwordHash ? { ...user } : { ...user, password: generatePassword() }));
}

function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index ? '.' : ''}${String(part)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const allowed = issue.path.length ? Object.keys(userSchema.shape) : ['users'];
    return `${field || 'top level'}: unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}; fields allowed here: ${allowed.join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field}: missing; add it`;
  return `${field || 'top level'}: ${issue.message}`;
}

function invalid(file: string, problems: string[]): CoworkersError {
  return new CoworkersError('CONFIG_INVALID', `${file} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`, {
    hint: 'write it as "users:" followed by a list of { login, name, slack and/or teams, email?, role?: admin, passwordHash? } (the ids definitions use for managers and approvers)',
  });
}
