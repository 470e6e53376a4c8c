import { ImagePipeline } from "./pipeline";
import type { ChildConfig, FromChild, ToChild } from "./protocol";

/**
 * The image child: loads the ONNX models once and makes one image at a time. It runs apart from the
 * engine so a malformed model or an out-of-memory at a large size ends this process, not the engine.
 */
const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
const send = (msg: FromChild) => process.send?.(msg);
const aborted = new Set<number>();
let queue = Promise.resolve();

class Aborted extends Error {}

try {
  const pipeline = await ImagePipeline.load(config.modelDir, config.threads);
  process.on("message", (msg: ToChild) => {
    if (msg.type === "abort") return void aborted.add(msg.id);
    queue = queue.then(async () => {
      try {
        const png = await pipeline.generate(msg.request, () => {
          if (aborted.has(msg.id)) throw new Aborted("aborted");
        });
        send({ type: "done", id: msg.id, png });
      } catch (error) {
        send({ type: "error", id: msg.id, message: (error as Error).message });
      } finally {
        aborted.delete(msg.id);
      }
    });
  });
  send({ type: "ready" });
} catch (error) {
  send({ type: "load-error", message: (error as Error).message.split("\n")[0] });
  process.exitCode = 1;
  process.disconnect?.();
}
// The engine gone means nobody is waiting for images.
process.on("disconnect", () => process.exit());
