/**
 * Keeps the URL fragment in step with the scene. A change of settings adds a
 * history entry, so Back and Forward move between scenes. Changes within a
 * second of the last entry (a slider being dragged) replace that entry, as do
 * moves of the camera, single steps and picks. Back, Forward and a link typed
 * into the address bar apply the fragment they bring; a value there that is
 * not valid keeps the value it has in the running scene.
 */
import { decodeLink, encodeLink, type DecodedLink, type LinkState } from './urlState.ts';

/** Changes within this many milliseconds of the last history entry replace it. */
const MERGE_INTERVAL = 1000;
/** Writes wait this long for more changes, so that one gesture writes once. */
const WRITE_DELAY = 150;

export type LinkChange = 'entry' | 'replace';

export class LinkSync {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: LinkChange | undefined;
  private lastEntry = 0;
  /** Builds in progress: their scene's pick and camera are not chosen yet, so writes wait. */
  private openHolds = 0;

  constructor(
    private readonly read: () => LinkState,
    private readonly apply: (decoded: DecodedLink) => void,
  ) {
    window.addEventListener('popstate', () => {
      // What the browser navigated to is the current entry; writes that follow from applying it replace it.
      this.cancel();
      this.lastEntry = performance.now();
      // A value that the new fragment gets wrong keeps its value in the scene that runs now.
      this.apply(decodeLink(location.hash, this.read()));
    });
  }

  /** The fragment of the scene now. */
  get fragment(): string {
    return encodeLink(this.read());
  }

  /** The address of the scene now, for sharing. */
  get link(): string {
    return `${location.origin}${location.pathname}${location.search}#${this.fragment}`;
  }

  /** Notes a change; the URL follows shortly. */
  changed(kind: LinkChange): void {
    this.pending = this.pending === 'entry' || kind === 'entry' ? 'entry' : 'replace';
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.write(), WRITE_DELAY);
    }
  }

  /** Defers writes until the matching release(), while a scene builds. */
  hold(): void {
    this.openHolds++;
  }

  /** Ends a hold; a change noted meanwhile is written shortly after the last one ends. */
  release(): void {
    this.openHolds = Math.max(0, this.openHolds - 1);
    if (this.openHolds === 0 && this.pending !== undefined && this.timer === undefined) {
      this.timer = setTimeout(() => this.write(), WRITE_DELAY);
    }
  }

  /** Writes any pending change now. */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.write();
    }
  }

  private cancel(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = undefined;
    this.pending = undefined;
  }

  private write(): void {
    this.timer = undefined;
    if (this.openHolds > 0) {
      // Kept pending for release().
      return;
    }
    const kind = this.pending;
    this.pending = undefined;
    const fragment = this.fragment;
    if (`#${fragment}` === location.hash) {
      return;
    }
    const now = performance.now();
    if (kind === 'entry' && now - this.lastEntry >= MERGE_INTERVAL) {
      history.pushState(null, '', `#${fragment}`);
      this.lastEntry = now;
    } else {
      history.replaceState(null, '', `#${fragment}`);
    }
  }
}
