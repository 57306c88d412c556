// The alarms of an installation: do the sign-in and health alarms exist, and did any of their actions fail
// lately (the case that matters: a topic policy that does not let CloudWatch publish, so nobody is told).
import {
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { SIGNIN_ALARMS } from '../../shared/alarms';
import { HEALTH_ALARMS } from '../../shared/health-alarms';
import { type CheckResult, unknown } from '../core/health-checks';
import { type AlarmActionItem, judgeAlarmActions, judgeAlarmsExist } from '../core/pipeline-verdicts';
import { type AwsAttempt, attempt } from './aws-errors';

/** How far back an alarm action's failure counts. */
export const ALARM_HISTORY_DAYS = 7;
const DAY_MS = 86_400_000;

export const prefixedName = (prefix: string | undefined, name: string): string =>
  prefix ? `${prefix}-${name}` : name;

/** Every alarm one installation has: the four sign-in alarms and the pipeline-health alarms. */
export const expectedAlarmNames = (prefix: string | undefined): string[] =>
  [...SIGNIN_ALARMS, ...Object.values(HEALTH_ALARMS)].map((a) => prefixedName(prefix, a.name));

const actionHistory = (
  cloudWatch: CloudWatchClient,
  alarmNames: readonly string[],
  now: Date,
): Promise<AwsAttempt<AlarmActionItem[]>> => {
  const start = new Date(now.getTime() - ALARM_HISTORY_DAYS * DAY_MS);
  return attempt('cloudwatch:DescribeAlarmHistory', async () => {
    const items: AlarmActionItem[] = [];
    // One call per alarm, newest first: the newest action per topic is all a verdict needs.
    for (const alarmName of alarmNames) {
      const res = await cloudWatch.send(
        new DescribeAlarmHistoryCommand({
          AlarmName: alarmName,
          HistoryItemType: 'Action',
          StartDate: start,
          EndDate: now,
          ScanBy: 'TimestampDescending',
          MaxRecords: 100,
        }),
      );
      for (const item of res.AlarmHistoryItems ?? []) {
        if (item.Timestamp && item.HistorySummary)
          items.push({ alarmName, timestamp: item.Timestamp, summary: item.HistorySummary });
      }
    }
    return items;
  });
};

export const checkAlarms = async (
  cloudWatch: CloudWatchClient,
  prefix: string | undefined,
  now: Date,
): Promise<CheckResult[]> => {
  const expected = expectedAlarmNames(prefix);
  const described = await attempt('cloudwatch:DescribeAlarms', () =>
    cloudWatch.send(
      new DescribeAlarmsCommand({
        AlarmNames: expected,
        // Metric alarms only (this stack has no composite ones): composite alarms need DescribeAlarms on `*`.
        AlarmTypes: ['MetricAlarm'],
        MaxRecords: 100,
      }),
    ),
  );
  if (!described.ok) return [unknown('alarms', 'the alarms', described.reason)];
  const found = [...(described.value.MetricAlarms ?? []), ...(described.value.CompositeAlarms ?? [])]
    .flatMap((a) => (a.AlarmName ? [a.AlarmName] : []))
    .filter((name) => expected.includes(name));
  const history = await actionHistory(cloudWatch, found, now);
  return [
    judgeAlarmsExist(expected, found),
    ...(history.ok
      ? judgeAlarmActions(found, history.value, ALARM_HISTORY_DAYS)
      : [unknown('alarm-actions', 'the alarm actions', history.reason)]),
  ];
};
