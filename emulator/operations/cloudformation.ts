// CloudFormation (query protocol, API version 2010-05-15) for the stacks the emulator's network
// recoveries deployed: DescribeStacks and DeleteStack. Requests are form-encoded, answers are
// `<XResponse><XResult>…` XML with lists as <member>s, errors `<ErrorResponse><Error><Code>…`. As in
// CloudFormation, a stack name finds only a stack that is not deleted, a stack id finds a deleted
// one too, and DeleteStack of a stack that is gone or going succeeds without doing anything.
import { iso } from '../clock';
import { DrsError } from '../errors';
import { deleteStack, liveStack, networkState, type StackRecord } from '../networks';
import type { DecodedCall, Protocol, ProtocolContext, WireResponse } from './protocol';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const CONTENT_TYPE = 'text/xml';

const cfnErrors = {
  validation: (message: string): DrsError => new DrsError('ValidationError', 400, message),
  throttling: (): DrsError => new DrsError('Throttling', 400, 'Rate exceeded'),
  internal: (message: string): DrsError => new DrsError('InternalFailure', 500, message),
  denied: (message: string): DrsError => new DrsError('AccessDenied', 403, message),
};

function xml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const el = (name: string, content: string): string => `<${name}>${content}</${name}>`;

let requestCounter = 0;
function requestId(): string {
  requestCounter += 1;
  return `00000000-0000-4000-9000-${requestCounter.toString(16).padStart(12, '0')}`;
}

function response(action: string, result?: string): WireResponse {
  const body =
    (result === undefined ? '' : el(`${action}Result`, result)) +
    el('ResponseMetadata', el('RequestId', requestId()));
  return {
    statusCode: 200,
    contentType: CONTENT_TYPE,
    body: `<${action}Response xmlns="${NS}">${body}</${action}Response>`,
  };
}

/** A stack name or a stack id (an ARN): the model's StackName allows either. */
function findStacks(ctx: ProtocolContext, nameOrId: string): StackRecord[] {
  const state = networkState(ctx.partition);
  if (nameOrId.startsWith('arn:')) {
    const stack = state.stacks.get(nameOrId);
    return stack ? [stack] : [];
  }
  const live = liveStack(state, nameOrId);
  return live ? [live] : [];
}

function stackXml(s: StackRecord): string {
  return el(
    'member',
    el('StackId', xml(s.stackId)) +
      el('StackName', xml(s.stackName)) +
      el('Description', xml(`AWS Elastic Disaster Recovery: recovered network of ${s.sourceNetworkID}`)) +
      el('CreationTime', iso(s.createdAt)) +
      (s.updatedAt !== undefined ? el('LastUpdatedTime', iso(s.updatedAt)) : '') +
      (s.deletedAt !== undefined ? el('DeletionTime', iso(s.deletedAt)) : '') +
      el('StackStatus', s.status) +
      (s.statusReason ? el('StackStatusReason', xml(s.statusReason)) : '') +
      el('DisableRollback', 'false') +
      (s.vpcId ? el('Outputs', el('member', el('OutputKey', 'VpcId') + el('OutputValue', s.vpcId))) : '') +
      el(
        'Tags',
        el('member', el('Key', 'AWSElasticDisasterRecoverySourceNetworkID') + el('Value', s.sourceNetworkID)),
      ),
  );
}

function describeStacks(ctx: ProtocolContext, stackName: string | undefined): WireResponse {
  let stacks: StackRecord[];
  if (stackName !== undefined) {
    stacks = findStacks(ctx, stackName);
    if (stacks.length === 0) throw cfnErrors.validation(`Stack with id ${stackName} does not exist`);
  } else {
    stacks = [...networkState(ctx.partition).stacks.values()]
      .filter((s) => s.status !== 'DELETE_COMPLETE')
      .sort((a, b) => b.seq - a.seq);
  }
  return response('DescribeStacks', el('Stacks', stacks.map(stackXml).join('')));
}

function deleteStackCall(ctx: ProtocolContext, stackName: string | undefined): WireResponse {
  if (stackName === undefined || stackName === '') {
    throw cfnErrors.validation(
      "1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null",
    );
  }
  for (const stack of findStacks(ctx, stackName)) deleteStack(ctx.store, stack, ctx.now);
  return response('DeleteStack');
}

/** The operations served, by Action. */
export const CLOUDFORMATION_OPERATIONS = ['DescribeStacks', 'DeleteStack'] as const;

export const CLOUDFORMATION_PROTOCOL: Protocol = {
  decode(rawBody): DecodedCall {
    const params = new URLSearchParams(rawBody);
    const action = params.get('Action') ?? '';
    const stackName = params.get('StackName') ?? undefined;
    const request = Object.fromEntries([...params].filter(([key]) => key !== 'Action' && key !== 'Version'));
    switch (action) {
      case 'DescribeStacks':
        return { operation: action, request, run: (ctx) => describeStacks(ctx, stackName) };
      case 'DeleteStack':
        return { operation: action, request, run: (ctx) => deleteStackCall(ctx, stackName) };
      default:
        return {
          operation: action || 'unknown',
          request,
          run: () => {
            throw new DrsError(
              'InvalidAction',
              400,
              `The action ${action} is not valid for this web service.`,
            );
          },
        };
    }
  },
  error(error: DrsError): WireResponse {
    const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
    return {
      statusCode: error.statusCode,
      contentType: CONTENT_TYPE,
      body: `<ErrorResponse xmlns="${NS}"><Error>${el('Type', type)}${el('Code', error.type)}${el('Message', xml(error.message))}</Error>${el('RequestId', requestId())}</ErrorResponse>`,
    };
  },
  errors: {
    denied: (message) => cfnErrors.denied(message),
    throttling: () => cfnErrors.throttling(),
    internal: (message) => cfnErrors.internal(message),
  },
};
