// The `view.state.values` Slack sends when the Silence modal is submitted (block id → action id → state).
import { SILENCE_MODAL_BLOCKS as B, type SilencePreset } from '../../bot/core/render/silence-views';

export const silenceModalValues = (form: {
  preset: SilencePreset;
  matchers: string;
  reason: string;
  customEnd?: Date;
}) => ({
  [B.preset]: { [B.preset]: { type: 'radio_buttons', selected_option: { value: form.preset } } },
  [B.customEnd]: {
    [B.customEnd]: {
      type: 'datetimepicker',
      selected_date_time: form.customEnd ? Math.floor(form.customEnd.getTime() / 1000) : null,
    },
  },
  [B.matchers]: { [B.matchers]: { type: 'plain_text_input', value: form.matchers } },
  [B.reason]: { [B.reason]: { type: 'plain_text_input', value: form.reason } },
});
