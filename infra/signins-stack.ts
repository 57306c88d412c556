import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { FastPathTarget } from './fast-path';
import { SignInAlerts, type SignInAlertsProps } from './signin-alerts';

export interface SignInsStackProps extends StackProps {
  /** Everything but the secret, which is imported in this stack's scope. */
  readonly alerts: Omit<SignInAlertsProps, 'slackSecret'>;
  /**
   * Name or complete ARN (with its six-character suffix) of an existing Slack secret.
   * @default - the construct creates a secret
   */
  readonly existingSecret?: string;
  /**
   * Regions whose console sign-ins also come by EventBridge (README "Faster: the EventBridge path"). When set, a
   * rule in this stack's region sends the sign-ins on its default bus to the events worker; infra/fast-path.ts's
   * forwarder stacks bring the other regions' there.
   * @default - none: sign-ins come by CloudWatch Logs only
   */
  readonly fastPathRegions?: readonly string[];
}

/** The stack `infra/app.ts` deploys: one SignInAlerts construct. */
export class SignInsStack extends Stack {
  readonly alerts: SignInAlerts;
  /** The EventBridge rule to the worker, when `fastPathRegions` is set. */
  readonly fastPath?: FastPathTarget;

  constructor(scope: Construct, id: string, props: SignInsStackProps) {
    super(scope, id, props);
    const existing = props.existingSecret;
    const slackSecret =
      existing === undefined
        ? undefined
        : existing.startsWith('arn:')
          ? secretsmanager.Secret.fromSecretCompleteArn(this, 'ExistingSlackSecret', existing)
          : secretsmanager.Secret.fromSecretNameV2(this, 'ExistingSlackSecret', existing);
    this.alerts = new SignInAlerts(this, 'SignInAlerts', { ...props.alerts, slackSecret });
    if (props.fastPathRegions?.length) {
      this.fastPath = new FastPathTarget(this, 'FastPath', {
        worker: this.alerts.functions.eventsWorker,
        deadLetterQueue: this.alerts.functions.eventsWorkerFailures,
      });
    }
    // One construct per stack: plain output names (`SignIns.SlackRequestUrl = …`) are safe and easier to read.
    for (const child of this.alerts.node.children) {
      if (child instanceof CfnOutput) child.overrideLogicalId(child.node.id);
    }
  }
}
