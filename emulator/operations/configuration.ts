// DRS launch and replication configuration of a source server, and launch configuration templates.
import { drsErrors } from '../errors';
import { SOURCE_SERVER_ID } from '../random';
import { RequestReader } from '../validation';
import { ok, type Handler } from './context';
import { sourceServer, requireNotBusy, listArgs, oneOf, listPage, serverArg } from './drs-common';

export const getLaunchConfiguration: Handler = (ctx) => ok(serverArg(ctx).launchConfiguration);

export const getReplicationConfiguration: Handler = (ctx) => ok(serverArg(ctx).replicationConfiguration);

const LAUNCH_DISPOSITION = /^(STOPPED|STARTED)$/;
const RIGHT_SIZING = /^(NONE|BASIC|IN_AWS)$/;
const RECOVERY_MODE = /^(FAST|OPTIMAL)$/;
const EC2_INSTANCE_ID = /i-[0-9a-fA-F]{8,}/;

export const updateLaunchConfiguration: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const id = r.requiredString('sourceServerID', SOURCE_SERVER_ID);
  const update = {
    name: r.boundedString('name', { max: 128 }),
    launchDisposition: r.boundedString('launchDisposition', { max: 7, pattern: LAUNCH_DISPOSITION }),
    targetInstanceTypeRightSizingMethod: r.boundedString('targetInstanceTypeRightSizingMethod', {
      max: 6,
      pattern: RIGHT_SIZING,
    }),
    copyPrivateIp: r.optionalBoolean('copyPrivateIp'),
    copyTags: r.optionalBoolean('copyTags'),
    postLaunchEnabled: r.optionalBoolean('postLaunchEnabled'),
    recoveryMode: r.boundedString('recoveryMode', { max: 7, pattern: RECOVERY_MODE }),
  };
  const licensing = r.optionalObject('licensing');
  const osByol = licensing && r.optionalBoolean('osByol', licensing, 'licensing.osByol');
  const launchInto = r.optionalObject('launchIntoInstanceProperties');
  const launchIntoEC2InstanceID =
    launchInto &&
    r.boundedString(
      'launchIntoEC2InstanceID',
      { max: 255, pattern: EC2_INSTANCE_ID },
      launchInto,
      'launchIntoInstanceProperties.launchIntoEC2InstanceID',
    );
  r.done();
  const server = sourceServer(ctx.partition, id);
  requireNotBusy(ctx.partition, server);
  const config = server.launchConfiguration;
  for (const [key, value] of Object.entries(update)) {
    if (value !== undefined) Object.assign(config, { [key]: value });
  }
  if (licensing) config.licensing = osByol === undefined ? {} : { osByol };
  if (launchInto)
    config.launchIntoInstanceProperties = launchIntoEC2InstanceID ? { launchIntoEC2InstanceID } : {};
  return ok(config);
};

const LAUNCH_CONFIGURATION_TEMPLATE_ID = /^lct-[0-9a-zA-Z]{17}$/;

export const describeLaunchConfigurationTemplates: Handler = (ctx) => {
  const r = new RequestReader(ctx.body);
  const ids = r.stringList('launchConfigurationTemplateIDs', {
    max: 1,
    pattern: LAUNCH_CONFIGURATION_TEMPLATE_ID,
  });
  const page = listArgs(r, 1000);
  r.done();
  const templates = ctx.partition.launchConfigurationTemplates;
  for (const id of ids ?? []) {
    if (!templates.has(id))
      throw drsErrors.notFound(
        `Launch configuration template ${id} not found`,
        id,
        'LAUNCH_CONFIGURATION_TEMPLATE',
      );
  }
  const wanted = oneOf(ids);
  const listed = [...templates.values()].filter((t) => wanted(t.launchConfigurationTemplateID as string));
  return listPage(listed, page, ({ seq: _seq, ...template }) => template);
};
