// The four classic console sign-in alarms: names, metric filter patterns and what they match.
// Patterns follow the CloudWatch Logs JSON filter syntax (SIGNIN-FACTS.md §8): match on eventSource +
// eventName (eventType's spelling varies), outcome and whether the identity is Root.

export const METRIC_NAMESPACE = 'SigninAlerts';

export type AlarmOutcome = 'success' | 'failure';
export type AlarmScope = 'root' | 'iam';

export interface SignInAlarmDefinition {
  /** Alarm and metric filter name, as in the seeds: signin-console-{success,failure}-{iam,root}. */
  readonly name: string;
  readonly metricName: string;
  readonly outcome: AlarmOutcome;
  readonly scope: AlarmScope;
  readonly filterPattern: string;
}

const pattern = (outcome: AlarmOutcome, scope: AlarmScope): string => {
  const typeOp = scope === 'root' ? '=' : '!=';
  const value = outcome === 'success' ? 'Success' : 'Failure';
  return (
    '{ ($.eventSource = "signin.amazonaws.com") && ($.eventName = "ConsoleLogin") && ' +
    `($.userIdentity.type ${typeOp} "Root") && ($.responseElements.ConsoleLogin = "${value}") }`
  );
};

const define = (outcome: AlarmOutcome, scope: AlarmScope): SignInAlarmDefinition => ({
  name: `signin-console-${outcome}-${scope}`,
  metricName: `ConsoleSignin${outcome === 'success' ? 'Success' : 'Failure'}${scope === 'root' ? 'Root' : 'Iam'}`,
  outcome,
  scope,
  filterPattern: pattern(outcome, scope),
});

export const SIGNIN_ALARMS: readonly SignInAlarmDefinition[] = [
  define('success', 'root'),
  define('failure', 'root'),
  define('success', 'iam'),
  define('failure', 'iam'),
];

export const findSignInAlarm = (alarmName: string): SignInAlarmDefinition | undefined =>
  SIGNIN_ALARMS.find(
    (a) => a.name === alarmName || alarmName.endsWith(`-${a.name}`) || alarmName.startsWith(`${a.name}-`),
  );

/** Subscription filter: every sign-in event (the worker classifies; CloudWatch only narrows the volume). */
export const SIGNIN_SUBSCRIPTION_PATTERN = '{ $.eventSource = "signin.amazonaws.com" }';
