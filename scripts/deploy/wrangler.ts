import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DeployError } from "./errors";

/**
 * Wrangler as the deploy runs it: scripts/wrangler.mjs (which borrows Node 22 on an older Node), or
 * WRANGLER_BIN, a script run with this Node, so tests can put a stand-in that records what it is asked.
 */
export function wranglerBin(): string {
  return process.env.WRANGLER_BIN || fileURLToPath(new URL("../wrangler.mjs", import.meta.url));
}

export interface WranglerResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to Wrangler's stdin, then closed. Never printed: it may be a secret. */
  input?: string;
  /** The person sees Wrangler directly (login, deploy): a terminal stays a terminal. */
  interactive?: boolean;
}

/** Runs one Wrangler command and answers its exit code and output; it never throws for a non-zero exit. */
export function runWrangler(args: string[], options: RunOptions = {}): Promise<WranglerResult> {
  return new Promise((resolve, reject) => {
    // Piped stdin and stdout make Wrangler non-interactive: no prompt can wait for an answer nobody
    // gives, and `create` commands do not offer to rewrite wrangler.jsonc.
    const child = spawn(process.execPath, [wranglerBin(), ...args], {
      stdio: options.interactive ? "inherit" : ["pipe", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin?.on("error", () => {}); // a child that exits before reading its input is reported by its exit code
    child.stdin?.end(options.input ?? "");
    child.on("error", (error) => reject(new DeployError(`Wrangler could not be started (${wranglerBin()}): ${error.message}`)));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout, stderr }));
  });
}

/** Runs one Wrangler command that must succeed; a failure stops the deploy, saying which command and why. */
export async function mustRunWrangler(args: string[], options: RunOptions = {}): Promise<WranglerResult> {
  const result = await runWrangler(args, options);
  if (result.code !== 0) throw new DeployError(failureMessage(args, result, options.input));
  return result;
}

export function failureMessage(args: string[], result: WranglerResult, secret?: string): string {
  const said = lastLines(stripAnsi(`${result.stderr}\n${result.stdout}`), 8);
  const text = `\`wrangler ${args.join(" ")}\` failed (exit code ${result.code})${said ? `:\n${said}` : "."}`;
  // Wrangler does not echo stdin, but whatever it prints is printed here: the secret never is.
  return secret ? text.split(secret).join("[secret]") : text;
}

export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

function lastLines(text: string, count: number): string {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .slice(-count)
    .join("\n");
}
