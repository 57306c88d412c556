// `signins replay --dry-run --preview`, run as a user runs it: after each card a Block Kit Builder link whose
// fragment is exactly that card's blocks, with record text as inert in the link as on the card.
import { join } from 'node:path';
import { type Block, LIMITS } from '../../bot/core/render/blocks';
import { BLOCK_KIT_BUILDER, blockKitBuilderUrl } from '../../bot/core/render/preview-link';
import { FakeSlack } from '../helpers/fake-slack';
import { lines, ROOT, runCli } from './run-cli';

const SAMPLE = join(ROOT, 'examples', 'sample-trail.json');
const HOSTILE = join(ROOT, 'examples', 'hostile-user-agent-twice.json');

const previewUrls = (stdout: string): string[] =>
  lines(stdout)
    .filter((l) => l.startsWith('preview: '))
    .map((l) => l.slice('preview: '.length));

/** What Slack's builder reads: the fragment, decoded. */
const decodePreview = (url: string): { blocks: Block[] } => {
  expect(url.startsWith(BLOCK_KIT_BUILDER)).toBe(true);
  return JSON.parse(decodeURIComponent(url.slice(BLOCK_KIT_BUILDER.length))) as { blocks: Block[] };
};

describe('signins replay --dry-run --preview', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await new FakeSlack().start();
  });
  afterAll(async () => {
    await slack.stop();
  });
  // Slack is configured throughout: --dry-run must still keep every card off it.
  const slackEnv = (): NodeJS.ProcessEnv => ({
    SLACK_BOT_TOKEN: 'xoxb-preview',
    SLACK_API_URL: slack.url,
    SIGNINS_CHANNEL: 'C0PREVIEW',
  });

  /** The three runs post at slightly different moments: a card's "posted 2 min ago" differs by that much. */
  const postedAt = (text: string): string =>
    text
      .replace(/<!date\^\d+\^\{ago\}\|[^>]*>/g, '<!date^…^{ago}|…>')
      .replace(/\(posted [^)]*\)/g, '(posted …)');

  it('prints after each card a builder link holding exactly the blocks that card renders, and posts nothing', async () => {
    const [preview, json, plain] = await Promise.all([
      runCli(['replay', '--dry-run', '--preview', SAMPLE], { env: slackEnv() }),
      runCli(['replay', '--dry-run', '--json', SAMPLE], { env: slackEnv() }),
      runCli(['replay', '--dry-run', SAMPLE], { env: slackEnv() }),
    ]);
    expect([preview.code, json.code, plain.code]).toEqual([0, 0, 0]);
    expect(slack.calls).toEqual([]);

    // The card each link draws is the one the pipeline would post (its chat.postMessage blocks), in order.
    const posted = lines(json.stdout).map(
      (l) => (JSON.parse(l) as { args: { blocks: Block[] } }).args.blocks,
    );
    const urls = previewUrls(preview.stdout);
    expect(posted).toHaveLength(8);
    expect(postedAt(JSON.stringify(urls.map(decodePreview)))).toEqual(
      postedAt(JSON.stringify(posted.map((blocks) => ({ blocks })))),
    );
    // Links of 2,240–2,590 characters for these cards: one terminal line wraps them, but they are printed
    // whole whatever their length (the builder has no other input).
    for (const url of urls) expect(url).toMatch(/^[\x21-\x7e]+$/);

    // Each link comes right after its own card, and the cards themselves are printed as without --preview.
    const chunks = preview.stdout.split(/^preview: .*\n/m);
    expect(chunks.at(-1)).toBe('');
    posted.forEach((blocks, i) => {
      const header = blocks[0]?.type === 'header' ? blocks[0].text.text : '';
      expect(chunks[i]).toContain(`━━ ${header} ━━`);
      expect(chunks[i]?.match(/^→ /gm)).toHaveLength(1);
    });
    expect(postedAt(chunks.join(''))).toBe(postedAt(plain.stdout));
  });

  it('keeps a hostile user agent inert in the link: plain_text, look-alike brackets, one card for a record sent twice', async () => {
    const run = await runCli(['replay', '--dry-run', '--preview', HOSTILE], { env: slackEnv() });
    expect(run.code).toBe(0);
    const urls = previewUrls(run.stdout);
    expect(urls).toHaveLength(1);
    const payload = decodePreview(urls[0] ?? '');
    const texts = JSON.stringify(payload);
    expect(texts).not.toContain('<!channel>');
    expect(texts).not.toContain('<https://evil');
    const agent = payload.blocks
      .flatMap((b) => (b.type === 'context' ? b.elements : []))
      .find((e) => e.text.startsWith('User agent: '));
    expect(agent).toEqual({
      type: 'plain_text',
      text: 'User agent: ‹!channel› ‹https://evil.example|log in again› & *bold*',
      emoji: false,
    });
    expect(slack.calls).toEqual([]);
  });

  it('is a one-line usage error without --dry-run (Slack configured) and with --json', async () => {
    const [live, json] = await Promise.all([
      runCli(['replay', '--preview', SAMPLE], { env: slackEnv() }),
      runCli(['replay', '--dry-run', '--preview', '--json', SAMPLE], { env: slackEnv() }),
    ]);
    expect([live.code, live.stdout, live.stderr]).toEqual([
      1,
      '',
      'signins: --preview shows cards without posting them: add --dry-run\n',
    ]);
    expect([json.code, json.stdout, json.stderr]).toEqual([
      1,
      '',
      'signins: --preview prints cards as text: leave out --json\n',
    ]);
    expect(slack.calls).toEqual([]);
  });

  it('builds a link for a card at Slack limits with text no browser or terminal should see raw', () => {
    // The most blocks of the longest text: a lone surrogate, controls, bidi overrides and mrkdwn in each.
    const hostile = '\ud800\u001b]8;;https://evil.example\u0007\u202e<!here>';
    const text = hostile + 'é'.repeat(LIMITS.sectionText - hostile.length);
    const blocks: Block[] = Array.from({ length: LIMITS.blocks }, () => ({
      type: 'section',
      text: { type: 'plain_text', text },
    }));
    const url = blockKitBuilderUrl({ text: 'fallback', blocks });
    // About 900,000 characters: far too long to paste comfortably, yet whole, not clipped, and still the card.
    expect(url.length).toBeGreaterThan(LIMITS.blocks * LIMITS.sectionText);
    expect(url).toMatch(/^[\x21-\x7e]+$/);
    expect(decodePreview(url)).toEqual({ blocks });
  });
});
