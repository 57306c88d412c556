import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Who a topic notifies besides the bot. */
export interface NotificationRecipients {
  /**
   * E-mail addresses subscribed to the topic (each must confirm the subscription mail).
   * @default - no e-mail subscriptions
   */
  readonly emails?: readonly string[];
  /**
   * Phone numbers in E.164 form (`+15555550123`) that get the notification as SMS. SMS is billed per message.
   * @default - no SMS subscriptions
   */
  readonly smsNumbers?: readonly string[];
}

/**
 * The customer-managed key for every topic of this app. CloudWatch alarms can publish only to topics whose
 * key policy lets cloudwatch.amazonaws.com use the key; the AWS-managed aws/sns key does not.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-encryption
 */
export const createTopicKey = (scope: Construct, id: string): kms.Key => {
  const key = new kms.Key(scope, id, {
    description: 'Encrypts the sign-in alert and escalation SNS topics',
    enableKeyRotation: true,
    // The key only protects the topics, which go with the stack: schedule its deletion too (it costs $1/month).
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  return key;
};

export interface NotificationTopicProps {
  /** Key the topic is encrypted with (see createTopicKey). */
  readonly masterKey: kms.IKey;
  /** Shown as the sender of e-mail and SMS notifications. */
  readonly displayName: string;
  /**
   * People notified directly by SNS.
   * @default - nobody but the subscribed functions
   */
  readonly recipients?: NotificationRecipients;
}

/** An encrypted, TLS-only SNS topic with optional e-mail and SMS subscriptions. */
export const createNotificationTopic = (
  scope: Construct,
  id: string,
  props: NotificationTopicProps,
): sns.Topic => {
  const topic = new sns.Topic(scope, id, {
    displayName: props.displayName,
    masterKey: props.masterKey,
    enforceSSL: true,
  });
  for (const email of props.recipients?.emails ?? []) {
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  for (const phone of props.recipients?.smsNumbers ?? []) {
    topic.addSubscription(new subscriptions.SmsSubscription(phone));
  }
  return topic;
};
