import type { AddConnectorRequest, ToolSwitch } from "../../../contract/connectors";
import { Connectors as ConnectorService } from "../../connectors/connectors";
import { outcome } from "../../connectors/outcome";
import { ConnectorTable } from "../../connectors/table";
import type { Person } from "../person";
import { CONNECTOR_TABLES } from "./schema";

/** Settings → Connectors: the person's remote MCP servers (worker/connectors/). Tokens never leave this object. */
export class Connectors {
  static readonly tables = CONNECTOR_TABLES;
  readonly service: ConnectorService;

  constructor(person: Person) {
    const { ctx, env, sql } = person;
    this.service = new ConnectorService(new ConnectorTable(sql, env, ctx.id.name ?? ctx.id.toString()), env);
  }

  /** What a chat turn's connectorTools() reads. */
  get table(): ConnectorTable {
    return this.service.table;
  }

  listConnectors() {
    return this.service.list();
  }
  addConnector(input: AddConnectorRequest, origin: string) {
    return outcome(() => this.service.add(input, origin));
  }
  refreshConnector(id: string) {
    return outcome(() => this.service.refresh(id));
  }
  setConnectorToken(id: string, token: string) {
    return outcome(() => this.service.setToken(id, token));
  }
  switchConnectorTool(id: string, name: string, change: ToolSwitch) {
    return outcome(() => this.service.switchTool(id, name, change));
  }
  removeConnector(id: string) {
    return this.service.remove(id);
  }
  startConnectorOAuth(id: string, origin: string) {
    return outcome(() => this.service.startOAuth(id, origin));
  }
  finishConnectorOAuth(params: Parameters<ConnectorService["finishOAuth"]>[0], origin: string) {
    return outcome(() => this.service.finishOAuth(params, origin));
  }
}
