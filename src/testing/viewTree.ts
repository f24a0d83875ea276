// Pressing buttons without a DOM: a hook-free view is a function from props to
// elements, so its tree can be walked and a button's onClick called directly.
// Server rendering gives the markup; this gives the behaviour behind it.
import { isValidElement, type ReactElement, type ReactNode } from 'react';

type Props = {
  children?: ReactNode;
  onClick?: () => void;
  className?: string;
  'aria-label'?: string;
};

const render = (element: ReactElement<Props>): ReactNode =>
  (element.type as (props: Props) => ReactNode)(element.props);

/** Every host element the view renders, its own (hook-free) components called in place. */
export function* elements(node: ReactNode): Generator<ReactElement<Props>> {
  if (Array.isArray(node)) {
    for (const child of node as ReactNode[]) yield* elements(child);
    return;
  }
  if (!isValidElement<Props>(node)) return;
  if (typeof node.type === 'function') {
    yield* elements(render(node));
    return;
  }
  yield node;
  yield* elements(node.props.children);
}

/** The text a screen reader reads, or with `seen`, only what is on screen. */
export function textOf(node: ReactNode, seen = false): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return (node as ReactNode[]).map((n) => textOf(n, seen)).join('');
  if (!isValidElement<Props>(node)) return '';
  if (typeof node.type === 'function') return textOf(render(node), seen);
  if (seen && node.props.className === 'visually-hidden') return '';
  return textOf(node.props.children, seen);
}

const nameOf = (button: ReactElement<Props>): string =>
  button.props['aria-label'] ?? textOf(button.props.children);

/** The accessible names of the view's buttons, in order. */
export function buttonNames(view: ReactNode): string[] {
  return [...elements(view)].filter((e) => e.type === 'button').map(nameOf);
}

/** Presses the one button with this accessible name; throws unless there is exactly one. */
export function press(view: ReactNode, name: string): void {
  const found = [...elements(view)].filter((e) => e.type === 'button' && nameOf(e) === name);
  const [button] = found;
  if (found.length !== 1 || !button?.props.onClick) {
    throw new Error(
      `expected one button named "${name}" with an onClick, found ${found.length} among: ${buttonNames(view).join(', ')}`,
    );
  }
  button.props.onClick();
}
