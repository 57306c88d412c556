// Signs a request the way Slack does (v0 HMAC-SHA256 over "v0:timestamp:body").
import { createHmac } from 'node:crypto';

export const slackSignatureHeaders = (
  body: string,
  signingSecret: string,
  timestamp = Math.floor(Date.now() / 1000),
) => ({
  'x-slack-request-timestamp': String(timestamp),
  'x-slack-signature': `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
});
