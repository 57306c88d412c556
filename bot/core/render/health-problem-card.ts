// The card for a problem the hourly health check found (a trail stopped, a channel the bot left, …). Its
// text names account resources and quotes AWS errors, so every part is shown as inert plain text.
import type { Block, SlackMessage } from './blocks';
import { LIMITS, plain } from './blocks';
import { clip } from './clip';
import { clipPlain } from './mrkdwn';
import { neutralize } from './record-text';

export interface HealthProblemText {
  readonly title: string;
  readonly detail: string;
  readonly fix: string;
}

export const renderHealthProblemCard = (problem: HealthProblemText, checkedAt: string): SlackMessage => {
  const title = clipPlain(neutralize(problem.title), 200);
  const blocks: Block[] = [
    { type: 'header', text: plain(clip(`🚨 signins health check: ${title}`, LIMITS.headerText)) },
    { type: 'section', text: plain(clip(clipPlain(neutralize(problem.detail), 2000), LIMITS.sectionText)) },
    {
      type: 'section',
      text: plain(clip(`What to do: ${clipPlain(neutralize(problem.fix), 2000)}`, LIMITS.sectionText)),
    },
    {
      type: 'context',
      elements: [plain(`Checked ${checkedAt}. Run \`signins doctor\` for every check.`)],
    },
  ];
  return {
    text: clip(`CRITICAL: signins health check: ${title}`, LIMITS.fallbackText).replace(/[<>&]/g, ' '),
    blocks,
  };
};
