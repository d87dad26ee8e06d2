// Starts the Express example (examples/express) as a merchant would run it,
// against the Rust demo binary's sandbox gateway: razorpay-demo on ephemeral
// loopback ports (fresh SQLite files) gives the sandbox, whose webhooks go to
// the Express app (SANDBOX_WEBHOOK_URL, signed with a known secret); the
// Express app calls the sandbox as its gateway (RAZORPAY_BASE_URL) with the
// sandbox's key. Resolves { demo, gateway, express, stop }: `demo` is the
// Express app's URL (the page the shopper opens), `express` the same.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startDemo } from '../e2e/harness.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const SANDBOX_KEY_ID = 'rzp_test_sandbox';
export const SANDBOX_KEY_SECRET = 'sandbox_key_secret_0000000000000000';
export const WEBHOOK_SECRET = 'express_e2e_webhook_secret_0123456789';

/** A free loopback port (closed again: the app binds it next). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export async function startExpress(extraEnv = {}) {
  const port = await freePort();
  const sandbox = await startDemo({
    RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${port}/api/webhooks/razorpay`,
    ...extraEnv,
  });
  const child = spawn(process.execPath, ['server.js'], {
    cwd: `${root}examples/express`,
    env: {
      ...process.env,
      PORT: String(port),
      RAZORPAY_BASE_URL: sandbox.gateway,
      RAZORPAY_KEY_ID: SANDBOX_KEY_ID,
      RAZORPAY_KEY_SECRET: SANDBOX_KEY_SECRET,
      RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`express did not start: ${stderr}`)), 15000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/express: (http:\/\/\S+)\n/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`express exited ${code}: ${stderr}`)); });
  });
  return {
    demo: url, express: url, gateway: sandbox.gateway, sandbox,
    output: () => stdout, stderr: () => stderr,
    stop: () => { child.kill(); sandbox.stop(); },
  };
}
