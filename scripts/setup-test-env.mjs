// Checks what the tests need beyond npm: a Chromium executable, and a Vulkan
// driver on which Dawn (the `webgpu` package) gives a real adapter. Installs
// Chromium with apt-get when it is missing and this process may do so.
// Prints one line per check and exits non-zero on the first check that fails.
//
//   node scripts/setup-test-env.mjs      (npm run setup)

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findChromium, findVulkanEnv, isNullBackend } from './webgpu-env.mjs';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

const INSTALL_COMMAND = 'apt-get update && apt-get install -y --no-install-recommends chromium';

// Runs in a child process, because the Vulkan variables only take effect in a
// process started with them. Prints the adapter's info as one JSON line.
const ADAPTER_PROBE = `
import { create } from 'webgpu';

const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (adapter === null) {
  console.log(JSON.stringify(null));
} else {
  const device = await adapter.requestDevice();
  const { vendor, architecture, device: deviceName, description } = adapter.info;
  console.log(JSON.stringify({ vendor, architecture, device: deviceName, description }));
  device.destroy();
}
// Dawn may keep the process alive after its last device is gone.
process.exit(0);
`;

const PROBE_TIMEOUT_MS = 60_000;

function main() {
  const chromium = checkChromium();
  if (chromium === null) {
    return 1;
  }

  const vulkan = findVulkanEnv();
  console.log(`info ${vulkan.description}`);

  return checkAdapter(vulkan.env) ? 0 : 1;
}

/** Finds Chromium, installing it with apt-get where possible, and returns its path or null. */
function checkChromium() {
  const override = process.env.CHROMIUM_PATH;
  let chromium = findChromium();

  if (chromium === null && override) {
    fail(`chromium: CHROMIUM_PATH=${override} is not an executable file; fix or unset it`);
    return null;
  }

  if (chromium === null && canInstallWithApt()) {
    console.log(`info chromium: not found, installing it: ${INSTALL_COMMAND}`);
    if (!installChromium()) {
      fail(`chromium: installation failed (see apt-get's output above); run: ${INSTALL_COMMAND}`);
      return null;
    }
    chromium = findChromium();
  }

  if (chromium === null) {
    fail(
      'chromium: not found at /usr/bin/chromium or /usr/bin/chromium-browser. ' +
        `On Debian or Ubuntu install it as root with: ${INSTALL_COMMAND} ` +
        '(it also ships SwiftShader, the CPU Vulkan driver the GPU tests use without a GPU). ' +
        'Or set CHROMIUM_PATH to a Chromium executable.',
    );
    return null;
  }

  pass(`chromium: ${chromium} (${readChromiumVersion(chromium)})`);
  return chromium;
}

function canInstallWithApt() {
  const isRoot = process.getuid?.() === 0;
  return isRoot && existsSync('/etc/debian_version') && commandExists('apt-get');
}

function installChromium() {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (update.status !== 0) {
    return false;
  }

  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env,
  });
  return install.status === 0;
}

function readChromiumVersion(chromium) {
  const result = spawnSync(chromium, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const version = result.stdout?.trim();
  return version || 'version unknown';
}

/** Requests an adapter through Dawn in a child process, and returns whether it is a real one. */
function checkAdapter(vulkanEnv) {
  if (!existsSync(`${repoRoot}/node_modules/webgpu`)) {
    fail('webgpu adapter: the npm package `webgpu` is not installed; run: npm ci');
    return false;
  }

  const result = spawnSync(process.execPath, ['--input-type=module', '--eval', ADAPTER_PROBE], {
    cwd: repoRoot,
    env: { ...process.env, ...vulkanEnv },
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
  });

  if (result.error || result.status !== 0) {
    const reason = result.error?.message ?? `exit status ${result.status}, signal ${result.signal}`;
    fail(`webgpu adapter: the probe process failed (${reason}):\n${result.stderr}`);
    return false;
  }

  let info;
  try {
    info = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    fail(`webgpu adapter: the probe process printed no adapter info:\n${result.stdout}${result.stderr}`);
    return false;
  }

  if (info === null) {
    fail(
      'webgpu adapter: Dawn found no adapter, so no Vulkan driver is usable. ' +
        `Install chromium for SwiftShader (${INSTALL_COMMAND}), or set VK_ICD_FILENAMES ` +
        `to a Vulkan driver manifest. Dawn's messages:\n${result.stderr}`,
    );
    return false;
  }

  if (isNullBackend(info)) {
    fail(
      `webgpu adapter: got Dawn's null backend (${JSON.stringify(info)}), which executes nothing; ` +
        'provide a Vulkan driver (see the Vulkan line above)',
    );
    return false;
  }

  pass(`webgpu adapter: ${info.vendor} ${info.architecture}, ${info.description} (device ${info.device})`);
  return true;
}

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function pass(message) {
  console.log(`ok   ${message}`);
}

function fail(message) {
  console.error(`FAIL ${message}`);
}

process.exitCode = main();
