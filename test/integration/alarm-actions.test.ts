// The sign-in alarms' actions through the CloudWatch SDK client, its calls mocked (aws-sdk-client-mock): what a
// silence switches off and on, what `signins doctor` reads back, and the alarms no silence may touch.
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchAlarmActions, NotASignInAlarmError } from '../../bot/adapters/cloudwatch-alarm-actions';
import type { AlarmActions } from '../../bot/ports';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { HEALTH_ALARMS } from '../../shared/health-alarms';

const cloudWatch = mockClient(CloudWatchClient);
const client = new CloudWatchClient({ region: 'eu-west-1' });
beforeEach(() => {
  cloudWatch.reset();
  cloudWatch.on(DisableAlarmActionsCommand).resolves({});
  cloudWatch.on(EnableAlarmActionsCommand).resolves({});
});
afterAll(() => {
  cloudWatch.restore();
  client.destroy();
});

const PREFIXED = SIGNIN_ALARMS.map((a) => `prod-${a.name}`);
const [SUCCESS_ROOT, FAILURE_ROOT, SUCCESS_IAM, FAILURE_IAM] = PREFIXED as [string, string, string, string];

const namesOf = (command: typeof DisableAlarmActionsCommand | typeof EnableAlarmActionsCommand) =>
  cloudWatch.commandCalls(command).map((c) => c.args[0].input.AlarmNames);

describe('CloudWatch alarm actions of the sign-in alarms', () => {
  it('switches off the actions of the alarms a silence covers, then on again, each name once', async () => {
    const actions: AlarmActions = new CloudWatchAlarmActions(client, { alarmNames: PREFIXED });

    await actions.disable([SUCCESS_IAM, FAILURE_IAM, FAILURE_IAM]);
    await actions.enable([FAILURE_IAM]);

    expect(namesOf(DisableAlarmActionsCommand)).toEqual([[SUCCESS_IAM, FAILURE_IAM]]);
    expect(namesOf(EnableAlarmActionsCommand)).toEqual([[FAILURE_IAM]]);
  });

  it('makes no call for no alarm', async () => {
    const actions = new CloudWatchAlarmActions(client, { alarmNames: PREFIXED });
    await actions.disable([]);
    await actions.enable([]);
    expect(await actions.disabled([])).toEqual([]);
    expect(cloudWatch.calls()).toHaveLength(0);
  });

  it('tells which of the alarms have their actions off, reading every page, and skips one that does not exist', async () => {
    cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({
        MetricAlarms: [
          { AlarmName: SUCCESS_ROOT, ActionsEnabled: true },
          { AlarmName: FAILURE_IAM, ActionsEnabled: false },
        ],
      })
      .on(DescribeAlarmsCommand, { NextToken: undefined })
      .resolves({ MetricAlarms: [{ AlarmName: FAILURE_ROOT, ActionsEnabled: false }], NextToken: 'more' });
    const actions = new CloudWatchAlarmActions(client, { alarmNames: PREFIXED });

    const off = await actions.disabled(PREFIXED);

    // In the order asked; prod-signin-console-success-iam was not returned (deleted by hand, say).
    expect(off).toEqual([FAILURE_ROOT, FAILURE_IAM]);
    const inputs = cloudWatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { AlarmNames: PREFIXED, AlarmTypes: ['MetricAlarm'], NextToken: undefined },
      { AlarmNames: PREFIXED, AlarmTypes: ['MetricAlarm'], NextToken: 'more' },
    ]);
  });

  it('refuses, before any call, an alarm that is not one of the four deployed sign-in alarms', async () => {
    const actions = new CloudWatchAlarmActions(client, { alarmNames: PREFIXED });
    const health = `prod-${Object.values(HEALTH_ALARMS)[0]?.name}`;
    // A silence written before the prefix changed names the unprefixed alarm.
    for (const names of [[SUCCESS_IAM, health], ['signin-console-success-iam']]) {
      await expect(actions.disable(names)).rejects.toThrow(NotASignInAlarmError);
      await expect(actions.enable(names)).rejects.toThrow(/not a sign-in alarm of this installation/);
      await expect(actions.disabled(names)).rejects.toThrow(NotASignInAlarmError);
    }
    await expect(actions.disable([health])).rejects.toThrow(
      `not a sign-in alarm of this installation, its actions are left as they are: ${health}: the four are ${PREFIXED.join(', ')}`,
    );
    expect(cloudWatch.calls()).toHaveLength(0);
  });

  it('without the deployed names, takes a sign-in alarm’s name with a prefix or suffix, and nothing else', async () => {
    const actions = new CloudWatchAlarmActions(client);
    await actions.disable(['signin-console-success-root', 'prod-signin-console-failure-iam']);
    await actions.enable(['signin-console-success-iam-eu']);
    expect(namesOf(DisableAlarmActionsCommand)).toEqual([
      ['signin-console-success-root', 'prod-signin-console-failure-iam'],
    ]);
    expect(namesOf(EnableAlarmActionsCommand)).toEqual([['signin-console-success-iam-eu']]);
    const health = Object.values(HEALTH_ALARMS).map((a) => a.name);
    await expect(actions.disable(health)).rejects.toThrow(NotASignInAlarmError);
    expect(cloudWatch.commandCalls(DisableAlarmActionsCommand)).toHaveLength(1);
  });

  it('lets a CloudWatch error through for the caller to retry (the silence records nothing switched)', async () => {
    cloudWatch
      .on(DisableAlarmActionsCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }));
    const actions = new CloudWatchAlarmActions(client, { alarmNames: PREFIXED });
    await expect(actions.disable([SUCCESS_ROOT])).rejects.toThrow('User is not authorized');
  });
});
