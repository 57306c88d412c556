// Escalator on the escalation topic: mail and SMS subscribers hear about what Slack could not be told.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Escalation, Escalator, Logger } from '../ports';

export class SnsEscalator implements Escalator {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async escalate(escalation: Escalation): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: escalation.subject,
        Message: escalation.message,
        MessageAttributes: Object.fromEntries(
          Object.entries(escalation.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
        ),
      }),
    );
  }
}

/** Without a topic (local runs) an escalation is a log line at error level. */
export const loggingEscalator = (logger: Logger): Escalator => ({
  escalate: async (e) => logger.error(`escalation: ${e.subject}`, { message: e.message, ...e.attributes }),
});
