/**
 * Files out of the browser: a Blob saved under a name through a temporary
 * link, and RGBA pixels encoded as PNG by a canvas.
 */

/** Saves `blob` as `name` in the browser's downloads. */
export function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference once it started; a minute is ample.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function saveText(name: string, text: string, type: 'text/csv' | 'application/json'): void {
  saveFile(name, new Blob([text], { type: `${type};charset=utf-8` }));
}

/** Encodes `width × height` RGBA pixels (row 0 at the top) as PNG. */
export function encodePng(pixels: Uint8Array, width: number, height: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) {
    return Promise.reject(new Error('the browser gave no 2D canvas to encode the PNG'));
  }
  const data = new Uint8ClampedArray(pixels.byteLength);
  data.set(pixels);
  context.putImageData(new ImageData(data, width, height), 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
}

/** A file name from the scene: `downhill-himmelblau-adam-step500.csv`. */
export function fileName(parts: readonly (string | number)[], extension: string): string {
  const safe = parts.map((part) => String(part).replace(/[^A-Za-z0-9.+-]+/g, '_')).filter((part) => part.length > 0);
  return `${['downhill', ...safe].join('-')}.${extension}`;
}
