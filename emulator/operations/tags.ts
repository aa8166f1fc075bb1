// DRS tagging: ListTagsForResource, TagResource, UntagResource.
import { drsErrors } from '../errors';
import { RequestReader } from '../validation';
import { ok, type CallContext, type Handler } from './context';

/** Tagging: ListTagsForResource, TagResource, UntagResource on source servers, jobs and recovery instances. */
function taggable(ctx: CallContext): { tags: Record<string, string> } {
  const arn = ctx.resourceArn ?? '';
  // the model's ARN shape: 20–2048 characters matching arn:.{16,2044}
  const r = new RequestReader({ resourceArn: arn });
  r.boundedString('resourceArn', { min: 20, max: 2048, pattern: /arn:.{16,2044}/ });
  r.done();
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  // Only the caller's own account and region: another account's ARN is not found, as in DRS.
  const { partition } = ctx;
  const resource = partition.servers.get(id) ?? partition.jobs.get(id) ?? partition.recoveryInstances.get(id);
  if (!resource || resource.arn !== arn)
    throw drsErrors.notFound(`Resource ${arn} not found`, arn, 'RESOURCE');
  return resource;
}

export const listTagsForResource: Handler = (ctx) => ok({ tags: taggable(ctx).tags });

export const tagResource: Handler = (ctx) => {
  const resource = taggable(ctx);
  const r = new RequestReader(ctx.body);
  const tags = r.tags();
  if (!ctx.body.tags) r.problem('tags', 'is required');
  r.done();
  Object.assign(resource.tags, tags);
  return { statusCode: 200 };
};

export const untagResource: Handler = (ctx) => {
  const resource = taggable(ctx);
  const keys = ctx.query.tagKeys;
  const list = Array.isArray(keys) ? keys : keys === undefined ? [] : [keys];
  if (list.length === 0) {
    throw drsErrors.validation('tagKeys is required', [{ name: 'tagKeys', message: 'tagKeys is required' }]);
  }
  if (list.some((key) => key.length > 256)) {
    throw drsErrors.validation('tagKeys have at most 256 characters', [
      { name: 'tagKeys', message: 'tagKeys have at most 256 characters' },
    ]);
  }
  for (const key of list) delete resource.tags[key];
  return { statusCode: 200 };
};
