import type { AddConnectorRequest, ConnectorList, ConnectorResult, ConnectorSummary, ToolSwitch } from "../../contract/connectors";
import { request } from "../api";

const base = "/api/connectors";
const path = (id: string) => `${base}/${encodeURIComponent(id)}`;

export async function listConnectors(): Promise<ConnectorSummary[]> {
  return (await request<ConnectorList>(base)).connectors;
}

export function addConnector(body: AddConnectorRequest): Promise<ConnectorResult> {
  return request(base, { method: "POST", body: JSON.stringify(body) });
}

export function refreshConnector(id: string): Promise<ConnectorResult> {
  return request(`${path(id)}/refresh`, { method: "POST", body: "{}" });
}

export function setConnectorToken(id: string, token: string): Promise<ConnectorResult> {
  return request(`${path(id)}/token`, { method: "PUT", body: JSON.stringify({ token }) });
}

export function startOAuth(id: string): Promise<ConnectorResult> {
  return request(`${path(id)}/oauth`, { method: "POST", body: "{}" });
}

export async function switchTool(id: string, name: string, change: ToolSwitch): Promise<ConnectorSummary> {
  return (
    await request<{ connector: ConnectorSummary }>(`${path(id)}/tools/${encodeURIComponent(name)}`, {
      method: "PATCH",
      body: JSON.stringify(change),
    })
  ).connector;
}

export function removeConnector(id: string): Promise<void> {
  return request(path(id), { method: "DELETE" });
}
