// GitHub's own workflow parser (@actions/workflow-parser), loaded through a hook that lets Node 20
// import its JSON schema.
import { register } from "node:module";

register(new URL("./json-import-hooks.js", import.meta.url));

/** Errors GitHub's parser reports for a workflow (empty when it is valid). */
export async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parser = await import("@actions/workflow-parser");
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (result.value) {
    const template = await parser.convertWorkflowTemplate(result.context, result.value);
    for (const e of template.errors ?? []) errors.push(e.Message);
  }
  return errors;
}
