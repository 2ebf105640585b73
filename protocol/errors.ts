// One error type for every service. Errors cross the bus serialized, so callers match on
// `code`, never on the class or the message.

export const ERROR_CODES = [
  'DEFINITION_INVALID',
  'COMMAND_INVALID',
  'CONFIG_INVALID',
  'COWORKER_NOT_FOUND',
  'VERSION_CONFLICT',
  'FENCED',
  'BUS_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'REQUEST_TIMEOUT',
  'NO_RESPONDERS',
  'RUNTIME_NOT_RUNNING',
  'ALREADY_RUNNING',
  'TOOL_NOT_GRANTED',
  'TOOL_UNKNOWN',
  'TOOL_FAILED',
  'APPROVAL_MISMATCH',
  'GRANT_INVALID',
  'PERMISSION_DENIED',
  'APPROVAL_NOT_FOUND',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface CoworkersErrorJSON {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  hint?: string;
}

export class CoworkersError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** How to fix it, in one sentence, for people reading a CLI error or a log line. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CoworkersError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
  }

  toJSON(): CoworkersErrorJSON {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.hint ? { hint: this.hint } : {}) };
  }

  static fromJSON(json: CoworkersErrorJSON): CoworkersError {
    return new CoworkersError(json.code, json.message, { retryable: json.retryable, hint: json.hint });
  }
}

export function isCoworkersError(error: unknown, code?: ErrorCode): error is CoworkersError {
  return error instanceof CoworkersError && (code === undefined || error.code === code);
}
