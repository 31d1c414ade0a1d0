// Finds what WebGPU needs on this machine, for Dawn in Node (the `webgpu`
// package) and for headless Chromium. Plain JavaScript, so that it runs before
// anything is built.

import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folder where Debian's `chromium` package ships its Vulkan loader and SwiftShader. */
export const CHROMIUM_LIB_DIR = '/usr/lib/chromium';

const SWIFTSHADER_ICD = join(CHROMIUM_LIB_DIR, 'vk_swiftshader_icd.json');
const CHROMIUM_VULKAN_LOADER = join(CHROMIUM_LIB_DIR, 'libvulkan.so.1');

// Folders where the Vulkan loader looks for driver manifests on Linux.
const SYSTEM_ICD_DIRS = [
  '/etc/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
  '/usr/share/vulkan/icd.d',
];

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Finds the environment variables that Dawn needs to reach a Vulkan driver.
 *
 * The driver is the first of these that exists. It is whatever
 * VK_ICD_FILENAMES or VK_DRIVER_FILES already name, else a driver manifest in
 * the system's ICD folders when the machine also has a GPU device node (Mesa's
 * hardware drivers are often installed on machines without a GPU), else
 * SwiftShader from Debian's chromium package. The Vulkan loader is the system's
 * `libvulkan.so.1` if ldconfig lists one, else chromium's copy, reached by
 * prepending its folder to LD_LIBRARY_PATH. The dynamic loader reads
 * LD_LIBRARY_PATH only when a process starts, so these variables must be given
 * to a new process; setting them in process.env of a running one does nothing.
 *
 * @returns {{ env: Record<string, string>, description: string }} the variables
 *   to add to process.env (only the ones to add or change), and one line
 *   naming the driver and loader chosen.
 */
export function findVulkanEnv() {
  /** @type {Record<string, string>} */
  const env = {};
  const systemLoader = hasSystemVulkanLoader();

  let driver;
  const presetDrivers = process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES;
  const systemManifests = findSystemDriverManifests();

  if (presetDrivers) {
    driver = `${presetDrivers}, preset in the environment`;
  } else if (systemLoader && systemManifests.length > 0 && hasGpuDeviceNode()) {
    driver = `system, ${systemManifests.join(', ')}`;
  } else if (existsSync(SWIFTSHADER_ICD)) {
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    driver = `SwiftShader (CPU) from chromium, ${SWIFTSHADER_ICD}`;
  } else {
    driver = 'none found (install chromium for SwiftShader, or a GPU driver)';
  }

  let loader;
  if (systemLoader) {
    loader = 'the system libvulkan.so.1';
  } else if (existsSync(CHROMIUM_VULKAN_LOADER)) {
    const libraryPath = process.env.LD_LIBRARY_PATH ?? '';
    if (!libraryPath.split(':').includes(CHROMIUM_LIB_DIR)) {
      env.LD_LIBRARY_PATH = libraryPath ? `${CHROMIUM_LIB_DIR}:${libraryPath}` : CHROMIUM_LIB_DIR;
    }
    loader = CHROMIUM_VULKAN_LOADER;
  } else {
    loader = 'none found (no libvulkan.so.1)';
  }

  // Without it the Vulkan loader prints a warning on every start.
  if (!process.env.XDG_RUNTIME_DIR) {
    env.XDG_RUNTIME_DIR = makeRuntimeDir();
  }

  return { env, description: `Vulkan driver: ${driver}. Vulkan loader: ${loader}` };
}

/**
 * Finds a Chromium executable: CHROMIUM_PATH if set, else /usr/bin/chromium,
 * else /usr/bin/chromium-browser.
 *
 * @returns {string | null} the path, or null when none is executable. A
 *   CHROMIUM_PATH that is not executable also gives null, so that a mistyped
 *   override is reported instead of silently replaced by another browser.
 */
export function findChromium() {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    return isExecutable(override) ? override : null;
  }
  return CHROMIUM_CANDIDATES.find(isExecutable) ?? null;
}

/**
 * Builds Chromium's command-line flags for headless WebGPU whose canvases
 * show in screenshots, without any network traffic of the browser's own.
 *
 * @returns {string[]}
 */
export function chromiumArgs() {
  const args = [
    // Keep the browser from contacting update, sync and field-trial servers
    // at start, because the test machines have no network.
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    // Chromium 156 still requests update.googleapis.com and accounts.google.com
    // at start despite the flags above (seen in its net log), so every host
    // name but the loopback ones fails to resolve, and no lookup leaves the
    // browser.
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    // WebGPU on Linux is behind a flag. Without the Vulkan and SwiftShader
    // flags, Chromium 156 fails to create a WebGPU device, and a WebGPU canvas
    // stays blank white in screenshots. Chromium keeps only the last
    // --enable-features it is given, so this one replaces any earlier list,
    // such as Playwright's own.
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    '--use-vulkan=swiftshader',
    '--use-angle=vulkan',
    '--enable-unsafe-swiftshader',
  ];

  // Chromium's sandbox does not start as root.
  if (process.getuid?.() === 0) {
    args.push('--no-sandbox');
  }
  return args;
}

/**
 * Tells whether an adapter's info is that of Dawn's null backend, which
 * accepts work but executes none. With webgpu 0.6.2 it reports device
 * 'null-backend' and an empty vendor, architecture and description.
 *
 * @param {{ vendor: string, architecture: string, device: string, description: string }} info
 * @returns {boolean}
 */
export function isNullBackend(info) {
  const anonymous = !info.vendor && !info.architecture && !info.description;
  return info.device === 'null-backend' || anonymous;
}

function hasSystemVulkanLoader() {
  for (const ldconfig of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    try {
      const cache = execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return /^\s*libvulkan\.so\.1\s/m.test(cache);
    } catch {
      // Not at this path, or not runnable: try the next one.
    }
  }
  return false;
}

function findSystemDriverManifests() {
  const manifests = [];
  for (const dir of SYSTEM_ICD_DIRS) {
    let names;
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      // Dawn rejects Mesa's lavapipe as shipped in Debian 12 (it lacks the
      // shaderUniform*ArrayDynamicIndexing features), so it does not count.
      if (name.endsWith('.json') && !name.startsWith('lvp_icd')) {
        manifests.push(join(dir, name));
      }
    }
  }
  return manifests;
}

/**
 * True when the kernel exposes a GPU: a DRM render node (Mesa's and AMD's
 * drivers), an NVIDIA control device, or WSL's GPU device.
 */
function hasGpuDeviceNode() {
  if (existsSync('/dev/nvidiactl') || existsSync('/dev/dxg')) {
    return true;
  }
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return false;
  }
}

function makeRuntimeDir() {
  const dir = join(tmpdir(), `downhill-xdg-runtime-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
