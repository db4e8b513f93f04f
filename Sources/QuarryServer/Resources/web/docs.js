// Quarry API reference: renders /openapi.json as one section per route
// (method, path, summary, parameters, request and response examples).
// Plain DOM, no inline code or styles, so it runs under `default-src 'self'`.
"use strict";

const METHODS = ["get", "post", "put", "patch", "delete"];

/** Creates an element with a class and text (both optional) and appends the children. */
function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.id) node.id = options.id;
  for (const child of children) node.append(child);
  return node;
}

/** Follows a local `#/components/...` reference. */
function resolve(spec, value) {
  let node = value;
  while (node && node.$ref) {
    node = node.$ref.replace(/^#\//, "").split("/").reduce((object, key) => object?.[key], spec);
  }
  return node;
}

/** A short type label of a JSON schema: `integer (1–50)`, `string`, `Error`, … */
function typeLabel(spec, schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || (schema.oneOf ? "one of" : "any");
  const bounds = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined) bounds.push(`${schema.minimum ?? "…"}–${schema.maximum ?? "…"}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) bounds.push(`${schema.minLength ?? 0}–${schema.maxLength ?? "…"} chars`);
  if (schema.enum) bounds.push(schema.enum.join(", "));
  return bounds.length ? `${type} (${bounds.join("; ")})` : type;
}

/** A table of rows (arrays of strings) under a header row. */
function table(header, rows) {
  const head = el("tr", {}, ...header.map((text) => el("th", { text })));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows.map((row) => el("tr", {}, ...row.map((text) => el("td", { text }))))));
}

/** The fields of an object schema, one row each. */
function fieldRows(spec, schema) {
  const object = resolve(spec, schema);
  if (!object || !object.properties) return [];
  const required = new Set(object.required || []);
  return Object.entries(object.properties).map(([name, property]) => [
    name, typeLabel(spec, property), required.has(name) ? "yes" : "", resolve(spec, property)?.description || property.description || "",
  ]);
}

function example(title, value) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return el("div", {}, el("div", { className: "label", text: title }), el("pre", {}, el("code", { text })));
}

function renderOperation(spec, path, method, operation) {
  const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, "-");
  const head = el("div", { className: "result-head" },
    el("span", { className: "rank", text: method.toUpperCase() }),
    el("code", { className: "source", text: path }),
    el("span", { className: "chapter", text: operation.security?.length ? "admin" : "" }));
  const section = el("section", { className: "panel", id }, head, el("h2", { text: operation.summary || "" }));
  if (operation.description) section.append(el("p", { className: "meta", text: operation.description }));

  const parameters = (operation.parameters || []).map((parameter) => resolve(spec, parameter));
  if (parameters.length) {
    section.append(el("h3", { text: "Parameters" }), table(["name", "in", "type", "required", "description"],
      parameters.map((p) => [p.name, p.in, typeLabel(spec, p.schema), p.required ? "yes" : "", p.description || ""])));
  }
  const body = resolve(spec, operation.requestBody);
  if (body) {
    section.append(el("h3", { text: `Request body${body.required ? "" : " (optional)"}` }));
    for (const [type, media] of Object.entries(body.content || {})) {
      section.append(el("div", { className: "label", text: type }));
      const rows = fieldRows(spec, media.schema);
      if (rows.length) section.append(table(["field", "type", "required", "description"], rows));
      if (media.example !== undefined) section.append(example("Example", media.example));
    }
  }
  section.append(el("h3", { text: "Responses" }));
  const rows = [];
  for (const [status, value] of Object.entries(operation.responses || {})) {
    const response = resolve(spec, value);
    const types = Object.entries(response.content || {}).map(([type, media]) => `${type} ${typeLabel(spec, media.schema)}`.trim());
    rows.push([status, response.description || "", types.join(", ")]);
  }
  section.append(table(["status", "description", "body"], rows));
  for (const [status, value] of Object.entries(operation.responses || {})) {
    for (const media of Object.values(resolve(spec, value).content || {})) {
      if (media.example !== undefined) section.append(example(`Example ${status}`, media.example));
    }
  }
  return { id, section };
}

async function main() {
  try {
    const response = await fetch("/openapi.json", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const spec = await response.json();
    document.getElementById("title").textContent = `${spec.info.title} API ${spec.info.version}`;
    document.getElementById("description").textContent = spec.info.description || "";
    const toc = document.getElementById("toc");
    const routes = document.getElementById("routes");
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of METHODS.filter((name) => item[name])) {
        const { id, section } = renderOperation(spec, path, method, item[method]);
        const link = el("a", { text: `${method.toUpperCase()} ${path}` });
        link.href = `#${id}`;
        toc.append(el("li", {}, link, ` — ${item[method].summary || ""}`));
        routes.append(section);
      }
    }
  } catch (error) {
    document.getElementById("error-message").textContent = String(error.message || error);
    document.getElementById("error").hidden = false;
  }
}

main();
