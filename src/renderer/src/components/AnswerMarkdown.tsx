import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

// Loaded on its own (see MessageView.tsx): the markdown parser is most of the
// renderer's weight, and a phone needs it only once an answer is on screen.

// Models write GitHub-flavoured markdown: tables, strikethrough, task lists.
const remarkPlugins = [remarkGfm];

// Model output is text: links are shown, not followed (the kiosk denies navigation
// anyway), and images would reach for the network, which Hearth never does.
// Wide tables and code scroll sideways inside the answer, never the page; a
// scrolling box takes focus so that a keyboard can scroll it too.
const components: Components = {
  a: ({ children, href }) => (
    <span className="md-link" title={href}>
      {children}
    </span>
  ),
  table: ({ children }) => (
    <div className="md-scroll" tabIndex={0} role="region" aria-label="Table">
      <table>{children}</table>
    </div>
  ),
  pre: ({ children }) => <pre tabIndex={0}>{children}</pre>,
  // A task list's boxes record what the model wrote; they are not controls to tick.
  input: ({ type, checked }) =>
    type === 'checkbox' ? (
      <span className="md-task" role="img" aria-label={checked ? 'done' : 'not done'}>
        {checked ? '☑' : '☐'}
      </span>
    ) : null,
};

/** An answer's text rendered as markdown, without raw HTML, images or live links. */
export function AnswerMarkdown({ text }: { text: string }) {
  return (
    <Markdown
      remarkPlugins={remarkPlugins}
      skipHtml
      disallowedElements={['img']}
      unwrapDisallowed
      components={components}
    >
      {text}
    </Markdown>
  );
}
