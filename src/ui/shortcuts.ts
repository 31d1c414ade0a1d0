/**
 * Keyboard shortcuts and the help overlay that lists them ('?'). Keys typed
 * into a text field, a number field or a list belong to that field.
 */

import type { Notices } from './notices.ts';

export interface ShortcutActions {
  togglePause(): void;
  step(): void;
  reset(): void;
  view(mode: '2d' | '3d'): void;
  verify(): void;
  copyLink(): void;
  saveView(): void;
  /** The side column and the panel were hidden or shown: the view's room changed. */
  panelsToggled(): void;
}

interface Shortcut {
  /** KeyboardEvent.key values that trigger it. */
  keys: readonly string[];
  /** How the key is shown in the help. */
  label: string;
  what: string;
  run(actions: ShortcutActions): void;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: [' '], label: 'Space', what: 'run or pause', run: (actions) => actions.togglePause() },
  { keys: ['s', 'S'], label: 'S', what: 'single step (while paused)', run: (actions) => actions.step() },
  { keys: ['r', 'R'], label: 'R', what: 'reset: every particle back to its start', run: (actions) => actions.reset() },
  { keys: ['2'], label: '2', what: '2D top-down view', run: (actions) => actions.view('2d') },
  { keys: ['3'], label: '3', what: '3D orbit view', run: (actions) => actions.view('3d') },
  { keys: ['v', 'V'], label: 'V', what: 'verify the GPU against the CPU', run: (actions) => actions.verify() },
  { keys: ['l', 'L'], label: 'L', what: 'copy a link to this scene', run: (actions) => actions.copyLink() },
  { keys: ['p', 'P'], label: 'P', what: 'save the view as PNG', run: (actions) => actions.saveView() },
];

/** Input types whose keys are typed text, not commands (a checkbox's keys are the app's). */
const TEXT_INPUT_TYPES = new Set(['text', 'number', 'search', 'email', 'password', 'url', 'tel']);

/** Whether a key press belongs to a form field rather than to the app. */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  if (target instanceof HTMLInputElement) {
    return TEXT_INPUT_TYPES.has(target.type);
  }
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** Class on <body> while the side column and the panel are hidden. */
export const PANELS_HIDDEN_CLASS = 'panels-hidden';

/** Window width in CSS pixels below which a notice points out that H hides the side column and the panel (392 + 316 pixels). */
export const NARROW_WINDOW = 1000;

export class Shortcuts {
  private readonly dialog: HTMLDialogElement;
  /** Button shown while the panels are hidden, so that a pointer can bring them back. */
  private readonly showPanels: HTMLButtonElement;

  constructor(
    root: HTMLElement,
    private readonly actions: ShortcutActions,
    notices: Notices,
  ) {
    this.dialog = this.buildHelp();
    this.showPanels = document.createElement('button');
    this.showPanels.type = 'button';
    this.showPanels.className = 'show-panels';
    this.showPanels.textContent = 'show panels (H)';
    this.showPanels.hidden = true;
    this.showPanels.addEventListener('click', () => this.togglePanels());
    root.append(this.dialog, this.showPanels);
    // Once per page: at start in a narrow window, or when a window is made narrow, while the panels show.
    let advised = false;
    const adviseIfNarrow = (): void => {
      if (advised || window.innerWidth >= NARROW_WINDOW || document.body.classList.contains(PANELS_HIDDEN_CLASS)) {
        return;
      }
      advised = true;
      notices.show('In a window this narrow the side column and the panel cover most of the view: press H to hide them and H again to bring them back.', 'info', 15000);
    };
    adviseIfNarrow();
    window.addEventListener('resize', adviseIfNarrow);
    // In the capture phase: lil-gui stops key events from leaving its panel, so after a
    // click on a panel button or checkbox a listener on the way up would never hear them.
    window.addEventListener(
      'keydown',
      (event) => {
        if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) {
          return;
        }
        this.handle(event, actions);
      },
      { capture: true },
    );
  }

  /** Runs the shortcut of a key pressed outside a text field, or opens and closes the help. */
  private handle(event: KeyboardEvent, actions: ShortcutActions): void {
    if (event.key === '?') {
      event.preventDefault();
      this.toggleHelp();
      return;
    }
    if (this.dialog.open) {
      return;
    }
    if (event.key === 'h' || event.key === 'H') {
      event.preventDefault();
      // A held key repeats: the panels would flicker.
      if (!event.repeat) {
        this.togglePanels();
      }
      return;
    }
    const shortcut = SHORTCUTS.find((candidate) => candidate.keys.includes(event.key));
    if (!shortcut) {
      return;
    }
    event.preventDefault();
    // A focused button or checkbox would take Space as a press of its own (reset, add configuration...).
    if (event.target instanceof HTMLButtonElement || event.target instanceof HTMLInputElement) {
      event.target.blur();
    }
    shortcut.run(actions);
  }

  /** Hides the side column and the panel, so the view has the whole window, or shows them again. */
  togglePanels(): void {
    const hidden = document.body.classList.toggle(PANELS_HIDDEN_CLASS);
    this.showPanels.hidden = !hidden;
    if (hidden && document.activeElement?.closest('.lil-gui')) {
      // Focus in the hidden panel would be lost: the button that brings it back takes it.
      this.showPanels.focus();
    } else if (!hidden && document.activeElement === this.showPanels) {
      this.showPanels.blur();
    }
    this.actions.panelsToggled();
  }

  get helpOpen(): boolean {
    return this.dialog.open;
  }

  toggleHelp(): void {
    if (this.dialog.open) {
      this.dialog.close();
    } else {
      this.dialog.showModal();
    }
  }

  private buildHelp(): HTMLDialogElement {
    const dialog = document.createElement('dialog');
    dialog.className = 'help';
    dialog.setAttribute('aria-label', 'Keyboard shortcuts');
    const heading = document.createElement('h2');
    heading.textContent = 'Keyboard shortcuts';
    const table = document.createElement('table');
    const builtIn = [
      { label: 'H', what: 'hide or show the panels, for the whole view' },
      { label: '?', what: 'show or hide this help' },
      { label: 'Esc', what: 'close this help' },
    ];
    for (const { label, what } of [...SHORTCUTS, ...builtIn]) {
      const row = table.insertRow();
      const key = document.createElement('kbd');
      key.textContent = label;
      row.insertCell().append(key);
      row.insertCell().textContent = what;
    }
    const note = document.createElement('p');
    note.textContent = 'Drag to orbit the 3D view, right-drag to pan, scroll to zoom. Click a particle to pick it. On the basin map, shift-drag a rectangle to run its starts at full resolution.';
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'close';
    close.addEventListener('click', () => dialog.close());
    dialog.append(heading, table, note, close);
    // A click on the backdrop (outside the dialog's box) closes it too.
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) {
        dialog.close();
      }
    });
    return dialog;
  }
}
