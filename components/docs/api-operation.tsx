import { Fragment, type ReactNode } from "react";
import { DataTable } from "@/components/ui/data-table";
import { openApiDocument } from "@/lib/api/registry";
import { UUID_PATTERN } from "@/lib/contracts/common";
import styles from "./api-reference.module.css";

// The reference is rendered from the same document the OpenAPI endpoint serves, so the two agree.
export type Json = Record<string, unknown>;
export const document = openApiDocument();
const components = document.components as Record<string, Record<string, Json>>;

export function deref(value: Json): Json {
  let current = value;
  for (let i = 0; i < 10 && typeof current.$ref === "string"; i++) {
    const [, kind, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(current.$ref) ?? [];
    current = (kind && name && components[kind]?.[name]) || {};
  }
  return current;
}
const refName = (value: Json) => (typeof value.$ref === "string" ? value.$ref.split("/").pop() : undefined);

/** Backticks become <code>, as in the document's Markdown. */
export function inline(text: string): ReactNode {
  return text.split("`").map((part, i) => (i % 2 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>));
}
// The scope paragraph of operation descriptions is shown with the authentication headers instead.
export const paragraphs = (text: unknown) =>
  String(text ?? "")
    .split("\n\n")
    .filter((part) => part && !part.startsWith("Scope: "))
    .map((part, i) => <p key={i}>{inline(part)}</p>);

function typeLabel(schema: Json): string {
  const name = refName(schema);
  if (name) return name;
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (variants) return variants.map(typeLabel).join(" or ");
  if (schema.enum) return (schema.enum as unknown[]).map((value) => JSON.stringify(value)).join(" | ");
  const types = ([] as unknown[]).concat(schema.type ?? "any").map(String);
  if (types.includes("array")) return `array of ${typeLabel((schema.items as Json) ?? {})}`;
  if (types.includes("object") && schema.additionalProperties && typeof schema.additionalProperties === "object")
    return `map of ${typeLabel(schema.additionalProperties as Json)}`;
  return types.join(" or ");
}

function constraints(schema: Json): string {
  const notes: string[] = [];
  if (schema.minLength !== undefined) notes.push(`min ${schema.minLength} chars`);
  if (schema.maxLength !== undefined) notes.push(`max ${schema.maxLength} chars`);
  if (schema.minItems !== undefined) notes.push(`min ${schema.minItems} items`);
  if (schema.maxItems !== undefined) notes.push(`max ${schema.maxItems} items`);
  if (schema.pattern === UUID_PATTERN.source) notes.push("lowercase UUID");
  else if (schema.pattern) notes.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  return notes.join(", ");
}

type FieldRow = { name: string; type: string; required: boolean; notes: string };

/** The fields of a body schema, nested objects and arrays flattened to dotted names. */
function fields(schema: Json, prefix = "", seen = new Set<string>()): FieldRow[] {
  const name = refName(schema);
  if (name) {
    if (seen.has(name)) return [];
    seen = new Set(seen).add(name);
  }
  const resolved = deref(schema);
  const items = resolved.items as Json | undefined;
  if (items) return fields(items, `${prefix}[]`, seen);
  const variants = (resolved.anyOf ?? resolved.oneOf) as Json[] | undefined;
  const object = variants?.find((variant) => deref(variant).properties) ?? resolved;
  const properties = deref(object).properties as Record<string, Json> | undefined;
  if (!properties) return [];
  const required = new Set((deref(object).required as string[] | undefined) ?? []);
  return Object.entries(properties).flatMap(([key, property]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const row = { name: path, type: typeLabel(property), required: required.has(key), notes: constraints(deref(property)) };
    return [row, ...fields(property, path, seen)];
  });
}

/** A reference table: caption, column headings, rows. */
function DocTable({ caption, columns, children }: { caption: ReactNode; columns: string[]; children: ReactNode }) {
  return (
    <DataTable caption={caption} columns={columns} className={styles.table} wrapClassName={styles.tableWrap}>
      {children}
    </DataTable>
  );
}

function FieldTable({ schema, caption }: { schema: Json; caption: string }) {
  const rows = fields(schema);
  if (!rows.length) return <p>{typeLabel(schema)}</p>;
  return (
    <DocTable caption={caption} columns={["Field", "Type", "Required", "Constraints"]}>
      {rows.map((row) => (
        <tr key={row.name}>
          <th scope="row">
            <code>{row.name}</code>
          </th>
          <td>{row.type}</td>
          <td>{row.required ? "yes" : "no"}</td>
          <td>{row.notes}</td>
        </tr>
      ))}
    </DocTable>
  );
}

/** `Authorization: MxToken <PAT>`: the first code span of a security scheme's description. */
const headerOf = (scheme: string) => /`([^`]+)`/.exec(String(components.securitySchemes?.[scheme]?.description ?? ""))?.[1] ?? scheme;
const shellHeader = (header: string) => header.replace("<PAT>", "$ROSTER_PAT").replace("<tenant uuid>", "$ROSTER_TENANT_ID");

function curl(method: string, path: string, operation: Json): string {
  const parameters = ((operation.parameters as Json[] | undefined) ?? []).map(deref);
  let url = path;
  const query: string[] = [];
  for (const parameter of parameters) {
    if (parameter.example === undefined) continue;
    if (parameter.in === "path") url = url.replace(`{${parameter.name}}`, String(parameter.example));
    if (parameter.in === "query") query.push(`${parameter.name}=${String(parameter.example)}`);
  }
  const lines = [`curl -X ${method.toUpperCase()} "$ROSTER_URL${url}${query.length ? `?${query.join("&")}` : ""}"`];
  const requirement = ((operation.security as Json[] | undefined) ?? [])[0] ?? {};
  for (const scheme of Object.keys(requirement)) lines.push(`  -H "${shellHeader(headerOf(scheme))}"`);
  const example = ((operation.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.["application/json"]?.example;
  if (example !== undefined) lines.push(`  -H "Content-Type: application/json"`, `  -d '${JSON.stringify(example)}'`);
  return lines.join(" \\\n");
}

function Auth({ operation }: { operation: Json }) {
  const requirements = (operation.security as Record<string, string[]>[] | undefined) ?? [];
  if (!requirements.length) return <p>None.</p>;
  const scope = Object.values(requirements[0]!).flat()[0];
  return (
    <>
      <ul className={styles.auth}>
        {requirements.map((requirement, i) => (
          <li key={i}>
            {i > 0 && "or "}
            {Object.keys(requirement).map((scheme, j) => (
              <Fragment key={scheme}>
                {j > 0 && " with "}
                <code>{headerOf(scheme)}</code>
              </Fragment>
            ))}
          </li>
        ))}
      </ul>
      {scope && (
        <p>
          Scope: <code>{scope}</code>
        </p>
      )}
    </>
  );
}

export function Operation({ method, path, operation }: { method: string; path: string; operation: Json }) {
  const id = `op-${operation.operationId}`;
  const parameters = ((operation.parameters as Json[] | undefined) ?? []).map(deref);
  const body = ((operation.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.["application/json"];
  const responses = Object.entries(operation.responses as Record<string, Json>);
  return (
    <article className={styles.operation} aria-labelledby={id}>
      <h3 id={id} className={styles.operationTitle}>
        <span className={`${styles.method} ${styles[method]}`}>{method.toUpperCase()}</span> <code>{path}</code>{" "}
        <span className={styles.summary}>{String(operation.summary)}</span>
      </h3>
      {paragraphs(operation.description)}
      <h4>Authentication headers</h4>
      <Auth operation={operation} />
      {parameters.length > 0 && (
        <>
          <h4>Parameters</h4>
          <DocTable caption={`Parameters of ${method.toUpperCase()} ${path}`} columns={["Name", "In", "Required", "Type", "Description"]}>
            {parameters.map((parameter) => (
              <tr key={`${parameter.in}-${parameter.name}`}>
                <th scope="row">
                  <code>{String(parameter.name)}</code>
                </th>
                <td>{String(parameter.in)}</td>
                <td>{parameter.required ? "yes" : "no"}</td>
                <td>
                  {typeLabel((parameter.schema as Json) ?? {})}
                  {constraints((parameter.schema as Json) ?? {}) && <span className={styles.muted}> ({constraints(parameter.schema as Json)})</span>}
                </td>
                <td>{inline(String(parameter.description ?? ""))}</td>
              </tr>
            ))}
          </DocTable>
        </>
      )}
      {body?.schema !== undefined && (
        <>
          <h4>
            Request body <span className={styles.muted}>(application/json, {typeLabel(body.schema as Json)})</span>
          </h4>
          {paragraphs(deref(body.schema as Json).description)}
          <FieldTable schema={body.schema as Json} caption={`Request body of ${method.toUpperCase()} ${path}`} />
        </>
      )}
      <h4>Responses</h4>
      <DocTable caption={`Responses of ${method.toUpperCase()} ${path}`} columns={["Status", "Description", "Body", "Headers"]}>
        {responses.map(([status, response]) => {
          const resolved = deref(response);
          const content = Object.entries((resolved.content as Record<string, Json> | undefined) ?? {});
          return (
            <tr key={status}>
              <th scope="row">{status}</th>
              <td>{inline(String(resolved.description ?? ""))}</td>
              <td>
                {content.length
                  ? content.map(([type, media]) => (
                      <div key={type}>
                        {media.schema ? typeLabel(media.schema as Json) : "any"} <span className={styles.muted}>({type})</span>
                      </div>
                    ))
                  : "none"}
              </td>
              <td className={styles.headers}>{Object.keys((resolved.headers as Json | undefined) ?? {}).join(", ")}</td>
            </tr>
          );
        })}
      </DocTable>
      <h4>Example</h4>
      <pre className={styles.code}>
        <code>{curl(method, path, operation)}</code>
      </pre>
    </article>
  );
}
