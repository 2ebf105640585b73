export * from './errors.ts';
export * from './definition.schema.ts';
export * from './messages.ts';
export * from './subjects.ts';
export * from './tools.ts';
export * from './approvals.ts';
export * from './audit.ts';
export * from './assignments.ts';
