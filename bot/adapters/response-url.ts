// Answers to a slash command after its 3 s: a POST of the answer to the command's response_url. Only Slack's
// own hooks host is trusted (the URL comes in a signed request, but a job queue is one more place to tamper
// with it), plus the configured Slack API origin that local runs and tests point at a fake Slack.
import type { Respond, SlashAnswer } from '../pipeline/slash-commands';

const SLACK_HOOKS = 'https://hooks.slack.com/';

export const responseUrlAllowed = (url: string, slackApiUrl: string | undefined): boolean => {
  if (url.startsWith(SLACK_HOOKS)) return true;
  if (!slackApiUrl) return false;
  try {
    return new URL(url).origin === new URL(slackApiUrl).origin;
  } catch {
    return false;
  }
};

export const responseUrlPoster =
  (options: { slackApiUrl?: string; timeoutMs: number }): Respond =>
  async (responseUrl: string, answer: SlashAnswer): Promise<void> => {
    if (!responseUrlAllowed(responseUrl, options.slackApiUrl))
      throw new Error(`refusing to answer to ${responseUrl.slice(0, 80)}: not a Slack response_url`);
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(answer),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!res.ok) throw new Error(`Slack refused the answer to the command: HTTP ${res.status}`);
  };
