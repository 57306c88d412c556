// A link that opens a card in Slack's Block Kit Builder, so people see it as Slack draws it without posting
// it. The builder reads the message from the URL fragment (it has no other input), as Slack's own docs link
// their examples: https://app.slack.com/block-kit-builder/#%7B%22blocks%22:%5B…%5D%7D
import type { SlackMessage } from './blocks';

export const BLOCK_KIT_BUILDER = 'https://app.slack.com/block-kit-builder/#';

/**
 * The builder's address with `{"blocks":[…]}` in the fragment. The fallback `text` is left out: the builder
 * draws blocks only. The result is printable ASCII whatever the card holds: JSON.stringify escapes lone
 * surrogates (so encoding cannot throw) and encodeURIComponent escapes every control and non-ASCII character.
 * No length cap: a long link still opens in a browser, and a clipped one would carry broken JSON.
 */
export const blockKitBuilderUrl = (message: SlackMessage): string =>
  `${BLOCK_KIT_BUILDER}${encodeURIComponent(JSON.stringify({ blocks: message.blocks }))}`;
