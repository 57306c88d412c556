// Every text object of a card (header, section text and fields, context elements), for checks that must hold
// for all of them.
import type { Block, SlackMessage, TextObject } from '../../bot/core/render/blocks';

export const cardTexts = (card: SlackMessage): TextObject[] =>
  card.blocks.flatMap((b: Block): TextObject[] => {
    switch (b.type) {
      case 'header':
        return [b.text];
      case 'section':
        return [...(b.text ? [b.text] : []), ...(b.fields ?? [])];
      case 'context':
        return [...b.elements];
      default:
        return [];
    }
  });
