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
