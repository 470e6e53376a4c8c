import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Each runtime (llama.cpp, onnxruntime, transformers.js) runs in a child process of its own: a bad
 * model file can abort a whole process, and the engine must outlive it. Children are TypeScript,
 * loaded through tsx, and get their config as one JSON argument.
 */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export function forkChild(childModule: URL, config: unknown, options: { serialization?: "json" | "advanced" } = {}): ChildProcess {
  return fork(fileURLToPath(childModule), [JSON.stringify(config)], {
    execArgv: ["--import", TSX_LOADER],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    ...options,
  });
}

/** Kills a child at once (it holds no state worth saving) and waits until it is gone. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
