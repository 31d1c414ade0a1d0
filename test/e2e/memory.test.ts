// GPU memory across reconfigurations, and a configuration too large for the
// adapter. WebGPU has no memory query, so an init script counts the bytes of
// every buffer and texture created and destroyed on the page's devices.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { openAppPage } from '../helpers/appPage.ts';
import { launchBrowser, startApp, type RunningApp } from '../helpers/browser.ts';

type Handle = {
  settings: any;
  change(next: unknown): boolean;
  whenBuilt(): Promise<void>;
  stepsDone: number;
  particleCount: number;
};

type Ledger = { live: number; liveCount: number; created: number; labels: string[]; objects: string[] };

/** Counts live GPU bytes: a buffer's size, a texture's texels times 16 bytes (an upper bound per texel). */
function countGpuMemory(): void {
  const ledger = { live: 0, liveCount: 0, created: 0, labels: [] as string[], objects: [] as string[] };
  const sizes = new Map<GPUObjectBase, number>();
  (window as unknown as { gpuLedger: typeof ledger }).gpuLedger = ledger;
  const track = (object: GPUObjectBase, bytes: number): void => {
    sizes.set(object, bytes);
    ledger.live += bytes;
    ledger.liveCount++;
    ledger.created++;
    ledger.labels = [...sizes.keys()].map((live) => live.label);
    ledger.objects = [...sizes].map(([live, size]) => `${live.label} ${size}`);
  };
  const release = (object: GPUObjectBase): void => {
    const bytes = sizes.get(object);
    if (bytes !== undefined) {
      sizes.delete(object);
      ledger.live -= bytes;
      ledger.liveCount--;
    }
    ledger.labels = [...sizes.keys()].map((live) => live.label);
    ledger.objects = [...sizes].map(([live, size]) => `${live.label} ${size}`);
  };
  const device = GPUDevice.prototype;
  const createBuffer = device.createBuffer;
  device.createBuffer = function (descriptor) {
    const buffer = createBuffer.call(this, descriptor);
    track(buffer, descriptor.size);
    return buffer;
  };
  const createTexture = device.createTexture;
  device.createTexture = function (descriptor) {
    const texture = createTexture.call(this, descriptor);
    const size = descriptor.size as GPUExtent3DDict | number[];
    const [w, h, d] = Array.isArray(size) ? [size[0], size[1] ?? 1, size[2] ?? 1] : [size.width, size.height ?? 1, size.depthOrArrayLayers ?? 1];
    track(texture, w * h * d * 16 * (descriptor.mipLevelCount ?? 1));
    return texture;
  };
  const destroyBuffer = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function () {
    release(this);
    return destroyBuffer.call(this);
  };
  const destroyTexture = GPUTexture.prototype.destroy;
  GPUTexture.prototype.destroy = function () {
    release(this);
    return destroyTexture.call(this);
  };
}

describe('GPU memory', () => {
  let server: RunningApp;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const ledger = () => page.evaluate(() => (window as unknown as { gpuLedger: Ledger }).gpuLedger);

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    // A small viewport: SwiftShader draws every frame on the CPU, and the
    // textures that follow the canvas size are counted all the same.
    const context = await browser.newContext({ viewport: { width: 800, height: 500 }, deviceScaleFactor: 1 });
    await context.addInitScript(countGpuMemory);
    page = await openAppPage(context, `${server.url}#v=1&grid=16&stepsPerFrame=5`, { width: 800, height: 500 }, errors);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('100 reconfigurations keep memory flat', { timeout: 600_000 }, async () => {
    // The configurations cycled through: grids, surfaces, optimizers, a second run, basin maps and a sweep.
    const cycle = await page.evaluate(() => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      const base = JSON.parse(JSON.stringify(downhill.settings));
      const adam = { ...base.runs[0], optimizer: { ...base.runs[0].optimizer, name: 'adam', lr: 0.02 } };
      return [
        { ...base, grid: 24 },
        { ...base, grid: 16, surface: 'himmelblau', basinView: 'map' },
        { ...base, grid: 16, runs: [adam] },
        { ...base, grid: 16, runs: [base.runs[0], adam], basinView: 'side-by-side' },
        { ...base, grid: 8, sweep: { ...base.sweep, enabled: true, lrCount: 8 } },
        base,
      ];
    });
    const apply = (settings: unknown) =>
      page.evaluate(async (next) => {
        const downhill = (window as unknown as { downhill: Handle }).downhill;
        if (!downhill.change(next)) {
          throw new Error(`change() rejected the settings ${JSON.stringify(next).slice(0, 200)}`);
        }
        await downhill.whenBuilt();
      }, settings);
    // Before the ledger is read: three frames on the scene (5 updates each),
    // so that the renderer has made what it makes on a first draw. Then more
    // frames until the ledger is unchanged across one, because an object made
    // or released a frame late (a lazily made texture, a mapped staging buffer)
    // is not a leak.
    const stepsDone = () => page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.stepsDone);
    const nextFrame = async () => {
      const before = await stepsDone();
      await page.waitForFunction((after) => (window as unknown as { downhill: Handle }).downhill.stepsDone > after, before, { timeout: 60_000 });
    };
    const settle = async () => {
      await page.waitForFunction(() => (window as unknown as { downhill: Handle }).downhill.stepsDone >= 15, undefined, { timeout: 60_000 });
      let previous = await ledger();
      let unchanged = 0;
      // Three frames in a row without a change, or at most 30 frames.
      for (let attempt = 0; attempt < 30 && unchanged < 3; attempt++) {
        await nextFrame();
        const current = await ledger();
        unchanged = current.live === previous.live && current.liveCount === previous.liveCount ? unchanged + 1 : 0;
        previous = current;
      }
    };
    const sameAs = (entry: Ledger, reference: Ledger) => Math.abs(entry.liveCount - reference.liveCount) <= 4 && Math.abs(entry.live - reference.live) <= 64 * 1024;
    // A walk draws each configuration at least once. The renderer makes the
    // surface mesh's uv attribute (128 × 128 × 8 bytes) when a basin map is
    // first drawn over it, and the next scene may keep the mesh. Without a
    // frame between two changes that depended on timing, and one walk in ten
    // ended 128 KiB above the others.
    const walk = async () => {
      for (const settings of cycle) {
        await apply(settings);
        await nextFrame();
      }
    };

    // Two full cycles first: pipelines compiled, caches and lazily made textures in place.
    for (let round = 0; round < 2; round++) {
      await walk();
    }
    await settle();
    const start = await ledger();
    // 100 reconfigurations: every tenth walks the whole cycle (surfaces, optimizers,
    // two runs, basin maps, a sweep); the others switch the grid, the cheapest rebuild.
    // The ledger is read after each walk, always on the same configuration.
    const smaller = { ...cycle[cycle.length - 1], grid: 12 };
    const afterCycles: Ledger[] = [];
    for (let k = 0; k < 100; k++) {
      if (k % 10 === 9) {
        await walk();
        await settle();
        // A leak stays, but an object made for a few frames (a staging buffer
        // in flight, a texture of one draw) is gone after a few more. So a
        // difference is read again, up to three times, before it counts.
        let entry = await ledger();
        for (let retry = 0; retry < 3 && afterCycles.length > 0 && !sameAs(entry, afterCycles[0]!); retry++) {
          await settle();
          entry = await ledger();
        }
        afterCycles.push(entry);
      } else {
        await apply(k % 2 === 0 ? smaller : cycle[cycle.length - 1]);
      }
    }
    const end = afterCycles[afterCycles.length - 1]!;
    console.info(
      `GPU memory: ${start.live} bytes in ${start.liveCount} objects before, ${end.live} in ${end.liveCount} after; ` +
        `${end.created - start.created} created in between; after each cycle: ${afterCycles.map((entry) => entry.liveCount).join(' ')} objects`,
    );
    expect(end.created - start.created).toBeGreaterThan(1000);
    // Every buffer and texture of a replaced scene was destroyed: the same
    // configuration has the same objects after each walk (staging buffers
    // in flight may differ by a few), and no more than before the loop.
    for (const entry of afterCycles) {
      const differing = `objects only in the first walk: ${difference(afterCycles[0]!.objects, entry.objects)}; only in this one: ${difference(entry.objects, afterCycles[0]!.objects)}`;
      expect(Math.abs(entry.liveCount - afterCycles[0]!.liveCount), differing).toBeLessThanOrEqual(4);
      expect(Math.abs(entry.live - afterCycles[0]!.live), differing).toBeLessThanOrEqual(64 * 1024);
    }
    expect(end.liveCount).toBeLessThanOrEqual(start.liveCount + 4);
    expect(end.live).toBeLessThanOrEqual(start.live + 64 * 1024);
    expect(errors).toEqual([]);
  });
});

/** Lists the entries of `a` that have no match in `b`, each entry of `b` matching once. */
function difference(a: string[], b: string[]): string {
  const rest = [...b];
  const extra = a.filter((item) => {
    const position = rest.indexOf(item);
    if (position < 0) return true;
    rest.splice(position, 1);
    return false;
  });
  return extra.length > 0 ? extra.join(', ') : 'none';
}

/** Asks for a device with WebGPU's default limits, as on an adapter that offers no more (128 MiB per binding). */
function requestDefaultLimits(): void {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = function (descriptor) {
    return requestDevice.call(this, { ...descriptor, requiredLimits: {} });
  };
}

describe('an adapter with the default limits', () => {
  let server: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startApp();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
    await context.addInitScript(countGpuMemory);
    await context.addInitScript(requestDefaultLimits);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('oversized configuration rejected before allocation', async () => {
    const page = await openAppPage(context, `${server.url}#v=1&grid=16&stepsPerFrame=5`, { width: 1200, height: 800 }, errors);
    const ledger = () => page.evaluate(() => (window as unknown as { gpuLedger: Ledger }).gpuLedger);
    const before = await ledger();
    const result = await page.evaluate(async () => {
      const downhill = (window as unknown as { downhill: Handle }).downhill;
      const adam = { ...downhill.settings.runs[0], optimizer: { ...downhill.settings.runs[0].optimizer, name: 'adam', lr: 0.02 } };
      const accepted = downhill.change({ ...downhill.settings, grid: 2048, runs: [adam], sweep: { ...downhill.settings.sweep, enabled: true, lrCount: 2 } });
      await downhill.whenBuilt();
      return { accepted, particles: downhill.particleCount, limit: (downhill as unknown as { gpuDevice: GPUDevice }).gpuDevice.limits.maxStorageBufferBindingSize };
    });
    // 2048² starts × 2 rates = 8,388,608 particles × 32 bytes of Adam state in one buffer.
    const needed = 2 * 2048 * 2048 * 32;
    if (needed <= result.limit) {
      throw new Error(`this adapter allows ${result.limit} bytes per binding, enough for ${needed}: the test needs a larger configuration`);
    }
    const notices = await page.locator('#notices').textContent();
    expect(notices).toContain(`needs maxStorageBufferBindingSize = ${needed.toLocaleString('en-US')}, but this adapter allows ${result.limit.toLocaleString('en-US')}`);
    // The running scene is the one from before; nothing of the refused one was allocated.
    expect(result.particles).toBe(16 * 16);
    // The settings went back to those of the running scene.
    expect(await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.settings.grid)).toBe(16);
    const after = await ledger();
    expect(after.created - before.created).toBeLessThan(16);
    const steps = await page.evaluate(() => (window as unknown as { downhill: Handle }).downhill.stepsDone);
    await page.waitForFunction((from) => (window as unknown as { downhill: Handle }).downhill.stepsDone > from, steps, { timeout: 30_000 });
    expect(errors).toEqual([]);
  });
});
