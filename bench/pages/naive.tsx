/**
 * The naive baseline for bench/render.ts: reads the same `POST /api/chat` stream the chat page
 * reads and, on every chunk, re-renders the whole message with react-markdown (a full re-parse of
 * everything so far), with no block memoization and no throttling.
 */
import { useState } from "react";
import { createRoot } from "react-dom/client";
import ReactMarkdown from "react-markdown";

function App() {
  const [text, setText] = useState("");
  const [done, setDone] = useState(false);
  (window as unknown as { startStream: (id: string) => void }).startStream = async (id: string) => {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id,
        messages: [{ id: `u-${id}`, role: "user", parts: [{ type: "text", text: "Write it all." }] }],
        model: "@cf/meta/llama-3.2-1b-instruct",
      }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let all = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith('data: {"type":"text-delta"')) continue;
        all += (JSON.parse(line.slice(6)) as { delta: string }).delta;
      }
      setText(all);
    }
    setDone(true);
  };
  return (
    <main style={{ maxWidth: 768, margin: "0 auto", fontFamily: "sans-serif" }}>
      <article aria-label="Assistant">
        <ReactMarkdown>{text}</ReactMarkdown>
      </article>
      {done && <p id="done">done</p>}
    </main>
  );
}

createRoot(document.getElementById("root")!).render(<App />);
