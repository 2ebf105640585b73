export { type DefinitionProblem, type ParsedDefinition, parseDefinition } from './parse-definition.ts';
export { definitionsInvalidError, formatProblem, type LoadedDefinitions, loadDefinitions } from './load-definitions.ts';
export { COWORKER_JSON_SCHEMA_FILE, coworkerJsonSchemaText } from './json-schema.ts';
export { loadTeams, memberIds, parseTeams, TEAMS_FILE, type LoadedTeams, type Team } from './teams-file.ts';
export { DEFAULT_RETENTION, defaultRetention, loadRetention, parseRetention, RETENTION_FILE, type LoadedRetention, type Retention } from './retention-file.ts';
