// DRS errors as the restJson1 wire carries them: the `x-amzn-errortype` header names the
// exception (the SDK reads it first), the body has `message`, `code` where the DRS model declares
// it, and each exception's extra fields. Retry-After feeds retryAfterSeconds.
import type { ValidationExceptionField, ValidationExceptionReason } from '@aws-sdk/client-drs';

export class DrsError extends Error {
  constructor(
    readonly type: string,
    readonly statusCode: number,
    message: string,
    readonly fields: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    const withCode = !NO_CODE_FIELD.has(this.type);
    return { ...(withCode ? { code: this.type } : {}), message: this.message, ...this.fields };
  }
}

// The DRS model gives these two no `code` member.
const NO_CODE_FIELD = new Set(['ThrottlingException', 'InternalServerException']);

const SERVICE_CODE = 'drs';

export const drsErrors = {
  validation: (
    message: string,
    fieldList?: ValidationExceptionField[],
    reason: ValidationExceptionReason = fieldList ? 'fieldValidationFailed' : 'other',
  ): DrsError =>
    new DrsError('ValidationException', 400, message, { reason, ...(fieldList ? { fieldList } : {}) }),
  notFound: (message: string, resourceId: string, resourceType: string): DrsError =>
    new DrsError('ResourceNotFoundException', 404, message, { resourceId, resourceType }),
  conflict: (message: string, resourceId?: string, resourceType?: string): DrsError =>
    new DrsError('ConflictException', 409, message, { resourceId, resourceType }),
  quota: (message: string, quotaCode: string, resourceId?: string, resourceType?: string): DrsError =>
    new DrsError('ServiceQuotaExceededException', 402, message, {
      quotaCode,
      serviceCode: SERVICE_CODE,
      resourceId,
      resourceType,
    }),
  throttling: (retryAfterSeconds: number): DrsError =>
    new DrsError(
      'ThrottlingException',
      429,
      'Rate exceeded',
      { serviceCode: SERVICE_CODE, quotaCode: 'L-RATE' },
      { 'retry-after': String(retryAfterSeconds) },
    ),
  internal: (message = 'An internal error has occurred', retryAfterSeconds?: number): DrsError =>
    new DrsError(
      'InternalServerException',
      500,
      message,
      {},
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    ),
  uninitialized: (accountId: string, region: string): DrsError =>
    new DrsError(
      'UninitializedAccountException',
      400,
      `Account ${accountId} is not initialized for Elastic Disaster Recovery in ${region}; call InitializeService`,
    ),
  accessDenied: (message: string): DrsError => new DrsError('AccessDeniedException', 403, message),
  unknownOperation: (method: string, path: string): DrsError =>
    new DrsError('UnknownOperationException', 404, `No operation at ${method} ${path}`),
};

// EC2 and SSM errors travel in the same carrier; their protocols format it (operations/ec2.ts, ssm.ts).
export const ec2Errors = {
  notFound: (ids: string[]): DrsError =>
    new DrsError(
      'InvalidInstanceID.NotFound',
      400,
      ids.length === 1
        ? `The instance ID '${ids[0]}' does not exist`
        : `The instance IDs '${ids.join(', ')}' do not exist`,
    ),
  malformed: (id: string): DrsError =>
    new DrsError('InvalidInstanceID.Malformed', 400, `Invalid id: "${id}"`),
  invalidParameterValue: (message: string): DrsError => new DrsError('InvalidParameterValue', 400, message),
  invalidParameterCombination: (message: string): DrsError =>
    new DrsError('InvalidParameterCombination', 400, message),
  missingParameter: (name: string): DrsError =>
    new DrsError('MissingParameter', 400, `The request must contain the parameter ${name}`),
  invalidAction: (action: string): DrsError =>
    new DrsError('InvalidAction', 400, `The action ${action} is not valid for this web service.`),
  dryRun: (): DrsError =>
    new DrsError('DryRunOperation', 412, 'Request would have succeeded, but DryRun flag is set.'),
  throttling: (): DrsError => new DrsError('RequestLimitExceeded', 503, 'Request limit exceeded.'),
  internal: (message = 'An internal error has occurred'): DrsError =>
    new DrsError('InternalError', 500, message),
  unauthorized: (message: string): DrsError => new DrsError('UnauthorizedOperation', 403, message),
};

export const ssmErrors = {
  /** SSM's smithy validation: "1 validation error detected: Value … at '…' failed to satisfy constraint: …". */
  validation: (problems: string[]): DrsError =>
    new DrsError(
      'ValidationException',
      400,
      `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    ),
  invalidInstanceId: (message: string): DrsError => new DrsError('InvalidInstanceId', 400, message),
  duplicateInstanceId: (): DrsError => new DrsError('DuplicateInstanceId', 400, ''),
  invalidDocument: (message: string): DrsError => new DrsError('InvalidDocument', 400, message),
  invalidParameters: (message: string): DrsError => new DrsError('InvalidParameters', 400, message),
  unsupportedPlatform: (message: string): DrsError => new DrsError('UnsupportedPlatformType', 400, message),
  invalidPluginName: (): DrsError => new DrsError('InvalidPluginName', 400, ''),
  serialization: (): DrsError =>
    new DrsError('SerializationException', 400, 'Request body is not a JSON object'),
  invocationDoesNotExist: (): DrsError => new DrsError('InvocationDoesNotExist', 400, ''),
  invalidCommandId: (): DrsError => new DrsError('InvalidCommandId', 400, ''),
  invalidFilterKey: (): DrsError => new DrsError('InvalidFilterKey', 400, ''),
  invalidFilterValue: (message: string): DrsError =>
    new DrsError('InvalidInstanceInformationFilterValue', 400, message),
  invalidNextToken: (): DrsError =>
    new DrsError('InvalidNextToken', 400, 'The specified token is not valid.'),
  throttling: (): DrsError => new DrsError('ThrottlingException', 400, 'Rate exceeded'),
  internal: (message = 'An internal error has occurred'): DrsError =>
    new DrsError('InternalServerError', 500, message),
  accessDenied: (message: string): DrsError => new DrsError('AccessDeniedException', 400, message),
  unknownOperation: (target: string): DrsError =>
    new DrsError('UnknownOperationException', 400, `Unknown operation ${target}`),
};
