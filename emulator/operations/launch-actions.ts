// DRS PutLaunchAction, ListLaunchActions and DeleteLaunchAction: launch actions on a source server
// (`s-…`) or on the account's launch configuration template (`lct-…`), validated as the model says.
import { drsErrors } from '../errors';
import type { LaunchActionRecord } from '../model';
import { RequestReader, type Body } from '../validation';
import { ok, type CallContext, type Handler } from './context';
import { listArgs, oneOf, listPage } from './drs-common';

// The model's patterns, unanchored as Smithy patterns are.
const RESOURCE_ID = /(s-[0-9a-zA-Z]{17}$|lct-[0-9a-zA-Z]{17})/u;
const ACTION_ID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/u;
const DOCUMENT = /([A-Za-z0-9-/:])+/u;
const NAME = /[A-Za-z0-9][A-Za-z0-9 /_-]*/u;
const VERSION = /(\$DEFAULT|\$LATEST|[0-9]+)/u;
const DESCRIPTION = /[0-9a-zA-Z ():/.,'-_#*; ]*/u;
const PARAMETER_NAME = /([A-Za-z0-9])+/u;
const PARAMETER_VALUE = /[A-Za-z0-9.-]+/u;
const CATEGORIES = ['MONITORING', 'VALIDATION', 'CONFIGURATION', 'SECURITY', 'OTHER'] as const;
/** Automation runbooks DRS offers; any other document is taken for a Run Command document. */
const AUTOMATION_PREFIX = /^AWSDisasterRecovery-|^AWS-(CreateImage|StopEC2Instance|StartEC2Instance)/;

function required(r: RequestReader, body: Body, name: string): void {
  if (body[name] === undefined || body[name] === null) r.problem(name, 'is required');
}

/** The resource must exist in the caller's account and region. */
function resourceOf(ctx: CallContext, resourceId: string): Map<string, LaunchActionRecord> {
  const { partition } = ctx;
  const exists = resourceId.startsWith('lct-')
    ? partition.launchConfigurationTemplates.has(resourceId)
    : partition.servers.has(resourceId);
  if (!exists) {
    throw drsErrors.notFound(
      `Resource ${resourceId} not found`,
      resourceId,
      resourceId.startsWith('lct-') ? 'LAUNCH_CONFIGURATION_TEMPLATE' : 'SOURCE_SERVER',
    );
  }
  let actions = partition.launchActions.get(resourceId);
  if (!actions) {
    actions = new Map();
    partition.launchActions.set(resourceId, actions);
  }
  return actions;
}

function parametersOf(r: RequestReader, body: Body): LaunchActionRecord['parameters'] {
  const value = body.parameters;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    r.problem('parameters', 'must be a map');
    return {};
  }
  const entries = Object.entries(value as Body);
  if (entries.length > 20) r.problem('parameters', 'must have at most 20 entries');
  const out: LaunchActionRecord['parameters'] = {};
  for (const [key, parameter] of entries) {
    const label = `parameters.${key}`;
    if (key.length < 1 || key.length > 1011 || !PARAMETER_NAME.test(key))
      r.problem(label, 'has an invalid name');
    if (parameter === null || typeof parameter !== 'object' || Array.isArray(parameter)) {
      r.problem(label, 'must be an object');
      continue;
    }
    const p = parameter as Body;
    const v = r.boundedString('value', { min: 1, max: 1011, pattern: PARAMETER_VALUE }, p, `${label}.value`);
    const type = r.boundedString('type', { max: 9, pattern: /^(SSM_STORE|DYNAMIC)$/ }, p, `${label}.type`);
    out[key] = { value: v ?? '', type: (type ?? 'DYNAMIC') as 'SSM_STORE' | 'DYNAMIC' };
  }
  return out;
}

function shape(action: LaunchActionRecord): Body {
  const { seq: _seq, resourceId: _resourceId, ...rest } = action;
  return rest;
}

export const putLaunchAction: Handler = (ctx) => {
  const body = ctx.body;
  const r = new RequestReader(body);
  for (const name of [
    'resourceId',
    'actionCode',
    'order',
    'actionId',
    'optional',
    'active',
    'name',
    'actionVersion',
    'category',
    'description',
  ]) {
    required(r, body, name);
  }
  const resourceId = r.boundedString('resourceId', { max: Number.MAX_SAFE_INTEGER, pattern: RESOURCE_ID });
  const actionCode = r.boundedString('actionCode', { min: 1, max: 1011, pattern: DOCUMENT });
  const order = r.optionalInt('order', 2, 10000);
  const actionId = r.boundedString('actionId', { min: 1, max: 64, pattern: ACTION_ID });
  const optional = r.optionalBoolean('optional');
  const active = r.optionalBoolean('active');
  const name = r.boundedString('name', { min: 1, max: 256, pattern: NAME });
  const actionVersion = r.boundedString('actionVersion', { min: 1, max: 10, pattern: VERSION });
  const category = r.boundedString('category', {
    max: 13,
    pattern: new RegExp(`^(${CATEGORIES.join('|')})$`),
  });
  const description = r.boundedString('description', { max: 1024, pattern: DESCRIPTION });
  const parameters = parametersOf(r, body);
  r.done();
  const actions = resourceOf(ctx, resourceId as string);
  const previous = actions.get(actionId as string);
  const action: LaunchActionRecord = {
    seq: previous?.seq ?? ctx.store.nextSeq(),
    resourceId: resourceId as string,
    actionId: actionId as string,
    actionCode: actionCode as string,
    type: AUTOMATION_PREFIX.test(actionCode as string) ? 'SSM_AUTOMATION' : 'SSM_COMMAND',
    name: name as string,
    active: active as boolean,
    order: order as number,
    actionVersion: actionVersion as string,
    optional: optional as boolean,
    parameters,
    description: description as string,
    category: category as LaunchActionRecord['category'],
  };
  actions.set(action.actionId, action);
  return ok({ resourceId: action.resourceId, ...shape(action) });
};

export const listLaunchActions: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  required(r, ctx.body, 'resourceId');
  const resourceId = r.boundedString('resourceId', { max: Number.MAX_SAFE_INTEGER, pattern: RESOURCE_ID });
  const filters = r.optionalObject('filters') ?? {};
  const ids = r.filterList('actionIds', { max: 100, pattern: ACTION_ID }, filters);
  const page = listArgs(r, 1000);
  (ids ?? []).forEach((id, i) => {
    if (id.length < 1 || id.length > 64) r.problem(`filters.actionIds[${i}]`, 'must have 1-64 characters');
  });
  r.done();
  const actions = resourceOf(ctx, resourceId as string);
  const wanted = oneOf(ids);
  const listed = [...actions.values()].filter((a) => wanted(a.actionId)).sort((a, b) => a.seq - b.seq);
  return listPage(listed, page, shape, { pageSize: 200 });
};

export const deleteLaunchAction: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  required(r, ctx.body, 'resourceId');
  required(r, ctx.body, 'actionId');
  const resourceId = r.boundedString('resourceId', { max: Number.MAX_SAFE_INTEGER, pattern: RESOURCE_ID });
  const actionId = r.boundedString('actionId', { min: 1, max: 64, pattern: ACTION_ID });
  r.done();
  const actions = resourceOf(ctx, resourceId as string);
  if (!actions.delete(actionId as string)) {
    throw drsErrors.notFound(`Launch action ${actionId} not found`, actionId as string, 'LAUNCH_ACTION');
  }
  return { statusCode: 204 };
};
