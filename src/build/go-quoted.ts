/**
 * One field of a go flag list such as -ldflags, written as go splits them (cmd/internal/quoted):
 * fields end at spaces, and one that starts with a quote runs to the same quote. Go has no escape
 * there, so a value with spaces and both quotes cannot be one field: undefined.
 */
export function goQuotedField(value: string): string | undefined {
  const space = /[ \t\n\r]/.test(value);
  const single = value.includes("'");
  const double = value.includes('"');
  if (!space && !single && !double) return value;
  if (!single) return `'${value}'`;
  if (!double) return `"${value}"`;
  return undefined;
}
