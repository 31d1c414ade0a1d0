/**
 * Validation and formatting of a domain the user sets, shared by the panel,
 * the settings and the CLI so that all three accept the same rectangles.
 */
import { belowFloat32Normal, DOMAIN_LIMITS, FLOAT32_NORMAL_WORDS, formatSettingValue, InvalidSettingError, overflowsToInfinity } from './limits.ts';
import { checkFields } from './settingChecks.ts';
import type { Domain } from './surfaces.ts';

/** Formats a domain for messages: "[-2, 2] × [-1, 3]", or "[-2, 2]" in 1D. */
export function formatDomain(domain: Domain, dims: 1 | 2): string {
  const x = `[${domain.xMin}, ${domain.xMax}]`;
  return dims === 1 ? x : `${x} × [${domain.yMin}, ${domain.yMax}]`;
}

/** Describes the accepted domains, for error messages. */
export function acceptedDomains(dims: 1 | 2): string {
  const order = dims === 1 ? 'xmin < xmax' : 'xmin < xmax and ymin < ymax';
  return (
    `${order}, every bound within ±${DOMAIN_LIMITS.maxMagnitude.toLocaleString('en-US')}, ` +
    `and each side at least ${DOMAIN_LIMITS.minRelativeSpan} times the larger of 1 and its largest bound`
  );
}

function sideIsValid(min: number, max: number): boolean {
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(min < max) || belowFloat32Normal(min) || belowFloat32Normal(max)) {
    return false;
  }
  const largest = Math.max(1, Math.abs(min), Math.abs(max));
  return largest <= DOMAIN_LIMITS.maxMagnitude && max - min >= DOMAIN_LIMITS.minRelativeSpan * largest;
}

/**
 * Returns a copy of the domain when its bounds are finite, ordered, within
 * DOMAIN_LIMITS and wide enough. Otherwise it throws InvalidSettingError
 * naming the domain, or naming a field other than the four bounds. A 1D
 * surface ignores yMin and yMax, and the result has both 0.
 */
export function checkDomain(domain: Domain, dims: 1 | 2): Domain {
  checkFields('domain', domain, ['xMin', 'xMax', 'yMin', 'yMax']);
  const valid = sideIsValid(domain.xMin, domain.xMax) && (dims === 1 || sideIsValid(domain.yMin, domain.yMax));
  if (!valid) {
    // A bound that is not a number is written as JSON, so that "1" and 1 look different. A decimal too large
    // for a double is the exception: the panel passes it on as typed ("1e400"), and the message quotes it as typed.
    const typedOverflow = (bound: unknown): boolean => typeof bound === 'string' && overflowsToInfinity(bound);
    const boundText = (bound: unknown): string => (typeof bound === 'number' || typedOverflow(bound) ? String(bound) : formatSettingValue(bound));
    const x = `[${boundText(domain.xMin)}, ${boundText(domain.xMax)}]`;
    const text = dims === 1 ? x : `${x} × [${boundText(domain.yMin)}, ${boundText(domain.yMax)}]`;
    const bounds = dims === 1 ? [domain.xMin, domain.xMax] : [domain.xMin, domain.xMax, domain.yMin, domain.yMax];
    const tiny = bounds.some((bound) => typeof bound === 'number' && belowFloat32Normal(bound));
    throw new InvalidSettingError('domain', text, tiny ? `${acceptedDomains(dims)}, every bound ${FLOAT32_NORMAL_WORDS}` : acceptedDomains(dims));
  }
  const { xMin, xMax, yMin, yMax } = domain;
  return dims === 1 ? { xMin, xMax, yMin: 0, yMax: 0 } : { xMin, xMax, yMin, yMax };
}
