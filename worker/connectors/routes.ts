import { Hono } from "hono";
import {
  addConnectorSchema,
  CONNECTOR_ID_PATTERN,
  connectorTokenSchema,
  type ConnectorList,
  toolSwitchSchema,
} from "../../contract/connectors";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { rateLimit } from "../http/rate-limit";
import { readJson } from "../http/validate";
import { userStore } from "../store/stub";
import { unwrap } from "./outcome";

/** Where the person lands after signing in to a connector's server: Settings → Connectors, told which one. */
const SETTINGS_PAGE = "/connectors";

/**
 * `/api/connectors`: Settings → Connectors. Writes that reach out to a server (add, refresh, a new
 * token, sign-in) are rate-limited like other write routes; a connector's token never appears in an answer.
 */
export const connectors = new Hono<AppEnv>()
  .get("/", async (c) => {
    const body: ConnectorList = { connectors: await userStore(c).listConnectors() };
    return c.json(body);
  })
  .post("/", rateLimit, async (c) => {
    const input = await readJson(c, addConnectorSchema, 16_384);
    return c.json(unwrap(await userStore(c).addConnector(input, originOf(c.req.url))), 201);
  })
  // The authorization server sends the browser here (a top-level GET, so the identity cookie comes along).
  .get("/oauth/callback", async (c) => {
    const query = c.req.query();
    const result = await userStore(c).finishConnectorOAuth(
      { state: query.state, code: query.code, error: query.error_description ?? query.error, iss: query.iss },
      originOf(c.req.url),
    );
    const target = new URL(SETTINGS_PAGE, c.req.url);
    if ("error" in result) target.searchParams.set("error", result.error.message);
    else target.searchParams.set("connector", result.value.id);
    return c.redirect(`${target.pathname}${target.search}`, 303);
  })
  .post("/:id/refresh", rateLimit, async (c) => c.json(unwrap(await userStore(c).refreshConnector(connectorId(c.req.param("id"))))))
  .put("/:id/token", rateLimit, async (c) => {
    const { token } = await readJson(c, connectorTokenSchema, 16_384);
    return c.json(unwrap(await userStore(c).setConnectorToken(connectorId(c.req.param("id")), token)));
  })
  .post("/:id/oauth", rateLimit, async (c) =>
    c.json(unwrap(await userStore(c).startConnectorOAuth(connectorId(c.req.param("id")), originOf(c.req.url)))),
  )
  .patch("/:id/tools/:name", async (c) => {
    const change = await readJson(c, toolSwitchSchema, 4_096);
    const name = c.req.param("name");
    if (name.length > 200) throw new AppError("not_found", "This connector has no tool by that name.");
    return c.json({ connector: unwrap(await userStore(c).switchConnectorTool(connectorId(c.req.param("id")), name, change)) });
  })
  .delete("/:id", async (c) => {
    const removed = await userStore(c).removeConnector(connectorId(c.req.param("id")));
    if (!removed) throw new AppError("not_found", "That connector does not exist (it may already be removed).");
    return c.body(null, 204);
  });

function connectorId(id: string): string {
  if (!CONNECTOR_ID_PATTERN.test(id)) throw new AppError("not_found", "That connector does not exist (it may already be removed).");
  return id;
}

function originOf(url: string): string {
  return new URL(url).origin;
}
