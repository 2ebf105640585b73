// Reads every coworker definition at a path and collects all problems at once, so one run shows
// everything to fix instead of one error per restart.
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { CoworkersError, type CoworkerDefinition } from '../protocol/index.ts';
import { type DefinitionProblem, parseDefinitionWithIdPosition } from './parse-definition.ts';
import { loadTeams, loginsIn, TEAMS_FILE, type Team } from './teams-file.ts';

export interface LoadedDefinitions {
  definitions: Array<{ file: string; definition: CoworkerDefinition }>;
  problems: DefinitionProblem[];
  /** The teams of teams.yaml beside the definitions; null when there is none. */
  teams: Team[] | null;
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
/** Files beside the definitions that configure the deployment rather than describe a coworker. */
const NOT_DEFINITIONS = new Set(['connectors.yaml', 'connectors.yml', 'users.yaml', 'users.yml', 'teams.yaml', 'teams.yml', 'retention.yaml', 'retention.yml']);

/** Loads one definition file, or every *.yaml and *.yml file directly inside a directory. */
export async function loadDefinitions(path: string): Promise<LoadedDefinitions> {
  const wholePath = (file: string, message: string): LoadedDefinitions => ({ definitions: [], problems: [{ file, line: 0, column: 0, message }], teams: null });
  const found = await stat(path).catch(() => undefined);
  if (!found) return wholePath(path, 'no such file or directory: pass a coworker YAML file or a directory of them');

  const files = found.isDirectory() ? await yamlFilesIn(path) : [path];
  if (!files.length) return wholePath(path, 'no coworker definitions here: the directory has no .yaml or .yml files');

  const folder = found.isDirectory() ? path : dirname(path);
  const logins = await loginsIn(folder);
  const { teams, problems: teamProblems } = await loadTeams(folder, logins ? { logins } : {});
  const listed = teams && new Set(teams.map((team) => team.id));
  const loaded: LoadedDefinitions = { definitions: [], problems: [...teamProblems], teams };
  const fileOfId = new Map<string, string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((error: Error) => error);
    if (text instanceof Error) {
      loaded.problems.push({ file, line: 0, column: 0, message: `cannot read the file: ${text.message}` });
      continue;
    }
    const { definition, problems, idPosition, teamPosition } = parseDefinitionWithIdPosition(text, file);
    loaded.problems.push(...problems);
    if (!definition) continue;
    if (listed && !listed.has(definition.team)) {
      loaded.problems.push({
        file,
        ...teamPosition!,
        message: `team "${definition.team}" is not in ${TEAMS_FILE}: use one of ${[...listed].join(', ') || 'its teams (it lists none)'}`,
        hint: `or add { id: ${definition.team}, name: … } to ${TEAMS_FILE}`,
      });
      continue;
    }
    const firstFile = fileOfId.get(definition.id);
    if (firstFile) {
      loaded.problems.push({
        file,
        ...idPosition!,
        message: `duplicate coworker id "${definition.id}": ${firstFile} already defines it`,
        hint: 'each coworker needs its own id: rename one of them, or remove the copy',
      });
      continue;
    }
    fileOfId.set(definition.id, file);
    loaded.definitions.push({ file, definition });
  }
  return loaded;
}

async function yamlFilesIn(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory() && YAML_EXTENSIONS.has(extname(entry.name).toLowerCase()) && !NOT_DEFINITIONS.has(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(directory, name));
}

/** `file:line:column: message`, with the hint indented on the next line. */
export function formatProblem(problem: DefinitionProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${where}: ${problem.message}${problem.hint ? `\n  ${problem.hint}` : ''}`;
}

/** The error the runtime refuses to start with when any definition has a problem. */
export function definitionsInvalidError(problems: readonly DefinitionProblem[]): CoworkersError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new CoworkersError('DEFINITION_INVALID', `coworker definitions have ${count}:\n${problems.map(formatProblem).join('\n')}`, {
    hint: 'fix each problem at the file:line:column shown, then start again',
  });
}
