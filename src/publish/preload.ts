/**
 * Starts loading a writer module when a publisher is made, which is before the build: it then
 * loads while go build runs instead of after it.
 */
export function preload<T>(load: () => Promise<T>): () => Promise<T> {
  const loading = load();
  // A failed load is reported when publish awaits it.
  loading.catch(() => undefined);
  return () => loading;
}
