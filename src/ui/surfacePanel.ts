/**
 * The Surface folder of the panel. It contains the surface list, the lesson
 * of the chosen surface and its condition number where it has one. Below
 * them are the formula field, whose inline error marks the fault, the domain,
 * and a button that lists the minima the particles found. Every change goes
 * to the app, which validates it, so an invalid formula leaves the running
 * surface as it is.
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import type { FormulaError } from '../core/expr/index.ts';
import { CONDITION_NUMBER } from '../core/limits.ts';
import { resolveSurface } from '../core/surfaceChoice.ts';
import { CUSTOM_SURFACE_NAME, SURFACES, type Domain } from '../core/surfaces.ts';
import type { AppSettings } from './settings.ts';
import { onTypedNumber } from './typedNumber.ts';

export interface SurfacePanelActions {
  /** A setting changed; returns false when the app rejected it. */
  change(update: Partial<AppSettings>): boolean;
  /** Reads the particles back and shows the minima they converged to. */
  listMinima(): void;
}

/** Labels up to this length appear in the surface list next to the name. */
const SHORT_LABEL = 16;

/** Characters of a long formula shown around a fault. */
const EXCERPT_LENGTH = 56;

interface SurfaceModel {
  surface: string;
  log10Condition: number;
  condition: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Text of the list entry of a surface: its name, and its formula when that is short. */
function listEntry(name: string, label: string): string {
  return label.length <= SHORT_LABEL ? `${name}: ${label}` : name;
}

export class SurfacePanel {
  readonly folder: GUI;
  private readonly model: SurfaceModel;
  private readonly description: HTMLElement;
  private readonly formulaInput: HTMLTextAreaElement;
  private readonly formulaLabel: HTMLLabelElement;
  private readonly formulaError: HTMLElement;
  private readonly conditionControllers: Controller[];
  private readonly yControllers: Controller[];
  /** Formula of the surface the settings select, which the field shows when not edited. */
  private runningFormula = '';
  /** Text last sent to the app, so that a blur after Enter does not send it twice. */
  private lastSubmitted: string | undefined;
  private settings: AppSettings;

  constructor(
    gui: GUI,
    settings: AppSettings,
    private readonly actions: SurfacePanelActions,
  ) {
    this.settings = settings;
    this.folder = gui.addFolder('Surface');
    this.model = { surface: settings.surface, log10Condition: 1, condition: settings.condition, xMin: 0, xMax: 1, yMin: 0, yMax: 1 };
    const folder = this.folder;

    const entries = Object.fromEntries([
      ...SURFACES.map((surface) => [listEntry(surface.name, surface.label), surface.name]),
      ['custom: typed formula', CUSTOM_SURFACE_NAME],
    ]);
    folder
      .add(this.model, 'surface', entries)
      .name('surface')
      .onChange((name: string) => this.chooseSurface(name));

    this.description = document.createElement('p');
    this.description.className = 'surface-description';
    folder.$children.append(this.description);

    this.conditionControllers = [
      folder
        .add(this.model, 'log10Condition', Math.log10(CONDITION_NUMBER.min), Math.log10(CONDITION_NUMBER.max), 0.01)
        .decimals(2)
        .name('log₁₀ κ')
        .onFinishChange((value: number) => actions.change({ condition: Number((10 ** value).toPrecision(4)) })),
      onTypedNumber(folder.add(this.model, 'condition').name('κ'), (value) => actions.change({ condition: value })),
    ];

    ({ input: this.formulaInput, error: this.formulaError, label: this.formulaLabel } = this.createFormulaField());

    // Each bound is sent with the other three as the fields show them.
    const boundField = (bound: keyof Domain, name: string): Controller =>
      onTypedNumber(folder.add(this.model, bound).name(name), (value) => {
        const { xMin, xMax, yMin, yMax } = this.model;
        actions.change({ domain: { xMin, xMax, yMin, yMax, [bound]: value } });
      });
    boundField('xMin', 'x min');
    boundField('xMax', 'x max');
    this.yControllers = [boundField('yMin', 'y min'), boundField('yMax', 'y max')];
    folder.add({ reset: () => actions.change({ domain: undefined }) }, 'reset').name('reset domain');
    folder.add({ list: () => actions.listMinima() }, 'list').name('list minima found');

    this.show(settings);
  }

  /** Puts the settings into every control, without firing change handlers, and clears a formula error. */
  show(settings: AppSettings): void {
    this.settings = settings;
    const { definition } = resolveSurface(settings);
    const domain: Domain = settings.domain ?? definition.domain;
    Object.assign(this.model, {
      surface: settings.surface,
      condition: settings.condition,
      log10Condition: Math.log10(settings.condition),
      ...domain,
    });

    this.description.textContent = definition.description;
    this.formulaLabel.textContent = `formula ${definition.dims === 1 ? 'f(x)' : 'f(x, y)'}, Enter to run`;
    // A rejected formula stays, marked, through changes of other settings, until another surface runs.
    const keepRejected = !this.formulaError.hidden && this.runningFormula === definition.formula;
    this.runningFormula = definition.formula;
    if (!keepRejected) {
      this.formulaInput.value = definition.formula;
      this.lastSubmitted = undefined;
      this.clearFormulaError();
    }

    const conditioned = definition.usesCondition === true;
    for (const controller of this.conditionControllers) {
      controller.show(conditioned);
    }
    for (const controller of this.yControllers) {
      controller.show(definition.dims === 2);
    }
    for (const controller of this.folder.controllersRecursive()) {
      controller.updateDisplay();
    }
  }

  /**
   * Shows why `text` was rejected, next to the field: the message, and the
   * formula (or the part around the fault) with carets under the faulty span.
   * The field keeps the text, so that it can be corrected.
   */
  showFormulaError(text: string, error: FormulaError): void {
    this.formulaInput.value = text;
    this.lastSubmitted = text;
    this.formulaInput.setAttribute('aria-invalid', 'true');

    const { excerpt, carets } = markFault(text, error.start, error.end);
    const code = document.createElement('pre');
    code.className = 'formula-excerpt';
    code.textContent = `${excerpt}\n${carets}`;
    const message = document.createElement('div');
    message.className = 'formula-message';
    message.textContent = error.message;

    this.formulaError.replaceChildren(code, message);
    this.formulaError.dataset.start = String(error.start);
    this.formulaError.dataset.end = String(error.end);
    this.formulaError.hidden = false;
    if (document.activeElement === this.formulaInput) {
      this.formulaInput.setSelectionRange(error.start, Math.max(error.end, error.start));
    }
  }

  /** Puts the running formula back in the field in place of a rejected one, as a link without a fault in its formula does. */
  showRunningFormula(): void {
    if (this.formulaError.hidden) {
      return;
    }
    this.formulaInput.value = this.runningFormula;
    this.lastSubmitted = undefined;
    this.clearFormulaError();
  }

  private clearFormulaError(): void {
    this.formulaInput.removeAttribute('aria-invalid');
    this.formulaError.hidden = true;
    this.formulaError.replaceChildren();
    delete this.formulaError.dataset.start;
    delete this.formulaError.dataset.end;
  }

  private chooseSurface(name: string): void {
    if (name === CUSTOM_SURFACE_NAME) {
      // The custom entry runs the formula in the field: the last typed one, or the built-in's.
      this.submitFormula(this.settings.formula ?? this.formulaInput.value, true);
      return;
    }
    this.actions.change({ surface: name });
  }

  /** Sends a typed formula; the current domain carries over, so that editing a formula keeps the view. */
  private submitFormula(text: string, force = false): void {
    if (!force && (text === this.lastSubmitted || (text === this.runningFormula && this.lastSubmitted === undefined))) {
      return;
    }
    this.lastSubmitted = text;
    const { xMin, xMax } = this.model;
    // A 1D domain has no y range; a formula in x and y gets the x range for y too.
    const flat = !(this.model.yMin < this.model.yMax);
    const yMin = flat ? xMin : this.model.yMin;
    const yMax = flat ? xMax : this.model.yMax;
    this.actions.change({ surface: CUSTOM_SURFACE_NAME, formula: text, domain: { xMin, xMax, yMin, yMax } });
  }

  private createFormulaField(): { input: HTMLTextAreaElement; error: HTMLElement; label: HTMLLabelElement } {
    const field = document.createElement('div');
    field.className = 'surface-formula';

    const input = document.createElement('textarea');
    input.id = 'formula-input';
    input.rows = 3;
    input.spellcheck = false;
    input.autocomplete = 'off';
    input.setAttribute('aria-describedby', 'formula-error');

    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.textContent = 'formula f(x, y), Enter to run';

    const error = document.createElement('div');
    error.id = 'formula-error';
    error.className = 'formula-error';
    error.setAttribute('role', 'alert');
    error.hidden = true;

    // Enter runs the formula; Shift+Enter adds a line break, which formulas read as a space.
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        this.submitFormula(input.value);
      }
    });
    input.addEventListener('blur', () => this.submitFormula(input.value));
    // Stop lil-gui and the orbit controls from reading keys typed into the field.
    input.addEventListener('keydown', (event) => event.stopPropagation());

    field.append(label, input, error);
    this.folder.$children.append(field);
    return { input, error, label };
  }
}

/**
 * Cuts a window of at most EXCERPT_LENGTH characters around the span
 * [start, end) and returns it with a line of carets under the span. Tabs and
 * line breaks become spaces, so that the carets line up in a monospace font.
 */
export function markFault(text: string, start: number, end: number): { excerpt: string; carets: string } {
  const flat = text.replace(/[\t\r\n]/g, ' ');
  const from = Math.max(0, Math.min(start - Math.floor(EXCERPT_LENGTH / 3), flat.length - EXCERPT_LENGTH));
  const to = Math.min(flat.length, from + EXCERPT_LENGTH);
  const prefix = from > 0 ? '…' : '';
  const suffix = to < flat.length ? '…' : '';

  const excerpt = prefix + flat.slice(from, to) + suffix;
  const caretStart = prefix.length + Math.max(0, start - from);
  const caretEnd = prefix.length + Math.min(to, Math.max(end, start + 1)) - from;
  const carets = ' '.repeat(caretStart) + '^'.repeat(Math.max(1, caretEnd - caretStart));
  return { excerpt, carets };
}
