import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SignInAlerts, type SignInAlertsProps } from './signin-alerts';

export interface SignInsStackProps extends StackProps {
  /** Everything but the secret, which is imported in this stack's scope. */
  readonly alerts: Omit<SignInAlertsProps, 'slackSecret'>;
  /**
   * Name or complete ARN (with its six-character suffix) of an existing Slack secret.
   * @default - the construct creates a secret
   */
  readonly existingSecret?: string;
}

/** The stack `infra/app.ts` deploys: one SignInAlerts construct. */
export class SignInsStack extends Stack {
  readonly alerts: SignInAlerts;

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
    // One construct per stack: plain output names (`SignIns.SlackRequestUrl = …`) are safe and easier to read.
    for (const child of this.alerts.node.children) {
      if (child instanceof CfnOutput) child.overrideLogicalId(child.node.id);
    }
  }
}
