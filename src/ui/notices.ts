/**
 * Messages over the view: dismissable notices for rejected input and
 * recoverable faults, and a full-page blocker when the app cannot run.
 */

export type NoticeKind = 'info' | 'error';

/** The most notices shown at once. A new one beyond these removes the oldest, so that a run of bad links cannot cover the view. */
const MAX_NOTICES = 5;

export class Notices {
  private readonly shown = new Map<string, HTMLElement>();

  constructor(private readonly container: HTMLElement) {}

  /** Shows a message once; showing the same text again does not stack a copy. */
  show(text: string, kind: NoticeKind = 'info', timeoutMs = kind === 'error' ? 12000 : 8000): void {
    // Shown again, a notice moves to the end, as the newest.
    this.remove(text);

    const element = document.createElement('div');
    element.className = `notice ${kind}`;
    element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Dismiss');
    close.addEventListener('click', () => this.remove(text));
    element.append(close, document.createTextNode(text));
    this.container.append(element);
    this.shown.set(text, element);
    for (const oldest of this.shown.keys()) {
      if (this.shown.size <= MAX_NOTICES) {
        break;
      }
      this.remove(oldest);
    }

    if (timeoutMs > 0) {
      window.setTimeout(() => {
        if (this.shown.get(text) === element) {
          this.remove(text);
        }
      }, timeoutMs);
    }
  }

  /** Removes the notice with this text before its timeout, when its message is no longer true. */
  dismiss(text: string): void {
    this.remove(text);
  }

  private remove(text: string): void {
    this.shown.get(text)?.remove();
    this.shown.delete(text);
  }
}

/**
 * A notice about one piece of state, such as the preset in use: a new text
 * takes the place of the old one, and clear() takes it off.
 */
export class NoticeSlot {
  private shownText: string | undefined;

  constructor(
    private readonly notices: Notices,
    private readonly kind: NoticeKind,
    private readonly timeoutMs: number,
  ) {}

  /** Text last shown, until clear(), also after its notice timed out. */
  get text(): string | undefined {
    return this.shownText;
  }

  /** Shows `text` in place of this slot's notice. */
  show(text: string): void {
    this.clear();
    this.shownText = text;
    this.notices.show(text, this.kind, this.timeoutMs);
  }

  /** Takes this slot's notice off, if it is still shown. */
  clear(): void {
    if (this.shownText !== undefined) {
      this.notices.dismiss(this.shownText);
      this.shownText = undefined;
    }
  }
}

/** Replaces the view with a page that explains what is missing and how to get it. */
export function showBlocker(root: HTMLElement, title: string, body: string[]): void {
  const blocker = document.createElement('div');
  blocker.className = 'blocker';
  blocker.setAttribute('role', 'alert');
  const article = document.createElement('article');
  const heading = document.createElement('h1');
  heading.textContent = title;
  article.append(heading);
  for (const paragraph of body) {
    const element = document.createElement('p');
    element.textContent = paragraph;
    article.append(element);
  }
  blocker.append(article);
  root.append(blocker);
}
