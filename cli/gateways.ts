// How people reach the coworkers of a process: the web console always, Slack and Teams when configured.
// `coworkers up` runs them beside the runtime; `coworkers gateway` runs them on their own.
import type { Logger } from 'pino';
import { loadPeople, startConsoleServer, startSlackGateway, startTeamsGateway, withOneTimePasswords, type SignInUser } from '../gateway/index.ts';
import type { Bus } from '../messaging/index.ts';
import type { Store } from '../persistence/index.ts';
import { personId } from '../protocol/index.ts';
import { oidcConfig, slackConfig, teamsConfig, type Config } from './config.ts';
import type { Identity } from './identity.ts';

export interface GatewaysOptions {
  config: Config;
  bus: Bus;
  store: Store;
  /** Its key signs what the people it signs in decide; its trust says whose grants Slack's `slack.post` takes. */
  identity: Pick<Identity, 'signer' | 'trust'>;
  /** The folder of the definitions, where `users.yaml` is. */
  dir: string;
  logger: Logger;
  /**
   * On your own machine (`coworkers up`), people without a password hash get a one-time password
   * printed in the terminal; a shared gateway only lets in people with a hash.
   */
  oneTimePasswords: boolean;
}

export interface Gateways {
  /** What to tell the person at the terminal: where the console is, how to sign in, where Slack and Teams listen. */
  lines: string[];
  close(): Promise<void>;
}

export async function startGateways(options: GatewaysOptions): Promise<Gateways> {
  const { config, bus, store, logger } = options;
  const { signer, trust } = options.identity;
  // users.yaml and teams.yaml: who signs in, who may become a manager, the teams' names and channels.
  const people = await loadPeople(options.dir);
  const users = people.users;
  const signIn: SignInUser[] = options.oneTimePasswords ? withOneTimePasswords(users) : users;
  // Sign-in with OpenID Connect beside the passwords, when COWORKERS_OIDC_* are set.
  const oidc = oidcConfig(config);
  const consoleServer = await startConsoleServer({
    bus,
    store,
    users: signIn,
    people,
    port: config.CONSOLE_PORT,
    host: config.CONSOLE_HOST,
    logger,
    signer,
    ...(config.COWORKERS_CONSOLE_SECRET ? { secret: config.COWORKERS_CONSOLE_SECRET } : {}),
    ...(oidc ? { oidc } : {}),
    // People reach the console over https: its session cookie is sent over https only.
    secureCookies: config.COWORKERS_PUBLIC_URL?.startsWith('https:') ?? false,
  });
  const lines = [`Console: ${consoleServer.url}`, ...signInLines(signIn, options.dir)];
  if (oidc) lines.push(`  Sign-in with OpenID Connect: ${oidc.issuer} (redirect URI ${oidc.redirectUri})`);
  // Slack and Teams link an approval they cannot show whole to its page in the console.
  const consoleUrl = config.COWORKERS_PUBLIC_URL ?? `http://localhost:${config.CONSOLE_PORT}`;
  const started: Array<{ close(): Promise<void> }> = [consoleServer];
  const closeAll = async () => {
    for (const gateway of started.splice(0).reverse()) await gateway.close();
  };
  try {
    const slack = slackConfig(config);
    if (slack) {
      const slackGateway = await startSlackGateway({ ...slack, bus, store, logger, people, consoleUrl, signer, trust });
      started.push(slackGateway);
      lines.push(`Slack: ${slackGateway.port === null ? 'Socket Mode' : `http://localhost:${slackGateway.port}/slack/events`}`);
    }
    const teams = teamsConfig(config);
    if (teams) {
      const teamsGateway = await startTeamsGateway({ ...teams, bus, store, logger, people, consoleUrl, signer });
      started.push(teamsGateway);
      lines.push(`Teams: http://localhost:${teamsGateway.port}/api/messages${teams.dangerouslySkipAuth ? ' (TEAMS_SKIP_AUTH: requests are NOT authenticated)' : ''}`);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return { lines, close: closeAll };
}

function signInLines(users: SignInUser[], dir: string): string[] {
  if (users.length === 0) return [`  Nobody can sign in yet: list people in ${dir}/users.yaml (see examples/users.yaml).`];
  const oneTime = users.filter((user) => user.password);
  if (oneTime.length === 0) return [];
  return ['  Sign in with a one-time password (new at every start; give people a passwordHash in users.yaml to keep one):', ...oneTime.map((user) => `    ${user.login.padEnd(12)} ${user.password}   (${user.name}, ${personId(user)})`)];
}
