import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { alarmArn } from './names';

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

const CLOUDWATCH = 'cloudwatch.amazonaws.com';

/**
 * The customer-managed key for every topic of this app. CloudWatch alarms can publish only to topics whose
 * key policy lets cloudwatch.amazonaws.com use the key; the AWS-managed aws/sns key does not. The statements
 * that allow it are added per topic by allowAlarmsToPublish, naming the alarms.
 */
export const createTopicKey = (scope: Construct, id: string): kms.Key =>
  new kms.Key(scope, id, {
    description: 'Encrypts the sign-in alert, pipeline-health and escalation SNS topics',
    enableKeyRotation: true,
    // The key only protects the topics, which go with the stack: schedule its deletion too (it costs $1/month).
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });

/**
 * Lets the named alarms of this account and region publish to `topic`: without it, `enforceSSL`'s topic policy
 * replaces SNS's default one and every alarm action fails (`not authorized to perform: SNS:Publish`).
 *
 * - Topic policy: cloudwatch.amazonaws.com may `sns:Publish`, only for these alarms (`aws:SourceAccount`,
 *   `aws:SourceArn`), as in https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger.
 * - Key policy: cloudwatch.amazonaws.com may `kms:Decrypt` and `kms:GenerateDataKey*`, as the SNS developer guide
 *   writes it ("Enable compatibility between event sources from AWS services and encrypted topics"): with no
 *   condition, because AWS documents no source keys on these KMS calls, and a condition CloudWatch does not send
 *   would silently refuse every alarm. The topic policy above is what names the alarms.
 */
export const allowAlarmsToPublish = (topic: sns.Topic, alarmNames: readonly string[]): void => {
  if (alarmNames.length === 0) return;
  const conditions = {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': alarmNames.map((name) => alarmArn(topic, name)) },
  };
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowTheseAlarmsToPublish',
      principals: [new iam.ServicePrincipal(CLOUDWATCH)],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  const key = topic.masterKey;
  if (!(key instanceof kms.Key)) {
    throw new Error(
      `${topic.node.path}: alarms need a key whose policy this stack owns (see createTopicKey)`,
    );
  }
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(CLOUDWATCH)],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
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
