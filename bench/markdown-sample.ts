/**
 * A long model-like markdown answer: headings, paragraphs with inline code and links, bulleted and
 * numbered lists, tables and fenced code in several languages. Deterministic; `tokens` counts the
 * 4-character pieces the fake Workers AI streams (e2e/support/fake-workers-ai.ts splits text so).
 */
export function markdownAnswer(tokens: number): string {
  const parts: string[] = [];
  const langs = ["ts", "python", "bash", "json", "rust", "go"];
  for (let i = 0; parts.join("").length < tokens * 4; i++) {
    const lang = langs[i % langs.length];
    parts.push(
      `## Section ${i + 1}: handling case ${i}\n\n` +
        `The request goes through the **Worker**, which checks the \`identity\` cookie, then calls the model and streams ` +
        `the answer back. See [the docs](https://developers.cloudflare.com/workers-ai/) for step ${i}; keep *latency* low.\n\n` +
        `- first, validate the input (${i} fields)\n- then save the message\n  - nested detail ${i}\n- finally, stream the answer\n\n` +
        `1. Open the page\n2. Type a question\n3. Read the answer as it streams\n\n` +
        `| Option | Default | Meaning |\n|---|---|---|\n| \`maxTokens\` | ${1024 + i} | longest answer |\n| \`temperature\` | 0.6 | randomness |\n| \`model\` | llama-${i} | who answers |\n\n` +
        "```" +
        lang +
        "\n" +
        codeSample(lang, i) +
        "\n```\n\n" +
        `> Note ${i}: a quoted remark with \`code\` and a [link](https://example.com/${i}).\n\n`,
    );
  }
  return parts.join("").slice(0, tokens * 4);
}

function codeSample(lang: string, i: number): string {
  switch (lang) {
    case "ts":
      return `export async function handle${i}(request: Request): Promise<Response> {\n  const body = await request.json();\n  if (!body.messages) throw new Error("no messages");\n  return new Response(JSON.stringify({ ok: true, n: ${i} }), { headers: { "content-type": "application/json" } });\n}`;
    case "python":
      return `def handle_${i}(items):\n    total = 0\n    for item in items:\n        if item.get("ok"):\n            total += item["value"] * ${i}\n    return total`;
    case "bash":
      return `curl -s -X POST "$BASE/run/model-${i}" \\\n  -H "Authorization: Bearer $TOKEN" \\\n  -d '{"prompt": "hello ${i}"}' | jq .result`;
    case "json":
      return `{\n  "id": ${i},\n  "name": "case-${i}",\n  "tags": ["a", "b", "c"],\n  "nested": { "ok": true, "value": ${i * 3} }\n}`;
    case "rust":
      return `fn handle_${i}(items: &[u32]) -> u32 {\n    items.iter().filter(|x| **x > ${i}).map(|x| x * 2).sum()\n}`;
    default:
      return `func Handle${i}(items []int) int {\n\ttotal := 0\n\tfor _, v := range items {\n\t\ttotal += v * ${i}\n\t}\n\treturn total\n}`;
  }
}
