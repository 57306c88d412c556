// The small subset of Block Kit the cards use, typed here so the core needs no Slack package.
// Limits: https://api.slack.com/reference/block-kit/blocks

export const LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextText: 2000,
  contextElements: 10,
  blocks: 50,
  /** Slack truncates longer `text`; the fallback stays well below. */
  fallbackText: 3000,
} as const;

export interface TextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export type Block =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text?: TextObject; readonly fields?: readonly TextObject[] }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] }
  | { readonly type: 'divider' };

export interface SlackMessage {
  /** Plain fallback shown in notifications and by clients that cannot render blocks. */
  readonly text: string;
  readonly blocks: readonly Block[];
}

export const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });
export const plain = (text: string): TextObject => ({ type: 'plain_text', text, emoji: true });
