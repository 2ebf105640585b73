// Environment configuration, parsed once at start-up. Only entry points read process.env.
import { z } from 'zod';
import { DEFAULT_STREAM_MAX_BYTES } from '../messaging/nats.stream.ts';
import { CoworkersError } from '../protocol/index.ts';

const MIN_STREAM_BYTES = 16 * 1024 ** 2;

const configSchema = z.object({
  NATS_URL: z.string().url({ message: 'NATS_URL must be a URL such as nats://127.0.0.1:4222' }).optional(),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://' }).optional(),
  MONGODB_DB: z.string().min(1).default('coworkers'),
  COWORKERS_SUBJECT_PREFIX: z.string().min(1).optional(),
  // The JetStream stream's size limit (beside its 7 days), in bytes; at the limit the oldest messages go first.
  COWORKERS_STREAM_MAX_BYTES: z.coerce
    .number({ message: 'COWORKERS_STREAM_MAX_BYTES is a size in bytes, such as 1073741824 (1 GiB)' })
    .int({ message: 'COWORKERS_STREAM_MAX_BYTES is a whole number of bytes, such as 1073741824 (1 GiB)' })
    .min(MIN_STREAM_BYTES, { message: `COWORKERS_STREAM_MAX_BYTES is at least ${MIN_STREAM_BYTES} (16 MiB): below that the stream would drop commands before a runtime reads them` })
    .default(DEFAULT_STREAM_MAX_BYTES),
  // This process's NATS identity (a seed file from `coworkers nats-config`) and whose signatures it trusts.
  NATS_NKEY_FILE: z.string().min(1).optional(),
  COWORKERS_TRUST_FILE: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.string().url({ message: 'OPENAI_BASE_URL must be a URL such as http://localhost:11434/v1' }).optional(),
  COWORKERS_MODEL: z.string().min(1).default('gpt-4o-mini'),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', { message: 'SLACK_BOT_TOKEN is the Bot User OAuth Token, starting with xoxb-' }).optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', { message: 'SLACK_APP_TOKEN is an app-level token for Socket Mode, starting with xapp-' }).optional(),
  SLACK_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  TEAMS_CLIENT_ID: z.string().min(1).optional(),
  TEAMS_CLIENT_SECRET: z.string().min(1).optional(),
  TEAMS_TENANT_ID: z.string().min(1).optional(),
  TEAMS_PORT: z.coerce.number().int().min(0).max(65_535).default(3978),
  TEAMS_SERVICE_URL: z.string().url({ message: 'TEAMS_SERVICE_URL must be a URL such as https://smba.trafficmanager.net/teams' }).optional(),
  TEAMS_CLOUD: z.enum(['Public', 'USGov', 'USGovDoD', 'China'], { message: 'TEAMS_CLOUD is one of Public, USGov, USGovDoD, China' }).optional(),
  // Local tests only: the gateway says so loudly in its log.
  TEAMS_SKIP_AUTH: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  CONSOLE_HOST: z.string().min(1).default('127.0.0.1'),
  // Where people open the console (behind a proxy, another host): the link of an approval too long for a chat.
  COWORKERS_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'COWORKERS_PUBLIC_URL is the console\'s address for people, such as https://coworkers.example.com' }).optional(),
  // A single gateway (docker compose, a demo) may hand out one-time passwords like `up` does.
  COWORKERS_ONE_TIME_PASSWORDS: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  COWORKERS_CONSOLE_SECRET: z.string().min(32, { message: "COWORKERS_CONSOLE_SECRET signs the console's session cookies: use 32 or more random characters (openssl rand -hex 32)" }).optional(),
  // Sign-in with OpenID Connect beside the passwords: all three, or none.
  COWORKERS_OIDC_ISSUER: z.url({ protocol: /^https?$/, message: "COWORKERS_OIDC_ISSUER is the OpenID provider's issuer URL, such as https://accounts.google.com" }).optional(),
  COWORKERS_OIDC_CLIENT_ID: z.string().min(1).optional(),
  COWORKERS_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  SLACK_API_URL: z.string().url({ message: 'SLACK_API_URL must be a URL such as https://slack.com/api/' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.output<typeof configSchema>;

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new CoworkersError('COMMAND_INVALID', `The environment is not valid:\n${problems}`);
  }
  return parsed.data;
}

/** Distributed mode needs both servers; name the one that is missing. */
export function distributedUrls(config: Config): { natsUrl: string; mongoUri: string } {
  if (!config.NATS_URL || !config.MONGODB_URI) {
    const missing = [!config.NATS_URL && 'NATS_URL', !config.MONGODB_URI && 'MONGODB_URI'].filter(Boolean).join(' and ');
    throw new CoworkersError('COMMAND_INVALID', `${missing} must be set for the distributed mode.`, {
      hint: 'e.g. NATS_URL=nats://127.0.0.1:4222 MONGODB_URI=mongodb://127.0.0.1:27017/ (docker compose keeps both inside its network: run the CLI there, see Distributed mode in the README).',
    });
  }
  return { natsUrl: config.NATS_URL, mongoUri: config.MONGODB_URI };
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  appToken?: string;
  port: number;
  slackApiUrl?: string;
}

/** The Slack gateway's settings, or null when Slack is not configured; a half configuration is an error. */
export function slackConfig(config: Config): SlackConfig | null {
  const { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN } = config;
  if (!SLACK_BOT_TOKEN && !SLACK_SIGNING_SECRET && !SLACK_APP_TOKEN) return null;
  if (!SLACK_BOT_TOKEN || (!SLACK_SIGNING_SECRET && !SLACK_APP_TOKEN)) {
    throw new CoworkersError('COMMAND_INVALID', 'Slack needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode).', {
      hint: 'Both are on the app\'s page at api.slack.com/apps: OAuth & Permissions, and Basic Information. See slack/README.md.',
    });
  }
  return {
    botToken: SLACK_BOT_TOKEN,
    signingSecret: SLACK_SIGNING_SECRET ?? '',
    port: config.SLACK_PORT,
    ...(SLACK_APP_TOKEN ? { appToken: SLACK_APP_TOKEN } : {}),
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
  };
}

export interface TeamsConfig {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  port: number;
  serviceUrl?: string;
  cloud?: Config['TEAMS_CLOUD'];
  dangerouslySkipAuth: boolean;
}

/** The Teams gateway's settings, or null when Teams is not configured; a half configuration is an error. */
export function teamsConfig(config: Config): TeamsConfig | null {
  const { TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID } = config;
  if (!TEAMS_CLIENT_ID && !TEAMS_CLIENT_SECRET && !TEAMS_TENANT_ID) return null;
  if (!TEAMS_CLIENT_ID || !TEAMS_CLIENT_SECRET || !TEAMS_TENANT_ID) {
    const missing = [!TEAMS_CLIENT_ID && 'TEAMS_CLIENT_ID', !TEAMS_CLIENT_SECRET && 'TEAMS_CLIENT_SECRET', !TEAMS_TENANT_ID && 'TEAMS_TENANT_ID'].filter(Boolean).join(', ');
    throw new CoworkersError('COMMAND_INVALID', `Teams needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID; missing: ${missing}.`, {
      hint: "All three are on the bot's app registration in the Entra admin center (Overview, and Certificates & secrets). See teams/README.md.",
    });
  }
  return {
    clientId: TEAMS_CLIENT_ID,
    clientSecret: TEAMS_CLIENT_SECRET,
    tenantId: TEAMS_TENANT_ID,
    port: config.TEAMS_PORT,
    dangerouslySkipAuth: config.TEAMS_SKIP_AUTH,
    ...(config.TEAMS_SERVICE_URL ? { serviceUrl: config.TEAMS_SERVICE_URL } : {}),
    ...(config.TEAMS_CLOUD ? { cloud: config.TEAMS_CLOUD } : {}),
  };
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `<COWORKERS_PUBLIC_URL>/auth/oidc/callback`: register it at the provider. */
  redirectUri: string;
}

/** The console's address for people: COWORKERS_PUBLIC_URL, else http://localhost:<CONSOLE_PORT>. */
export function publicUrl(config: Config): string {
  return config.COWORKERS_PUBLIC_URL ?? `http://localhost:${config.CONSOLE_PORT}`;
}

/** Sign-in with OpenID Connect, or null when it is not configured; a half configuration is an error. */
export function oidcConfig(config: Config): OidcConfig | null {
  const { COWORKERS_OIDC_ISSUER, COWORKERS_OIDC_CLIENT_ID, COWORKERS_OIDC_CLIENT_SECRET } = config;
  if (!COWORKERS_OIDC_ISSUER && !COWORKERS_OIDC_CLIENT_ID && !COWORKERS_OIDC_CLIENT_SECRET) return null;
  if (!COWORKERS_OIDC_ISSUER || !COWORKERS_OIDC_CLIENT_ID || !COWORKERS_OIDC_CLIENT_SECRET) {
    const missing = [!COWORKERS_OIDC_ISSUER && 'COWORKERS_OIDC_ISSUER', !COWORKERS_OIDC_CLIENT_ID && 'COWORKERS_OIDC_CLIENT_ID', !COWORKERS_OIDC_CLIENT_SECRET && 'COWORKERS_OIDC_CLIENT_SECRET']
      .filter(Boolean)
      .join(', ');
    throw new CoworkersError('COMMAND_INVALID', `Sign-in with OpenID Connect needs COWORKERS_OIDC_ISSUER, COWORKERS_OIDC_CLIENT_ID and COWORKERS_OIDC_CLIENT_SECRET; missing: ${missing}.`, {
      hint: `Register the console at your provider as a web application with the redirect URI ${oidcRedirectUri(config)}; it gives the client id and secret. See the console section of the README.`,
    });
  }
  return { issuer: COWORKERS_OIDC_ISSUER, clientId: COWORKERS_OIDC_CLIENT_ID, clientSecret: COWORKERS_OIDC_CLIENT_SECRET, redirectUri: oidcRedirectUri(config) };
}

/** Where the provider sends people back: `<COWORKERS_PUBLIC_URL>/auth/oidc/callback` (a path in the public URL is kept). */
export function oidcRedirectUri(config: Config): string {
  const base = publicUrl(config);
  return new URL('auth/oidc/callback', base.endsWith('/') ? base : `${base}/`).href;
}
