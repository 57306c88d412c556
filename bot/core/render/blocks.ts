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
  /** Modals and the App Home tab. */
  viewBlocks: 100,
  /** Slack truncates longer `text`; the fallback stays well below. */
  fallbackText: 3000,
} as const;

export interface TextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  /** plain_text only: turn `:name:` into emoji. Off: a record's `:name:` stays as typed. */
  readonly emoji?: boolean;
  /** mrkdwn only: no auto-linking of bare URLs, e-mail addresses or `#channel` names. */
  readonly verbatim?: boolean;
}

/** A button: `value` carries the alert id, so a click knows its alert. */
export interface Button {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: TextObject;
  readonly value: string;
  readonly style?: 'primary' | 'danger';
}

/** A choice in a radio group or a select: `text` plain_text (≤ 75), `value` ≤ 150. */
export interface Option {
  readonly text: TextObject;
  readonly value: string;
  readonly description?: TextObject;
}

/** What an input block holds (https://api.slack.com/reference/block-kit/block-elements). */
export type InputElement =
  | {
      readonly type: 'plain_text_input';
      readonly action_id: string;
      readonly multiline?: boolean;
      readonly max_length?: number;
      readonly initial_value?: string;
      readonly placeholder?: TextObject;
    }
  | {
      readonly type: 'radio_buttons' | 'static_select';
      readonly action_id: string;
      readonly options: readonly Option[];
      readonly initial_option?: Option;
    }
  /** `initial_date_time` in Unix seconds. */
  | { readonly type: 'datetimepicker'; readonly action_id: string; readonly initial_date_time?: number };

export type Block =
  | { readonly type: 'header'; readonly text: TextObject; readonly block_id?: string }
  | {
      readonly type: 'section';
      readonly text?: TextObject;
      readonly fields?: readonly TextObject[];
      readonly block_id?: string;
    }
  | { readonly type: 'context'; readonly elements: readonly TextObject[]; readonly block_id?: string }
  | { readonly type: 'actions'; readonly elements: readonly Button[]; readonly block_id?: string }
  | {
      readonly type: 'input';
      readonly block_id: string;
      readonly label: TextObject;
      readonly optional?: boolean;
      readonly hint?: TextObject;
      readonly element: InputElement;
    }
  | { readonly type: 'divider'; readonly block_id?: string };

export interface SlackMessage {
  /** Plain fallback shown in notifications and by clients that cannot render blocks. */
  readonly text: string;
  readonly blocks: readonly Block[];
}

/** The App Home tab (views.publish): at most 100 blocks. */
export interface HomeView {
  readonly type: 'home';
  readonly blocks: readonly Block[];
}

/** A modal (views.open): `private_metadata` carries the alert id. */
export interface SlackModal {
  readonly type: 'modal';
  readonly callback_id: string;
  readonly private_metadata: string;
  readonly title: TextObject;
  readonly submit: TextObject;
  readonly close: TextObject;
  readonly blocks: readonly Block[];
}

// Slack rejects an empty text object (invalid_blocks); a value that neutralised to nothing still shows.
const nonEmpty = (text: string): string => (text.length > 0 ? text : '(empty)');

/**
 * Our own formatting (labels, date tokens, links we built). Verbatim: whatever escaped record text it
 * holds is never auto-linked.
 */
export const mrkdwn = (text: string): TextObject => ({
  type: 'mrkdwn',
  text: nonEmpty(text),
  verbatim: true,
});

/** Text Slack shows as it is: where record values go. Pass it through clipPlain first. */
export const plain = (text: string): TextObject => ({
  type: 'plain_text',
  text: nonEmpty(text),
  emoji: false,
});
