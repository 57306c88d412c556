// The four sign-in alarms' actions (mail, SMS, the bot's topic), switched off while a silence covers them and on
// again when it ends. Only those four: a silence record naming any other alarm (a health alarm, a stale prefix)
// is refused here, so that no silence can quiet the pipeline-health alarms.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from '@aws-sdk/client-cloudwatch';
import { findSignInAlarm } from '../../shared/alarms';
import type { AlarmActions } from '../ports';

export interface CloudWatchAlarmActionsOptions {
  /**
   * The deployed names of the four sign-in alarms (config.ts `signInAlarms`); only these may be switched.
   * @default - any name `findSignInAlarm` recognises (a sign-in alarm's name with a prefix or suffix)
   */
  readonly alarmNames?: readonly string[];
}

/** A name that is not one of the four sign-in alarms: nothing was switched. */
export class NotASignInAlarmError extends Error {
  override readonly name = 'NotASignInAlarmError';
}

export class CloudWatchAlarmActions implements AlarmActions {
  private readonly allowed: ReadonlySet<string> | null;

  constructor(
    private readonly cloudWatch: CloudWatchClient,
    options: CloudWatchAlarmActionsOptions = {},
  ) {
    this.allowed = options.alarmNames ? new Set(options.alarmNames) : null;
  }

  async disable(alarmNames: readonly string[]): Promise<void> {
    const names = this.checked(alarmNames);
    if (names.length > 0) await this.cloudWatch.send(new DisableAlarmActionsCommand({ AlarmNames: names }));
  }

  async enable(alarmNames: readonly string[]): Promise<void> {
    const names = this.checked(alarmNames);
    if (names.length > 0) await this.cloudWatch.send(new EnableAlarmActionsCommand({ AlarmNames: names }));
  }

  /** Of these alarms, those that exist with their actions disabled; an alarm that does not exist is not listed. */
  async disabled(alarmNames: readonly string[]): Promise<string[]> {
    const names = this.checked(alarmNames);
    if (names.length === 0) return [];
    const off: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.cloudWatch.send(
        new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm'], NextToken: nextToken }),
      );
      for (const alarm of page.MetricAlarms ?? []) {
        if (alarm.AlarmName && alarm.ActionsEnabled === false) off.push(alarm.AlarmName);
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken !== undefined);
    return names.filter((name) => off.includes(name));
  }

  /** Distinct names, all of them sign-in alarms; throws before any call otherwise. */
  private checked(alarmNames: readonly string[]): string[] {
    const names = [...new Set(alarmNames)];
    const foreign = names.filter((name) =>
      this.allowed ? !this.allowed.has(name) : findSignInAlarm(name) === undefined,
    );
    if (foreign.length > 0) {
      const known = this.allowed ? `: the four are ${[...this.allowed].join(', ')}` : '';
      throw new NotASignInAlarmError(
        `not a sign-in alarm of this installation, its actions are left as they are: ${foreign.join(', ')}${known}`,
      );
    }
    return names;
  }
}
