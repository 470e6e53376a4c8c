#!/usr/bin/env node
// A stand-in for Wrangler in scripts/deploy's tests (WRANGLER_BIN): it records every command it is
// asked (argv, and stdin for `secret put`) to FAKE_WRANGLER_LOG, answers list commands from the
// account in FAKE_WRANGLER_STATE in Wrangler 4's own output formats, and adds what `create` commands
// create, so a second deploy finds it. FAKE_WRANGLER_STATE's `failOn` makes the command it starts fail.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const statePath = process.env.FAKE_WRANGLER_STATE;
const state = JSON.parse(readFileSync(statePath, "utf8"));
const flag = (name) => {
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
// Words that are not flags nor a flag's value: `r2 bucket create <name>`.
const words = args.filter((a, i) => !a.startsWith("-") && !/^--(name|prefix|expire-days|format)$/.test(args[i - 1] ?? ""));
const positional = (n) => words[n];
const command = words.join(" ");
const stdin = command.startsWith("secret put") ? readFileSync(0, "utf8") : undefined;
appendFileSync(process.env.FAKE_WRANGLER_LOG, `${JSON.stringify({ argv: args, ...(stdin === undefined ? {} : { stdin }) })}\n`);

// Wrangler colours labels white and values grey, even in its plain list output.
const labelled = (view) =>
  Object.entries(view)
    .map(([k, v]) => `\u001b[37m${k}:\u001b[39m  \u001b[90m${v}\u001b[39m`)
    .join("\n");
const fail = (message) => {
  process.stderr.write(`\n\u001b[31m✘ \u001b[41;31m[\u001b[41;97mERROR\u001b[41;31m]\u001b[0m \u001b[1m${message}\u001b[0m\n\n`);
  process.exit(1);
};
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));

if (state.failOn && command.startsWith(state.failOn)) {
  // A Wrangler that repeats its input in an error is the worst case for a secret.
  fail(`A request to the Cloudflare API failed. Authentication error [code: 10000]${stdin ? ` (input was ${stdin})` : ""}`);
}
switch (true) {
  case command === "whoami":
    if (!state.loggedIn) fail("You are not authenticated. Please run `wrangler login`.");
    console.log(JSON.stringify({ loggedIn: true, authType: "OAuth Token", email: "owner@example.com", accounts: [] }));
    break;
  case command === "login":
    state.loggedIn = true;
    save();
    break;
  case command === "r2 bucket list":
    console.log(" ⛅️ wrangler 4.164.0\n────────────────────\nListing buckets...");
    console.log(state.buckets.map((name) => labelled({ name, creation_date: "2026-12-01T10:00:00.000Z" })).join("\n\n"));
    break;
  case command.startsWith("r2 bucket create "):
    state.buckets.push(positional(3));
    save();
    console.log(`Creating bucket '${positional(3)}'...\n✅ Created bucket '${positional(3)}' with default storage class of Standard.`);
    break;
  case command.startsWith("r2 bucket lifecycle list "): {
    if (!state.buckets.includes(positional(4))) fail(`The specified bucket does not exist. [code: 10006]`);
    const rules = state.lifecycle[positional(4)] ?? [];
    console.log(`Listing lifecycle rules for bucket '${positional(4)}'...`);
    if (!rules.length) console.log(`There are no lifecycle rules for bucket '${positional(4)}'.`);
    else
      console.log(
        rules
          .map((name) => labelled({ name, enabled: "Yes", prefix: "pending-uploads/", action: "Expire objects after 2 days" }))
          .join("\n\n"),
      );
    break;
  }
  case command.startsWith("r2 bucket lifecycle add "):
    state.lifecycle[positional(4)] = [...(state.lifecycle[positional(4)] ?? []), flag("name")];
    save();
    console.log(`✨ Added lifecycle rule '${flag("name")}' to bucket '${positional(4)}'.`);
    break;
  case command === "vectorize list":
    console.log(
      JSON.stringify(
        state.indexes.map((name) => ({ name, config: { dimensions: 768, metric: "cosine" } })),
        null,
        2,
      ),
    );
    break;
  case command.startsWith("vectorize create-metadata-index "):
    state.metadata[positional(2)] = [...(state.metadata[positional(2)] ?? []), flag("property-name")];
    save();
    console.log("✅ Successfully enqueued metadata index creation request.");
    break;
  case command.startsWith("vectorize list-metadata-index "):
    console.log(JSON.stringify((state.metadata[positional(2)] ?? []).map((propertyName) => ({ propertyName, indexType: "String" }))));
    break;
  case command.startsWith("vectorize create "):
    state.indexes.push(positional(2));
    save();
    console.log(`✅ Successfully created a new Vectorize index: '${positional(2)}'`);
    break;
  case command === "secret list":
    if (!state.workerExists)
      fail(
        'Worker "workers-ai-chat" not found.\n\nIf this is a new Worker, run `wrangler deploy` first to create it.\nOtherwise, check that the Worker name is correct and you\'re logged into the right account.',
      );
    console.log(
      JSON.stringify(
        state.secrets.map((name) => ({ name, type: "secret_text" })),
        null,
        "  ",
      ),
    );
    break;
  case command.startsWith("secret put "):
    state.workerExists = true; // Wrangler creates a draft Worker to hold the secret
    state.secrets.push(positional(2));
    save();
    console.log(`🌀 Creating the secret for the Worker "workers-ai-chat"\n✨ Success! Uploaded secret ${positional(2)}`);
    break;
  case command === "deploy":
    state.workerExists = true;
    save();
    console.log("Uploaded workers-ai-chat\nDeployed workers-ai-chat triggers\n  https://workers-ai-chat.example.workers.dev");
    break;
  default:
    fail(`The stand-in Wrangler does not know \`${args.join(" ")}\`.`);
}
