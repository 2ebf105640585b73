// The `coworkers` command. Entry point: the only place that reads the environment, builds the
// root logger and the chat model, and turns errors into messages and exit codes.
import { existsSync, statSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ChatOpenAI } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ScriptedChatModel, coworkerLookup, createAgentRunner } from '../actors/index.ts';
import { createToolClient } from '../connectors/index.ts';
import { examplePlaybooks } from '../examples/playbooks.ts';
import { formatProblem, loadDefinitions, loadRetention } from '../definitions/index.ts';
import {
  assignCoworker,
  assignTask,
  createControlClient,
  describeAssignment,
  decideApproval,
  hashPassword,
  listApprovals,
  listCoworkers,
  loadPeople,
  readAudit,
  reassignTask,
  teamName,
  type AssignRequest,
  type AssignTaskRequest,
  type CommandDeps,
  type DecisionRequest,
} from '../gateway/index.ts';
import { createNatsBus, readDeadLetters, readShardMap, type Bus } from '../messaging/index.ts';
import { createMongoStore, createSqliteStore, type CoworkerSummary, type Store } from '../persistence/index.ts';
import { CoworkersError, DEFAULT_SUBJECT_PREFIX, durationMs, durationSchema, isCoworkersError, type AuditQuery } from '../protocol/index.ts';
import { distributedUrls, readConfig, slackConfig, type Config } from './config.ts';
import { connectMongo, connectNats } from './connections.ts';
import { loadIdentity, type Identity } from './identity.ts';
import { writeNatsConfig } from './nats-config.ts';
import { embeddedPaths, startDistributed, startEmbedded, type WorkOptions } from './runtime.ts';
import { serveOneConnector, toolListing } from './connector-commands.ts';
import { formatTools } from './tool-listing.ts';
import { createLogger } from './logger.ts';
import { createProcessScrubber } from './secrets.ts';
import type { Scrubber } from '../protocol/scrubber.ts';
import { startGateways } from './gateways.ts';
import { vizCommand, type VizFormat } from './viz-command.ts';
import { buildToolbox } from './toolbox.ts';
import { printEvents } from './event-printer.ts';
import { formatApprovals, formatAudit, formatCoworkerTable, formatDeadLetters, formatRuntimes } from './format.ts';

const USAGE = `Usage: coworkers <command> [options]

Commands:
  up [--dir coworkers] [--data .coworkers]   run every coworker in one process (embedded mode)
  runtime [--dir coworkers] [--external-connectors]
                                             run the coworkers on NATS_URL and MONGODB_URI (distributed mode)
  gateway [--dir coworkers]                  run the web console (and Slack, Teams when SLACK_*, TEAMS_* are set) on NATS_URL and MONGODB_URI
  validate <file|dir>                        check coworker definitions; prints file:line:column: problem
  list [--json] [--data .coworkers]          show coworkers: team, manager, state, backlog
  runtimes [--json]                          show which runtime process hosts which shards (distributed mode)
  send <coworker> <text> [--as <user>]       give a coworker a task
  send <coworker> --job <job> [--as <user>]  run one of its jobs now
  reassign <coworker> <task> --to <coworker> [--as <user>]
                                             move a queued task to another coworker (its policy decides)
  assign <coworker> [--team <team>] [--manager <login|slack id>] [--dir coworkers]
                                             move it to a team and/or manager, live (people from users.yaml, teams.yaml)
  approvals [--json]                         list the gated tool calls waiting for a decision
  approve <approval> --as <user>             approve one (the user must be one of its approvers)
  reject <approval> --as <user> [--reason <text>]   reject one; the coworker is told why
  audit <coworker> [--run <task>] [--job <job>] [--since <time>] [--json]
                                             the coworker's audit trail, oldest first
  dead-letters [--since <time>] [--json]     commands the runtime set aside (malformed, refused), oldest first, with counts
  viz <coworker> [--format svg|mermaid|json] its statechart, the current state marked (default svg)
  hash-password                              reads a password on stdin, prints a passwordHash for users.yaml
  tools [--dir coworkers] [--json]           every tool: risk, scopes, which coworkers may call it
  connector <name> [--dir coworkers]         serve one connector of connectors.yaml as its own process
                                             (distributed mode; run the runtime with --external-connectors)
  nats-config --out <dir> [--dir coworkers] [--store-dir <path>] [--rotate]
                                             one NATS identity per service: nats-server.conf, a seed per
                                             service kind (runtime.nk, …; kept unless --rotate), identities.json

The other commands talk to the "coworkers up" running in this folder, or to the distributed
deployment when NATS_URL and MONGODB_URI are set.`;

function createChatModel(config: Config, logger: Logger): BaseChatModel {
  if (!config.OPENAI_API_KEY && !config.OPENAI_BASE_URL) {
    logger.warn('no OPENAI_API_KEY or OPENAI_BASE_URL: coworkers run the example playbooks with a scripted model, labelled as such');
    return new ScriptedChatModel({ playbooks: examplePlaybooks });
  }
  return new ChatOpenAI({
    model: config.COWORKERS_MODEL,
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    ...(config.OPENAI_BASE_URL ? { configuration: { baseURL: config.OPENAI_BASE_URL } } : {}),
  });
}

/** The model, the connectors this process serves, and the runner that joins them over the bus. */
function work(config: Config, logger: Logger, identity: Identity, where: { dir: string; dataDir: string; serveConnectors: boolean }, scrubber: Scrubber): WorkOptions {
  const model = createChatModel(config, logger);
  return {
    toolbox: (documents) =>
      buildToolbox({ ...where, documents, env: process.env, logger, serve: where.serveConnectors, slackServedElsewhere: slackConfig(config) !== null }),
    createRunner: (bus, tools, store, signer) => createAgentRunner({ model, tools, callTool: createToolClient({ bus }).call, signer, coworkers: coworkerLookup(store) }),
    identity,
    logger,
    scrubber,
  };
}

/** `--since 2026-11-23`, `--since 2026-11-23T09:00Z` or `--since 2h` (that long ago). */
function parseSince(since: string): number {
  const relative = durationSchema.safeParse(since);
  if (relative.success) return Date.now() - durationMs(relative.data);
  const at = Date.parse(since);
  if (Number.isNaN(at)) throw new CoworkersError('COMMAND_INVALID', `--since "${since}" is neither a time nor a duration.`, { hint: 'e.g. --since 2026-11-23, --since 2026-11-23T09:00Z or --since 4h' });
  return at;
}

/** Runs until Ctrl-C or SIGTERM, then closes what was started, last started first. */
function runUntilSignal(running: Array<{ close(): Promise<void> }>, logger: Logger): Promise<void> {
  return new Promise((done) => {
    const shutdown = async (signal: string) => {
      logger.info({ signal }, 'stopping');
      for (const part of [...running].reverse()) await part.close();
      // Everything is closed; a client still retrying a call (Slack's) must not keep the process up.
      setTimeout(() => process.exit(), 1_000).unref();
      done();
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });
}

/** Who this process is on NATS; remembered so an error about a refused subject can name it. */
let identity: Identity | undefined;
function distributedIdentity(config: Config, logger: Logger): Identity {
  identity ??= loadIdentity(config, { logger });
  return identity;
}

/**
 * The deployment's bus and store, as a client (the CLI, a gateway, a connector) sees them. Only
 * what may change the stream (a runtime, the operator's commands that write) manages it; the
 * others only check it exists, which is all their NATS permissions allow.
 */
/** How long a gateway or a connector started before any runtime waits for one to make the stream. */
const STREAM_WAIT_MS = 120_000;

/** The bus; a long-running process (`waitForStream`) waits while the stream is not there yet, saying so once. */
async function busWhenReady(create: () => Promise<Bus>, waitForStream: boolean, logger: Logger): Promise<Bus> {
  const until = Date.now() + STREAM_WAIT_MS;
  for (let told = false; ; told = true) {
    try {
      return await create();
    } catch (error) {
      if (!waitForStream || !isCoworkersError(error, 'BUS_UNAVAILABLE') || !error.retryable || Date.now() > until) throw error;
      if (!told) logger.warn({ err: error }, 'waiting for a runtime to create the stream (two minutes at most)');
      await sleep(2_000);
    }
  }
}

async function connectDistributed(config: Config, logger: Logger, options: { manageStream: boolean; waitForStream?: boolean }) {
  const { natsUrl, mongoUri } = distributedUrls(config);
  const self = distributedIdentity(config, logger);
  const mongo = await connectMongo(mongoUri);
  const connection = await connectNats(natsUrl, logger, self).catch(async (error: unknown) => {
    await mongo.close();
    throw error;
  });
  const close = async () => {
    await connection.close();
    await mongo.close();
  };
  const create = () =>
    createNatsBus({
      connection,
      logger,
      manageStream: options.manageStream,
      streamMaxBytes: config.COWORKERS_STREAM_MAX_BYTES,
      ...(config.COWORKERS_SUBJECT_PREFIX ? { prefix: config.COWORKERS_SUBJECT_PREFIX } : {}),
    });
  const bus = await busWhenReady(create, options.waitForStream ?? false, logger).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return { bus, store: createMongoStore({ db: mongo.db(config.MONGODB_DB) }), now: Date.now, close, identity: self, signer: self.signer };
}

/** A one-off command as the operator: `writes` when it sends a command (and may create the stream). */
async function withDistributed<T>(config: Config, logger: Logger, work: (deps: CommandDeps) => Promise<T>, writes = false): Promise<T> {
  const connections = await connectDistributed(config, logger, { manageStream: writes });
  try {
    return await work(connections);
  } finally {
    await connections.close();
  }
}

/** The embedded store of a `coworkers up` folder, read beside the running process (SQLite's WAL allows it). */
async function withEmbeddedStore<T>(dataDir: string, work: (store: Store) => Promise<T>): Promise<T> {
  const { database } = embeddedPaths(dataDir);
  if (!existsSync(database)) {
    throw new CoworkersError('RUNTIME_NOT_RUNNING', `There is no coworkers data in ${dataDir}.`, { hint: 'Run "npm start" (or "coworkers up") in this folder first, or pass --data.' });
  }
  const store = createSqliteStore({ path: database });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: 'coworkers' },
      data: { type: 'string', default: '.coworkers' },
      json: { type: 'boolean', default: false },
      as: { type: 'string', default: `cli:${process.env.USER ?? 'user'}` },
      reason: { type: 'string' },
      run: { type: 'string' },
      job: { type: 'string' },
      since: { type: 'string' },
      'external-connectors': { type: 'boolean', default: false },
      format: { type: 'string' },
      to: { type: 'string' },
      team: { type: 'string' },
      manager: { type: 'string' },
      out: { type: 'string' },
      'store-dir': { type: 'string' },
      rotate: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  const config = readConfig(process.env);
  // Every secret this process knows (its own, and those connectors.yaml names), kept out of what it stores and logs.
  const scrubber = createProcessScrubber({ env: process.env, dir: resolve(values.dir) });
  const logger = createLogger(config.LOG_LEVEL, undefined, scrubber);
  const distributed = Boolean(config.NATS_URL || config.MONGODB_URI);
  const socket = embeddedPaths(resolve(values.data)).socket;

  switch (command) {
    case 'up': {
      const where = { dir: resolve(values.dir), dataDir: resolve(values.data) };
      // One process is the whole deployment: one key signs its grants, handoffs, people's decisions and the CLI's acts.
      const identity = loadIdentity(config, { embedded: true });
      const runtime = await startEmbedded({ ...work(config, logger, identity, { ...where, serveConnectors: true }, scrubber), ...where });
      const gateways = await startGateways({ config, bus: runtime.bus, store: runtime.store, identity, dir: where.dir, logger, oneTimePasswords: true }).catch(async (error: unknown) => {
        await runtime.close();
        throw error;
      });
      console.log(`coworkers up: ${runtime.definitions.length} coworkers from ${values.dir}, data in ${values.data}/`);
      console.log(formatCoworkerTable(await listCoworkers(runtime.store)));
      console.log(`\n${gateways.lines.join('\n')}`);
      console.log('\nIn another terminal: npx coworkers list | npx coworkers send <coworker> "<task>". Ctrl-C stops.\n');
      await printEvents(runtime.bus, (line) => console.log(line));
      await runUntilSignal([runtime, gateways], logger);
      return 0;
    }
    case 'gateway': {
      const connections = await connectDistributed(config, logger, { manageStream: false, waitForStream: true });
      const gateways = await startGateways({ config, ...connections, dir: resolve(values.dir), logger, oneTimePasswords: config.COWORKERS_ONE_TIME_PASSWORDS }).catch(async (error: unknown) => {
        await connections.close();
        throw error;
      });
      console.log(`coworkers gateway\n${gateways.lines.join('\n')}\nCtrl-C stops.`);
      await runUntilSignal([connections, gateways], logger);
      return 0;
    }
    case 'runtime': {
      const { natsUrl, mongoUri } = distributedUrls(config);
      const dir = resolve(values.dir);
      const runtime = await startDistributed({
        ...work(config, logger, distributedIdentity(config, logger), { dir, dataDir: resolve(values.data), serveConnectors: !values['external-connectors'] }, scrubber),
        dir,
        natsUrl,
        mongoUri,
        dbName: config.MONGODB_DB,
        streamMaxBytes: config.COWORKERS_STREAM_MAX_BYTES,
        ...(config.COWORKERS_SUBJECT_PREFIX ? { subjectPrefix: config.COWORKERS_SUBJECT_PREFIX } : {}),
      });
      await runUntilSignal([runtime], logger);
      return 0;
    }
    case 'validate': {
      const target = args[0];
      if (!target) throw new CoworkersError('COMMAND_INVALID', 'validate needs a file or a folder.', { hint: 'e.g. coworkers validate examples/' });
      const loaded = await loadDefinitions(resolve(target));
      const { definitions } = loaded;
      // retention.yaml beside the definitions stops the start when it has problems: show them here too.
      const folder = existsSync(target) && !statSync(target).isDirectory() ? dirname(resolve(target)) : resolve(target);
      const problems = [...loaded.problems, ...(existsSync(folder) ? (await loadRetention(folder)).problems : [])];
      for (const problem of problems) console.error(formatProblem(problem));
      if (problems.length > 0) {
        console.error(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} found.`);
        return 1;
      }
      console.log(`${definitions.length} coworker definition${definitions.length === 1 ? '' : 's'} valid: ${definitions.map((d) => d.definition.id).join(', ')}`);
      return 0;
    }
    case 'list': {
      const coworkers: CoworkerSummary[] = distributed
        ? await withDistributed(config, logger, (deps) => listCoworkers(deps.store))
        : await createControlClient(socket).listCoworkers();
      console.log(values.json ? JSON.stringify(coworkers, null, 2) : formatCoworkerTable(coworkers));
      return 0;
    }
    case 'runtimes': {
      if (!distributed) {
        console.log('Embedded mode: "coworkers up" hosts every coworker in its one process. Set NATS_URL and MONGODB_URI to see a distributed deployment.');
        return 0;
      }
      const connection = await connectNats(distributedUrls(config).natsUrl, logger, distributedIdentity(config, logger));
      try {
        const members = await readShardMap({ connection, ...(config.COWORKERS_SUBJECT_PREFIX ? { prefix: config.COWORKERS_SUBJECT_PREFIX } : {}) });
        const coworkers = await withDistributed(config, logger, (deps) => listCoworkers(deps.store));
        console.log(values.json ? JSON.stringify(members, null, 2) : formatRuntimes(members, coworkers.map((coworker) => coworker.id)));
      } finally {
        await connection.close();
      }
      return 0;
    }
    case 'send': {
      const [coworkerId, ...words] = args;
      if (!coworkerId || (words.length === 0 && !values.job)) {
        throw new CoworkersError('COMMAND_INVALID', 'send needs a coworker and a task, or --job.', { hint: 'e.g. coworkers send ava "Pull last week\'s ad spend", or coworkers send ava --job weekly-ad-report' });
      }
      const task: AssignTaskRequest = { coworkerId, text: words.join(' '), requestedBy: values.as, ...(values.job ? { jobId: values.job } : {}) };
      const sent = distributed ? await withDistributed(config, logger, (deps) => assignTask(deps, task), true) : await createControlClient(socket).assignTask(task);
      console.log(values.json ? JSON.stringify(sent) : `Task ${sent.id} queued for ${coworkerId}.`);
      return 0;
    }
    case 'assign': {
      const coworkerId = args[0];
      if (!coworkerId || (!values.team && !values.manager)) {
        throw new CoworkersError('COMMAND_INVALID', 'assign needs a coworker and --team, --manager or both.', { hint: 'e.g. coworkers assign sam --team marketing --manager maria --dir examples' });
      }
      const dir = resolve(values.dir);
      const people = await loadPeople(dir);
      const request: AssignRequest = { coworkerId, by: values.as, ...(values.team ? { team: values.team } : {}), ...(values.manager ? { manager: values.manager } : {}) };
      const result = distributed
        ? await withDistributed(config, logger, (deps) => assignCoworker(deps, people, request), true)
        : await createControlClient(socket).assignCoworker(request, dir);
      console.log(values.json ? JSON.stringify(result) : describeAssignment(result, (id) => teamName(people, id)));
      return 0;
    }
    case 'reassign': {
      const [coworkerId, taskId] = args;
      if (!coworkerId || !taskId || !values.to) {
        throw new CoworkersError('COMMAND_INVALID', 'reassign needs a coworker, one of its queued task ids and --to.', { hint: 'e.g. coworkers reassign sam <task id> --to otto ("send" prints task ids)' });
      }
      const move = { coworkerId, taskId, to: values.to, by: values.as };
      const result = distributed ? await withDistributed(config, logger, (deps) => reassignTask(deps, move), true) : await createControlClient(socket).reassignTask(move);
      if (values.json) console.log(JSON.stringify(result));
      else if (result.status === 'accepted') console.log(`${result.to} took task ${taskId} from ${coworkerId} (now task ${result.newTaskId}).`);
      else if (result.status === 'unconfirmed') console.log(`Sent to ${coworkerId}; ${result.to} has not answered yet ("coworkers audit ${coworkerId}" shows it once it does).`);
      else throw new CoworkersError('COMMAND_INVALID', `${result.status === 'declined' ? `${result.to} declined` : `${coworkerId} refused`}: ${result.reason}.`, { hint: `Task ${taskId} stays with ${coworkerId}.` });
      return 0;
    }
    case 'approvals': {
      const approvals = distributed ? await withDistributed(config, logger, (deps) => listApprovals(deps.store)) : await createControlClient(socket).listApprovals();
      console.log(values.json ? JSON.stringify(approvals, null, 2) : formatApprovals(approvals));
      return 0;
    }
    case 'approve':
    case 'reject': {
      const approvalId = args[0];
      if (!approvalId) throw new CoworkersError('COMMAND_INVALID', `${command} needs an approval id.`, { hint: '"coworkers approvals" lists them.' });
      const request: DecisionRequest = {
        approvalId,
        decision: command === 'approve' ? 'approved' : 'rejected',
        by: values.as,
        ...(values.reason ? { reason: values.reason } : {}),
      };
      const result = distributed
        ? await withDistributed(config, logger, (deps) => decideApproval(deps, request), true)
        : await createControlClient(socket).decideApproval(request);
      if (result.status === 'refused') {
        throw new CoworkersError('COMMAND_INVALID', `${result.coworkerId} refused the decision: ${result.reason}.`, {
          hint: 'Decide as one of the approvers "coworkers approvals" shows, with --as <their Slack id>.',
        });
      }
      console.log(
        result.status === 'applied'
          ? `Approval ${approvalId} ${result.outcome} by ${values.as}; ${result.coworkerId} goes on.`
          : `Decision sent to ${result.coworkerId}; it has not confirmed yet ("coworkers audit ${result.coworkerId}" shows it once applied).`,
      );
      return 0;
    }
    case 'dead-letters': {
      const query = values.since ? { since: parseSince(values.since) } : {};
      const listing = distributed ? await withDistributed(config, logger, (deps) => readDeadLetters(deps.bus, query)) : await createControlClient(socket).readDeadLetters(query);
      console.log(values.json ? JSON.stringify(listing, null, 2) : formatDeadLetters(listing));
      return 0;
    }
    case 'audit': {
      const coworkerId = args[0];
      if (!coworkerId) throw new CoworkersError('COMMAND_INVALID', 'audit needs a coworker.', { hint: 'e.g. coworkers audit ava --run <task id>' });
      const query: AuditQuery = { coworkerId, ...(values.run ? { runId: values.run } : {}), ...(values.job ? { jobId: values.job } : {}), ...(values.since ? { from: parseSince(values.since) } : {}) };
      const entries = distributed ? await withDistributed(config, logger, (deps) => readAudit(deps.store, query)) : await createControlClient(socket).readAudit(query);
      console.log(values.json ? JSON.stringify(entries, null, 2) : formatAudit(entries));
      return 0;
    }
    case 'connector': {
      const name = args[0];
      if (!name) throw new CoworkersError('COMMAND_INVALID', 'connector needs the name of a connector configured in connectors.yaml.', { hint: 'e.g. coworkers connector email --dir coworkers' });
      if (!distributed) {
        throw new CoworkersError('COMMAND_INVALID', 'A connector runs as its own process only in the distributed mode; "coworkers up" serves every connector itself.', {
          hint: 'Set NATS_URL and MONGODB_URI, and start the runtime with --external-connectors.',
        });
      }
      const connections = await connectDistributed(config, logger, { manageStream: false, waitForStream: true });
      const served = await serveOneConnector({ name, dir: resolve(values.dir), dataDir: resolve(values.data), ...connections, trust: connections.identity.trust, logger, scrubber }).catch(async (error: unknown) => {
        await connections.close();
        throw error;
      });
      console.log(`coworkers connector ${name}: serving ${served.tools.join(', ')}. Ctrl-C stops.`);
      await runUntilSignal([connections, served], logger);
      return 0;
    }
    case 'viz': {
      const coworkerId = args[0];
      if (!coworkerId) throw new CoworkersError('COMMAND_INVALID', 'viz needs a coworker.', { hint: 'e.g. coworkers viz ava --format mermaid > ava.mmd' });
      const format = (values.format ?? 'svg') as VizFormat;
      const drawn = distributed
        ? await withDistributed(config, logger, (deps) => vizCommand({ coworkerId, format, store: deps.store }))
        : await withEmbeddedStore(resolve(values.data), (store) => vizCommand({ coworkerId, format, store }));
      process.stdout.write(drawn.endsWith('\n') ? drawn : `${drawn}\n`);
      return 0;
    }
    case 'hash-password': {
      const password = (await text(process.stdin)).replace(/\r?\n$/, '');
      if (password.length < 12) throw new CoworkersError('COMMAND_INVALID', 'The password on stdin is shorter than 12 characters.', { hint: "e.g. read -s PW && printf '%s' \"$PW\" | npx coworkers hash-password" });
      console.log(await hashPassword(password));
      return 0;
    }
    case 'tools': {
      const dir = resolve(values.dir);
      const listing = await toolListing({ dir, dataDir: resolve(values.data), logger });
      console.log(values.json ? JSON.stringify(listing, null, 2) : formatTools(listing));
      return 0;
    }
    case 'nats-config': {
      if (!values.out) throw new CoworkersError('COMMAND_INVALID', 'nats-config needs --out, the folder to write the server config and the seeds to.', { hint: 'e.g. coworkers nats-config --out nats --dir examples' });
      const written = writeNatsConfig({
        out: values.out,
        dir: resolve(values.dir),
        prefix: config.COWORKERS_SUBJECT_PREFIX ?? DEFAULT_SUBJECT_PREFIX,
        rotate: values.rotate,
        ...(values['store-dir'] ? { storeDir: values['store-dir'] } : {}),
      });
      if (values.json) {
        console.log(JSON.stringify(written, null, 2));
        return 0;
      }
      const kept = written.files.filter((file) => file.endsWith('.nk') && !written.created.includes(file));
      console.log(`Wrote ${written.files.filter((file) => !kept.includes(file)).join(', ')}`);
      if (kept.length > 0) console.log(`Kept ${kept.join(', ')} (--rotate makes new ones)`);
      console.log(`\nRun nats-server -c ${written.files[0]}, and give each process its seed: NATS_NKEY_FILE=${resolve(values.out)}/runtime.nk coworkers runtime, gateway.nk for the gateway, operator.nk for these commands, connector-<name>.nk for each connector.`);
      return 0;
    }
    default:
      throw new CoworkersError('COMMAND_INVALID', `Unknown command "${command}".`, { hint: 'Run "coworkers --help" for the list of commands.' });
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (isCoworkersError(error)) {
    const as = isCoworkersError(error, 'PERMISSION_DENIED') && identity ? ` (identity: ${identity.name})` : '';
    console.error(`error: ${error.message}${as}${error.hint ? `\nhint: ${error.hint}` : ''}`);
  } else {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG) console.error(error);
  }
  process.exitCode = 1;
}
